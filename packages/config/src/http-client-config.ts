// Prometheus: prometheus/common config/http_config.go HTTPClientConfig, BasicAuth, Authorization,
// Headers, DefaultHTTPClientConfig and HTTPClientConfig.Validate (with its messages). Inlined in
// scrape configs, alertmanager configs, remote write/read and HTTP-based SD configs.
import { joinDir } from './file-path.js';
import { loadOAuth2Config, type OAuth2Config } from './oauth2-config.js';
import { DefaultProxyConfig, loadProxyConfig, PROXY_KEYS, type ProxyConfig } from './proxy-config.js';
import { Secret } from './secret.js';
import { DefaultTLSConfig, loadTLSConfig, type TLSConfig } from './tls-config.js';
import { type YamlMap, YamlReader } from './yaml-reader.js';

/** `basic_auth`. At most one of password / password_file, of username / username_file. */
export interface BasicAuth {
  readonly username: string;
  readonly usernameFile: string;
  readonly password: Secret | undefined;
  readonly passwordFile: string;
}

/** `authorization` (also what `bearer_token` / `bearer_token_file` become). */
export interface Authorization {
  /** The scheme, `Bearer` by default; never `basic`. */
  readonly type: string;
  readonly credentials: Secret | undefined;
  readonly credentialsFile: string;
}

/** One entry of `http_headers`: values sent as they are, secret values, and files to read values from. */
export interface HTTPHeader {
  readonly values: readonly string[];
  readonly secrets: readonly Secret[];
  readonly files: readonly string[];
}

/**
 * The common HTTP client configuration (`<http_config>`). `bearer_token` and `bearer_token_file`
 * are folded into {@link HTTPClientConfig.authorization} as Prometheus does while validating.
 */
export interface HTTPClientConfig extends ProxyConfig {
  readonly basicAuth: BasicAuth | undefined;
  readonly authorization: Authorization | undefined;
  readonly oauth2: OAuth2Config | undefined;
  readonly tlsConfig: TLSConfig;
  /** Follow HTTP 3xx redirects (default true). */
  readonly followRedirects: boolean;
  /** Allow HTTP/2 (default true). */
  readonly enableHTTP2: boolean;
  /** Custom headers, by header name; `undefined` when none are configured. */
  readonly httpHeaders: ReadonlyMap<string, HTTPHeader> | undefined;
}

/** Prometheus: config.DefaultHTTPClientConfig. */
export const DefaultHTTPClientConfig: HTTPClientConfig = {
  basicAuth: undefined,
  authorization: undefined,
  oauth2: undefined,
  tlsConfig: DefaultTLSConfig,
  followRedirects: true,
  enableHTTP2: true,
  httpHeaders: undefined,
  ...DefaultProxyConfig,
};

/** The YAML keys of an inlined HTTP client config. */
export const HTTP_CLIENT_KEYS: readonly string[] = [
  'basic_auth',
  'authorization',
  'oauth2',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'follow_redirects',
  'enable_http2',
  'http_headers',
  ...PROXY_KEYS,
];

const BASIC_AUTH_KEYS: ReadonlySet<string> = new Set(['username', 'username_file', 'password', 'password_file']);
const AUTHORIZATION_KEYS: ReadonlySet<string> = new Set(['type', 'credentials', 'credentials_file']);
const HEADER_KEYS: ReadonlySet<string> = new Set(['values', 'secrets', 'files']);
/** Headers Prometheus sets itself and refuses in `http_headers` (common/config reservedHeaders). */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-prometheus-scrape-timeout-seconds',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

/**
 * Reads the HTTP client fields of `m` (a mapping that inlines `<http_config>`), with Prometheus's
 * defaults and validation. Relative file names are resolved against `dir`.
 */
export function loadHTTPClientConfig(r: YamlReader, m: YamlMap, dir: string | undefined): HTTPClientConfig {
  const secret = (s: string | undefined): Secret | undefined =>
    s === undefined || s === '' ? undefined : new Secret(s);
  let basicAuth: BasicAuth | undefined;
  const bav = m.get('basic_auth');
  if (bav.node !== null) {
    const b = r.map(bav, 'config.BasicAuth', BASIC_AUTH_KEYS);
    basicAuth = {
      username: r.str(b.get('username')) ?? '',
      usernameFile: joinDir(dir, r.str(b.get('username_file')) ?? ''),
      password: secret(r.str(b.get('password'))),
      passwordFile: joinDir(dir, r.str(b.get('password_file')) ?? ''),
    };
  }
  let authorization: Authorization | undefined;
  const av = m.get('authorization');
  if (av.node !== null) {
    const a = r.map(av, 'config.Authorization', AUTHORIZATION_KEYS);
    authorization = {
      type: (r.str(a.get('type')) ?? '').trim(),
      credentials: secret(r.str(a.get('credentials'))),
      credentialsFile: joinDir(dir, r.str(a.get('credentials_file')) ?? ''),
    };
  }
  const ov = m.get('oauth2');
  const oauth2 = ov.node === null ? undefined : loadOAuth2Config(r, ov, dir);
  const bearerToken = r.str(m.get('bearer_token')) ?? '';
  const bearerTokenFile = joinDir(dir, r.str(m.get('bearer_token_file')) ?? '');
  let httpHeaders: Map<string, HTTPHeader> | undefined;
  const hv = m.get('http_headers');
  if (hv.node !== null) {
    httpHeaders = new Map();
    for (const [name, h] of r.rawMap(hv, 'config.Headers').entries()) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) r.fail(h, `setting header ${JSON.stringify(name)} is not allowed`);
      const hm = r.map(h, 'config.Header', HEADER_KEYS);
      httpHeaders.set(name, {
        values: r.strList(hm.get('values')) ?? [],
        secrets: (r.strList(hm.get('secrets')) ?? []).map((s) => new Secret(s)),
        files: (r.strList(hm.get('files')) ?? []).map((f) => joinDir(dir, f)),
      });
    }
  }

  // Prometheus: HTTPClientConfig.Validate, in its order and with its messages.
  const fail = (msg: string): never => m.fail(msg);
  if (bearerToken !== '' && bearerTokenFile !== '')
    fail('at most one of bearer_token & bearer_token_file must be configured');
  if ((basicAuth !== undefined || oauth2 !== undefined) && (bearerToken !== '' || bearerTokenFile !== '')) {
    fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  }
  if (basicAuth !== undefined && basicAuth.username !== '' && basicAuth.usernameFile !== '') {
    fail('at most one of basic_auth username & username_file must be configured');
  }
  if (basicAuth !== undefined && basicAuth.password !== undefined && basicAuth.passwordFile !== '') {
    fail('at most one of basic_auth password & password_file must be configured');
  }
  if (authorization !== undefined) {
    if (bearerToken !== '' || bearerTokenFile !== '') {
      fail('authorization is not compatible with bearer_token & bearer_token_file');
    }
    if (authorization.credentials !== undefined && authorization.credentialsFile !== '') {
      fail('at most one of authorization credentials & credentials_file must be configured');
    }
    if (authorization.type === '') authorization = { ...authorization, type: 'Bearer' };
    if (authorization.type.toLowerCase() === 'basic') {
      fail('authorization type cannot be set to "basic", use "basic_auth" instead');
    }
    if (basicAuth !== undefined || oauth2 !== undefined) {
      fail('at most one of basic_auth, oauth2 & authorization must be configured');
    }
  } else if (bearerToken !== '') {
    authorization = { type: 'Bearer', credentials: new Secret(bearerToken), credentialsFile: '' };
  } else if (bearerTokenFile !== '') {
    authorization = { type: 'Bearer', credentials: undefined, credentialsFile: bearerTokenFile };
  }
  if (oauth2 !== undefined) {
    if (basicAuth !== undefined) fail('at most one of basic_auth, oauth2 & authorization must be configured');
    if (oauth2.clientId === '') fail('oauth2 client_id must be configured');
    if (oauth2.tokenUrl === '') fail('oauth2 token_url must be configured');
    if (oauth2.clientSecret !== undefined && oauth2.clientSecretFile !== '') {
      fail('at most one of oauth2 client_secret & client_secret_file must be configured');
    }
  }
  return {
    basicAuth,
    authorization,
    oauth2,
    tlsConfig: loadTLSConfig(r, m.get('tls_config'), dir),
    followRedirects: r.bool(m.get('follow_redirects')) ?? true,
    enableHTTP2: r.bool(m.get('enable_http2')) ?? true,
    httpHeaders,
    ...loadProxyConfig(r, m),
  };
}

/**
 * Reads the `<http_config>` fields of `raw`, an entry given as plain values (an SD config handed to
 * its mechanism's parser: Prometheus inlines `HTTPClientConfig` in http_sd, consul_sd, docker_sd,
 * kubernetes_sd…), with Prometheus's defaults and validation; the other keys of `raw` are left to
 * the caller. Relative file names are resolved against `dir`. Throws a {@link ConfigError} whose
 * message names the field (`tls_config.min_version: …`, `oauth2 client_id must be configured`).
 */
export function parseHTTPClientConfig(
  raw: Readonly<Record<string, unknown>>,
  dir: string | undefined,
): HTTPClientConfig {
  const subset: Record<string, unknown> = {};
  for (const k of HTTP_CLIENT_KEYS) if (Object.hasOwn(raw, k)) subset[k] = raw[k];
  const r = YamlReader.fromValue(subset);
  return loadHTTPClientConfig(r, r.rawMap(r.root()), dir);
}
