// Prometheus: discovery/moby/docker.go DockerDiscovery (refresh) and network.go
// getNetworksLabels, over the Docker Engine API: /containers/json (running containers, `filters`
// as JSON) and /networks, after negotiating the API version with /_ping as Docker's Go client
// does. One group (source `Docker`) with a target per container network and exposed TCP port. A
// failed refresh is logged and counted (prometheus_sd_refresh_failures_total{mechanism="docker"})
// and the last groups stay.
import type { Discoverer, DiscovererOptions } from './discoverer.js';
import { DefaultHTTPClientConfig } from '@tsprom/config';
import { type DockerHost, type DockerSDFields, parseDockerHost } from './docker-sd-fields.js';
import { runRefresh } from './refresh.js';
import { LazySDHTTPClient, type SDHTTPResponse } from './sd-http-client.js';
import { labelSet, type LabelSet, type TargetGroup } from './target-group.js';

/** Prometheus's docker meta labels (docker.go and network.go with the `__meta_docker_` prefix). */
export const DockerLabels = {
  containerID: '__meta_docker_container_id',
  containerName: '__meta_docker_container_name',
  containerImage: '__meta_docker_container_image',
  containerImageID: '__meta_docker_container_image_id',
  containerNetworkMode: '__meta_docker_container_network_mode',
  containerLabel: '__meta_docker_container_label_',
  networkID: '__meta_docker_network_id',
  networkName: '__meta_docker_network_name',
  networkScope: '__meta_docker_network_scope',
  networkInternal: '__meta_docker_network_internal',
  networkIngress: '__meta_docker_network_ingress',
  networkLabel: '__meta_docker_network_label_',
  networkIP: '__meta_docker_network_ip',
  portPrivate: '__meta_docker_port_private',
  portPublic: '__meta_docker_port_public',
  portPublicIP: '__meta_docker_port_public_ip',
} as const;

/** The newest Engine API version asked for; an older daemon's own version is used instead. */
export const DOCKER_API_VERSION = '1.47';

/** A /containers/json entry: the fields Prometheus reads (Docker's container.Summary). */
export interface DockerContainer {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Labels?: Record<string, string> | null;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] | null;
  HostConfig?: { NetworkMode?: string } | null;
  NetworkSettings?: { Networks?: Record<string, DockerEndpoint | null> | null } | null;
}

/** A container's endpoint in one network (Docker's network.EndpointSettings). */
export interface DockerEndpoint {
  NetworkID?: string;
  IPAddress?: string;
}

/** A /networks entry (Docker's network.Summary). */
export interface DockerNetwork {
  Id: string;
  Name?: string;
  Scope?: string;
  Internal?: boolean;
  Ingress?: boolean;
  Labels?: Record<string, string> | null;
}

/** What turns containers into targets besides the daemon's answers. */
export interface DockerTargetOptions {
  readonly port: number;
  readonly hostNetworkingHost: string;
  readonly matchFirstNetwork: boolean;
}

/** Discovers the containers of one `docker_sd_configs` entry. */
export class DockerDiscoverer implements Discoverer {
  readonly #host: DockerHost;
  readonly #client: LazySDHTTPClient;
  #version: string | undefined;

  constructor(
    readonly config: DockerSDFields,
    readonly options: DiscovererOptions,
  ) {
    this.#host = parseDockerHost(config.host);
    // Prometheus passes its HTTP client options to TCP hosts only: a Unix socket gets the defaults.
    this.#client =
      this.#host.proto === 'unix'
        ? new LazySDHTTPClient(DefaultHTTPClientConfig, { socketPath: this.#host.addr })
        : new LazySDHTTPClient(config.http);
  }

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    try {
      yield* runRefresh(
        { mechanism: 'docker', intervalMs: this.config.refreshIntervalMs, refresh: (s) => this.refresh(s) },
        this.options,
        signal,
      );
    } finally {
      await this.#client.close();
    }
  }

  /** One refresh: the containers and networks now, as one group. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const c = this.config;
    const client = await this.#client.get();
    // Prometheus bounds HTTP hosts' requests by the refresh interval; one is the most a refresh may take.
    const s = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1000, c.refreshIntervalMs))]);
    const h = this.#host;
    // Docker's client names a Unix socket's daemon api.moby.localhost (the Host header).
    const origin = h.proto === 'unix' ? 'http://api.moby.localhost' : `${h.proto}://${h.addr}`;
    const headers = { 'User-Agent': 'tsprom', Accept: 'application/json' };
    const get = (path: string) => client.request(`${origin}${path}`, { headers, signal: s });
    if (this.#version === undefined) {
      // Docker client NegotiateAPIVersion: the daemon's version when older than the client's.
      const ping = await get(`${this.#host.basePath}/_ping`);
      if (ping.status !== 200) throw new Error(`error while negotiating the API version: ${describe(ping)}`);
      const server = ping.header('api-version') ?? '1.24';
      this.#version = compareVersions(server, DOCKER_API_VERSION) < 0 ? server : DOCKER_API_VERSION;
    }
    const base = `${this.#host.basePath}/v${this.#version}`;
    const query = filtersQuery(c.filters);
    const list = await get(`${base}/containers/json${query === '' ? '' : `?filters=${encodeURIComponent(query)}`}`);
    if (list.status !== 200) throw new Error(`error while listing containers: ${describe(list)}`);
    const containers = jsonList<DockerContainer>(list.body, 'containers');
    const nets = await get(`${base}/networks`);
    if (nets.status !== 200) throw new Error(`error while computing network labels: ${describe(nets)}`);
    const networks = jsonList<DockerNetwork>(nets.body, 'networks');
    return [{ source: 'Docker', labels: labelSet({}), targets: dockerTargets(containers, networks, c) }];
  }
}

/**
 * Prometheus DockerDiscovery.refresh's target building: for each container with a name, its
 * networks (those of the container whose network it shares, `container:<id>`; only the first by
 * name when `matchFirstNetwork` and there are several), and in each network one target per TCP
 * port (`ip:private port`), or one target on `port` (`hostNetworkingHost` in host mode) when
 * it exposes none.
 */
export function dockerTargets(
  containers: readonly DockerContainer[],
  networks: readonly DockerNetwork[],
  o: DockerTargetOptions,
): LabelSet[] {
  const networkLabels = new Map<string, Record<string, string>>();
  for (const n of networks) networkLabels.set(n.Id, networkMetaLabels(n));
  const byID = new Map<string, DockerContainer>();
  for (const c of containers) byID.set(c.Id, c);
  const targets: LabelSet[] = [];
  for (const c of containers) {
    const names = c.Names ?? [];
    if (names.length === 0) continue;
    const mode = c.HostConfig?.NetworkMode ?? '';
    const common: Record<string, string> = {
      [DockerLabels.containerID]: c.Id,
      [DockerLabels.containerName]: names[0]!,
      [DockerLabels.containerImage]: c.Image ?? '',
      [DockerLabels.containerImageID]: c.ImageID ?? '',
      [DockerLabels.containerNetworkMode]: mode,
    };
    for (const [k, v] of Object.entries(c.Labels ?? {})) common[DockerLabels.containerLabel + sanitize(k)] = v;
    let nets = endpoints(c);
    // A container sharing another's network stack (`container:<id>`) has none of its own.
    let shared = mode;
    const seen = new Set<string>([c.Id]);
    while (nets.length === 0 && shared.startsWith('container:')) {
      const id = shared.slice('container:'.length);
      const other = byID.get(id);
      if (other === undefined || seen.has(id)) break;
      seen.add(id);
      nets = endpoints(other);
      shared = other.HostConfig?.NetworkMode ?? '';
    }
    if (o.matchFirstNetwork && nets.length > 1) nets = [nets[0]!]; // Sorted by name: the first.
    for (const [, n] of nets) {
      const ip = n.IPAddress ?? '';
      const netLabels = networkLabels.get(n.NetworkID ?? '');
      let added = false;
      for (const p of c.Ports ?? []) {
        if (p.Type !== 'tcp') continue;
        const l: Record<string, string> = {
          [DockerLabels.networkIP]: ip,
          [DockerLabels.portPrivate]: String(p.PrivatePort),
        };
        if ((p.PublicPort ?? 0) > 0) {
          l[DockerLabels.portPublic] = String(p.PublicPort);
          l[DockerLabels.portPublicIP] = p.IP ?? '';
        }
        Object.assign(l, common, netLabels);
        l.__address__ = joinHostPort(ip, String(p.PrivatePort));
        targets.push(labelSet(l));
        added = true;
      }
      if (!added) {
        const l: Record<string, string> = { [DockerLabels.networkIP]: ip };
        Object.assign(l, common, netLabels);
        l.__address__ = mode !== 'host' ? joinHostPort(ip, String(o.port)) : o.hostNetworkingHost;
        targets.push(labelSet(l));
      }
    }
  }
  return targets;
}

/** A container's non-null endpoints by network name, sorted by name. */
function endpoints(c: DockerContainer): [string, DockerEndpoint][] {
  const nets = Object.entries(c.NetworkSettings?.Networks ?? {}).filter(
    (e): e is [string, DockerEndpoint] => e[1] !== null && typeof e[1] === 'object',
  );
  return nets.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Prometheus getNetworksLabels for one network. */
function networkMetaLabels(n: DockerNetwork): Record<string, string> {
  const l: Record<string, string> = {
    [DockerLabels.networkID]: n.Id,
    [DockerLabels.networkName]: n.Name ?? '',
    [DockerLabels.networkScope]: n.Scope ?? '',
    [DockerLabels.networkInternal]: String(n.Internal === true),
    [DockerLabels.networkIngress]: String(n.Ingress === true),
  };
  for (const [k, v] of Object.entries(n.Labels ?? {})) l[DockerLabels.networkLabel + sanitize(k)] = v;
  return l;
}

/** Docker filters.ToJSON: `{"name": {"value": true}}`, empty when there is no filter. */
export function filtersQuery(filters: DockerSDFields['filters']): string {
  const m: Record<string, Record<string, boolean>> = {};
  for (const f of filters) {
    const values = m[f.name] ?? {};
    for (const v of f.values) values[v] = true;
    m[f.name] = values;
  }
  return Object.keys(m).length === 0 ? '' : JSON.stringify(m);
}

function jsonList<T>(body: string, what: string): T[] {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (err) {
    throw new Error(`decoding the daemon's ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!Array.isArray(v)) throw new Error(`decoding the daemon's ${what}: not a JSON list`);
  return v as T[];
}

/** The daemon's error: Docker answers `{"message": "..."}` with its status. */
function describe(res: SDHTTPResponse): string {
  let msg = res.body.trim();
  try {
    const m = (JSON.parse(msg) as { message?: unknown }).message;
    if (typeof m === 'string') msg = m;
  } catch {
    // Not JSON: the body as it came.
  }
  return `Error response from daemon (status ${res.status})${msg === '' ? '' : `: ${msg}`}`;
}

/** Docker versions.LessThan and friends: dotted numbers compared piecewise. */
function compareVersions(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = Number(x[i] ?? 0) - Number(y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Prometheus strutil.SanitizeLabelName. */
function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Go's net.JoinHostPort. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
