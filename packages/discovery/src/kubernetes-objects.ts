// The Kubernetes API objects kubernetes_sd reads, as their JSON (k8s.io/api core/v1,
// discovery.k8s.io/v1, networking.k8s.io/v1), limited to the fields Prometheus uses. Every field is
// optional: the API omits empty ones.

/** metav1.ObjectMeta. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  ownerReferences?: { kind?: string; name?: string; controller?: boolean }[] | null;
}

/** Any object of a list or watch event. */
export interface KubeObject {
  kind?: string;
  apiVersion?: string;
  metadata?: ObjectMeta;
}

/** core/v1 ObjectReference (an endpoint's targetRef). */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
}

/** core/v1 Container (the fields Prometheus reads). */
export interface Container {
  name?: string;
  image?: string;
  ports?: { name?: string; containerPort?: number; protocol?: string }[] | null;
}

/** core/v1 Pod. */
export interface Pod extends KubeObject {
  spec?: { nodeName?: string; containers?: Container[] | null; initContainers?: Container[] | null };
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: { type?: string; status?: string }[] | null;
    containerStatuses?: { name?: string; containerID?: string }[] | null;
    initContainerStatuses?: { name?: string; containerID?: string }[] | null;
  };
}

/** core/v1 Node. */
export interface Node extends KubeObject {
  spec?: { providerID?: string };
  status?: {
    addresses?: { type?: string; address?: string }[] | null;
    conditions?: { type?: string; status?: string }[] | null;
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
}

/** core/v1 Service. */
export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    externalName?: string;
    loadBalancerIP?: string;
    ports?: { name?: string; port?: number; protocol?: string }[] | null;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] | null } };
}

/** core/v1 EndpointAddress. */
export interface EndpointAddress {
  ip?: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

/** core/v1 EndpointPort (and discovery/v1 EndpointPort: every field optional there). */
export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

/** core/v1 Endpoints. */
export interface Endpoints extends KubeObject {
  subsets?:
    | {
        addresses?: EndpointAddress[] | null;
        notReadyAddresses?: EndpointAddress[] | null;
        ports?: EndpointPort[] | null;
      }[]
    | null;
}

/** discovery.k8s.io/v1 Endpoint. */
export interface SliceEndpoint {
  addresses?: string[] | null;
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
  deprecatedTopology?: Record<string, string> | null;
}

/** discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: EndpointPort[] | null;
}

/** networking.k8s.io/v1 Ingress. */
export interface Ingress extends KubeObject {
  spec?: {
    ingressClassName?: string;
    tls?: { hosts?: string[] | null }[] | null;
    rules?: { host?: string; http?: { paths?: { path?: string }[] | null } | null }[] | null;
  };
}

/** core/v1 Namespace. */
export type Namespace = KubeObject;

/** A `*List` answer: `kind`, `apiVersion`, `metadata.resourceVersion` (and `continue`), `items`. */
export interface KubeList {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[] | null;
}

/** One line of a watch stream. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; message?: string; reason?: string };
}

/** The store key of an object: `namespace/name`, or `name` for cluster-scoped ones (client-go MetaNamespaceKeyFunc). */
export function objectKey(o: KubeObject): string {
  const ns = o.metadata?.namespace ?? '';
  const name = o.metadata?.name ?? '';
  return ns === '' ? name : `${ns}/${name}`;
}
