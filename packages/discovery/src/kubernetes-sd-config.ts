// Prometheus: discovery/kubernetes/kubernetes.go SDConfig, Role, SelectorConfig,
// NamespaceDiscovery, AttachMetadataConfig and UnmarshalYAML. The config is pure; the discoverer
// (kubernetes-discovery.ts: node:http, node:fs) is loaded only when it runs.
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
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

/** The HTTP client settings used against the API server (a subset of Prometheus's http_config). */
export interface KubernetesHTTPClientConfig {
  readonly basicAuth?: { readonly username: string; readonly password: string; readonly passwordFile: string };
  /** `authorization` (and `bearer_token`/`bearer_token_file`, which Prometheus turns into it). */
  readonly authorization?: { readonly type: string; readonly credentials: string; readonly credentialsFile: string };
  readonly tls: {
    readonly ca: string;
    readonly caFile: string;
    readonly cert: string;
    readonly certFile: string;
    readonly key: string;
    readonly keyFile: string;
    readonly serverName: string;
    readonly insecureSkipVerify: boolean;
  };
  readonly followRedirects: boolean;
  readonly enableHTTP2: boolean;
}

/** The fields of a `kubernetes_sd_configs` entry, defaults filled, file names absolute. */
export interface KubernetesSDFields {
  /** The API server's URL; empty: kubeconfig_file, else the in-cluster configuration. */
  readonly apiServer: string;
  readonly role: KubernetesRole;
  readonly kubeconfigFile: string;
  readonly http: KubernetesHTTPClientConfig;
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
    const h = f.http;
    if (h.basicAuth !== undefined) {
      const b: Record<string, unknown> = { username: h.basicAuth.username };
      if (h.basicAuth.password !== '') b.password = h.basicAuth.password;
      if (h.basicAuth.passwordFile !== '') b.password_file = h.basicAuth.passwordFile;
      out.basic_auth = b;
    }
    if (h.authorization !== undefined) {
      const a: Record<string, unknown> = { type: h.authorization.type };
      if (h.authorization.credentials !== '') a.credentials = h.authorization.credentials;
      if (h.authorization.credentialsFile !== '') a.credentials_file = h.authorization.credentialsFile;
      out.authorization = a;
    }
    const t: Record<string, unknown> = {};
    if (h.tls.ca !== '') t.ca = h.tls.ca;
    if (h.tls.cert !== '') t.cert = h.tls.cert;
    if (h.tls.key !== '') t.key = h.tls.key;
    if (h.tls.caFile !== '') t.ca_file = h.tls.caFile;
    if (h.tls.certFile !== '') t.cert_file = h.tls.certFile;
    if (h.tls.keyFile !== '') t.key_file = h.tls.keyFile;
    if (h.tls.serverName !== '') t.server_name = h.tls.serverName;
    if (Object.keys(t).length > 0 || h.tls.insecureSkipVerify) {
      out.tls_config = { ...t, insecure_skip_verify: h.tls.insecureSkipVerify };
    }
    out.follow_redirects = h.followRedirects;
    out.enable_http2 = h.enableHTTP2;
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
  'basic_auth',
  'authorization',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'follow_redirects',
  'enable_http2',
]);
/** Prometheus http_config fields tsprom's kubernetes_sd does not implement: refused rather than ignored. */
const UNSUPPORTED = new Set([
  'oauth2',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'http_headers',
]);

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
      if (UNSUPPORTED.has(k)) {
        throw new KubernetesSDConfigError(`${k} is not supported by tsprom's kubernetes_sd_configs yet`);
      }
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
    const http = parseHTTP(o, ctx.baseDir);
    const custom =
      http.basicAuth !== undefined ||
      http.authorization !== undefined ||
      Object.entries(http.tls).some(([, v]) => v !== '' && v !== false) ||
      !http.followRedirects ||
      !http.enableHTTP2;
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

/** The http_config part of an entry (Prometheus config.HTTPClientConfig and its Validate). */
function parseHTTP(o: Record<string, unknown>, baseDir: string | undefined): KubernetesHTTPClientConfig {
  let basicAuth: KubernetesHTTPClientConfig['basicAuth'];
  if (o.basic_auth !== undefined && o.basic_auth !== null) {
    const b = mapping(o.basic_auth, 'basic_auth');
    onlyKeys(b, ['username', 'password', 'password_file'], 'config.BasicAuth');
    basicAuth = {
      username: str(b.username, 'basic_auth.username'),
      password: str(b.password, 'basic_auth.password'),
      passwordFile: inDir(str(b.password_file, 'basic_auth.password_file'), baseDir),
    };
    if (basicAuth.password !== '' && basicAuth.passwordFile !== '') {
      throw new KubernetesSDConfigError('at most one of basic_auth password & password_file must be configured');
    }
  }
  let authorization: KubernetesHTTPClientConfig['authorization'];
  if (o.authorization !== undefined && o.authorization !== null) {
    const a = mapping(o.authorization, 'authorization');
    onlyKeys(a, ['type', 'credentials', 'credentials_file'], 'config.Authorization');
    const type = str(a.type, 'authorization.type') || 'Bearer';
    if (type.toLowerCase() === 'basic') {
      throw new KubernetesSDConfigError(`authorization type cannot be set to "basic", use "basic_auth" instead`);
    }
    authorization = {
      type,
      credentials: str(a.credentials, 'authorization.credentials'),
      credentialsFile: inDir(str(a.credentials_file, 'authorization.credentials_file'), baseDir),
    };
    if (authorization.credentials !== '' && authorization.credentialsFile !== '') {
      throw new KubernetesSDConfigError(
        'at most one of authorization credentials & credentials_file must be configured',
      );
    }
  }
  const bearerToken = str(o.bearer_token, 'bearer_token');
  const bearerTokenFile = inDir(str(o.bearer_token_file, 'bearer_token_file'), baseDir);
  if (bearerToken !== '' && bearerTokenFile !== '') {
    throw new KubernetesSDConfigError('at most one of bearer_token & bearer_token_file must be configured');
  }
  if (bearerToken !== '' || bearerTokenFile !== '') {
    if (authorization !== undefined) {
      throw new KubernetesSDConfigError(
        'at most one of bearer_token, bearer_token_file & authorization must be configured',
      );
    }
    authorization = { type: 'Bearer', credentials: bearerToken, credentialsFile: bearerTokenFile };
  }
  if (basicAuth !== undefined && authorization !== undefined) {
    throw new KubernetesSDConfigError(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    );
  }
  const tls = {
    ca: '',
    caFile: '',
    cert: '',
    certFile: '',
    key: '',
    keyFile: '',
    serverName: '',
    insecureSkipVerify: false,
  };
  if (o.tls_config !== undefined && o.tls_config !== null) {
    const t = mapping(o.tls_config, 'tls_config');
    const known = ['ca', 'ca_file', 'cert', 'cert_file', 'key', 'key_file', 'server_name', 'insecure_skip_verify'];
    for (const k of Object.keys(t)) {
      if (!known.includes(k)) {
        throw new KubernetesSDConfigError(`tls_config: ${k} is not supported by tsprom's kubernetes_sd_configs yet`);
      }
    }
    tls.ca = str(t.ca, 'tls_config.ca');
    tls.caFile = inDir(str(t.ca_file, 'tls_config.ca_file'), baseDir);
    tls.cert = str(t.cert, 'tls_config.cert');
    tls.certFile = inDir(str(t.cert_file, 'tls_config.cert_file'), baseDir);
    tls.key = str(t.key, 'tls_config.key');
    tls.keyFile = inDir(str(t.key_file, 'tls_config.key_file'), baseDir);
    tls.serverName = str(t.server_name, 'tls_config.server_name');
    tls.insecureSkipVerify = bool(t.insecure_skip_verify, 'tls_config.insecure_skip_verify', false);
    if (tls.ca !== '' && tls.caFile !== '') {
      throw new KubernetesSDConfigError('at most one of ca and ca_file must be configured');
    }
    if (tls.cert !== '' && tls.certFile !== '') {
      throw new KubernetesSDConfigError('at most one of cert and cert_file must be configured');
    }
    if (tls.key !== '' && tls.keyFile !== '') {
      throw new KubernetesSDConfigError('at most one of key and key_file must be configured');
    }
    if ((tls.cert !== '' || tls.certFile !== '') !== (tls.key !== '' || tls.keyFile !== '')) {
      throw new KubernetesSDConfigError(
        'exactly one of key or key_file must be configured when a client certificate is configured',
      );
    }
  }
  return {
    basicAuth,
    authorization,
    tls,
    followRedirects: bool(o.follow_redirects, 'follow_redirects', true),
    enableHTTP2: bool(o.enable_http2, 'enable_http2', true),
  };
}
