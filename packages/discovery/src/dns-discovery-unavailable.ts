// `#dns-discovery` where there is no node:dns (browsers, workers): dns_sd cannot run.
import type { DiscovererOptions } from './discoverer.js';
import type { DNSSDConfig } from './dns-sd-config.js';
import type { TargetGroup } from './target-group.js';

/** Stands in for the DNS discoverer where there is no resolver; refreshing fails clearly. */
export class DNSDiscoverer {
  constructor(
    readonly config: DNSSDConfig,
    readonly options: DiscovererOptions,
  ) {}

  refresh(): Promise<TargetGroup[]> {
    return Promise.reject(new Error('dns_sd_configs needs node:dns: it runs under Node only'));
  }
}
