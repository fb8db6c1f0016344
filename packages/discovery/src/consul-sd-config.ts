// Prometheus: discovery/consul/consul.go SDConfig, DefaultSDConfig and UnmarshalYAML: the Consul
// catalog's services as targets (watched with blocking queries, consul-discovery.ts).
import { HTTP_CLIENT_KEYS, httpClientConfigToYAML, Secret } from '@tsprom/config';
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
import { parseSDHTTPClientConfig } from './sd-http-client.js';
import { ConsulDiscoverer, type ConsulSDFields } from './consul-discovery.js';
import { formatDurationMs, parseDurationMs } from './duration.js';

/** A `consul_sd_configs` entry Prometheus (or tsprom) refuses. */
export class ConsulSDConfigError extends Error {
  override readonly name = 'ConsulSDConfigError';
}

/** `consul_sd_configs` entry. */
export class ConsulSDConfig implements SDConfig {
  readonly name = 'consul';
  constructor(readonly fields: ConsulSDFields) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new ConsulDiscoverer(this.fields, options);
  }

  toYAML(): unknown {
    const f = this.fields;
    const out: Record<string, unknown> = { server: f.server };
    if (f.pathPrefix !== '') out.path_prefix = f.pathPrefix;
    if (f.token !== '') out.token = f.token;
    if (f.datacenter !== '') out.datacenter = f.datacenter;
    if (f.namespace !== '') out.namespace = f.namespace;
    if (f.partition !== '') out.partition = f.partition;
    out.tag_separator = f.tagSeparator;
    out.scheme = f.scheme;
    out.allow_stale = f.allowStale;
    out.refresh_interval = formatDurationMs(f.refreshIntervalMs);
    if (f.services.length > 0) out.services = [...f.services];
    if (f.tags.length > 0) out.tags = [...f.tags];
    if (Object.keys(f.nodeMeta).length > 0) out.node_meta = { ...f.nodeMeta };
    if (f.filter !== '') out.filter = f.filter;
    return { ...out, ...httpClientConfigToYAML(f.http) };
  }
}

const KEYS = new Set([
  'server',
  'path_prefix',
  'token',
  'datacenter',
  'namespace',
  'partition',
  'tag_separator',
  'scheme',
  'username',
  'password',
  'allow_stale',
  'refresh_interval',
  'services',
  'tags',
  'node_meta',
  'filter',
  ...HTTP_CLIENT_KEYS,
]);

function str(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ConsulSDConfigError(`${what} must be a string`);
  return v;
}

function strList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ConsulSDConfigError(`${what} must be a list of strings`);
  }
  return v as string[];
}

function mapping(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConsulSDConfigError(`${what} must be a mapping`);
  return v as Record<string, unknown>;
}

function bool(v: unknown, what: string, def: boolean): boolean {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') throw new ConsulSDConfigError(`${what} must be a boolean`);
  return v;
}

/** `consul_sd_configs`, Prometheus's Consul catalog service discovery. */
export const consulSD: SDMechanism = {
  key: 'consul_sd_configs',
  name: 'consul',
  parse(raw, ctx) {
    const o = mapping(raw, 'consul_sd_configs entry');
    for (const k of Object.keys(o)) {
      if (!KEYS.has(k)) throw new ConsulSDConfigError(`field ${k} not found in type consul.plain`);
    }
    const server = o.server === undefined ? 'localhost:8500' : str(o.server, 'server');
    if (server.trim() === '') throw new ConsulSDConfigError('consul SD configuration requires a server address');
    const scheme = o.scheme === undefined ? 'http' : str(o.scheme, 'scheme');
    if (scheme !== 'http' && scheme !== 'https') {
      throw new ConsulSDConfigError(`scheme must be http or https, got ${JSON.stringify(scheme)}`);
    }
    const username = str(o.username, 'username');
    const password = str(o.password, 'password');
    const token = str(o.token, 'token');
    let http = parseSDHTTPClientConfig(o, ctx.baseDir, ConsulSDConfigError);
    // Prometheus consul SDConfig.UnmarshalYAML: its own token and username/password against the http_config's.
    if (token !== '' && (http.authorization !== undefined || http.oauth2 !== undefined)) {
      throw new ConsulSDConfigError('at most one of consul SD token, authorization, or oauth2 can be configured');
    }
    if ((username !== '' || password !== '') && (http.basicAuth !== undefined || http.oauth2 !== undefined)) {
      throw new ConsulSDConfigError(
        'at most one of consul SD configuration username and password and basic auth can be configured',
      );
    }
    if (username !== '' || password !== '') {
      http = {
        ...http,
        basicAuth: {
          username,
          usernameFile: '',
          password: password === '' ? undefined : new Secret(password),
          passwordFile: '',
        },
      };
    }
    const nodeMeta: Record<string, string> = {};
    if (o.node_meta !== undefined && o.node_meta !== null) {
      for (const [k, v] of Object.entries(mapping(o.node_meta, 'node_meta'))) nodeMeta[k] = str(v, `node_meta.${k}`);
    }
    return new ConsulSDConfig({
      server,
      pathPrefix: str(o.path_prefix, 'path_prefix'),
      token,
      datacenter: str(o.datacenter, 'datacenter'),
      namespace: str(o.namespace, 'namespace'),
      partition: str(o.partition, 'partition'),
      tagSeparator: o.tag_separator === undefined ? ',' : str(o.tag_separator, 'tag_separator'),
      scheme,
      allowStale: bool(o.allow_stale, 'allow_stale', true),
      refreshIntervalMs:
        o.refresh_interval === undefined || o.refresh_interval === null
          ? 30_000
          : parseDurationMs(String(o.refresh_interval)),
      services: strList(o.services, 'services'),
      tags: strList(o.tags, 'tags'),
      nodeMeta,
      filter: str(o.filter, 'filter'),
      http,
    });
  },
};
