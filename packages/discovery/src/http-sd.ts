// Prometheus: discovery/http/http.go SDConfig, DefaultSDConfig, Discovery (refresh, urlSource).
// Polls a URL answering a JSON list of target groups; each target gets `__meta_url`. A failed
// refresh (status, content type, body) is counted and the last groups stay.
import { HTTP_CLIENT_KEYS, type HTTPClientConfig, httpClientConfigToYAML } from '@tsprom/config';
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
import { formatDurationMs, parseDurationMs } from './duration.js';
import { runRefresh } from './refresh.js';
import { LazySDHTTPClient, parseSDHTTPClientConfig } from './sd-http-client.js';
import { labelSet, parseTargetGroup, type TargetGroup } from './target-group.js';

/** Prometheus urlLabel. */
export const URLLabel = '__meta_url';

/** An `http_sd_configs` entry Prometheus (or tsprom) refuses. */
export class HTTPSDConfigError extends Error {
  override readonly name = 'HTTPSDConfigError';
}

/** `http_sd_configs` entry (Prometheus http.SDConfig). */
export class HTTPSDConfig implements SDConfig {
  readonly name = 'http';
  constructor(
    readonly url: string,
    /** Time between two requests (ms). Default 60 s. */
    readonly refreshIntervalMs: number,
    /** The inlined `<http_config>`: authentication, TLS, OAuth2, proxy, redirects, headers. */
    readonly http: HTTPClientConfig,
  ) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new HTTPDiscoverer(this, options);
  }

  toYAML(): unknown {
    return {
      ...httpClientConfigToYAML(this.http),
      refresh_interval: formatDurationMs(this.refreshIntervalMs),
      url: this.url,
    };
  }
}

/** Prometheus matchContentType. */
const JSON_CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;

/** Polls one `http_sd_configs` URL (Prometheus http.Discovery). */
export class HTTPDiscoverer implements Discoverer {
  #lastLength = 0;
  readonly #client: LazySDHTTPClient;

  constructor(
    readonly config: HTTPSDConfig,
    readonly options: DiscovererOptions,
  ) {
    this.#client = new LazySDHTTPClient(config.http);
  }

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    try {
      yield* runRefresh(
        { mechanism: 'http', intervalMs: this.config.refreshIntervalMs, refresh: (s) => this.refresh(s) },
        this.options,
        signal,
      );
    } finally {
      await this.#client.close();
    }
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
    const client = await this.#client.get();
    // Prometheus bounds a request only by the refresh context; a refresh interval is the most one may take here.
    const res = await client.request(c.url, {
      headers,
      signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(1000, c.refreshIntervalMs))]),
    });
    if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
    const ct = (res.header('content-type') ?? '').trim();
    if (!JSON_CONTENT_TYPE.test(ct)) throw new Error(`unsupported content type ${JSON.stringify(ct)}`);
    const body = res.body;
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

const KEYS: ReadonlySet<string> = new Set(['url', 'refresh_interval', ...HTTP_CLIENT_KEYS]);

/** `http_sd_configs`, Prometheus's HTTP-based service discovery. */
export const httpSD: SDMechanism = {
  key: 'http_sd_configs',
  name: 'http',
  parse(raw, ctx) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new HTTPSDConfigError('http_sd_configs entry must be a mapping');
    }
    const o = raw as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!KEYS.has(k)) throw new HTTPSDConfigError(`field ${k} not found in type http.plain`);
    }
    if (o.url !== undefined && o.url !== null && typeof o.url !== 'string') {
      throw new HTTPSDConfigError('url must be a string');
    }
    const url = o.url ?? '';
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
    const refreshIntervalMs =
      o.refresh_interval === undefined || o.refresh_interval === null
        ? 60_000
        : parseDurationMs(String(o.refresh_interval));
    return new HTTPSDConfig(url, refreshIntervalMs, parseSDHTTPClientConfig(o, ctx.baseDir, HTTPSDConfigError));
  },
};
