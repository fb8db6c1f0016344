// Prometheus: prometheus/common config/http_config.go OAuth2 (client credentials and JWT bearer
// grants), as parsed from prometheus.yml. Fetching tokens is the HTTP client's job.
import { joinDir } from './file-path.js';
import { loadProxyConfig, PROXY_KEYS, type ProxyConfig } from './proxy-config.js';
import { Secret } from './secret.js';
import { loadTLSConfig, type TLSConfig } from './tls-config.js';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** `oauth2`: fetch an access token from `tokenUrl` and send it as a bearer token. */
export interface OAuth2Config extends ProxyConfig {
  readonly clientId: string;
  readonly clientSecret: Secret | undefined;
  readonly clientSecretFile: string;
  /** `client_credentials` (default when empty) or `urn:ietf:params:oauth:grant-type:jwt-bearer`. */
  readonly grantType: string;
  readonly clientCertificateKey: Secret | undefined;
  readonly clientCertificateKeyFile: string;
  readonly clientCertificateKeyId: string;
  /** JWT signature algorithm (RS256 when empty). */
  readonly signatureAlgorithm: string;
  readonly iss: string;
  readonly audience: string;
  readonly claims: ReadonlyMap<string, string>;
  readonly scopes: readonly string[];
  readonly tokenUrl: string;
  readonly endpointParams: ReadonlyMap<string, string>;
  readonly tlsConfig: TLSConfig;
}

const KEYS: ReadonlySet<string> = new Set([
  'client_id',
  'client_secret',
  'client_secret_file',
  'grant_type',
  'client_certificate_key',
  'client_certificate_key_file',
  'client_certificate_key_id',
  'signature_algorithm',
  'iss',
  'audience',
  'claims',
  'scopes',
  'token_url',
  'endpoint_params',
  'tls_config',
  ...PROXY_KEYS,
]);

/** Loads an `oauth2` section; its cross-field checks are made by the enclosing HTTP client config. */
export function loadOAuth2Config(r: YamlReader, v: YamlValue, dir: string | undefined): OAuth2Config {
  const m = r.map(v, 'config.OAuth2', KEYS);
  const secret = (key: string): Secret | undefined => {
    const s = r.str(m.get(key)) ?? '';
    return s === '' ? undefined : new Secret(s);
  };
  return {
    clientId: r.str(m.get('client_id')) ?? '',
    clientSecret: secret('client_secret'),
    clientSecretFile: joinDir(dir, r.str(m.get('client_secret_file')) ?? ''),
    grantType: r.str(m.get('grant_type')) ?? '',
    clientCertificateKey: secret('client_certificate_key'),
    clientCertificateKeyFile: joinDir(dir, r.str(m.get('client_certificate_key_file')) ?? ''),
    clientCertificateKeyId: r.str(m.get('client_certificate_key_id')) ?? '',
    signatureAlgorithm: r.str(m.get('signature_algorithm')) ?? '',
    iss: r.str(m.get('iss')) ?? '',
    audience: r.str(m.get('audience')) ?? '',
    claims: r.strMap(m.get('claims')) ?? new Map(),
    scopes: r.strList(m.get('scopes')) ?? [],
    tokenUrl: r.str(m.get('token_url')) ?? '',
    endpointParams: r.strMap(m.get('endpoint_params')) ?? new Map(),
    tlsConfig: loadTLSConfig(r, m.get('tls_config'), dir),
    ...loadProxyConfig(r, m),
  };
}
