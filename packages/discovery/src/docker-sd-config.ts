// Prometheus: discovery/moby/docker.go DockerSDConfig, DefaultDockerSDConfig, Filter and
// UnmarshalYAML. The config is pure; the discoverer (docker-discovery.ts) reaches the daemon through
// `#docker-client` (node:http, a Unix socket or TCP) only when it runs.
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
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
    const out: Record<string, unknown> = {};
    if (f.basicAuth !== undefined) out.basic_auth = { username: f.basicAuth.username, password: f.basicAuth.password };
    if (f.authorization !== undefined) {
      out.authorization = { type: f.authorization.type, credentials: f.authorization.credentials };
    }
    out.follow_redirects = f.followRedirects;
    out.enable_http2 = f.enableHTTP2;
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
  'basic_auth',
  'authorization',
  'follow_redirects',
  'enable_http2',
]);
/** Prometheus http_config fields tsprom's docker_sd does not implement: refused rather than ignored. */
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

function credentials(o: Record<string, unknown>): Pick<DockerSDFields, 'basicAuth' | 'authorization'> {
  let basicAuth: DockerSDFields['basicAuth'];
  if (o.basic_auth !== undefined && o.basic_auth !== null) {
    const b = mapping(o.basic_auth, 'basic_auth');
    for (const k of Object.keys(b)) {
      if (k !== 'username' && k !== 'password') {
        throw new DockerSDConfigError(`basic_auth: ${k} is not supported by tsprom's docker_sd_configs yet`);
      }
    }
    basicAuth = { username: str(b.username, 'basic_auth.username'), password: str(b.password, 'basic_auth.password') };
  }
  let authorization: DockerSDFields['authorization'];
  if (o.authorization !== undefined && o.authorization !== null) {
    const a = mapping(o.authorization, 'authorization');
    for (const k of Object.keys(a)) {
      if (k !== 'type' && k !== 'credentials') {
        throw new DockerSDConfigError(`authorization: ${k} is not supported by tsprom's docker_sd_configs yet`);
      }
    }
    const type = str(a.type, 'authorization.type') || 'Bearer';
    if (type.toLowerCase() === 'basic') {
      throw new DockerSDConfigError(`authorization type cannot be set to "basic", use "basic_auth" instead`);
    }
    authorization = { type, credentials: str(a.credentials, 'authorization.credentials') };
  }
  if (basicAuth !== undefined && authorization !== undefined) {
    throw new DockerSDConfigError(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    );
  }
  return { basicAuth, authorization };
}

/** `docker_sd_configs`, Prometheus's Docker Engine service discovery. */
export const dockerSD: SDMechanism = {
  key: 'docker_sd_configs',
  name: 'docker',
  parse(raw) {
    const o = mapping(raw, 'docker_sd_configs entry');
    for (const k of Object.keys(o)) {
      if (UNSUPPORTED.has(k)) throw new DockerSDConfigError(`${k} is not supported by tsprom's docker_sd_configs yet`);
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
      ...credentials(o),
      followRedirects: bool(o.follow_redirects, 'follow_redirects', true),
      enableHTTP2: bool(o.enable_http2, 'enable_http2', true),
    });
  },
};
