// `#kubernetes-discovery` where there is no node:http (browsers, workers): kubernetes_sd cannot run.
import type { DiscovererOptions } from './discoverer.js';
import type { KubernetesSDFields } from './kubernetes-sd-config.js';
import type { TargetGroup } from './target-group.js';

/** Stands in for the Kubernetes discoverer where there is no HTTP client; running it fails clearly. */
export class KubernetesDiscoverer {
  constructor(
    readonly fields: KubernetesSDFields,
    readonly options: DiscovererOptions,
  ) {}

  // biome-ignore lint/correctness/useYield: it fails before its first update, by design.
  async *run(_signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    throw new Error('kubernetes_sd_configs needs node:http and node:fs: it runs under Node only');
  }
}
