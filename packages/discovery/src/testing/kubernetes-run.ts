// Test helper: runs a kubernetes_sd discoverer against a test API server and collects its groups.
import type { DiscoveryLogger } from '../discoverer.js';
import { DiscoveryMetrics } from '../discovery-metrics.js';
import { KubernetesDiscoverer, type KubernetesDiscovererSettings } from '../kubernetes-discovery.js';
import { type KubernetesSDConfig, kubernetesSD } from '../kubernetes-sd-config.js';
import type { TargetGroup } from '../target-group.js';
import type { KubernetesServer } from './kubernetes-server.js';

export const quiet = (): DiscoveryLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, error: (m) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {} };
};

/** Runs a discoverer of `raw` against `k8s`, collecting the groups it sends by source. */
export function startDiscoverer(
  k8s: KubernetesServer | undefined,
  raw: Record<string, unknown>,
  settings: KubernetesDiscovererSettings = {},
) {
  const cfg = kubernetesSD.parse(
    { ...(k8s === undefined ? {} : { api_server: k8s.url }), ...raw },
    { baseDir: undefined },
  ) as KubernetesSDConfig;
  const metrics = new DiscoveryMetrics();
  const logger = quiet();
  const ac = new AbortController();
  const d = new KubernetesDiscoverer(cfg.fields, { logger, metrics }, { retryMs: 20, watchTimeoutS: 30, ...settings });
  const iter = d.run(ac.signal)[Symbol.asyncIterator]();
  const groups = new Map<string, TargetGroup>();
  const updates: TargetGroup[][] = [];
  /** Pulls updates until `check` holds on the groups by source. */
  const until = async (check: (g: Map<string, TargetGroup>) => boolean) => {
    while (!check(groups)) {
      const u = (await iter.next()).value as TargetGroup[];
      updates.push(u);
      for (const g of u) groups.set(g.source, g);
    }
    return groups;
  };
  const stop = async () => {
    ac.abort();
    await iter.return?.();
  };
  const failures = () =>
    metrics.counters().find((c) => c.name === 'prometheus_sd_kubernetes_failures_total')?.value ?? 0;
  return { until, stop, groups, updates, logger, failures };
}

export const plain = (g: TargetGroup | undefined) =>
  g === undefined
    ? undefined
    : { source: g.source, labels: { ...g.labels }, targets: g.targets.map((t) => ({ ...t })) };
