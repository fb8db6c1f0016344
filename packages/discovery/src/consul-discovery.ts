// Prometheus: discovery/consul/consul.go Discovery (Run, watchServices, watchService,
// consulService.watch) over Consul's HTTP API: the catalog's services are watched with blocking
// queries (`index`, `wait`), and each service to discover with /v1/health/service/<name>; one
// target group per service (source: its name). A failed request is logged and counted
// (prometheus_sd_consul_rpc_failures_total), retried later, and the last groups stay.
import type { HTTPClientConfig } from '@tsprom/config';
import type { Discoverer, DiscovererOptions } from './discoverer.js';
import { LazySDHTTPClient } from './sd-http-client.js';
import { labelSet, type LabelSet, type TargetGroup } from './target-group.js';

/** The fields of a `consul_sd_configs` entry, defaults filled (Prometheus consul.SDConfig). */
export interface ConsulSDFields {
  readonly server: string;
  readonly pathPrefix: string;
  readonly token: string;
  readonly datacenter: string;
  readonly namespace: string;
  readonly partition: string;
  readonly tagSeparator: string;
  readonly scheme: 'http' | 'https';
  readonly allowStale: boolean;
  readonly refreshIntervalMs: number;
  readonly services: readonly string[];
  readonly tags: readonly string[];
  readonly nodeMeta: Readonly<Record<string, string>>;
  readonly filter: string;
  /** The inlined `<http_config>` (`username`/`password` folded into its basic_auth). */
  readonly http: HTTPClientConfig;
}

/** Prometheus's consul meta labels. */
export const ConsulLabels = {
  address: '__meta_consul_address',
  node: '__meta_consul_node',
  metadata: '__meta_consul_metadata_',
  serviceMetadata: '__meta_consul_service_metadata_',
  tags: '__meta_consul_tags',
  service: '__meta_consul_service',
  health: '__meta_consul_health',
  serviceAddress: '__meta_consul_service_address',
  servicePort: '__meta_consul_service_port',
  datacenter: '__meta_consul_dc',
  namespace: '__meta_consul_namespace',
  partition: '__meta_consul_partition',
  taggedAddress: '__meta_consul_tagged_address_',
  serviceID: '__meta_consul_service_id',
} as const;

/** Prometheus watchTimeout: how long a blocking query may wait for a change. */
const WATCH_TIMEOUT_S = 120;
/** Prometheus retryInterval: the wait after a failed request. */
const RETRY_MS = 15_000;

/** One entry of /v1/health/service/<name> (the fields Prometheus reads). */
interface ServiceEntry {
  Node?: { Node?: string; Address?: string; TaggedAddresses?: Record<string, string>; Meta?: Record<string, string> };
  Service?: {
    ID?: string;
    Tags?: string[] | null;
    Address?: string;
    Port?: number;
    Meta?: Record<string, string> | null;
    Namespace?: string;
    Partition?: string;
  };
  Checks?: { CheckID?: string; Status?: string }[];
}

/** Discovers the services of one `consul_sd_configs` entry. */
export class ConsulDiscoverer implements Discoverer {
  readonly #retryMs: number;
  readonly #client: LazySDHTTPClient;

  constructor(
    readonly config: ConsulSDFields,
    readonly options: DiscovererOptions,
    /** Wait after a failed request (ms); Prometheus's 15 s unless a test says otherwise. */
    retryMs = RETRY_MS,
  ) {
    this.#retryMs = retryMs;
    this.#client = new LazySDHTTPClient(config.http);
  }

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    const pending = new Map<string, TargetGroup>();
    let wake: (() => void) | undefined;
    const push = (g: TargetGroup) => {
      pending.set(g.source, g);
      wake?.();
    };
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    const watchers = new Map<string, { abort: AbortController; done: Promise<void> }>();
    const catalog = this.#watchCatalog(signal, push, watchers);
    try {
      for (;;) {
        if (pending.size === 0 && !signal.aborted) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        if (signal.aborted) return;
        const out = [...pending.values()];
        pending.clear();
        yield out;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const w of watchers.values()) w.abort.abort();
      await catalog;
      await Promise.all([...watchers.values()].map((w) => w.done));
      await this.#client.close();
    }
  }

  /** Prometheus Run and watchServices: follows the catalog, starting and stopping service watches. */
  async #watchCatalog(
    signal: AbortSignal,
    push: (g: TargetGroup) => void,
    watchers: Map<string, { abort: AbortController; done: Promise<void> }>,
  ): Promise<void> {
    const c = this.config;
    let dc = c.datacenter;
    let index = 0;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        if (dc === '') {
          const self = (await this.#get('/v1/agent/self', new URLSearchParams(), signal)).body as {
            Config?: { Datacenter?: string };
          };
          dc = self.Config?.Datacenter ?? '';
          if (dc === '') throw new Error('invalid value for datacenter in /v1/agent/self');
        }
        const q = this.#query(dc, index);
        const { body, index: next } = await this.#get('/v1/catalog/services', q, signal);
        // An index that went backwards (a Consul restart) starts over; the same one is no change.
        if (next !== index) {
          index = next < index ? 0 : next;
          const services = body as Record<string, string[] | null>;
          const current = new Set<string>();
          for (const [name, tags] of Object.entries(services)) {
            if (!this.#shouldWatch(name, tags ?? [])) continue;
            current.add(name);
            if (!watchers.has(name)) {
              const abort = new AbortController();
              const s = AbortSignal.any([signal, abort.signal]);
              watchers.set(name, { abort, done: this.#watchService(name, dc, s, push) });
            }
          }
          for (const [name, w] of watchers) {
            if (current.has(name)) continue;
            w.abort.abort();
            watchers.delete(name);
            push({ targets: [], labels: labelSet({}), source: name }); // The service is gone.
          }
        }
      } catch (err) {
        if (signal.aborted) return;
        this.#failed('Error refreshing service list', err);
        await sleep(this.#retryMs, signal);
        continue;
      }
      await sleep(c.refreshIntervalMs - (Date.now() - started), signal);
    }
  }

  /** Prometheus consulService.watch: the service's instances, one group, on every change. */
  async #watchService(name: string, dc: string, signal: AbortSignal, push: (g: TargetGroup) => void): Promise<void> {
    let index = 0;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        const q = this.#query(dc, index);
        for (const t of this.config.tags) q.append('tag', t);
        const { body, index: next } = await this.#get(`/v1/health/service/${encodeURIComponent(name)}`, q, signal);
        if (next !== index) {
          index = next < index ? 0 : next;
          push(this.#group(name, dc, body as ServiceEntry[]));
        }
      } catch (err) {
        if (signal.aborted) return;
        this.#failed('Error refreshing service', err, name);
        await sleep(this.#retryMs, signal);
        continue;
      }
      await sleep(this.config.refreshIntervalMs - (Date.now() - started), signal);
    }
  }

  #group(name: string, dc: string, entries: readonly ServiceEntry[]): TargetGroup {
    const sep = this.config.tagSeparator;
    const targets: LabelSet[] = [];
    for (const e of entries ?? []) {
      const node = e.Node ?? {};
      const svc = e.Service ?? {};
      const port = String(svc.Port ?? 0);
      const tags = svc.Tags ?? [];
      const l: Record<string, string> = {
        __address__: joinHostPort(svc.Address ? svc.Address : (node.Address ?? ''), port),
        [ConsulLabels.address]: node.Address ?? '',
        [ConsulLabels.node]: node.Node ?? '',
        [ConsulLabels.namespace]: svc.Namespace ?? '',
        [ConsulLabels.partition]: svc.Partition ?? '',
        [ConsulLabels.tags]: tags.length > 0 ? `${sep}${tags.join(sep)}${sep}` : '',
        [ConsulLabels.serviceAddress]: svc.Address ?? '',
        [ConsulLabels.servicePort]: port,
        [ConsulLabels.serviceID]: svc.ID ?? '',
        [ConsulLabels.health]: aggregatedStatus(e.Checks ?? []),
      };
      for (const [k, v] of Object.entries(node.Meta ?? {})) l[ConsulLabels.metadata + sanitize(k)] = v;
      for (const [k, v] of Object.entries(svc.Meta ?? {})) l[ConsulLabels.serviceMetadata + sanitize(k)] = v;
      for (const [k, v] of Object.entries(node.TaggedAddresses ?? {})) l[ConsulLabels.taggedAddress + sanitize(k)] = v;
      targets.push(labelSet(l));
    }
    return { targets, labels: labelSet({ [ConsulLabels.service]: name, [ConsulLabels.datacenter]: dc }), source: name };
  }

  #shouldWatch(name: string, tags: readonly string[]): boolean {
    const c = this.config;
    if (c.services.length > 0 && !c.services.includes(name)) return false;
    return c.tags.every((t) => tags.includes(t));
  }

  /** The query options of every request (Prometheus QueryOptions). */
  #query(dc: string, index: number): URLSearchParams {
    const c = this.config;
    const q = new URLSearchParams();
    q.set('dc', dc);
    if (c.allowStale) q.set('stale', '');
    if (c.namespace !== '') q.set('ns', c.namespace);
    if (c.partition !== '') q.set('partition', c.partition);
    if (c.filter !== '') q.set('filter', c.filter);
    for (const [k, v] of Object.entries(c.nodeMeta)) q.append('node-meta', `${k}:${v}`);
    if (index > 0) {
      q.set('index', String(index));
      q.set('wait', `${WATCH_TIMEOUT_S}s`);
    }
    return q;
  }

  async #get(path: string, q: URLSearchParams, signal: AbortSignal): Promise<{ body: unknown; index: number }> {
    const c = this.config;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (c.token !== '') headers['X-Consul-Token'] = c.token;
    const url = `${c.scheme}://${c.server}${c.pathPrefix}${path}?${q.toString().replace(/stale=(&|$)/, 'stale$1')}`;
    // A blocking query answers within its wait (plus Consul's jitter of wait/16); bounded above that.
    const timeout = AbortSignal.timeout((WATCH_TIMEOUT_S + 30) * 1000);
    const client = await this.#client.get();
    const res = await client.request(url, { headers, signal: AbortSignal.any([signal, timeout]) });
    const text = res.body;
    if (res.status !== 200) throw new Error(`Unexpected response code: ${res.status} (${text.trim()})`);
    const index = Number(res.header('x-consul-index') ?? '0');
    return { body: JSON.parse(text) as unknown, index: Number.isSafeInteger(index) && index > 0 ? index : 0 };
  }

  #failed(msg: string, err: unknown, service?: string): void {
    this.options.metrics?.inc('prometheus_sd_consul_rpc_failures_total', 'The number of Consul RPC call failures.');
    this.options.logger.error(msg, {
      ...(service === undefined ? {} : { service }),
      err: err instanceof Error ? err.message : String(err),
    });
  }
}

/** Consul HealthChecks.AggregatedStatus. */
export function aggregatedStatus(checks: readonly { CheckID?: string; Status?: string }[]): string {
  let warning = false;
  let critical = false;
  let maintenance = false;
  for (const c of checks) {
    const id = c.CheckID ?? '';
    if (id === '_node_maintenance' || id.startsWith('_service_maintenance:')) {
      maintenance = true;
      continue;
    }
    switch (c.Status) {
      case 'passing':
        break;
      case 'warning':
        warning = true;
        break;
      case 'critical':
        critical = true;
        break;
      default:
        return '';
    }
  }
  if (maintenance) return 'maintenance';
  if (critical) return 'critical';
  if (warning) return 'warning';
  return 'passing'; // Passing checks, or none at all.
}

/** Prometheus strutil.SanitizeLabelName. */
function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Go's net.JoinHostPort. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
