// Prometheus: discovery/discovery.go StaticConfig and staticDiscoverer. Static targets are target
// groups known at configuration time: the discoverer sends them once and waits.
import type { Discoverer, SDConfig, SDMechanism } from './discoverer.js';
import { parseTargetGroup, type TargetGroup } from './target-group.js';

/** The target groups of a job's `static_configs` (Prometheus StaticConfig). */
export class StaticConfig implements SDConfig {
  readonly name = 'static';
  constructor(readonly groups: readonly TargetGroup[]) {}

  newDiscoverer(): Discoverer {
    return new StaticDiscoverer(this.groups);
  }

  toYAML(): unknown {
    return this.groups.map((g) => ({ targets: g.targets.map((t) => t.__address__ ?? ''), labels: g.labels }));
  }
}

/** Sends its groups once, then waits until stopped (Prometheus staticDiscoverer). */
export class StaticDiscoverer implements Discoverer {
  constructor(readonly groups: readonly TargetGroup[]) {}

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    if (signal.aborted) return;
    yield [...this.groups];
    // Nothing changes until the config does: wait for the stop.
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

/**
 * `static_configs`: each entry is one target group (`{targets, labels}`); a job's entries are
 * coalesced into one {@link StaticConfig} by the manager, with sources `0`, `1`… in order, as
 * Prometheus does.
 */
export const staticSD: SDMechanism = {
  key: 'static_configs',
  name: 'static',
  parse(raw) {
    return new StaticConfig([parseTargetGroup(raw, '0')]);
  },
};
