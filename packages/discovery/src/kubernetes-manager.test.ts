// prometheus.yml with kubernetes_sd_configs through @tsprom/config and the discovery Manager: the
// targets of a test cluster reach the subscriber per job, and follow its changes.
import { loadConfig } from '@tsprom/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manager, type TargetSets } from './manager.js';
import { newSDRegistry } from './registry.js';
import { node, pod } from './testing/kubernetes-fixtures.js';
import { type KubernetesServer, startKubernetesServer } from './testing/kubernetes-server.js';

describe('kubernetes_sd_configs in prometheus.yml', () => {
  let k8s: KubernetesServer;
  beforeAll(async () => {
    k8s = await startKubernetesServer();
    k8s.apply('nodes', node('node-1', '10.0.0.1'));
    k8s.apply('pods', pod('default', 'web-1', '10.244.1.5'));
  });
  afterAll(async () => {
    await k8s.close();
  });

  it('loads, discovers and sends every job, then the changes', async () => {
    const text = `scrape_configs:
  - job_name: nodes
    kubernetes_sd_configs: [{role: node, api_server: '${k8s.url}'}]
  - job_name: pods
    kubernetes_sd_configs:
      - role: pod
        api_server: '${k8s.url}'
        selectors: [{role: pod, label: app=web}]
`;
    const registry = newSDRegistry();
    const cfg = loadConfig(text, { sdLoader: registry });
    const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
    const manager = new Manager({ registry, updateIntervalMs: 10, logger: quiet });
    manager.start();
    const ac = new AbortController();
    const updates = manager.updates(ac.signal)[Symbol.asyncIterator]();
    await manager.applyConfig(new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs])));
    const addresses = (sets: TargetSets) =>
      Object.fromEntries(
        [...sets].map(([job, gs]) => [job, gs.flatMap((g) => g.targets.map((t) => t.__address__!)).sort()]),
      );
    const until = async (want: Record<string, string[]>) => {
      let sets: TargetSets;
      do sets = (await updates.next()).value as TargetSets;
      while (JSON.stringify(addresses(sets)) !== JSON.stringify(want));
      return sets;
    };
    const sets = await until({
      nodes: ['10.0.0.1:10250'],
      pods: ['10.244.1.5', '10.244.1.5', '10.244.1.5:80', '10.244.1.5:9113'],
    });
    expect(sets.get('pods')![0]!.labels.__meta_kubernetes_pod_name).toBe('web-1');
    k8s.apply('pods', pod('default', 'db-1', '10.244.1.6', { labels: { app: 'db' } })); // Not selected.
    k8s.remove('pods', 'default', 'web-1');
    k8s.apply('nodes', node('node-2', '10.0.0.2'));
    await until({ nodes: ['10.0.0.1:10250', '10.0.0.2:10250'], pods: [] });
    expect(manager.discoveredTargets().get('nodes')).toBe(2);
    ac.abort();
    await manager.stop();
  });
});
