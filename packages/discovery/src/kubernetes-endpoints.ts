// Prometheus: discovery/kubernetes/endpoints.go buildEndpoints, resolvePodRef, addServiceLabels and
// endpointslice.go buildEndpointSlice. One group per Endpoints (EndpointSlice) object: a target
// per address and port, with the pod's labels when the address is a pod's, and a target for every
// container port of those pods that no endpoint port covers.
import {
  addNodeLabels,
  addObjectMetaLabels,
  joinHostPort,
  KubernetesNamespaceLabel,
  podLabels,
  sanitizeLabelName,
  serviceLabels,
} from './kubernetes-labels.js';
import type { EndpointPort, Endpoints, EndpointSlice, ObjectReference, Pod, Service } from './kubernetes-objects.js';
import { type AttachedMetadata, attachNamespace, podContainers } from './kubernetes-targets.js';
import { labelSet, type LabelSet, type TargetGroup } from './target-group.js';

/** Prometheus endpointsSource. */
export const endpointsSource = (ns: string, name: string): string => `endpoints/${ns}/${name}`;
/** Prometheus endpointSliceSource. */
export const endpointSliceSource = (ns: string, name: string): string => `endpointslice/${ns}/${name}`;

/** Prometheus's label naming the service an EndpointSlice belongs to. */
export const ServiceNameLabel = 'kubernetes.io/service-name';

/** The objects an endpoints group is built from, looked up in the role's watched stores. */
export interface EndpointsLookups {
  pod(namespace: string, name: string): Pod | undefined;
  service(namespace: string, name: string): Service | undefined;
  readonly meta: AttachedMetadata;
}

/** Prometheus resolvePodRef: the pod a target reference names, if watched. */
function resolvePodRef(ref: ObjectReference | undefined, l: EndpointsLookups): Pod | undefined {
  if (ref === undefined || ref.kind !== 'Pod') return undefined;
  return l.pod(ref.namespace ?? '', ref.name ?? '');
}

/** Pods seen while building, with the ports endpoints already gave targets for. */
type SeenPods = Map<string, { pod: Pod; ports: number[] }>;

/** Prometheus's container-port labels of the endpoint port's matching container port, if any. */
function addContainerPortLabels(t: Record<string, string>, pod: Pod, port: number, protocol: string | undefined): void {
  const containers = podContainers(pod);
  const nRegular = (pod.spec?.containers ?? []).length;
  for (const [i, c] of containers.entries()) {
    const cport = (c.ports ?? []).find((p) => p.containerPort === port);
    if (cport === undefined) continue;
    t.__meta_kubernetes_pod_container_name = c.name ?? '';
    t.__meta_kubernetes_pod_container_image = c.image ?? '';
    t.__meta_kubernetes_pod_container_port_name = cport.name ?? '';
    t.__meta_kubernetes_pod_container_port_number = String(port);
    t.__meta_kubernetes_pod_container_port_protocol = protocol ?? cport.protocol ?? '';
    t.__meta_kubernetes_pod_container_init = String(i >= nRegular);
    return; // Prometheus breaks out of the port loop only: a later container's same port would win.
  }
}

/** Targets for the container ports of seen pods that no endpoint port covered. */
function uncoveredPortTargets(seen: SeenPods, targets: LabelSet[]): void {
  for (const { pod, ports } of seen.values()) {
    const ip = pod.status?.podIP ?? '';
    if (ip === '') continue; // Starting or evicted.
    const nRegular = (pod.spec?.containers ?? []).length;
    for (const [i, c] of podContainers(pod).entries()) {
      for (const cport of c.ports ?? []) {
        const n = cport.containerPort ?? 0;
        if (ports.includes(n)) continue;
        targets.push(
          labelSet({
            __address__: joinHostPort(ip, n),
            __meta_kubernetes_pod_container_name: c.name ?? '',
            __meta_kubernetes_pod_container_image: c.image ?? '',
            __meta_kubernetes_pod_container_port_name: cport.name ?? '',
            __meta_kubernetes_pod_container_port_number: String(n),
            __meta_kubernetes_pod_container_port_protocol: cport.protocol ?? '',
            __meta_kubernetes_pod_container_init: String(i >= nRegular),
            ...podLabels(pod),
          }),
        );
      }
    }
  }
}

/** Adds the pod's labels to an endpoint's target and records the port; false when not a pod's. */
function addPod(
  t: Record<string, string>,
  ref: ObjectReference | undefined,
  port: EndpointPort,
  seen: SeenPods,
  l: EndpointsLookups,
  containerProtocolFromPort: boolean,
): boolean {
  const pod = resolvePodRef(ref, l);
  if (pod === undefined) return false;
  const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  const sp = seen.get(key) ?? { pod, ports: [] };
  seen.set(key, sp);
  Object.assign(t, podLabels(pod));
  if (port.port !== undefined) {
    // endpoints.go labels the container port with the endpoint port's protocol, endpointslice.go with the container's.
    addContainerPortLabels(t, pod, port.port, containerProtocolFromPort ? (port.protocol ?? '') : undefined);
    sp.ports.push(port.port);
  }
  return true;
}

/** Prometheus buildEndpoints. */
export function buildEndpoints(eps: Endpoints, l: EndpointsLookups): TargetGroup {
  const ns = eps.metadata?.namespace ?? '';
  const name = eps.metadata?.name ?? '';
  const ls: Record<string, string> = { [KubernetesNamespaceLabel]: ns };
  addObjectMetaLabels(ls, eps.metadata, 'endpoints');
  const svc = l.service(ns, name);
  if (svc !== undefined) Object.assign(ls, serviceLabels(svc));
  attachNamespace(ls, ns, l.meta);
  const targets: LabelSet[] = [];
  const seen: SeenPods = new Map();
  for (const ss of eps.subsets ?? []) {
    for (const port of ss.ports ?? []) {
      const add = (
        addr: { ip?: string; hostname?: string; nodeName?: string; targetRef?: ObjectReference },
        ready: string,
      ) => {
        const t: Record<string, string> = {
          __address__: joinHostPort(addr.ip ?? '', port.port ?? 0),
          __meta_kubernetes_endpoint_port_name: port.name ?? '',
          __meta_kubernetes_endpoint_port_protocol: port.protocol ?? '',
          __meta_kubernetes_endpoint_ready: ready,
        };
        if (addr.targetRef !== undefined) {
          t.__meta_kubernetes_endpoint_address_target_kind = addr.targetRef.kind ?? '';
          t.__meta_kubernetes_endpoint_address_target_name = addr.targetRef.name ?? '';
        }
        if (addr.nodeName !== undefined) t.__meta_kubernetes_endpoint_node_name = addr.nodeName;
        if ((addr.hostname ?? '') !== '') t.__meta_kubernetes_endpoint_hostname = addr.hostname!;
        if (l.meta.withNode) {
          if (addr.nodeName !== undefined) addNodeLabels(t, l.meta.node(addr.nodeName), addr.nodeName);
          else if (addr.targetRef?.kind === 'Node') {
            const n = addr.targetRef.name ?? '';
            addNodeLabels(t, l.meta.node(n), n);
          }
        }
        addPod(t, addr.targetRef, port, seen, l, true);
        targets.push(labelSet(t));
      };
      for (const a of ss.addresses ?? []) add(a, 'true');
      for (const a of ss.notReadyAddresses ?? []) add(a, 'false');
    }
  }
  uncoveredPortTargets(seen, targets);
  return { source: endpointsSource(ns, name), labels: labelSet(ls), targets };
}

/** Prometheus buildEndpointSlice (discovery.k8s.io/v1). */
export function buildEndpointSlice(eps: EndpointSlice, l: EndpointsLookups): TargetGroup {
  const ns = eps.metadata?.namespace ?? '';
  const name = eps.metadata?.name ?? '';
  const ls: Record<string, string> = {
    [KubernetesNamespaceLabel]: ns,
    __meta_kubernetes_endpointslice_address_type: eps.addressType ?? '',
  };
  addObjectMetaLabels(ls, eps.metadata, 'endpointslice');
  const svcName = eps.metadata?.labels?.[ServiceNameLabel];
  if (svcName !== undefined) {
    const svc = l.service(ns, svcName);
    if (svc !== undefined) Object.assign(ls, serviceLabels(svc));
  }
  attachNamespace(ls, ns, l.meta);
  const targets: LabelSet[] = [];
  const seen: SeenPods = new Map();
  for (const ep of eps.endpoints ?? []) {
    for (const port of eps.ports ?? []) {
      for (const addr of ep.addresses ?? []) {
        const t: Record<string, string> = {
          __address__: port.port === undefined ? addr : joinHostPort(addr, port.port),
        };
        if (port.name !== undefined) t.__meta_kubernetes_endpointslice_port_name = port.name;
        if (port.protocol !== undefined) t.__meta_kubernetes_endpointslice_port_protocol = port.protocol;
        if (port.port !== undefined) t.__meta_kubernetes_endpointslice_port = String(port.port);
        if (port.appProtocol !== undefined) t.__meta_kubernetes_endpointslice_port_app_protocol = port.appProtocol;
        const c = ep.conditions ?? {};
        if (c.ready !== undefined) t.__meta_kubernetes_endpointslice_endpoint_conditions_ready = String(c.ready);
        if (c.serving !== undefined) t.__meta_kubernetes_endpointslice_endpoint_conditions_serving = String(c.serving);
        if (c.terminating !== undefined) {
          t.__meta_kubernetes_endpointslice_endpoint_conditions_terminating = String(c.terminating);
        }
        if (ep.hostname !== undefined) t.__meta_kubernetes_endpointslice_endpoint_hostname = ep.hostname;
        if (ep.targetRef !== undefined) {
          t.__meta_kubernetes_endpointslice_address_target_kind = ep.targetRef.kind ?? '';
          t.__meta_kubernetes_endpointslice_address_target_name = ep.targetRef.name ?? '';
        }
        if (ep.nodeName !== undefined) t.__meta_kubernetes_endpointslice_endpoint_node_name = ep.nodeName;
        if (ep.zone !== undefined) t.__meta_kubernetes_endpointslice_endpoint_zone = ep.zone;
        for (const [k, v] of Object.entries(ep.deprecatedTopology ?? {})) {
          const ln = sanitizeLabelName(k);
          t[`__meta_kubernetes_endpointslice_endpoint_topology_${ln}`] = v;
          t[`__meta_kubernetes_endpointslice_endpoint_topology_present_${ln}`] = 'true';
        }
        if (l.meta.withNode) {
          if (ep.nodeName !== undefined) addNodeLabels(t, l.meta.node(ep.nodeName), ep.nodeName);
          else if (ep.targetRef?.kind === 'Node') {
            const n = ep.targetRef.name ?? '';
            addNodeLabels(t, l.meta.node(n), n);
          }
        }
        addPod(t, ep.targetRef, port, seen, l, false);
        targets.push(labelSet(t));
      }
    }
  }
  uncoveredPortTargets(seen, targets);
  return { source: endpointSliceSource(ns, name), labels: labelSet(ls), targets };
}
