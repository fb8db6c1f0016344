// Prometheus: discovery/http/http.go SDConfig, DefaultSDConfig, Discovery (refresh, urlSource).
// Polls a URL answering a JSON list of target groups; each target gets `__meta_url`. A failed
// refresh (status, content type, body) is counted and the last groups stay.
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
import { formatDurationMs, parseDurationMs } from './duration.js';
import { runRefresh } from './refresh.js';
import { labelSet, parseTargetGroup, type TargetGroup } from './target-group.js';

/** Prometheus urlLabel. */
export const URLLabel = '__meta_url';

/** An `http_sd_configs` entry Prometheus (or tsprom) refuses. */
export class HTTPSDConfigError extends Error {
  override readonly name = 'HTTPSDConfigError';
}

/** The HTTP client settings http_sd supports: credentials sent with each request. */
export interface HTTPSDClientConfig {
  readonly basicAuth?: { readonly username: string; readonly password: string } | undefined;
  readonly authorization?: { readonly type: string; readonly credentials: string } | undefined;
  readonly followRedirects: boolean;
  readonly enableHTTP2: boolean;
}

/** `http_sd_configs` entry (Prometheus http.SDConfig). */
export class HTTPSDConfig implements SDConfig {
  readonly name = 'http';
  constructor(
    readonly url: string,
    /** Time between two requests (ms). Default 60 s. */
    readonly refreshIntervalMs: number,
    readonly http: HTTPSDClientConfig,
  ) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new HTTPDiscoverer(this, options);
  }

  toYAML(): unknown {
    const out: Record<string, unknown> = {};
    const h = this.http;
    if (h.basicAuth !== undefined) out.basic_auth = { username: h.basicAuth.username, password: h.basicAuth.password };
    if (h.authorization !== undefined) {
      out.authorization = { type: h.authorization.type, credentials: h.authorization.credentials };
    }
    out.follow_redirects = h.followRedirects;
    out.enable_http2 = h.enableHTTP2;
    out.refresh_interval = formatDurationMs(this.refreshIntervalMs);
    out.url = this.url;
    return out;
  }
}

/** Prometheus matchContentType. */
const JSON_CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;

/** Polls one `http_sd_configs` URL (Prometheus http.Discovery). */
export class HTTPDiscoverer implements Discoverer {
  #lastLength = 0;

  constructor(
    readonly config: HTTPSDConfig,
    readonly options: DiscovererOptions,
  ) {}

  run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    return runRefresh(
      { mechanism: 'http', intervalMs: this.config.refreshIntervalMs, refresh: (s) => this.refresh(s) },
      this.options,
      signal,
    );
  }

  /** One request: every group of the answer, then empty groups for sources that went away. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    try {
      return await this.#refresh(signal);
    } catch (err) {
      if (!signal.aborted) {
        this.options.metrics?.inc(
          'prometheus_sd_http_failures_total',
          'Number of HTTP service discovery refresh failures.',
        );
      }
      throw err;
    }
  }

  async #refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const c = this.config;
    const headers: Record<string, string> = {
      'User-Agent': 'tsprom',
      Accept: 'application/json',
      'X-Prometheus-Refresh-Interval-Seconds': String(c.refreshIntervalMs / 1000),
    };
    if (c.http.basicAuth !== undefined) {
      const { username, password } = c.http.basicAuth;
      headers.Authorization = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)))}`;
    }
    if (c.http.authorization !== undefined) {
      headers.Authorization = `${c.http.authorization.type} ${c.http.authorization.credentials}`;
    }
    // Prometheus bounds a request only by the refresh context; a refresh interval is the most one may take here.
    const res = await fetch(c.url, {
      headers,
      redirect: c.http.followRedirects ? 'follow' : 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(1000, c.refreshIntervalMs))]),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
    const ct = (res.headers.get('content-type') ?? '').trim();
    if (!JSON_CONTENT_TYPE.test(ct)) throw new Error(`unsupported content type ${JSON.stringify(ct)}`);
    const list: unknown = JSON.parse(body);
    if (!Array.isArray(list)) throw new Error('json: cannot unmarshal a non-list into []*targetgroup.Group');
    const groups: TargetGroup[] = [];
    for (const [i, g] of list.entries()) {
      if (g === null) throw new Error('nil target group item found');
      const tg = parseTargetGroup(g, urlSource(c.url, i));
      groups.push({ ...tg, labels: labelSet({ ...tg.labels, [URLLabel]: c.url }) });
    }
    const n = groups.length;
    for (let i = n; i < this.#lastLength; i++)
      groups.push({ targets: [], labels: labelSet({}), source: urlSource(c.url, i) });
    this.#lastLength = n;
    return groups;
  }
}

/** Prometheus urlSource. */
export function urlSource(url: string, i: number): string {
  return `${url}:${i}`;
}

const KEYS = new Set(['url', 'refresh_interval', 'basic_auth', 'authorization', 'follow_redirects', 'enable_http2']);
/** Prometheus http_config fields tsprom's http_sd does not implement: refused rather than ignored. */
const UNSUPPORTED = new Set([
  'bearer_token',
  'bearer_token_file',
  'oauth2',
  'tls_config',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'http_headers',
]);

function mapping(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HTTPSDConfigError(`${what} must be a mapping`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new HTTPSDConfigError(`${what} must be a string`);
  return v;
}

function bool(v: unknown, what: string, def: boolean): boolean {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') throw new HTTPSDConfigError(`${what} must be a boolean`);
  return v;
}

/** `http_sd_configs`, Prometheus's HTTP-based service discovery. */
export const httpSD: SDMechanism = {
  key: 'http_sd_configs',
  name: 'http',
  parse(raw) {
    const o = mapping(raw, 'http_sd_configs entry');
    for (const k of Object.keys(o)) {
      if (UNSUPPORTED.has(k)) throw new HTTPSDConfigError(`${k} is not supported by tsprom's http_sd_configs yet`);
      if (!KEYS.has(k)) throw new HTTPSDConfigError(`field ${k} not found in type http.plain`);
    }
    const url = str(o.url, 'url');
    if (url === '') throw new HTTPSDConfigError('URL is missing');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new HTTPSDConfigError(`parse ${JSON.stringify(url)}: invalid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new HTTPSDConfigError("URL scheme must be 'http' or 'https'");
    }
    if (parsed.host === '') throw new HTTPSDConfigError('host is missing in URL');
    let refreshIntervalMs = 60_000;
    if (o.refresh_interval !== undefined && o.refresh_interval !== null) {
      refreshIntervalMs = parseDurationMs(String(o.refresh_interval));
    }
    let basicAuth: HTTPSDClientConfig['basicAuth'];
    if (o.basic_auth !== undefined && o.basic_auth !== null) {
      const b = mapping(o.basic_auth, 'basic_auth');
      for (const k of Object.keys(b)) {
        if (k !== 'username' && k !== 'password') {
          throw new HTTPSDConfigError(`basic_auth: ${k} is not supported by tsprom's http_sd_configs yet`);
        }
      }
      basicAuth = {
        username: str(b.username, 'basic_auth.username'),
        password: str(b.password, 'basic_auth.password'),
      };
    }
    let authorization: HTTPSDClientConfig['authorization'];
    if (o.authorization !== undefined && o.authorization !== null) {
      const a = mapping(o.authorization, 'authorization');
      for (const k of Object.keys(a)) {
        if (k !== 'type' && k !== 'credentials') {
          throw new HTTPSDConfigError(`authorization: ${k} is not supported by tsprom's http_sd_configs yet`);
        }
      }
      const type = str(a.type, 'authorization.type') || 'Bearer';
      if (type.toLowerCase() === 'basic') {
        throw new HTTPSDConfigError(`authorization type cannot be set to "basic", use "basic_auth" instead`);
      }
      authorization = { type, credentials: str(a.credentials, 'authorization.credentials') };
    }
    if (basicAuth !== undefined && authorization !== undefined) {
      throw new HTTPSDConfigError(
        'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
      );
    }
    return new HTTPSDConfig(url, refreshIntervalMs, {
      basicAuth,
      authorization,
      followRedirects: bool(o.follow_redirects, 'follow_redirects', true),
      enableHTTP2: bool(o.enable_http2, 'enable_http2', true),
    });
  },
};
