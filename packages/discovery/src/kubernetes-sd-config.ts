// Prometheus: discovery/kubernetes/kubernetes.go SDConfig, Role, SelectorConfig,
// NamespaceDiscovery, AttachMetadataConfig and UnmarshalYAML. The config is pure; the discoverer
// (kubernetes-discovery.ts: node:http, node:fs) is loaded only when it runs.
import {
  DefaultHTTPClientConfig,
  HTTP_CLIENT_KEYS,
  type HTTPClientConfig,
  httpClientConfigToYAML,
} from '@tsprom/config';
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
import { parseSDHTTPClientConfig } from './sd-http-client.js';
import type { TargetGroup } from './target-group.js';

/** A `kubernetes_sd_configs` entry Prometheus (or tsprom) refuses; the message is Prometheus's where it has one. */
export class KubernetesSDConfigError extends Error {
  override readonly name = 'KubernetesSDConfigError';
}

/** The kinds of objects kubernetes_sd discovers targets from (Prometheus Role). */
export type KubernetesRole = 'endpoints' | 'endpointslice' | 'service' | 'pod' | 'node' | 'ingress';
const ROLES: readonly KubernetesRole[] = ['endpoints', 'endpointslice', 'service', 'pod', 'node', 'ingress'];

/** One `selectors` entry: a label and a field selector for the objects of `role`. */
export interface KubernetesSelector {
  readonly role: KubernetesRole;
  readonly label: string;
  readonly field: string;
}

/** The fields of a `kubernetes_sd_configs` entry, defaults filled, file names absolute. */
export interface KubernetesSDFields {
  /** The API server's URL; empty: kubeconfig_file, else the in-cluster configuration. */
  readonly apiServer: string;
  readonly role: KubernetesRole;
  readonly kubeconfigFile: string;
  /** The inlined `<http_config>`, used with `api_server` (a default one otherwise). */
  readonly http: HTTPClientConfig;
  readonly namespaces: { readonly ownNamespace: boolean; readonly names: readonly string[] };
  readonly selectors: readonly KubernetesSelector[];
  readonly attachMetadata: { readonly node: boolean; readonly namespace: boolean };
}

/** `kubernetes_sd_configs` entry (Prometheus kubernetes.SDConfig). */
export class KubernetesSDConfig implements SDConfig {
  readonly name = 'kubernetes';
  constructor(readonly fields: KubernetesSDFields) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new LazyKubernetesDiscoverer(this.fields, options);
  }

  /** In Prometheus's field order; empty optional parts left out as Prometheus leaves them out. */
  toYAML(): unknown {
    const f = this.fields;
    const out: Record<string, unknown> = {};
    if (f.apiServer !== '') out.api_server = f.apiServer;
    out.role = f.role;
    out.kubeconfig_file = f.kubeconfigFile;
    Object.assign(out, httpClientConfigToYAML(f.http));
    if (f.namespaces.ownNamespace || f.namespaces.names.length > 0) {
      out.namespaces = { own_namespace: f.namespaces.ownNamespace, names: [...f.namespaces.names] };
    }
    if (f.selectors.length > 0) {
      out.selectors = f.selectors.map((s) => {
        const o: Record<string, unknown> = { role: s.role };
        if (s.label !== '') o.label = s.label;
        if (s.field !== '') o.field = s.field;
        return o;
      });
    }
    if (f.attachMetadata.node || f.attachMetadata.namespace) {
      out.attach_metadata = { node: f.attachMetadata.node, namespace: f.attachMetadata.namespace };
    }
    return out;
  }
}

/** Defers loading node:http and node:fs until the discoverer runs, keeping this module universal. */
class LazyKubernetesDiscoverer implements Discoverer {
  constructor(
    readonly fields: KubernetesSDFields,
    readonly options: DiscovererOptions,
  ) {}

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    const { KubernetesDiscoverer } = await import('#kubernetes-discovery');
    yield* new KubernetesDiscoverer(this.fields, this.options).run(signal);
  }
}

/** Which selectors each role accepts (Prometheus allowedSelectors). */
const ALLOWED_SELECTORS: Record<KubernetesRole, readonly KubernetesRole[]> = {
  pod: ['pod', 'node'],
  service: ['service'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  endpoints: ['pod', 'service', 'endpoints'],
  node: ['node'],
  ingress: ['ingress'],
};

const KEYS = new Set([
  'api_server',
  'role',
  'kubeconfig_file',
  'namespaces',
  'selectors',
  'attach_metadata',
  ...HTTP_CLIENT_KEYS,
]);

const DEFAULT_HTTP_YAML = JSON.stringify(httpClientConfigToYAML(DefaultHTTPClientConfig));

function mapping(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new KubernetesSDConfigError(`${what} must be a mapping`);
  }
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new KubernetesSDConfigError(`${what} must be a string`);
  return v;
}

function bool(v: unknown, what: string, def: boolean): boolean {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') throw new KubernetesSDConfigError(`${what} must be a boolean`);
  return v;
}

function onlyKeys(o: Record<string, unknown>, keys: readonly string[], type: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new KubernetesSDConfigError(`field ${k} not found in type ${type}`);
  }
}

/** Prometheus Role.UnmarshalYAML. */
function role(v: unknown, what: string): KubernetesRole {
  const r = str(v, what);
  if (!(ROLES as readonly string[]).includes(r)) throw new KubernetesSDConfigError(`unknown Kubernetes SD role "${r}"`);
  return r as KubernetesRole;
}

/** A file name relative to the config file's directory (Prometheus SetDirectory). */
function inDir(file: string, baseDir: string | undefined): string {
  if (file === '' || baseDir === undefined || file.startsWith('/')) return file;
  return `${baseDir.replace(/\/+$/, '')}/${file}`;
}

/**
 * A label or field selector's syntax (k8s.io/apimachinery labels.Parse and fields.ParseSelector),
 * checked loosely: comma-separated requirements, each `key`, `!key`, `key op value` or
 * `key in|notin (a,b)`. The API server has the last word.
 */
function checkSelector(s: string, kind: 'label' | 'field'): void {
  if (s.trim() === '') return;
  const parts = s.split(/,(?![^(]*\))/);
  const req =
    kind === 'field'
      ? /^\s*[^\s!=,]+\s*(=|==|!=)\s*[^\s,]*\s*$/
      : /^\s*(!?\s*[A-Za-z0-9][-A-Za-z0-9_./]*|[A-Za-z0-9][-A-Za-z0-9_./]*\s*(=|==|!=)\s*[-A-Za-z0-9_.]*|[A-Za-z0-9][-A-Za-z0-9_./]*\s+(in|notin)\s+\([-A-Za-z0-9_.,\s]*\))\s*$/;
  for (const p of parts) {
    if (!req.test(p)) throw new KubernetesSDConfigError(`invalid ${kind} selector ${JSON.stringify(s)}: ${p.trim()}`);
  }
}

/** `kubernetes_sd_configs`, Prometheus's Kubernetes service discovery. */
export const kubernetesSD: SDMechanism = {
  key: 'kubernetes_sd_configs',
  name: 'kubernetes',
  parse(raw, ctx) {
    const o = mapping(raw, 'kubernetes_sd_configs entry');
    for (const k of Object.keys(o)) {
      if (!KEYS.has(k)) throw new KubernetesSDConfigError(`field ${k} not found in type kubernetes.plain`);
    }
    if (o.role === undefined || o.role === null || o.role === '') {
      throw new KubernetesSDConfigError('role missing (one of: pod, service, endpoints, endpointslice, node, ingress)');
    }
    const r = role(o.role, 'role');
    const apiServer = str(o.api_server, 'api_server');
    if (apiServer !== '') {
      let u: URL;
      try {
        u = new URL(apiServer);
      } catch {
        throw new KubernetesSDConfigError(`parse ${JSON.stringify(apiServer)}: invalid URL`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        throw new KubernetesSDConfigError(`api_server ${JSON.stringify(apiServer)}: the scheme must be http or https`);
      }
    }
    const http = parseSDHTTPClientConfig(o, ctx.baseDir, KubernetesSDConfigError);
    // Prometheus: !reflect.DeepEqual(c.HTTPClientConfig, config.DefaultHTTPClientConfig).
    const custom = JSON.stringify(httpClientConfigToYAML(http)) !== DEFAULT_HTTP_YAML;
    const kubeconfigFile = inDir(str(o.kubeconfig_file, 'kubeconfig_file'), ctx.baseDir);
    if (apiServer !== '' && kubeconfigFile !== '') {
      throw new KubernetesSDConfigError("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
    }
    if (kubeconfigFile !== '' && custom) {
      throw new KubernetesSDConfigError(
        "cannot use a custom HTTP client configuration together with 'kubeconfig_file'",
      );
    }
    if (apiServer === '' && kubeconfigFile === '' && custom) {
      throw new KubernetesSDConfigError(
        "to use custom HTTP client configuration please provide the 'api_server' URL explicitly",
      );
    }
    let ownNamespace = false;
    let names: string[] = [];
    if (o.namespaces !== undefined && o.namespaces !== null) {
      const n = mapping(o.namespaces, 'namespaces');
      onlyKeys(n, ['own_namespace', 'names'], 'kubernetes.NamespaceDiscovery');
      ownNamespace = bool(n.own_namespace, 'namespaces.own_namespace', false);
      if (n.names !== undefined && n.names !== null) {
        if (!Array.isArray(n.names) || n.names.some((x) => typeof x !== 'string')) {
          throw new KubernetesSDConfigError('namespaces.names must be a list of strings');
        }
        names = n.names as string[];
      }
    }
    if (apiServer !== '' && ownNamespace) {
      throw new KubernetesSDConfigError("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
    }
    if (kubeconfigFile !== '' && ownNamespace) {
      throw new KubernetesSDConfigError("cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
    }
    const selectors: KubernetesSelector[] = [];
    if (o.selectors !== undefined && o.selectors !== null) {
      if (!Array.isArray(o.selectors)) throw new KubernetesSDConfigError('selectors must be a list');
      for (const [i, rawSel] of o.selectors.entries()) {
        const s = mapping(rawSel, `selectors[${i}]`);
        onlyKeys(s, ['role', 'label', 'field'], 'kubernetes.SelectorConfig');
        const sr = role(s.role, `selectors[${i}].role`);
        if (selectors.some((x) => x.role === sr)) throw new KubernetesSDConfigError(`duplicated selector role: ${sr}`);
        if (!ALLOWED_SELECTORS[r].includes(sr)) {
          throw new KubernetesSDConfigError(`${r} role supports only ${ALLOWED_SELECTORS[r].join(', ')} selectors`);
        }
        const label = str(s.label, `selectors[${i}].label`);
        const field = str(s.field, `selectors[${i}].field`);
        checkSelector(field, 'field');
        checkSelector(label, 'label');
        selectors.push({ role: sr, label, field });
      }
    }
    let attachMetadata = { node: false, namespace: false };
    if (o.attach_metadata !== undefined && o.attach_metadata !== null) {
      const a = mapping(o.attach_metadata, 'attach_metadata');
      for (const k of Object.keys(a)) {
        if (k === 'deployment' || k === 'job' || k === 'cronjob') {
          throw new KubernetesSDConfigError(
            `attach_metadata: ${k} is not supported by tsprom's kubernetes_sd_configs yet`,
          );
        }
      }
      onlyKeys(a, ['node', 'namespace'], 'kubernetes.AttachMetadataConfig');
      attachMetadata = {
        node: bool(a.node, 'attach_metadata.node', false),
        namespace: bool(a.namespace, 'attach_metadata.namespace', false),
      };
    }
    return new KubernetesSDConfig({
      apiServer,
      role: r,
      kubeconfigFile,
      http,
      namespaces: { ownNamespace, names },
      selectors,
      attachMetadata,
    });
  },
};
