// Prometheus: prometheus/common config/http_config.go: the transport part of NewClientFromConfig
// (TLS, proxy, redirects, idle connections) and secret reading, on undici.
import { readFile } from 'node:fs/promises';
import type { ProxyConfig, Secret, TLSConfig, TLSVersion } from '@tsprom/config';
import type { Dispatcher } from 'undici';
import { loadUndici } from './load-undici.js';

const TLS_VERSIONS: Record<TLSVersion, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Prometheus's idle connection timeout (config_util: 5 minutes): connections outlive the interval. */
const IDLE_TIMEOUT_MS = 5 * 60_000;

/** A secret's value from its file (trimmed, as Prometheus reads it) or inline; '' when neither. */
export async function secretValue(inline: Secret | string | undefined, file: string): Promise<string> {
  if (file !== '') return (await readFile(file, 'utf8')).trim();
  if (inline === undefined) return '';
  return typeof inline === 'string' ? inline : inline.reveal();
}

/** undici connect options from a `tls_config`; reads its files. */
export async function tlsConnectOptions(tls: TLSConfig): Promise<Record<string, unknown>> {
  const read = (f: string) => (f === '' ? undefined : readFile(f, 'utf8'));
  const [caFile, certFile, keyFile] = await Promise.all([read(tls.caFile), read(tls.certFile), read(tls.keyFile)]);
  const ca = caFile ?? (tls.ca === '' ? undefined : tls.ca);
  const cert = certFile ?? (tls.cert === '' ? undefined : tls.cert);
  const key = keyFile ?? tls.key?.reveal();
  return {
    ca,
    cert,
    key: key === '' ? undefined : key,
    servername: tls.serverName === '' ? undefined : tls.serverName,
    rejectUnauthorized: !tls.insecureSkipVerify,
    minVersion: TLS_VERSIONS[tls.minVersion ?? 'TLS12'],
    maxVersion: tls.maxVersion === undefined ? undefined : TLS_VERSIONS[tls.maxVersion],
  };
}

/**
 * A keep-alive undici dispatcher for `connect` options, through the proxy `p` configures. With
 * `allowH2` (`enable_http2`), HTTPS connections offer HTTP/2 by ALPN, as Go's transport does; plain
 * HTTP stays HTTP/1.1 (Go does not speak h2c either).
 */
export async function newDispatcher(
  p: ProxyConfig,
  connect: Record<string, unknown>,
  followRedirects: boolean,
  allowH2 = false,
): Promise<Dispatcher> {
  const { Agent, EnvHttpProxyAgent, interceptors } = await loadUndici();
  // No header or body timeout (undici's default is 300 s each): Go's transport has none, callers
  // bound a request with their own signal (a scrape's timeout), and a Kubernetes watch or a Consul
  // blocking query may rightly stay silent for minutes.
  const agentOpts = {
    keepAliveTimeout: IDLE_TIMEOUT_MS,
    keepAliveMaxTimeout: IDLE_TIMEOUT_MS,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect,
    allowH2,
  };
  const proxyHeaders: Record<string, string> = {};
  for (const [k, vs] of p.proxyConnectHeader) proxyHeaders[k] = vs.map((s) => s.reveal()).join(', ');
  // proxyTunnel false: plain-HTTP targets are fetched through the proxy with an absolute URL, as
  // Go's transport does; HTTPS targets always tunnel with CONNECT.
  let base: Dispatcher;
  if (p.proxyFromEnvironment) {
    base = new EnvHttpProxyAgent({ ...agentOpts, requestTls: connect, headers: proxyHeaders, proxyTunnel: false });
  } else if (p.proxyUrl !== undefined && p.proxyUrl !== '') {
    base = new EnvHttpProxyAgent({
      ...agentOpts,
      requestTls: connect,
      headers: proxyHeaders,
      proxyTunnel: false,
      httpProxy: p.proxyUrl,
      httpsProxy: p.proxyUrl,
      noProxy: p.noProxy,
    });
  } else {
    base = new Agent(agentOpts);
  }
  // Go's client follows at most 10 redirects.
  return followRedirects ? base.compose(interceptors.redirect({ maxRedirections: 10 })) : base;
}
