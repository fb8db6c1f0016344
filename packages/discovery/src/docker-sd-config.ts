// Prometheus: discovery/moby/docker.go DockerSDConfig, DefaultDockerSDConfig, Filter and
// UnmarshalYAML. The config is pure; the discoverer (docker-discovery.ts) reaches the daemon through
// the SD HTTP client (`#http-client`: a Unix socket or TCP) only when it runs.
import { HTTP_CLIENT_KEYS, httpClientConfigToYAML } from '@tsprom/config';
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
import { parseSDHTTPClientConfig } from './sd-http-client.js';
import { DockerDiscoverer } from './docker-discovery.js';
import { type DockerFilter, DockerSDConfigError, type DockerSDFields, parseDockerHost } from './docker-sd-fields.js';
import { formatDurationMs, parseDurationMs } from './duration.js';

/** `docker_sd_configs` entry. */
export class DockerSDConfig implements SDConfig {
  readonly name = 'docker';
  constructor(readonly fields: DockerSDFields) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new DockerDiscoverer(this.fields, options);
  }

  /** Prometheus's field order: the inline http_config first, then DockerSDConfig's own. */
  toYAML(): unknown {
    const f = this.fields;
    const out: Record<string, unknown> = httpClientConfigToYAML(f.http);
    out.host = f.host;
    out.port = f.port;
    out.filters = f.filters.map((x) => ({ name: x.name, values: [...x.values] }));
    out.host_networking_host = f.hostNetworkingHost;
    out.refresh_interval = formatDurationMs(f.refreshIntervalMs);
    out.match_first_network = f.matchFirstNetwork;
    return out;
  }
}

const KEYS = new Set([
  'host',
  'port',
  'filters',
  'host_networking_host',
  'refresh_interval',
  'match_first_network',
  ...HTTP_CLIENT_KEYS,
]);

function mapping(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new DockerSDConfigError(`${what} must be a mapping`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new DockerSDConfigError(`${what} must be a string`);
  return v;
}

function bool(v: unknown, what: string, def: boolean): boolean {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') throw new DockerSDConfigError(`${what} must be a boolean`);
  return v;
}

function filters(v: unknown): DockerFilter[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DockerSDConfigError('filters must be a list of {name, values}');
  return v.map((raw, i) => {
    const o = mapping(raw, `filters[${i}]`);
    for (const k of Object.keys(o)) {
      if (k !== 'name' && k !== 'values') throw new DockerSDConfigError(`field ${k} not found in type moby.Filter`);
    }
    const values = o.values ?? [];
    if (!Array.isArray(values) || values.some((x) => typeof x !== 'string')) {
      throw new DockerSDConfigError(`filters[${i}].values must be a list of strings`);
    }
    return { name: str(o.name, `filters[${i}].name`), values: values as string[] };
  });
}

/** `docker_sd_configs`, Prometheus's Docker Engine service discovery. */
export const dockerSD: SDMechanism = {
  key: 'docker_sd_configs',
  name: 'docker',
  parse(raw, ctx) {
    const o = mapping(raw, 'docker_sd_configs entry');
    for (const k of Object.keys(o)) {
      if (!KEYS.has(k)) throw new DockerSDConfigError(`field ${k} not found in type moby.plain`);
    }
    const host = str(o.host, 'host');
    if (host === '') throw new DockerSDConfigError('host missing');
    parseDockerHost(host);
    let port = 80;
    if (o.port !== undefined && o.port !== null) {
      if (typeof o.port !== 'number' || !Number.isInteger(o.port))
        throw new DockerSDConfigError('port must be an integer');
      port = o.port;
    }
    return new DockerSDConfig({
      host,
      port,
      filters: filters(o.filters),
      hostNetworkingHost:
        o.host_networking_host === undefined || o.host_networking_host === null
          ? 'localhost'
          : str(o.host_networking_host, 'host_networking_host'),
      refreshIntervalMs:
        o.refresh_interval === undefined || o.refresh_interval === null
          ? 60_000
          : parseDurationMs(String(o.refresh_interval)),
      matchFirstNetwork: bool(o.match_first_network, 'match_first_network', true),
      http: parseSDHTTPClientConfig(o, ctx.baseDir, DockerSDConfigError),
    });
  },
};
