// `#file-discovery` where there is no Node file system (browsers, workers): file_sd cannot run.
import type { Discoverer, DiscovererOptions } from './discoverer.js';
import type { FileSDConfig } from './file-sd-config.js';
import type { TargetGroup } from './target-group.js';

/** Stands in for the file discoverer where there are no files; running it fails clearly. */
export class FileDiscoverer implements Discoverer {
  constructor(
    readonly config: FileSDConfig,
    readonly options: DiscovererOptions,
  ) {}

  // biome-ignore lint/correctness/useYield: it throws before yielding anything, by design.
  async *run(): AsyncIterable<TargetGroup[]> {
    throw new Error('file_sd_configs needs a file system: it runs under Node only');
  }
}
