import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointSlice, endpoints, pod, service } from './testing/kubernetes-fixtures.js';
import { startDiscoverer as start } from './testing/kubernetes-run.js';
import { type KubernetesServer, startKubernetesServer } from './testing/kubernetes-server.js';

const podLabels = {
  __meta_kubernetes_pod_name: 'api-1',
  __meta_kubernetes_pod_ip: '10.244.2.7',
  __meta_kubernetes_pod_ready: 'true',
  __meta_kubernetes_pod_phase: 'Running',
  __meta_kubernetes_pod_node_name: 'node-1',
  __meta_kubernetes_pod_host_ip: '10.0.0.1',
  __meta_kubernetes_pod_uid: 'uid-api-1',
  __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
  __meta_kubernetes_pod_controller_name: 'web-5d4f7c',
  __meta_kubernetes_pod_label_app: 'api',
  __meta_kubernetes_pod_labelpresent_app: 'true',
  __meta_kubernetes_pod_label_app_kubernetes_io_name: 'web',
  __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
  __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
  __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
};
const serviceLabels = {
  __meta_kubernetes_service_name: 'api',
  __meta_kubernetes_service_label_app: 'api',
  __meta_kubernetes_service_labelpresent_app: 'true',
  __meta_kubernetes_service_annotation_team_example_owner: 'a',
  __meta_kubernetes_service_annotationpresent_team_example_owner: 'true',
};
const containerMetrics = {
  __address__: '10.244.2.7:9113',
  __meta_kubernetes_pod_container_name: 'app',
  __meta_kubernetes_pod_container_image: 'nginx:1.25',
  __meta_kubernetes_pod_container_port_name: 'metrics',
  __meta_kubernetes_pod_container_port_number: '9113',
  __meta_kubernetes_pod_container_port_protocol: 'TCP',
  __meta_kubernetes_pod_container_init: 'false',
  ...podLabels,
};
const containerHTTP = {
  __meta_kubernetes_pod_container_name: 'app',
  __meta_kubernetes_pod_container_image: 'nginx:1.25',
  __meta_kubernetes_pod_container_port_name: 'http',
  __meta_kubernetes_pod_container_port_number: '80',
  __meta_kubernetes_pod_container_port_protocol: 'TCP',
  __meta_kubernetes_pod_container_init: 'false',
};

describe('kubernetes_sd_configs roles endpoints and endpointslice', () => {
  let k8s: KubernetesServer;
  beforeAll(async () => {
    k8s = await startKubernetesServer();
    k8s.apply('pods', pod('shop', 'api-1', '10.244.2.7', { labels: { app: 'api' } }));
    k8s.apply('services', service('shop', 'api', {}));
    k8s.apply(
      'endpoints',
      endpoints('shop', 'api', [
        {
          addresses: [
            {
              ip: '10.244.2.7',
              nodeName: 'node-1',
              targetRef: { kind: 'Pod', namespace: 'shop', name: 'api-1', uid: 'uid-api-1' },
            },
          ],
          notReadyAddresses: [{ ip: '10.244.2.8', hostname: 'api-2' }],
          ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        },
      ]),
    );
    k8s.apply(
      'endpointslices',
      endpointSlice('shop', 'api-x7k2p', 'api', {
        endpoints: [
          {
            addresses: ['10.244.2.7'],
            conditions: { ready: true, serving: true, terminating: false },
            targetRef: { kind: 'Pod', namespace: 'shop', name: 'api-1', uid: 'uid-api-1' },
            nodeName: 'node-1',
            zone: 'us-east-1a',
          },
          {
            addresses: ['10.244.2.8'],
            conditions: { ready: false },
            hostname: 'api-2',
            deprecatedTopology: { 'kubernetes.io/hostname': 'node-2' },
          },
        ],
        ports: [{ name: 'http', port: 80, protocol: 'TCP', appProtocol: 'http' }],
      }),
    );
  });
  afterAll(async () => {
    await k8s.close();
  });

  it('role endpoints: a target per address and port, pod and service labels, uncovered container ports', async () => {
    const d = start(k8s, { role: 'endpoints', namespaces: { names: ['shop'] } });
    const g = (await d.until((m) => m.has('endpoints/shop/api'))).get('endpoints/shop/api')!;
    expect({ ...g.labels }).toEqual({
      __meta_kubernetes_namespace: 'shop',
      __meta_kubernetes_endpoints_name: 'api',
      __meta_kubernetes_endpoints_label_app: 'api',
      __meta_kubernetes_endpoints_labelpresent_app: 'true',
      __meta_kubernetes_endpoints_annotation_endpoints_example_x: 'y',
      __meta_kubernetes_endpoints_annotationpresent_endpoints_example_x: 'true',
      ...serviceLabels,
    });
    expect(g.targets.map((t) => ({ ...t }))).toEqual([
      {
        __address__: '10.244.2.7:80',
        __meta_kubernetes_endpoint_port_name: 'http',
        __meta_kubernetes_endpoint_port_protocol: 'TCP',
        __meta_kubernetes_endpoint_ready: 'true',
        __meta_kubernetes_endpoint_address_target_kind: 'Pod',
        __meta_kubernetes_endpoint_address_target_name: 'api-1',
        __meta_kubernetes_endpoint_node_name: 'node-1',
        ...podLabels,
        ...containerHTTP,
      },
      {
        __address__: '10.244.2.8:80',
        __meta_kubernetes_endpoint_port_name: 'http',
        __meta_kubernetes_endpoint_port_protocol: 'TCP',
        __meta_kubernetes_endpoint_ready: 'false',
        __meta_kubernetes_endpoint_hostname: 'api-2',
      },
      containerMetrics,
    ]);
    for (const p of ['endpoints', 'services', 'pods']) {
      expect(k8s.requests.some((r) => r.path === `/api/v1/namespaces/shop/${p}`)).toBe(true);
    }
    // A pod's change is a change of the endpoints that point at it; a service's likewise.
    k8s.apply('pods', pod('shop', 'api-1', '10.244.2.7', { labels: { app: 'api', track: 'canary' } }));
    await d.until((m) => m.get('endpoints/shop/api')?.targets[0]?.__meta_kubernetes_pod_label_track === 'canary');
    k8s.remove('services', 'shop', 'api');
    await d.until((m) => m.get('endpoints/shop/api')?.labels.__meta_kubernetes_service_name === undefined);
    k8s.apply('services', service('shop', 'api', {}));
    await d.until((m) => m.get('endpoints/shop/api')?.labels.__meta_kubernetes_service_name === 'api');
    k8s.apply('pods', pod('shop', 'api-1', '10.244.2.7', { labels: { app: 'api' } }));
    await d.until((m) => m.get('endpoints/shop/api')?.targets[0]?.__meta_kubernetes_pod_label_track === undefined);
    await d.stop();
  });

  it('role endpointslice: a target per endpoint address and port, conditions, topology, zone', async () => {
    const d = start(k8s, { role: 'endpointslice' });
    const g = (await d.until((m) => m.has('endpointslice/shop/api-x7k2p'))).get('endpointslice/shop/api-x7k2p')!;
    expect({ ...g.labels }).toEqual({
      __meta_kubernetes_namespace: 'shop',
      __meta_kubernetes_endpointslice_address_type: 'IPv4',
      __meta_kubernetes_endpointslice_name: 'api-x7k2p',
      __meta_kubernetes_endpointslice_label_kubernetes_io_service_name: 'api',
      __meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name: 'true',
      __meta_kubernetes_endpointslice_label_endpointslice_kubernetes_io_managed_by: 'endpointslice-controller.k8s.io',
      __meta_kubernetes_endpointslice_labelpresent_endpointslice_kubernetes_io_managed_by: 'true',
      __meta_kubernetes_endpointslice_annotation_slice_example_a: 'b',
      __meta_kubernetes_endpointslice_annotationpresent_slice_example_a: 'true',
      ...serviceLabels,
    });
    const port = {
      __meta_kubernetes_endpointslice_port_name: 'http',
      __meta_kubernetes_endpointslice_port_protocol: 'TCP',
      __meta_kubernetes_endpointslice_port: '80',
      __meta_kubernetes_endpointslice_port_app_protocol: 'http',
    };
    expect(g.targets.map((t) => ({ ...t }))).toEqual([
      {
        __address__: '10.244.2.7:80',
        ...port,
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
        __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
        __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
        __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
        __meta_kubernetes_endpointslice_address_target_name: 'api-1',
        __meta_kubernetes_endpointslice_endpoint_node_name: 'node-1',
        __meta_kubernetes_endpointslice_endpoint_zone: 'us-east-1a',
        ...podLabels,
        ...containerHTTP,
      },
      {
        __address__: '10.244.2.8:80',
        ...port,
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'false',
        __meta_kubernetes_endpointslice_endpoint_hostname: 'api-2',
        __meta_kubernetes_endpointslice_endpoint_topology_kubernetes_io_hostname: 'node-2',
        __meta_kubernetes_endpointslice_endpoint_topology_present_kubernetes_io_hostname: 'true',
      },
      containerMetrics,
    ]);
    expect(k8s.requests.some((r) => r.path === '/apis/discovery.k8s.io/v1/endpointslices')).toBe(true);
    k8s.remove('endpointslices', 'shop', 'api-x7k2p');
    await d.until((m) => m.get('endpointslice/shop/api-x7k2p')?.targets.length === 0);
    await d.stop();
  });
});
