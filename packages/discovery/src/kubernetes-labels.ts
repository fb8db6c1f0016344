// Prometheus: discovery/kubernetes/kubernetes.go addObjectMetaLabels, addNodeLabels,
// addNamespaceLabels; pod.go podLabels, podReady, GetControllerOf; service.go serviceLabels;
// node.go nodeLabels. The meta labels shared by several roles.
import type { Namespace, Node, ObjectMeta, Pod, Service } from './kubernetes-objects.js';

/** Prometheus metaLabelPrefix. */
export const KubernetesMetaPrefix = '__meta_kubernetes_';
/** Prometheus namespaceLabel. */
export const KubernetesNamespaceLabel = '__meta_kubernetes_namespace';

/** Prometheus presentValue. */
const PRESENT = 'true';

/** Prometheus strutil.SanitizeLabelName. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Prometheus addObjectMetaLabels: `__meta_kubernetes_<role>_name`, and for each label and
 * annotation `_label_<name>`, `_labelpresent_<name>`, `_annotation_<name>`, `_annotationpresent_<name>`.
 */
export function addObjectMetaLabels(ls: Record<string, string>, meta: ObjectMeta | undefined, role: string): void {
  const p = `${KubernetesMetaPrefix}${role}_`;
  ls[`${p}name`] = meta?.name ?? '';
  addLabelsAndAnnotations(ls, meta, p);
}

function addLabelsAndAnnotations(ls: Record<string, string>, meta: ObjectMeta | undefined, p: string): void {
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${p}label_${ln}`] = v;
    ls[`${p}labelpresent_${ln}`] = PRESENT;
  }
  for (const [k, v] of Object.entries(meta?.annotations ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${p}annotation_${ln}`] = v;
    ls[`${p}annotationpresent_${ln}`] = PRESENT;
  }
}

/** Prometheus podReady: the Ready condition's status in lower case, `unknown` without one. */
function podReady(pod: Pod): string {
  for (const c of pod.status?.conditions ?? []) {
    if (c.type === 'Ready') return (c.status ?? '').toLowerCase();
  }
  return 'unknown';
}

/** Prometheus podLabels: the pod's labels of a target group (or of an endpoint's target). */
export function podLabels(pod: Pod): Record<string, string> {
  const ls: Record<string, string> = {
    __meta_kubernetes_pod_ip: pod.status?.podIP ?? '',
    __meta_kubernetes_pod_ready: podReady(pod),
    __meta_kubernetes_pod_phase: pod.status?.phase ?? '',
    __meta_kubernetes_pod_node_name: pod.spec?.nodeName ?? '',
    __meta_kubernetes_pod_host_ip: pod.status?.hostIP ?? '',
    __meta_kubernetes_pod_uid: pod.metadata?.uid ?? '',
  };
  addObjectMetaLabels(ls, pod.metadata, 'pod');
  // Prometheus GetControllerOf: the owner reference marked as the controller.
  const owner = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (owner !== undefined) {
    if ((owner.kind ?? '') !== '') ls.__meta_kubernetes_pod_controller_kind = owner.kind!;
    if ((owner.name ?? '') !== '') ls.__meta_kubernetes_pod_controller_name = owner.name!;
  }
  return ls;
}

/** Prometheus serviceLabels: the namespace, the service's name, labels and annotations. */
export function serviceLabels(svc: Service): Record<string, string> {
  const ls: Record<string, string> = { [KubernetesNamespaceLabel]: svc.metadata?.namespace ?? '' };
  addObjectMetaLabels(ls, svc.metadata, 'service');
  return ls;
}

/** Prometheus nodeLabels: name, labels, annotations, provider ID and one label per condition. */
export function nodeLabels(node: Node): Record<string, string> {
  const ls: Record<string, string> = {};
  addObjectMetaLabels(ls, node.metadata, 'node');
  ls.__meta_kubernetes_node_provider_id = node.spec?.providerID ?? '';
  for (const c of node.status?.conditions ?? []) {
    ls[`__meta_kubernetes_node_condition_${sanitizeLabelName((c.type ?? '').toLowerCase())}`] = (
      c.status ?? ''
    ).toLowerCase();
  }
  return ls;
}

/**
 * Prometheus addNodeLabels (`attach_metadata: {node: true}`): the node's name, labels and
 * label-present flags onto `ls`, when the node is known.
 */
export function addNodeLabels(ls: Record<string, string>, node: Node | undefined, nodeName: string): void {
  if (node === undefined) return;
  ls.__meta_kubernetes_node_name = nodeName;
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`__meta_kubernetes_node_label_${ln}`] = v;
    ls[`__meta_kubernetes_node_labelpresent_${ln}`] = PRESENT;
  }
}

/**
 * Prometheus addNamespaceLabels (`attach_metadata: {namespace: true}`): the namespace's labels and
 * annotations as `__meta_kubernetes_namespace_label_<name>` and friends, when it is known.
 */
export function addNamespaceLabels(ls: Record<string, string>, ns: Namespace | undefined): void {
  if (ns === undefined) return;
  addLabelsAndAnnotations(ls, ns.metadata, `${KubernetesNamespaceLabel}_`);
}

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
