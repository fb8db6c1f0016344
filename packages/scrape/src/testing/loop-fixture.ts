// Builds a scrape loop against a real in-memory TSDB and a real HTTP target, with Prometheus's
// defaults for every option a test does not set. Test helper, not part of the API.
import { LabelsBuilder } from '@tsprom/labels';
import type { Appendable } from '@tsprom/storage-interfaces';
import { acceptHeader, DefaultScrapeProtocols } from '@tsprom/textparse';
import { DefaultHTTPClientConfig, type HTTPClientConfig } from '@tsprom/config';
import type { LabelSet } from '@tsprom/discovery';
import { HTTPClient } from '@tsprom/http-client';
import { populateLabels, type TargetLabelsConfig } from '../populate-labels.js';
import type { ScrapeCache } from '../scrape-cache.js';
import { ScrapeLoop } from '../scrape-loop.js';
import type { ScrapeLoopOptions } from '../scrape-loop-options.js';
import { ScrapeMetrics } from '../scrape-metrics.js';
import { Target } from '../target.js';
import { TargetScraper, type TargetScraperOptions } from '../target-scraper.js';

/** Prometheus's defaults for one target, 10 s interval and timeout. */
export function loopOptions(o: Partial<ScrapeLoopOptions> = {}): ScrapeLoopOptions {
  return {
    intervalMs: 10_000,
    timeoutMs: 10_000,
    honorLabels: false,
    honorTimestamps: true,
    trackTimestampsStaleness: false,
    sampleLimit: 0,
    labelLimits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 },
    metricRelabelConfigs: [],
    validationScheme: 'utf8',
    fallbackScrapeProtocol: undefined,
    nativeHistograms: false,
    alwaysScrapeClassicHistograms: false,
    convertClassicHistogramsToNHCB: false,
    nativeHistogramBucketLimit: 0,
    nativeHistogramMaxSchema: 8,
    reportExtraMetrics: false,
    appendMetadataToWAL: false,
    offsetSeed: 0n,
    ...o,
  };
}

/** A target config for job `test` (text protocols, 10 s). */
export function targetConfig(o: Partial<TargetLabelsConfig> = {}): TargetLabelsConfig {
  return {
    jobName: 'test',
    scrapeIntervalMs: 10_000,
    scrapeTimeoutMs: 10_000,
    metricsPath: '/metrics',
    scheme: 'http',
    params: new Map(),
    relabelConfigs: [],
    ...o,
  };
}

/** A target at `address` (plus `extra` discovered labels), labels populated as a pool does. */
export function makeTarget(address: string, extra: LabelSet = {}, cfg = targetConfig()): Target {
  const { labels, discoveredLabels } = populateLabels(new LabelsBuilder(), cfg, { __address__: address, ...extra }, {});
  return new Target(labels, discoveredLabels, cfg.params);
}

/** What {@link makeLoop} built. */
export interface LoopFixture {
  readonly loop: ScrapeLoop;
  readonly target: Target;
  readonly client: HTTPClient;
  readonly metrics: ScrapeMetrics;
  /** Cancels and stops the loop (no stale markers) and closes the client. */
  close(): Promise<void>;
}

/** A loop scraping `address` into `appendable` over HTTP. */
export async function makeLoop(
  appendable: Appendable,
  address: string,
  o: {
    options?: Partial<ScrapeLoopOptions>;
    scraper?: Partial<TargetScraperOptions>;
    http?: Partial<HTTPClientConfig>;
    target?: Target;
    cache?: ScrapeCache;
    targetLabels?: LabelSet;
  } = {},
): Promise<LoopFixture> {
  const options = loopOptions(o.options);
  const target = o.target ?? makeTarget(address, o.targetLabels);
  const client = await HTTPClient.create({ ...DefaultHTTPClientConfig, ...o.http });
  const scraper = new TargetScraper(target, client, {
    timeoutMs: options.timeoutMs,
    bodySizeLimitBytes: 0,
    acceptHeader: acceptHeader(DefaultScrapeProtocols),
    enableCompression: true,
    userAgent: 'tsprom-test',
    ...o.scraper,
  });
  const metrics = new ScrapeMetrics();
  const loop = new ScrapeLoop({
    target,
    scraper,
    appendable,
    options,
    metrics,
    cache: o.cache,
  });
  return {
    loop,
    target,
    client,
    metrics,
    async close() {
      loop.cancel();
      await loop.stop();
      await loop.done();
      await client.close();
    },
  };
}
