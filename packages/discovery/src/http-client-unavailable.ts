// `#http-client` where there is no Node (browsers, workers): requests go through fetch, which
// takes the credentials written in the config and `http_headers` values; what needs Node (secret
// and TLS files, client certificates, a CA, OAuth2, proxies, a Unix socket) is refused clearly.
import type { HTTPClientConfig } from '@tsprom/config';
import type { SDHTTPClient, SDHTTPClientOptions, SDHTTPRequest, SDHTTPResponse } from './sd-http-client.js';

function needsNode(cfg: HTTPClientConfig, options: SDHTTPClientOptions): string | undefined {
  const t = cfg.tlsConfig;
  if (options.socketPath !== undefined) return 'a unix:// host';
  if (cfg.oauth2 !== undefined) return 'oauth2';
  if (t.ca !== '' || t.caFile !== '' || t.cert !== '' || t.certFile !== '' || t.keyFile !== '' || t.key !== undefined)
    return 'tls_config';
  if (t.insecureSkipVerify || t.serverName !== '') return 'tls_config';
  if (cfg.proxyFromEnvironment || (cfg.proxyUrl ?? '') !== '') return 'a proxy';
  if (cfg.basicAuth !== undefined && (cfg.basicAuth.usernameFile !== '' || cfg.basicAuth.passwordFile !== ''))
    return 'basic_auth files';
  if (cfg.authorization !== undefined && cfg.authorization.credentialsFile !== '') return 'credentials_file';
  for (const h of cfg.httpHeaders?.values() ?? []) if (h.files.length > 0) return 'http_headers files';
  return undefined;
}

/** An SD client over fetch; rejects a config that needs Node. */
export async function createSDHTTPClient(cfg: HTTPClientConfig, options: SDHTTPClientOptions): Promise<SDHTTPClient> {
  const what = needsNode(cfg, options);
  if (what !== undefined) throw new Error(`service discovery with ${what} needs Node: it runs under Node only`);
  const auth: Record<string, string> = {};
  if (cfg.basicAuth !== undefined) {
    const bytes = new TextEncoder().encode(`${cfg.basicAuth.username}:${cfg.basicAuth.password?.reveal() ?? ''}`);
    auth.authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  } else if (cfg.authorization !== undefined) {
    auth.authorization = `${cfg.authorization.type} ${cfg.authorization.credentials?.reveal() ?? ''}`;
  }
  for (const [name, h] of cfg.httpHeaders ?? []) {
    const vals = [...h.values, ...h.secrets.map((s) => s.reveal())];
    if (vals.length > 0) auth[name.toLowerCase()] = vals.join(', ');
  }
  return {
    async request(url: string, req: SDHTTPRequest): Promise<SDHTTPResponse> {
      const res = await fetch(url, {
        method: req.method ?? 'GET',
        headers: { ...req.headers, ...auth },
        redirect: cfg.followRedirects ? 'follow' : 'manual',
        signal: req.signal,
      });
      const body = await res.text();
      return {
        status: res.status,
        statusText: res.statusText,
        header: (name) => res.headers.get(name) ?? undefined,
        body,
      };
    },
    close: async () => {},
  };
}
