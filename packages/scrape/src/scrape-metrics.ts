// Prometheus: scrape/metrics.go scrapeMetrics (the counters; the server exports them).

/**
 * Counters of what scraping met, shared by a Manager's pools and loops, named after Prometheus's
 * self-metrics (`prometheus_target_scrapes_sample_out_of_order_total` → `sampleOutOfOrder`).
 * Plain numbers: read them at any time; only scraping writes them.
 */
export class ScrapeMetrics {
  /** prometheus_target_scrapes_exceeded_sample_limit_total */
  exceededSampleLimit = 0;
  /** prometheus_target_scrapes_exceeded_native_histogram_bucket_limit_total */
  exceededNativeHistogramBucketLimit = 0;
  /** prometheus_target_scrapes_exceeded_body_size_limit_total */
  exceededBodySizeLimit = 0;
  /** prometheus_target_scrapes_sample_out_of_order_total */
  sampleOutOfOrder = 0;
  /** prometheus_target_scrapes_sample_duplicate_timestamp_total */
  sampleDuplicateTimestamp = 0;
  /** prometheus_target_scrapes_sample_out_of_bounds_total */
  sampleOutOfBounds = 0;
  /** prometheus_target_scrapes_exemplar_out_of_order_total */
  exemplarOutOfOrder = 0;
  /** prometheus_target_scrapes_cache_flush_forced_total */
  cacheFlushForced = 0;
  /** prometheus_target_sync_failed_total (all jobs) */
  syncFailed = 0;
  /** prometheus_target_scrape_pool_exceeded_target_limit_total */
  exceededTargetLimit = 0;
  /** prometheus_target_scrape_pool_reloads_total */
  poolReloads = 0;
  /** prometheus_target_scrape_pool_reloads_failed_total */
  poolReloadsFailed = 0;
}
