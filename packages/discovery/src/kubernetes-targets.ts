// Prometheus: discovery/kubernetes/node.go buildNode, nodeAddress; pod.go buildPod; service.go
// buildService; ingress.go buildIngress, matchesHostnamePattern. One target group per object,
// sourced `<role>/<namespace>/<name>` as Prometheus sources them.
import {
  addNamespaceLabels,
  addNodeLabels,
  joinHostPort,
  KubernetesNamespaceLabel,
  addObjectMetaLabels,
  nodeLabels,
  podLabels,
  sanitizeLabelName,
  serviceLabels,
} from './kubernetes-labels.js';
import type { Container, Ingress, Namespace, Node, Pod, Service } from './kubernetes-objects.js';
import { labelSet, type LabelSet, type TargetGroup } from './target-group.js';

/** Prometheus podSource / podSourceFromNamespaceAndName. */
export const podSource = (ns: string, name: string): string => `pod/${ns}/${name}`;
/** Prometheus nodeSource. */
export const nodeSource = (name: string): string => `node/${name}`;
/** Prometheus serviceSource. */
export const serviceSource = (ns: string, name: string): string => `svc/${ns}/${name}`;
/** Prometheus ingressSource. */
export const ingressSource = (ns: string, name: string): string => `ingress/${ns}/${name}`;

/** Metadata attached to targets (`attach_metadata`), looked up by name in the watched nodes and namespaces. */
export interface AttachedMetadata {
  node(name: string): Node | undefined;
  namespace(name: string): Namespace | undefined;
  readonly withNode: boolean;
  readonly withNamespace: boolean;
}

/** Adds the attached namespace metadata to a group's labels, when asked for. */
export function attachNamespace(ls: Record<string, string>, ns: string, meta: AttachedMetadata | undefined): void {
  if (meta?.withNamespace) addNamespaceLabels(ls, meta.namespace(ns));
}

/** Prometheus's node address types, in the order the target address is picked from. */
const NODE_ADDRESS_ORDER = ['InternalIP', 'ExternalIP', 'LegacyHostIP', 'Hostname'];

/**
 * Prometheus buildNode. `undefined` when the node has no usable address: Prometheus then sends
 * nothing (the node's previous group stays).
 */
export function buildNode(node: Node): TargetGroup | undefined {
  const name = node.metadata?.name ?? '';
  const byType = new Map<string, string[]>();
  for (const a of node.status?.addresses ?? []) {
    const t = a.type ?? '';
    const l = byType.get(t) ?? [];
    byType.set(t, l);
    l.push(a.address ?? '');
  }
  const first = NODE_ADDRESS_ORDER.map((t) => byType.get(t)?.[0]).find((a) => a !== undefined);
  if (first === undefined) return undefined;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  const t: Record<string, string> = { __address__: joinHostPort(first, port), instance: name };
  for (const [type, addrs] of byType) t[sanitizeLabelName(`__meta_kubernetes_node_address_${type}`)] = addrs[0]!;
  return { source: nodeSource(name), labels: labelSet(nodeLabels(node)), targets: [labelSet(t)] };
}

/** Prometheus findPodContainerID: the container's ID from its status, empty when not known yet. */
function containerID(statuses: readonly { name?: string; containerID?: string }[] | null | undefined, name: string) {
  return (statuses ?? []).find((s) => s.name === name)?.containerID ?? '';
}

/**
 * Prometheus buildPod: one target per container port, one port-less target per container without
 * ports (init containers included, flagged). A pod without an IP yet gets an empty group.
 */
export function buildPod(pod: Pod, meta?: AttachedMetadata): TargetGroup {
  const ns = pod.metadata?.namespace ?? '';
  const source = podSource(ns, pod.metadata?.name ?? '');
  const ip = pod.status?.podIP ?? '';
  if (ip === '') return { source, labels: labelSet({}), targets: [] };
  const ls = podLabels(pod);
  ls[KubernetesNamespaceLabel] = ns;
  if (meta?.withNode) {
    const nodeName = pod.spec?.nodeName ?? '';
    addNodeLabels(ls, meta.node(nodeName), nodeName);
  }
  attachNamespace(ls, ns, meta);
  const targets: LabelSet[] = [];
  const containers = podContainers(pod);
  for (const [i, c] of containers.entries()) {
    const isInit = i >= (pod.spec?.containers ?? []).length;
    const cID = containerID(isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses, c.name ?? '');
    const base = {
      __meta_kubernetes_pod_container_name: c.name ?? '',
      __meta_kubernetes_pod_container_id: cID,
      __meta_kubernetes_pod_container_image: c.image ?? '',
      __meta_kubernetes_pod_container_init: String(isInit),
    };
    const ports = c.ports ?? [];
    if (ports.length === 0) {
      // No port: the address is the pod IP alone, for relabeling to complete.
      targets.push(labelSet({ __address__: ip, ...base }));
      continue;
    }
    for (const p of ports) {
      const port = String(p.containerPort ?? 0);
      targets.push(
        labelSet({
          __address__: joinHostPort(ip, port),
          ...base,
          __meta_kubernetes_pod_container_port_number: port,
          __meta_kubernetes_pod_container_port_name: p.name ?? '',
          __meta_kubernetes_pod_container_port_protocol: p.protocol ?? '',
        }),
      );
    }
  }
  return { source, labels: labelSet(ls), targets };
}

/** A pod's containers then its init containers, the order Prometheus walks them in. */
export function podContainers(pod: Pod): Container[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
}

/** Prometheus buildService: one target per service port, addressed `<name>.<namespace>.svc:<port>`. */
export function buildService(svc: Service, meta?: AttachedMetadata): TargetGroup {
  const ns = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const ls = serviceLabels(svc);
  attachNamespace(ls, ns, meta);
  const type = svc.spec?.type ?? '';
  const targets: LabelSet[] = [];
  for (const p of svc.spec?.ports ?? []) {
    const port = String(p.port ?? 0);
    const t: Record<string, string> = {
      __address__: joinHostPort(`${name}.${ns}.svc`, port),
      __meta_kubernetes_service_port_name: p.name ?? '',
      __meta_kubernetes_service_port_number: port,
      __meta_kubernetes_service_port_protocol: p.protocol ?? '',
      __meta_kubernetes_service_type: type,
    };
    if (type === 'ExternalName') t.__meta_kubernetes_service_external_name = svc.spec?.externalName ?? '';
    else t.__meta_kubernetes_service_cluster_ip = svc.spec?.clusterIP ?? '';
    if (type === 'LoadBalancer') {
      const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
      t.__meta_kubernetes_service_loadbalancer_ip = ips.length > 0 ? ips.join(',') : (svc.spec?.loadBalancerIP ?? '');
    }
    targets.push(labelSet(t));
  }
  return { source: serviceSource(ns, name), labels: labelSet(ls), targets };
}

/** Prometheus matchesHostnamePattern: exact, or a `*.` wildcard standing for exactly one label. */
export function matchesHostnamePattern(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const pp = pattern.split('.');
  const hp = host.split('.');
  if (pp[0] !== '*' || pp.length !== hp.length) return false;
  for (let i = 1; i < pp.length; i++) if (pp[i] !== hp[i]) return false;
  return true;
}

/**
 * Prometheus buildIngress: one target per rule and path, addressed by the rule's host; `https`
 * when a TLS entry covers the host, paths `/` when empty or when the rule has no `http`.
 */
export function buildIngress(ing: Ingress, meta?: AttachedMetadata): TargetGroup {
  const ns = ing.metadata?.namespace ?? '';
  const ls: Record<string, string> = { [KubernetesNamespaceLabel]: ns };
  const cls = ing.spec?.ingressClassName;
  if (cls !== undefined) ls.__meta_kubernetes_ingress_class_name = cls;
  addObjectMetaLabels(ls, ing.metadata, 'ingress');
  attachNamespace(ls, ns, meta);
  const tlsHosts = (ing.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  const targets: LabelSet[] = [];
  for (const rule of ing.spec?.rules ?? []) {
    const host = rule.host ?? '';
    const scheme = tlsHosts.some((p) => matchesHostnamePattern(p, host)) ? 'https' : 'http';
    const paths =
      rule.http === undefined || rule.http === null ? ['/'] : (rule.http.paths ?? []).map((p) => p.path || '/');
    for (const path of paths) {
      targets.push(
        labelSet({
          __address__: host,
          __meta_kubernetes_ingress_scheme: scheme,
          __meta_kubernetes_ingress_host: host,
          __meta_kubernetes_ingress_path: path,
        }),
      );
    }
  }
  return { source: ingressSource(ns, ing.metadata?.name ?? ''), labels: labelSet(ls), targets };
}
