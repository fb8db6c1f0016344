// Prometheus: discovery/kubernetes/kubernetes.go Discovery.Run (informers per role and namespace,
// selectors, attach_metadata) and the roles' event handlers (node.go, pod.go, service.go,
// ingress.go, endpoints.go, endpointslice.go): each role follows its objects (and those its targets
// borrow labels from) with list + watch, and sends one target group per object that changed. A
// deleted object gets an empty group. The first update waits until every collection is listed.
// Node only: `#kubernetes-discovery`.
import type { Discoverer, DiscovererOptions } from './discoverer.js';
import {
  HTTPKubeClient,
  type InClusterSource,
  type KubeClient,
  kubeConnection,
  ServiceAccountDir,
} from './kubernetes-client.js';
import {
  buildEndpoints,
  buildEndpointSlice,
  endpointSliceSource,
  endpointsSource,
  type EndpointsLookups,
  ServiceNameLabel,
} from './kubernetes-endpoints.js';
import { Informer } from './kubernetes-informer.js';
import {
  type Endpoints,
  type EndpointSlice,
  type Ingress,
  type KubeObject,
  type Node,
  objectKey,
  type Pod,
  type Service,
} from './kubernetes-objects.js';
import type { KubernetesRole, KubernetesSDFields } from './kubernetes-sd-config.js';
import {
  type AttachedMetadata,
  buildIngress,
  buildNode,
  buildPod,
  buildService,
  ingressSource,
  nodeSource,
  podSource,
  serviceSource,
} from './kubernetes-targets.js';
import { labelSet, type TargetGroup } from './target-group.js';

/** The API collections kubernetes_sd follows. */
type Resource = 'pods' | 'services' | 'endpoints' | 'endpointslices' | 'ingresses' | 'nodes' | 'namespaces';

/** The collection of each role's own objects. */
const PRIMARY: Record<KubernetesRole, Resource> = {
  pod: 'pods',
  service: 'services',
  endpoints: 'endpoints',
  endpointslice: 'endpointslices',
  ingress: 'ingresses',
  node: 'nodes',
};

/** The selector role applying to each collection. */
const SELECTOR_ROLE: Partial<Record<Resource, KubernetesRole>> = {
  pods: 'pod',
  services: 'service',
  endpoints: 'endpoints',
  endpointslices: 'endpointslice',
  ingresses: 'ingress',
  nodes: 'node',
};

/** The API path of a collection, in one namespace or (`''`) in all of them. */
export function collectionPath(r: Resource, namespace: string): string {
  const prefix =
    r === 'endpointslices' ? '/apis/discovery.k8s.io/v1' : r === 'ingresses' ? '/apis/networking.k8s.io/v1' : '/api/v1';
  if (r === 'nodes' || r === 'namespaces' || namespace === '') return `${prefix}/${r}`;
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r}`;
}

/** Prometheus's wait after a failed list or watch (client-go backs off between 0.8 s and 30 s). */
const RETRY_MS = 5_000;

/** Settings tests (and embedders) may change; prometheus.yml does not set them. */
export interface KubernetesDiscovererSettings {
  /** The wait after a failed list or watch (ms). */
  readonly retryMs?: number;
  /** Where the in-cluster configuration comes from (the pod's environment and service account by default). */
  readonly inCluster?: InClusterSource;
  /** A client to use instead of one made from the config. */
  readonly client?: KubeClient;
  /** How long a watch stays open at most (`timeoutSeconds`). */
  readonly watchTimeoutS?: number;
}

/** Discovers the targets of one `kubernetes_sd_configs` entry. */
export class KubernetesDiscoverer implements Discoverer {
  constructor(
    readonly fields: KubernetesSDFields,
    readonly options: DiscovererOptions,
    readonly settings: KubernetesDiscovererSettings = {},
  ) {}

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    const f = this.fields;
    const s = this.settings;
    const inCluster = s.inCluster ?? { env: process.env, serviceAccountDir: ServiceAccountDir };
    // A config that cannot reach any API (no in-cluster environment, a bad kubeconfig) ends the discoverer, as Prometheus's New fails.
    const conn = s.client === undefined ? kubeConnection(f, inCluster) : undefined;
    const client = s.client ?? new HTTPKubeClient(conn!);
    const namespaces = [...f.namespaces.names];
    if (f.namespaces.ownNamespace && conn?.ownNamespace !== undefined) namespaces.push(conn.ownNamespace);
    if (namespaces.length === 0) namespaces.push(''); // All namespaces (apiv1.NamespaceAll).

    const dirty = new Set<string>();
    let wake: (() => void) | undefined;
    const primary: Informer[] = [];
    const byResource = new Map<Resource, Informer[]>();
    const all: Informer[] = [];
    const role = f.role;
    const add = (r: Resource, ns: string, onChange: (key: string, before?: KubeObject, after?: KubeObject) => void) => {
      const sel = f.selectors.find((x) => x.role === SELECTOR_ROLE[r]);
      const inf = new Informer(client, {
        path: collectionPath(r, ns),
        label: sel?.label ?? '',
        field: sel?.field ?? '',
        onChange: (key, before, after) => {
          onChange(key, before, after);
          wake?.();
        },
        onFailure: (err, path) => {
          this.options.metrics?.inc(
            'prometheus_sd_kubernetes_failures_total',
            'The number of failed WATCH/LIST requests.',
          );
          this.options.logger.error('Kubernetes list or watch failed', {
            role,
            path,
            err: err instanceof Error ? err.message : String(err),
          });
        },
        retryMs: s.retryMs ?? RETRY_MS,
        watchTimeoutS: s.watchTimeoutS,
      });
      const l = byResource.get(r) ?? [];
      byResource.set(r, l);
      l.push(inf);
      all.push(inf);
      return inf;
    };
    const find = (r: Resource, key: string): KubeObject | undefined => {
      for (const inf of byResource.get(r) ?? []) {
        const o = inf.get(key);
        if (o !== undefined) return o;
      }
      return undefined;
    };
    const primaries = function* (): Generator<[string, KubeObject]> {
      for (const inf of primary) for (const o of inf.values()) yield [objectKey(o), o];
    };
    const markWhere = (test: (o: KubeObject) => boolean) => {
      // Until the first update every stored object is dirty already: skip the scan.
      if (!all.every((i) => i.synced)) return;
      for (const [k, o] of primaries()) if (test(o)) dirty.add(k);
    };

    const primaryResource = PRIMARY[role];
    const nsList = primaryResource === 'nodes' ? [''] : namespaces;
    for (const ns of nsList) primary.push(add(primaryResource, ns, (key) => dirty.add(key)));
    const endpointsRole = role === 'endpoints' || role === 'endpointslice';
    if (endpointsRole) {
      for (const ns of namespaces) {
        add('services', ns, (key) => {
          const [svcNs, svcName] = splitKey(key);
          if (role === 'endpoints') dirty.add(key);
          else markWhere((o) => o.metadata?.namespace === svcNs && o.metadata?.labels?.[ServiceNameLabel] === svcName);
        });
        add('pods', ns, (key) => {
          const [podNs, podName] = splitKey(key);
          markWhere((o) => refs(o).some((r) => r.kind === 'Pod' && r.namespace === podNs && r.name === podName));
        });
      }
    }
    const withNode = f.attachMetadata.node && (role === 'pod' || endpointsRole);
    const withNamespace = f.attachMetadata.namespace && role !== 'node';
    if (withNode) {
      add('nodes', '', (name) => {
        if (role === 'pod') markWhere((o) => (o as Pod).spec?.nodeName === name);
        else markWhere((o) => refs(o).some((r) => r.node === name || (r.kind === 'Node' && r.name === name)));
      });
    }
    if (withNamespace) add('namespaces', '', (name) => markWhere((o) => o.metadata?.namespace === name));

    const meta: AttachedMetadata = {
      withNode,
      withNamespace,
      node: (name) => find('nodes', name) as Node | undefined,
      namespace: (name) => find('namespaces', name),
    };
    const lookups: EndpointsLookups = {
      meta,
      pod: (ns, name) => find('pods', `${ns}/${name}`) as Pod | undefined,
      service: (ns, name) => find('services', `${ns}/${name}`) as Service | undefined,
    };
    const build = (key: string): TargetGroup | undefined => {
      const o = find(primaryResource, key);
      if (o === undefined) return emptyGroup(role, key);
      switch (role) {
        case 'node':
          return buildNode(o as Node);
        case 'pod':
          return buildPod(o as Pod, meta);
        case 'service':
          return buildService(o as Service, meta);
        case 'ingress':
          return buildIngress(o as Ingress, meta);
        case 'endpoints':
          return buildEndpoints(o as Endpoints, lookups);
        case 'endpointslice':
          return buildEndpointSlice(o as EndpointSlice, lookups);
      }
    };

    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    const running = all.map((inf) => inf.run(signal));
    try {
      for (;;) {
        while (!signal.aborted && (dirty.size === 0 || !all.every((i) => i.synced))) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        if (signal.aborted) return;
        const out: TargetGroup[] = [];
        for (const key of dirty) {
          const g = build(key);
          if (g !== undefined) out.push(g); // A node without an address sends nothing, as in Prometheus.
        }
        dirty.clear();
        if (out.length > 0) yield out;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await Promise.all(running);
      if (s.client === undefined) await client.close?.(); // A client the settings gave is their owner's.
    }
  }
}

/** The references of an Endpoints' or EndpointSlice's addresses: target and node. */
function refs(o: KubeObject): { kind?: string; namespace?: string; name?: string; node?: string }[] {
  const out: { kind?: string; namespace?: string; name?: string; node?: string }[] = [];
  for (const ss of (o as Endpoints).subsets ?? []) {
    for (const a of [...(ss.addresses ?? []), ...(ss.notReadyAddresses ?? [])]) {
      out.push({ ...a.targetRef, node: a.nodeName });
    }
  }
  for (const ep of (o as EndpointSlice).endpoints ?? []) out.push({ ...ep.targetRef, node: ep.nodeName });
  return out;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}

/** The group that removes a deleted object's targets. */
function emptyGroup(role: KubernetesRole, key: string): TargetGroup {
  const [ns, name] = splitKey(key);
  const source =
    role === 'node'
      ? nodeSource(name)
      : role === 'pod'
        ? podSource(ns, name)
        : role === 'service'
          ? serviceSource(ns, name)
          : role === 'ingress'
            ? ingressSource(ns, name)
            : role === 'endpoints'
              ? endpointsSource(ns, name)
              : endpointSliceSource(ns, name);
  return { source, labels: labelSet({}), targets: [] };
}
