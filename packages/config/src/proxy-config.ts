// Prometheus: prometheus/common config/http_config.go ProxyConfig, ProxyConfig.Validate.
import { goURLParseError } from './go-url.js';
import { Secret } from './secret.js';
import type { YamlMap, YamlReader } from './yaml-reader.js';

/** Proxy settings of an HTTP client (inlined in `http_config` and `oauth2`). */
export interface ProxyConfig {
  /** `proxy_url`, or `undefined` when no proxy is configured. */
  readonly proxyUrl: string | undefined;
  /** Comma-separated hosts, IPs and CIDRs not to proxy; needs `proxyUrl`. */
  readonly noProxy: string;
  /** Use HTTP_PROXY, HTTPS_PROXY and NO_PROXY from the environment. */
  readonly proxyFromEnvironment: boolean;
  /** Headers sent to the proxy with CONNECT; values are secrets. */
  readonly proxyConnectHeader: ReadonlyMap<string, readonly Secret[]>;
}

/** The keys of {@link ProxyConfig} in YAML. */
export const PROXY_KEYS = ['proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'] as const;

/** No proxy. */
export const DefaultProxyConfig: ProxyConfig = {
  proxyUrl: undefined,
  noProxy: '',
  proxyFromEnvironment: false,
  proxyConnectHeader: new Map(),
};

/** Reads the proxy fields of `m` and validates them as Prometheus does. */
export function loadProxyConfig(r: YamlReader, m: YamlMap): ProxyConfig {
  const urlText = r.str(m.get('proxy_url'));
  let proxyUrl: string | undefined;
  if (urlText !== undefined && urlText !== '') {
    const problem = goURLParseError(urlText);
    if (problem !== undefined) r.fail(m.get('proxy_url'), problem);
    proxyUrl = urlText;
  }
  const header = new Map<string, Secret[]>();
  const hv = m.get('proxy_connect_header');
  for (const [name, values] of r.rawMap(hv, 'config.ProxyHeader').entries()) {
    header.set(
      name,
      (r.strList(values) ?? []).map((s) => new Secret(s)),
    );
  }
  const c: ProxyConfig = {
    proxyUrl,
    noProxy: r.str(m.get('no_proxy')) ?? '',
    proxyFromEnvironment: r.bool(m.get('proxy_from_environment')) ?? false,
    proxyConnectHeader: header,
  };
  const problem = validateProxyConfig(c);
  if (problem !== undefined) r.fail(m.value, problem);
  return c;
}

/** Prometheus: ProxyConfig.Validate. Returns the problem, or `undefined` when valid. */
export function validateProxyConfig(c: ProxyConfig): string | undefined {
  if (c.proxyConnectHeader.size > 0 && !c.proxyFromEnvironment && c.proxyUrl === undefined) {
    return 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured';
  }
  if (c.proxyFromEnvironment && c.proxyUrl !== undefined) {
    return 'if proxy_from_environment is configured, proxy_url must not be configured';
  }
  if (c.proxyFromEnvironment && c.noProxy !== '') {
    return 'if proxy_from_environment is configured, no_proxy must not be configured';
  }
  if (c.proxyUrl === undefined && c.noProxy !== '') {
    return 'if no_proxy is configured, proxy_url must also be configured';
  }
  return undefined;
}
