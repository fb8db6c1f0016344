// @tsprom/scrape: Prometheus's scrape package: the Manager, a ScrapePool per job, scrape loops
// with limits, relabeling and staleness, target health, HTTP scraping on undici.
export {
  BodySizeLimitError,
  BucketLimitError,
  DuplicateLabelNameError,
  HTTPStatusError,
  InvalidSeriesLabelsError,
  LabelLimitError,
  MissingMetricNameError,
  SampleLimitError,
  ScrapeError,
  ScrapeParseError,
  ScrapeRequestError,
  TargetLabelsError,
  TargetLimitError,
} from './errors.js';
export { pickSchema } from './histogram-limits.js';
// Re-exported for the users of scrape's README (the client moved to @tsprom/http-client).
export { HTTPClient, UnsupportedConfigError } from '@tsprom/http-client';
export { Manager, type ManagerOptions, type ScrapeManagerConfig } from './manager.js';
export {
  type PopulatedLabels,
  populateDiscoveredLabels,
  populateLabels,
  type TargetLabelsConfig,
  targetsFromGroup,
  type TargetsFromGroupResult,
} from './populate-labels.js';
export { ExportedLabelPrefix, type LabelLimits } from './sample-labels.js';
export { ScrapeCache } from './scrape-cache.js';
export { ScrapeLoop, type ScrapeLoopInit } from './scrape-loop.js';
export type { ScrapeLogger, ScrapeLoopOptions } from './scrape-loop-options.js';
export { ScrapeMetrics } from './scrape-metrics.js';
export { reusableCache, ScrapePool, type ScrapePoolOptions } from './scrape-pool.js';
export { ScrapeDeadlineExceeded, type ScrapeResponse, type Scraper } from './scraper.js';
export { type MetadataStore, type MetricMetadata, Target, type TargetHealth } from './target.js';
export { DefaultUserAgent, TargetScraper, type TargetScraperOptions } from './target-scraper.js';
