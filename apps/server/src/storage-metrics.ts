// Prometheus: tsdb/head.go headMetrics, tsdb/db.go dbMetrics, scrape/metrics.go and
// discovery/metrics.go: the prometheus_tsdb_*, prometheus_target_* and prometheus_sd_* families,
// read from the DB, the scrape manager and the discovery manager when /metrics is scraped.
import type { DiscoveryMetrics, Manager as DiscoveryManager } from '@tsprom/discovery';
import type { Manager as ScrapeManager } from '@tsprom/scrape';
import type { DB } from '@tsprom/tsdb';
import { type MetricFamily, single } from './metrics-registry.js';

/** The TSDB's families; `maxExemplars` is the exemplar storage's size now (0: disabled). */
export function tsdbMetrics(db: DB, maxExemplars: number): MetricFamily[] {
  const s = db.stats();
  const blocks = db.blocks();
  const empty = s.numSeries === 0 || !Number.isFinite(s.minTime);
  return [
    single('prometheus_tsdb_head_series', 'Total number of series in the head block.', 'gauge', s.numSeries),
    single('prometheus_tsdb_head_chunks', 'Total number of chunks in the head block.', 'gauge', s.numChunks),
    single(
      'prometheus_tsdb_head_series_created_total',
      'Total number of series created in the head',
      'counter',
      s.seriesCreated,
    ),
    single(
      'prometheus_tsdb_head_series_removed_total',
      'Total number of series removed in the head',
      'counter',
      s.seriesRemoved,
    ),
    single(
      'prometheus_tsdb_head_samples_appended_total',
      'Total number of appended samples.',
      'counter',
      s.samplesAppended,
      { type: 'float' },
    ),
    single(
      'prometheus_tsdb_head_out_of_order_samples_appended_total',
      'Total number of appended out of order samples.',
      'counter',
      s.outOfOrderSamplesAppended,
      { type: 'float' },
    ),
    single(
      'prometheus_tsdb_out_of_order_samples_total',
      'Total number of out of order samples ingestion failed attempts due to out of order being disabled.',
      'counter',
      s.outOfOrderSamples,
      { type: 'float' },
    ),
    single(
      'prometheus_tsdb_out_of_bound_samples_total',
      'Total number of out of bound samples ingestion failed attempts with out of order support disabled.',
      'counter',
      s.outOfBoundSamples,
      { type: 'float' },
    ),
    single(
      'prometheus_tsdb_too_old_samples_total',
      'Total number of out of order samples ingestion failed attempts with out of support enabled, but sample outside of time window.',
      'counter',
      s.tooOldSamples,
      { type: 'float' },
    ),
    single('prometheus_tsdb_head_min_time', 'Minimum time bound of the head block.', 'gauge', empty ? 0 : s.minTime),
    single('prometheus_tsdb_head_max_time', 'Maximum timestamp of the head block.', 'gauge', empty ? 0 : s.maxTime),
    single(
      'prometheus_tsdb_head_min_time_seconds',
      'Minimum time bound of the head block.',
      'gauge',
      empty ? 0 : s.minTime / 1000,
    ),
    single(
      'prometheus_tsdb_head_max_time_seconds',
      'Maximum timestamp of the head block.',
      'gauge',
      empty ? 0 : s.maxTime / 1000,
    ),
    single('prometheus_tsdb_blocks_loaded', 'Number of currently loaded data blocks', 'gauge', blocks.length),
    single(
      'prometheus_tsdb_exemplar_series_with_exemplars_in_storage',
      'Number of series with exemplars currently in circular storage.',
      'gauge',
      s.numExemplarSeries,
    ),
    single(
      'prometheus_tsdb_exemplar_max_exemplars',
      'Total number of exemplars the exemplar storage can store, resizeable.',
      'gauge',
      maxExemplars,
    ),
  ];
}

/** The scrape manager's families. */
export function scrapeMetrics(sm: ScrapeManager): MetricFamily[] {
  const m = sm.metrics;
  const active = sm.targetsActive();
  const c = (name: string, help: string, v: number): MetricFamily => single(name, help, 'counter', v);
  return [
    single('prometheus_target_scrape_pools_total', 'Total number of scrape pools.', 'gauge', sm.scrapePools().length),
    {
      name: 'prometheus_target_scrape_pool_targets',
      help: 'Current number of targets in this scrape pool.',
      type: 'gauge',
      samples: [...active].map(([job, ts]) => ({ labels: { scrape_job: job }, value: ts.length })),
    },
    c(
      'prometheus_target_scrapes_exceeded_sample_limit_total',
      'Total number of scrapes that hit the sample limit and were rejected.',
      m.exceededSampleLimit,
    ),
    c(
      'prometheus_target_scrapes_exceeded_native_histogram_bucket_limit_total',
      'Total number of scrapes that hit the native histogram bucket limit and were rejected.',
      m.exceededNativeHistogramBucketLimit,
    ),
    c(
      'prometheus_target_scrapes_exceeded_body_size_limit_total',
      'Total number of scrapes that hit the body size limit',
      m.exceededBodySizeLimit,
    ),
    c(
      'prometheus_target_scrapes_sample_out_of_order_total',
      'Total number of samples rejected due to not being out of the expected order.',
      m.sampleOutOfOrder,
    ),
    c(
      'prometheus_target_scrapes_sample_duplicate_timestamp_total',
      'Total number of samples rejected due to duplicate timestamps but different values.',
      m.sampleDuplicateTimestamp,
    ),
    c(
      'prometheus_target_scrapes_sample_out_of_bounds_total',
      'Total number of samples rejected due to timestamp falling out of the time bounds.',
      m.sampleOutOfBounds,
    ),
    c(
      'prometheus_target_scrapes_exemplar_out_of_order_total',
      'Total number of exemplar rejected due to not being out of the expected order.',
      m.exemplarOutOfOrder,
    ),
    c(
      'prometheus_target_scrapes_cache_flush_forced_total',
      'How many times a scrape cache was flushed due to getting big while scrapes are failing.',
      m.cacheFlushForced,
    ),
    c('prometheus_target_sync_failed_total', 'Total number of target sync failures.', m.syncFailed),
    c(
      'prometheus_target_scrape_pool_exceeded_target_limit_total',
      'Total number of times scrape pools hit the target limit, during sync or config reload.',
      m.exceededTargetLimit,
    ),
    c('prometheus_target_scrape_pool_reloads_total', 'Total number of scrape pool reloads.', m.poolReloads),
    c(
      'prometheus_target_scrape_pool_reloads_failed_total',
      'Total number of failed scrape pool reloads.',
      m.poolReloadsFailed,
    ),
  ];
}

/**
 * The discovery managers' families (label `name`: `scrape`, `notify`) and what the discoverers
 * reported into the process's DiscoveryMetrics (per mechanism, and their own counters).
 */
export function discoveryMetrics(
  managers: readonly (DiscoveryManager | undefined)[],
  sd: DiscoveryMetrics,
): MetricFamily[] {
  const dms = managers.filter((m): m is DiscoveryManager => m !== undefined);
  const perManager = (name: string, help: string, type: 'gauge' | 'counter', v: (m: DiscoveryManager) => number) => ({
    name,
    help,
    type,
    samples: dms.map((m) => ({ labels: { name: m.name }, value: v(m) })),
  });
  const refresh = sd.refreshStats();
  return [
    {
      name: 'prometheus_sd_discovered_targets',
      help: 'Current number of discovered targets.',
      type: 'gauge',
      samples: dms.flatMap((m) =>
        [...m.discoveredTargets()].map(([config, n]) => ({ labels: { config, name: m.name }, value: n })),
      ),
    },
    perManager(
      'prometheus_sd_failed_configs',
      'Current number of service discovery configurations that failed to load.',
      'gauge',
      (m) => m.stats.failedConfigs,
    ),
    perManager(
      'prometheus_sd_received_updates_total',
      'Total number of update events received from the SD providers.',
      'counter',
      (m) => m.stats.receivedUpdates,
    ),
    perManager(
      'prometheus_sd_updates_total',
      'Total number of update events sent to the SD consumers.',
      'counter',
      (m) => m.stats.sentUpdates,
    ),
    {
      name: 'prometheus_sd_refresh_failures_total',
      help: 'Number of refresh failures for the given SD mechanism.',
      type: 'counter',
      samples: refresh.map(([mechanism, r]) => ({ labels: { mechanism }, value: r.failures })),
    },
    {
      name: 'prometheus_sd_refresh_duration_seconds',
      help: 'The duration of a refresh for the given SD mechanism.',
      type: 'summary',
      samples: refresh.flatMap(([mechanism, r]) => [
        { suffix: '_sum', labels: { mechanism }, value: r.sumSeconds },
        { suffix: '_count', labels: { mechanism }, value: r.count },
      ]),
    },
    ...sd.counters().map((c) => single(c.name, c.help, 'counter', c.value)),
  ];
}
