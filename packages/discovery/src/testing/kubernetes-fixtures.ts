// Test fixtures: Kubernetes objects as the API returns them (Kubernetes API reference: Node, Pod,
// Service, Endpoints v1; EndpointSlice discovery.k8s.io/v1; Ingress networking.k8s.io/v1;
// Namespace v1), with the fields kubernetes_sd reads and some it does not.
import type { KubeJSON } from './kubernetes-server.js';

export function node(name: string, internalIP: string, extra: Partial<KubeJSON> = {}): KubeJSON {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/worker': '' },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { providerID: `kind://docker/kind/${name}`, podCIDR: '10.244.1.0/24' },
    status: {
      addresses: [
        { type: 'InternalIP', address: internalIP },
        { type: 'Hostname', address: name },
      ],
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: { kubeletVersion: 'v1.29.0' },
    },
    ...extra,
  };
}

export function pod(
  namespace: string,
  name: string,
  ip: string,
  extra: { labels?: Record<string, string> } = {},
): KubeJSON {
  return {
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      labels: { app: 'web', 'app.kubernetes.io/name': 'web', ...extra.labels },
      annotations: { 'prometheus.io/scrape': 'true' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-5d4f7c',
          uid: 'rs-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: 'node-1',
      initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['true'] }],
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          ports: [
            { name: 'http', containerPort: 80, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9113, protocol: 'TCP' },
          ],
        },
        { name: 'sidecar', image: 'envoy:1.28' },
      ],
    },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: '10.0.0.1',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      initContainerStatuses: [{ name: 'init', containerID: 'containerd://init0', ready: true }],
      containerStatuses: [
        { name: 'app', containerID: 'containerd://app0', ready: true },
        { name: 'sidecar', containerID: 'containerd://side0', ready: true },
      ],
    },
  };
}

export function service(namespace: string, name: string, spec: Record<string, unknown>, status?: unknown): KubeJSON {
  return {
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      labels: { app: name },
      annotations: { 'team.example/owner': 'a' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }],
      ...spec,
    },
    ...(status === undefined ? {} : { status }),
  };
}

export function endpoints(namespace: string, name: string, subsets: unknown[]): KubeJSON {
  return { metadata: { name, namespace, labels: { app: name }, annotations: { 'endpoints.example/x': 'y' } }, subsets };
}

export function endpointSlice(
  namespace: string,
  name: string,
  service: string,
  body: Record<string, unknown>,
): KubeJSON {
  return {
    metadata: {
      name,
      namespace,
      labels: {
        'kubernetes.io/service-name': service,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      annotations: { 'slice.example/a': 'b' },
    },
    addressType: 'IPv4',
    ...body,
  };
}

export function ingress(namespace: string, name: string, spec: Record<string, unknown>): KubeJSON {
  return { metadata: { name, namespace, labels: { app: name }, annotations: { 'ingress.example/a': 'b' } }, spec };
}

export function namespaceObject(name: string, labels: Record<string, string>): KubeJSON {
  return {
    metadata: {
      name,
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
      annotations: { 'ns.example/owner': 'ops' },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
