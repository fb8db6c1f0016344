// Prometheus: prometheus/common config/http_config.go TLSConfig, TLSVersion, TLSConfig.Validate.
import { joinDir } from './file-path.js';
import { Secret } from './secret.js';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** A TLS protocol version as prometheus.yml names it. */
export type TLSVersion = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';
const TLS_VERSIONS: ReadonlySet<string> = new Set(['TLS10', 'TLS11', 'TLS12', 'TLS13']);

/** `tls_config`: how a client connects with TLS. Empty strings mean "not set". */
export interface TLSConfig {
  /** PEM text of the CA certificate(s) (`ca`). */
  readonly ca: string;
  /** File with the CA certificate(s), resolved against the config file's directory. */
  readonly caFile: string;
  /** PEM text of the client certificate (`cert`). */
  readonly cert: string;
  readonly certFile: string;
  /** PEM text of the client key (`key`), a secret. */
  readonly key: Secret | undefined;
  readonly keyFile: string;
  /** SNI server name, also the name the server certificate is checked against. */
  readonly serverName: string;
  readonly insecureSkipVerify: boolean;
  /** Minimum TLS version; `undefined`: the runtime's default (TLS 1.2, as Go's). */
  readonly minVersion: TLSVersion | undefined;
  readonly maxVersion: TLSVersion | undefined;
}

/** The empty TLS config (Prometheus's zero TLSConfig). */
export const DefaultTLSConfig: TLSConfig = {
  ca: '',
  caFile: '',
  cert: '',
  certFile: '',
  key: undefined,
  keyFile: '',
  serverName: '',
  insecureSkipVerify: false,
  minVersion: undefined,
  maxVersion: undefined,
};

const KEYS: ReadonlySet<string> = new Set([
  'ca',
  'ca_file',
  'cert',
  'cert_file',
  'key',
  'key_file',
  'server_name',
  'insecure_skip_verify',
  'min_version',
  'max_version',
]);

/** Loads and validates a `tls_config` (null or absent: {@link DefaultTLSConfig}). */
export function loadTLSConfig(r: YamlReader, v: YamlValue, dir: string | undefined): TLSConfig {
  if (v.node === null) return DefaultTLSConfig;
  const m = r.map(v, 'config.TLSConfig', KEYS);
  const version = (key: string): TLSVersion | undefined => {
    const s = r.str(m.get(key));
    if (s === undefined) return undefined;
    if (!TLS_VERSIONS.has(s)) r.fail(m.get(key), `unknown TLS version: ${s}`);
    return s as TLSVersion;
  };
  const keyText = r.str(m.get('key')) ?? '';
  const c: TLSConfig = {
    ca: r.str(m.get('ca')) ?? '',
    caFile: joinDir(dir, r.str(m.get('ca_file')) ?? ''),
    cert: r.str(m.get('cert')) ?? '',
    certFile: joinDir(dir, r.str(m.get('cert_file')) ?? ''),
    key: keyText === '' ? undefined : new Secret(keyText),
    keyFile: joinDir(dir, r.str(m.get('key_file')) ?? ''),
    serverName: r.str(m.get('server_name')) ?? '',
    insecureSkipVerify: r.bool(m.get('insecure_skip_verify')) ?? false,
    minVersion: version('min_version'),
    maxVersion: version('max_version'),
  };
  const problem = validateTLSConfig(c);
  if (problem !== undefined) r.fail(v, problem);
  return c;
}

/** Prometheus: TLSConfig.Validate. Returns the problem, or `undefined` when valid. */
export function validateTLSConfig(c: TLSConfig): string | undefined {
  if (c.ca !== '' && c.caFile !== '') return 'at most one of ca and ca_file must be configured';
  if (c.cert !== '' && c.certFile !== '') return 'at most one of cert and cert_file must be configured';
  if (c.key !== undefined && c.keyFile !== '') return 'at most one of key and key_file must be configured';
  const usingCert = c.cert !== '' || c.certFile !== '';
  const usingKey = c.key !== undefined || c.keyFile !== '';
  if (usingCert && !usingKey) {
    return 'exactly one of key or key_file must be configured when a client certificate is configured';
  }
  if (usingKey && !usingCert) {
    return 'exactly one of cert or cert_file must be configured when a client key is configured';
  }
  return undefined;
}
