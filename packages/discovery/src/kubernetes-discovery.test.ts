import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain, startDiscoverer as start } from './testing/kubernetes-run.js';
import { ingress, namespaceObject, node, pod, service } from './testing/kubernetes-fixtures.js';
import { type KubernetesServer, startKubernetesServer } from './testing/kubernetes-server.js';

const POD_LABELS = {
  __meta_kubernetes_pod_name: 'web-1',
  __meta_kubernetes_pod_ip: '10.244.1.5',
  __meta_kubernetes_pod_ready: 'true',
  __meta_kubernetes_pod_phase: 'Running',
  __meta_kubernetes_pod_node_name: 'node-1',
  __meta_kubernetes_pod_host_ip: '10.0.0.1',
  __meta_kubernetes_pod_uid: 'uid-web-1',
  __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
  __meta_kubernetes_pod_controller_name: 'web-5d4f7c',
  __meta_kubernetes_pod_label_app: 'web',
  __meta_kubernetes_pod_labelpresent_app: 'true',
  __meta_kubernetes_pod_label_app_kubernetes_io_name: 'web',
  __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
  __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
  __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
};

describe('kubernetes_sd_configs', () => {
  let k8s: KubernetesServer;
  beforeAll(async () => {
    k8s = await startKubernetesServer();
    k8s.apply('nodes', node('node-1', '10.0.0.1'));
    k8s.apply('namespaces', namespaceObject('default', { team: 'a' }));
    k8s.apply('pods', pod('default', 'web-1', '10.244.1.5'));
  });
  afterAll(async () => {
    await k8s.close();
  });

  it('role pod: one target per container port, a port-less one per container without ports', async () => {
    const d = start(k8s, { role: 'pod' });
    const g = plain((await d.until((m) => m.has('pod/default/web-1'))).get('pod/default/web-1'));
    expect(g).toEqual({
      source: 'pod/default/web-1',
      labels: { __meta_kubernetes_namespace: 'default', ...POD_LABELS },
      targets: [
        {
          __address__: '10.244.1.5:80',
          __meta_kubernetes_pod_container_name: 'app',
          __meta_kubernetes_pod_container_id: 'containerd://app0',
          __meta_kubernetes_pod_container_image: 'nginx:1.25',
          __meta_kubernetes_pod_container_init: 'false',
          __meta_kubernetes_pod_container_port_number: '80',
          __meta_kubernetes_pod_container_port_name: 'http',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
        },
        {
          __address__: '10.244.1.5:9113',
          __meta_kubernetes_pod_container_name: 'app',
          __meta_kubernetes_pod_container_id: 'containerd://app0',
          __meta_kubernetes_pod_container_image: 'nginx:1.25',
          __meta_kubernetes_pod_container_init: 'false',
          __meta_kubernetes_pod_container_port_number: '9113',
          __meta_kubernetes_pod_container_port_name: 'metrics',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
        },
        {
          __address__: '10.244.1.5',
          __meta_kubernetes_pod_container_name: 'sidecar',
          __meta_kubernetes_pod_container_id: 'containerd://side0',
          __meta_kubernetes_pod_container_image: 'envoy:1.28',
          __meta_kubernetes_pod_container_init: 'false',
        },
        {
          __address__: '10.244.1.5',
          __meta_kubernetes_pod_container_name: 'init',
          __meta_kubernetes_pod_container_id: 'containerd://init0',
          __meta_kubernetes_pod_container_image: 'busybox:1.36',
          __meta_kubernetes_pod_container_init: 'true',
        },
      ],
    });
    expect(k8s.requests.some((r) => r.path === '/api/v1/pods' && r.query.get('limit') === '500')).toBe(true);
    await d.stop();
  });

  it('role pod: attach_metadata node and namespace', async () => {
    const d = start(k8s, { role: 'pod', attach_metadata: { node: true, namespace: true } });
    const g = (await d.until((m) => m.has('pod/default/web-1'))).get('pod/default/web-1')!;
    expect({ ...g.labels }).toEqual({
      __meta_kubernetes_namespace: 'default',
      ...POD_LABELS,
      __meta_kubernetes_node_name: 'node-1',
      __meta_kubernetes_node_label_kubernetes_io_hostname: 'node-1',
      __meta_kubernetes_node_labelpresent_kubernetes_io_hostname: 'true',
      __meta_kubernetes_node_label_node_role_kubernetes_io_worker: '',
      __meta_kubernetes_node_labelpresent_node_role_kubernetes_io_worker: 'true',
      __meta_kubernetes_namespace_label_kubernetes_io_metadata_name: 'default',
      __meta_kubernetes_namespace_labelpresent_kubernetes_io_metadata_name: 'true',
      __meta_kubernetes_namespace_label_team: 'a',
      __meta_kubernetes_namespace_labelpresent_team: 'true',
      __meta_kubernetes_namespace_annotation_ns_example_owner: 'ops',
      __meta_kubernetes_namespace_annotationpresent_ns_example_owner: 'true',
    });
    // A change of the node is a change of its pods' targets.
    const n = node('node-1', '10.0.0.1');
    (n.metadata.labels as Record<string, string>).zone = 'z1';
    k8s.apply('nodes', n);
    await d.until((m) => m.get('pod/default/web-1')?.labels.__meta_kubernetes_node_label_zone === 'z1');
    await d.stop();
    k8s.apply('nodes', node('node-1', '10.0.0.1'));
  });

  it('role node: the first address by type order, the kubelet port, instance, addresses and conditions', async () => {
    k8s.apply(
      'nodes',
      node('node-2', '', {
        status: {
          addresses: [
            { type: 'Hostname', address: 'node-2' },
            { type: 'ExternalIP', address: '203.0.113.7' },
            { type: 'ExternalIP', address: '203.0.113.8' },
          ],
          conditions: [{ type: 'Ready', status: 'Unknown' }],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        },
      }),
    );
    const d = start(k8s, { role: 'node' });
    const m = await d.until((g) => g.has('node/node-1') && g.has('node/node-2'));
    expect(plain(m.get('node/node-1'))).toEqual({
      source: 'node/node-1',
      labels: {
        __meta_kubernetes_node_name: 'node-1',
        __meta_kubernetes_node_provider_id: 'kind://docker/kind/node-1',
        __meta_kubernetes_node_label_kubernetes_io_hostname: 'node-1',
        __meta_kubernetes_node_labelpresent_kubernetes_io_hostname: 'true',
        __meta_kubernetes_node_label_node_role_kubernetes_io_worker: '',
        __meta_kubernetes_node_labelpresent_node_role_kubernetes_io_worker: 'true',
        __meta_kubernetes_node_annotation_node_alpha_kubernetes_io_ttl: '0',
        __meta_kubernetes_node_annotationpresent_node_alpha_kubernetes_io_ttl: 'true',
        __meta_kubernetes_node_condition_memorypressure: 'false',
        __meta_kubernetes_node_condition_ready: 'true',
      },
      targets: [
        {
          __address__: '10.0.0.1:10250',
          instance: 'node-1',
          __meta_kubernetes_node_address_InternalIP: '10.0.0.1',
          __meta_kubernetes_node_address_Hostname: 'node-1',
        },
      ],
    });
    expect({ ...m.get('node/node-2')!.targets[0] }).toEqual({
      __address__: '203.0.113.7:10250',
      instance: 'node-2',
      __meta_kubernetes_node_address_ExternalIP: '203.0.113.7',
      __meta_kubernetes_node_address_Hostname: 'node-2',
    });
    expect(m.get('node/node-2')!.labels.__meta_kubernetes_node_condition_ready).toBe('unknown');
    k8s.remove('nodes', '', 'node-2');
    await d.until((g) => g.get('node/node-2')?.targets.length === 0);
    await d.stop();
  });

  it('role service: one target per port; cluster IP, load balancer and external name by type', async () => {
    k8s.apply('services', service('default', 'web', {}));
    k8s.apply(
      'services',
      service(
        'default',
        'lb',
        { type: 'LoadBalancer', loadBalancerIP: '198.51.100.1', ports: [{ port: 443, protocol: 'TCP' }] },
        {
          loadBalancer: { ingress: [{ ip: '198.51.100.9' }, { hostname: 'lb.example' }, { ip: '198.51.100.10' }] },
        },
      ),
    );
    k8s.apply(
      'services',
      service('default', 'ext', { type: 'ExternalName', externalName: 'db.example.org', clusterIP: undefined }),
    );
    const d = start(k8s, { role: 'service' });
    const m = await d.until((g) => g.has('svc/default/web') && g.has('svc/default/lb') && g.has('svc/default/ext'));
    expect(plain(m.get('svc/default/web'))).toEqual({
      source: 'svc/default/web',
      labels: {
        __meta_kubernetes_namespace: 'default',
        __meta_kubernetes_service_name: 'web',
        __meta_kubernetes_service_label_app: 'web',
        __meta_kubernetes_service_labelpresent_app: 'true',
        __meta_kubernetes_service_annotation_team_example_owner: 'a',
        __meta_kubernetes_service_annotationpresent_team_example_owner: 'true',
      },
      targets: [
        {
          __address__: 'web.default.svc:80',
          __meta_kubernetes_service_port_name: 'http',
          __meta_kubernetes_service_port_number: '80',
          __meta_kubernetes_service_port_protocol: 'TCP',
          __meta_kubernetes_service_type: 'ClusterIP',
          __meta_kubernetes_service_cluster_ip: '10.96.0.10',
        },
      ],
    });
    expect({ ...m.get('svc/default/lb')!.targets[0] }).toMatchObject({
      __address__: 'lb.default.svc:443',
      __meta_kubernetes_service_port_name: '',
      __meta_kubernetes_service_type: 'LoadBalancer',
      __meta_kubernetes_service_loadbalancer_ip: '198.51.100.9,198.51.100.10',
    });
    const ext = { ...m.get('svc/default/ext')!.targets[0] };
    expect(ext.__meta_kubernetes_service_external_name).toBe('db.example.org');
    expect(ext).not.toHaveProperty('__meta_kubernetes_service_cluster_ip');
    await d.stop();
  });

  it('role ingress: a target per rule and path; https for hosts covered by TLS, wildcards included', async () => {
    k8s.apply(
      'ingresses',
      ingress('default', 'site', {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['*.example.com'], secretName: 'tls' }],
        rules: [
          {
            host: 'www.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
                {
                  path: '',
                  pathType: 'ImplementationSpecific',
                  backend: { service: { name: 'web', port: { name: 'http' } } },
                },
              ],
            },
          },
          { host: 'a.b.example.com', http: { paths: [{ path: '/api', pathType: 'Exact' }] } },
          { host: 'plain.example.org' },
        ],
      }),
    );
    const d = start(k8s, { role: 'ingress' });
    const g = plain((await d.until((m) => m.has('ingress/default/site'))).get('ingress/default/site'));
    expect(g!.labels).toEqual({
      __meta_kubernetes_namespace: 'default',
      __meta_kubernetes_ingress_name: 'site',
      __meta_kubernetes_ingress_class_name: 'nginx',
      __meta_kubernetes_ingress_label_app: 'site',
      __meta_kubernetes_ingress_labelpresent_app: 'true',
      __meta_kubernetes_ingress_annotation_ingress_example_a: 'b',
      __meta_kubernetes_ingress_annotationpresent_ingress_example_a: 'true',
    });
    const t = (host: string, scheme: string, path: string) => ({
      __address__: host,
      __meta_kubernetes_ingress_scheme: scheme,
      __meta_kubernetes_ingress_host: host,
      __meta_kubernetes_ingress_path: path,
    });
    expect(g!.targets).toEqual([
      t('www.example.com', 'https', '/'),
      t('www.example.com', 'https', '/'),
      t('a.b.example.com', 'http', '/api'), // `*.` stands for one label only.
      t('plain.example.org', 'http', '/'),
    ]);
    expect(k8s.requests.some((r) => r.path === '/apis/networking.k8s.io/v1/ingresses')).toBe(true);
    await d.stop();
  });
});
