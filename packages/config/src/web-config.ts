// Prometheus: prometheus/exporter-toolkit web/tls_config.go Config, TLSConfig, HTTPConfig,
// getConfig, validateHeaderConfig, validateTLSPaths and the checks of ConfigToTLSConfig that need no
// file; golang.org/x/crypto/bcrypt Cost. The web configuration file (`--web.config.file`): TLS,
// basic auth users with bcrypt hashes, extra response headers. Errors carry the text Go's
// exporter-toolkit prints (`promtool check web-config` shows it), decoded strictly as yaml.v2's
// UnmarshalStrict: unknown fields and wrong types are errors with their line.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { joinDir } from './file-path.js';

/** The web configuration is invalid; the message is exporter-toolkit's. */
export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
}

/** Go's tls.ClientAuthType names accepted by `client_auth_type`. */
export type ClientAuthType =
  | 'NoClientCert'
  | 'RequestClientCert'
  | 'RequireAnyClientCert'
  | 'VerifyClientCertIfGiven'
  | 'RequireAndVerifyClientCert';

/** A TLS protocol version as the file names it. */
export type WebTLSVersion = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

/** `tls_server_config`. File paths are resolved against the web config file's directory. */
export interface WebTLSConfig {
  readonly certFile: string;
  readonly keyFile: string;
  /** As written ('' when absent: no client certificate). */
  readonly clientAuthType: string;
  readonly clientCAFile: string;
  readonly clientAllowedSans: readonly string[] | undefined;
  readonly minVersion: WebTLSVersion;
  readonly maxVersion: WebTLSVersion;
  /** Go cipher suite names (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`), all known. */
  readonly cipherSuites: readonly string[];
  readonly preferServerCipherSuites: boolean;
  /** Go curve names (`CurveP256`, `X25519`), all known. */
  readonly curvePreferences: readonly string[];
}

/** The parsed web configuration file. */
export interface WebConfig {
  readonly tls: WebTLSConfig;
  readonly http2: boolean;
  /** `http_server_config.headers`: set on every response. */
  readonly headers: ReadonlyMap<string, string>;
  /** `basic_auth_users`: user → bcrypt hash. Empty: no basic auth. */
  readonly users: ReadonlyMap<string, string>;
}

const TLS_VERSIONS: ReadonlySet<string> = new Set(['TLS10', 'TLS11', 'TLS12', 'TLS13']);

/** Go's tls.CipherSuites() names (the secure ones) with OpenSSL's names, as node:tls takes them. */
export const GO_CIPHER_SUITES: ReadonlyMap<string, string> = new Map([
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
  ['TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384'],
  ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
]);

/** Go's tls.CurveID names with OpenSSL's. */
export const GO_CURVES: ReadonlyMap<string, string> = new Map([
  ['CurveP256', 'P-256'],
  ['CurveP384', 'P-384'],
  ['CurveP521', 'P-521'],
  ['X25519', 'X25519'],
]);

// Prometheus: exporter-toolkit web/tls_config.go extraHTTPHeaders (null: any value).
const EXTRA_HEADERS: ReadonlyMap<string, readonly string[] | null> = new Map([
  ['Strict-Transport-Security', null],
  ['X-Content-Type-Options', ['nosniff']],
  ['X-Frame-Options', ['deny', 'sameorigin']],
  ['X-XSS-Protection', null],
  ['Content-Security-Policy', null],
]);

/** A strict decoder collecting yaml.v2's "unmarshal errors" lines. */
class Decoder {
  readonly errors: string[] = [];
  readonly #lc: LineCounter;

  constructor(lc: LineCounter) {
    this.#lc = lc;
  }

  line(n: Node): number {
    return n.range ? this.#lc.linePos(n.range[0]).line : 0;
  }

  /** yaml.v2's `cannot unmarshal !!tag \`value\` into type`. */
  mismatch(n: Node, into: string): void {
    let tag = '!!map';
    let text = '';
    if (isSeq(n)) tag = '!!seq';
    else if (isScalar(n)) {
      const v = n.value;
      tag =
        typeof v === 'number'
          ? Number.isInteger(v)
            ? '!!int'
            : '!!float'
          : typeof v === 'boolean'
            ? '!!bool'
            : '!!str';
      text = ` \`${String(n.source ?? v)}\``;
    }
    this.errors.push(`line ${this.line(n)}: cannot unmarshal ${tag}${text} into ${into}`);
  }

  /** The pairs of a mapping node with known keys; unknown keys are reported. */
  struct(n: Node | null, type: string, keys: ReadonlySet<string>): Map<string, Node | null> {
    const out = new Map<string, Node | null>();
    if (n === null || (isScalar(n) && n.value === null)) return out;
    if (!isMap(n)) {
      this.mismatch(n, type);
      return out;
    }
    for (const pair of n.items) {
      const k = pair.key as Node;
      const name = isScalar(k) ? String(k.value) : '';
      if (!keys.has(name)) {
        this.errors.push(`line ${this.line(k)}: field ${name} not found in type ${type}`);
        continue;
      }
      out.set(name, (pair.value as Node | null) ?? null);
    }
    return out;
  }

  /** Any scalar as its text (yaml.v2 keeps a scalar's text for a string); null → ''. */
  string(n: Node | null | undefined, into = 'string'): string {
    if (n === null || n === undefined) return '';
    if (!isScalar(n)) {
      this.mismatch(n, into);
      return '';
    }
    if (n.value === null) return '';
    return typeof n.value === 'string' ? n.value : String(n.source ?? n.value);
  }

  bool(n: Node | null | undefined, dflt: boolean): boolean {
    if (n === undefined) return dflt;
    if (n === null) return false;
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    if (isScalar(n) && n.value === null) return false;
    this.mismatch(n, 'bool');
    return dflt;
  }

  strings(n: Node | null | undefined, into: string): string[] | undefined {
    if (n === undefined || n === null || (isScalar(n) && n.value === null)) return undefined;
    if (!isSeq(n)) {
      this.mismatch(n, into);
      return undefined;
    }
    return n.items.map((item) => this.string(item as Node, into.slice(2)));
  }

  stringMap(n: Node | null | undefined, into: string): Map<string, string> {
    const out = new Map<string, string>();
    if (n === undefined || n === null || (isScalar(n) && n.value === null)) return out;
    if (!isMap(n)) {
      this.mismatch(n, into);
      return out;
    }
    for (const pair of n.items) {
      out.set(this.string(pair.key as Node), this.string((pair.value as Node | null) ?? null));
    }
    return out;
  }
}

const CONFIG_KEYS: ReadonlySet<string> = new Set(['tls_server_config', 'http_server_config', 'basic_auth_users']);
const TLS_KEYS: ReadonlySet<string> = new Set([
  'cert_file',
  'key_file',
  'client_auth_type',
  'client_ca_file',
  'client_allowed_sans',
  'min_version',
  'max_version',
  'cipher_suites',
  'prefer_server_cipher_suites',
  'curve_preferences',
]);
const HTTP_KEYS: ReadonlySet<string> = new Set(['http2', 'headers']);

function version(d: Decoder, n: Node | null | undefined, dflt: WebTLSVersion): WebTLSVersion {
  if (n === undefined) return dflt;
  const s = d.string(n);
  if (!TLS_VERSIONS.has(s)) throw new WebConfigError(`unknown TLS version: ${s}`);
  return s as WebTLSVersion;
}

/**
 * Parses a web configuration file's text as exporter-toolkit's getConfig: strict YAML, defaults
 * (TLS 1.2 to 1.3, HTTP/2 on), headers checked, file paths joined onto `dir`. Throws
 * WebConfigError with Go's message.
 */
export function parseWebConfig(text: string, dir: string | undefined): WebConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lc, uniqueKeys: true, merge: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0]?.line ?? 0;
    const msg = syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new WebConfigError(`yaml: line ${line}: ${msg}`);
  }
  const d = new Decoder(lc);
  const root = d.struct((doc.contents as Node | null) ?? null, 'web.Config', CONFIG_KEYS);
  const t = d.struct(root.get('tls_server_config') ?? null, 'web.TLSConfig', TLS_KEYS);
  const h = d.struct(root.get('http_server_config') ?? null, 'web.HTTPConfig', HTTP_KEYS);
  const users = d.stringMap(root.get('basic_auth_users'), 'map[string]config.Secret');
  const headers = d.stringMap(h.get('headers'), 'map[string]string');
  const sans = d.strings(t.get('client_allowed_sans'), '[]string');
  const rawCiphers = d.strings(t.get('cipher_suites'), '[]web.Cipher') ?? [];
  const rawCurves = d.strings(t.get('curve_preferences'), '[]web.Curve') ?? [];
  const http2 = d.bool(h.get('http2'), true);
  const prefer = d.bool(t.get('prefer_server_cipher_suites'), true);
  const tlsStrings = ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file'].map((k) => d.string(t.get(k)));
  // Scalar decoders (versions, ciphers, curves) fail fast, as their UnmarshalYAML returns at once.
  const minVersion = version(d, t.get('min_version'), 'TLS12');
  const maxVersion = version(d, t.get('max_version'), 'TLS13');
  for (const c of rawCiphers) if (!GO_CIPHER_SUITES.has(c)) throw new WebConfigError(`unknown cipher: ${c}`);
  for (const c of rawCurves) if (!GO_CURVES.has(c)) throw new WebConfigError(`unknown curve: ${c}`);
  if (d.errors.length > 0) throw new WebConfigError(`yaml: unmarshal errors:\n  ${d.errors.join('\n  ')}`);
  for (const [k, v] of headers) {
    if (!EXTRA_HEADERS.has(k)) throw new WebConfigError(`HTTP header ${JSON.stringify(k)} can not be configured`);
    const allowed = EXTRA_HEADERS.get(k);
    if (allowed && !allowed.includes(v)) {
      throw new WebConfigError(
        `invalid value for ${k}. Expected one of: [${allowed.map((a) => JSON.stringify(a)).join(' ')}], but got: ${JSON.stringify(v)}`,
      );
    }
  }
  const [certFile, keyFile, clientAuthType, clientCAFile] = tlsStrings as [string, string, string, string];
  return {
    tls: {
      certFile: joinDir(dir, certFile),
      keyFile: joinDir(dir, keyFile),
      clientAuthType,
      clientCAFile: joinDir(dir, clientCAFile),
      clientAllowedSans: sans,
      minVersion,
      maxVersion,
      cipherSuites: rawCiphers,
      preferServerCipherSuites: prefer,
      curvePreferences: rawCurves,
    },
    http2,
    headers,
    users,
  };
}

/** Whether the file turns TLS on (exporter-toolkit's errNoTLSConfig when not). */
export function webTLSEnabled(c: WebTLSConfig): boolean {
  return c.certFile !== '' || c.keyFile !== '' || c.clientAuthType !== '' || c.clientCAFile !== '';
}

const CLIENT_AUTH: ReadonlySet<string> = new Set([
  '',
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'RequireClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
]);

/**
 * The checks of exporter-toolkit's validateTLSPaths and ConfigToTLSConfig that read no file, in
 * its order: missing cert or key file, then (after the key pair loads, the caller's part) the
 * client auth policy. `keyPair` loads the certificate and key, throwing WebConfigError.
 */
export function validateWebTLS(c: WebTLSConfig, keyPair: () => void): ClientAuthType | undefined {
  if (!webTLSEnabled(c)) return undefined;
  if (c.certFile === '') throw new WebConfigError('missing cert_file');
  if (c.keyFile === '') throw new WebConfigError('missing key_file');
  keyPair();
  if (!CLIENT_AUTH.has(c.clientAuthType)) throw new WebConfigError(`Invalid ClientAuth: ${c.clientAuthType}`);
  const auth = (
    c.clientAuthType === ''
      ? 'NoClientCert'
      : c.clientAuthType === 'RequireClientCert'
        ? 'RequireAnyClientCert'
        : c.clientAuthType
  ) as ClientAuthType;
  if (c.clientCAFile !== '' && auth === 'NoClientCert') {
    throw new WebConfigError("Client CA's have been configured without a Client Auth Policy");
  }
  return auth;
}

// Prometheus: golang.org/x/crypto/bcrypt Cost (decodeVersion, decodeCost, checkCost).
/** Checks a bcrypt hash's form as Go's bcrypt.Cost does; throws WebConfigError with its message. */
export function checkBcryptHash(hash: string): number {
  if (hash.length < 59) throw new WebConfigError('crypto/bcrypt: hashedSecret too short to be a bcrypted password');
  if (hash[0] !== '$') {
    throw new WebConfigError(
      `crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '${hash[0]}'`,
    );
  }
  if (hash[1]! > '2') {
    throw new WebConfigError(
      `crypto/bcrypt: bcrypt algorithm version '${hash[1]}' requested is newer than current version '2'`,
    );
  }
  const rest = hash[2] === '$' ? hash.slice(3) : hash.slice(4);
  const costText = rest.slice(0, 2);
  if (!/^\d\d$/.test(costText))
    throw new WebConfigError(`strconv.Atoi: parsing ${JSON.stringify(costText)}: invalid syntax`);
  const cost = Number(costText);
  if (cost < 4 || cost > 31) {
    throw new WebConfigError(`crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`);
  }
  return cost;
}

/**
 * exporter-toolkit's Validate on a file's text: parsed, every user's hash checked, then the TLS
 * settings (`loadKeyPair` reads the certificate and key, throwing WebConfigError as Go's
 * `failed to load X509KeyPair: …`). Returns the configuration and the client auth policy (undefined:
 * no TLS).
 */
export function validateWebConfig(
  text: string,
  dir: string | undefined,
  loadKeyPair: (certFile: string, keyFile: string) => void,
): { config: WebConfig; clientAuth: ClientAuthType | undefined } {
  const config = parseWebConfig(text, dir);
  for (const hash of config.users.values()) checkBcryptHash(hash);
  const clientAuth = validateWebTLS(config.tls, () => loadKeyPair(config.tls.certFile, config.tls.keyFile));
  return { config, clientAuth };
}
