// Prometheus: scrape/scrape.go scrapeLoopOptions and the scrape-related fields of config.ScrapeConfig
// and scrape.Options, resolved for one target.
import type { ValidationScheme } from '@tsprom/labels';
import type { RelabelConfig } from '@tsprom/relabel';
import type { ScrapeProtocol } from '@tsprom/textparse';
import type { LabelLimits } from './sample-labels.js';

/** Receives what scraping logs (Prometheus's slog lines, as a message and key/value pairs). */
export type ScrapeLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  msg: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** How one target is scraped. Times in ms, sizes in bytes; 0 means "no limit" for every limit. */
export interface ScrapeLoopOptions {
  readonly intervalMs: number;
  /** At most the interval. */
  readonly timeoutMs: number;
  /** `honor_labels`: on a clash the exposed label wins over the target's. */
  readonly honorLabels: boolean;
  /** `honor_timestamps`: use the timestamps the exposition gives. */
  readonly honorTimestamps: boolean;
  /** `track_timestamps_staleness`: stale markers also for series with explicit timestamps. */
  readonly trackTimestampsStaleness: boolean;
  /** `sample_limit`, counted after metric relabeling. */
  readonly sampleLimit: number;
  /** `label_limit`, `label_name_length_limit`, `label_value_length_limit`. */
  readonly labelLimits: LabelLimits;
  readonly metricRelabelConfigs: readonly RelabelConfig[];
  /** `metric_name_validation_scheme`. */
  readonly validationScheme: ValidationScheme;
  /** `fallback_scrape_protocol`: how to parse a body whose Content-Type names no format. */
  readonly fallbackScrapeProtocol: ScrapeProtocol | undefined;
  /** Append native histograms as such (else the parser yields their classic series where it can). */
  readonly nativeHistograms: boolean;
  /** `always_scrape_classic_histograms`: also the classic series of histograms that are native. */
  readonly alwaysScrapeClassicHistograms: boolean;
  /**
   * `convert_classic_histograms_to_nhcb`: classic histograms also as native histograms with
   * custom buckets; their classic series then only with `alwaysScrapeClassicHistograms`.
   */
  readonly convertClassicHistogramsToNHCB: boolean;
  /**
   * `native_histogram_bucket_limit`: a native histogram with more buckets has its resolution
   * reduced until it has at most this many, else the scrape fails (0: no limit).
   */
  readonly nativeHistogramBucketLimit: number;
  /**
   * The highest schema native histograms are stored at (higher ones have their resolution
   * reduced): `pickSchema(native_histogram_min_bucket_factor)`, 8 for no limit.
   */
  readonly nativeHistogramMaxSchema: number;
  /**
   * Prometheus's `created-timestamp-zero-ingestion` feature flag (off by default in Prometheus 3):
   * a float sample with a created timestamp (OpenMetrics `_created`, protobuf
   * `created_timestamp`) gets a 0 sample at that time before it, and OpenMetrics `_created`
   * series are not stored. Histogram samples get none (the appender has no histogram variant).
   */
  readonly enableCreatedTimestampZeroIngestion?: boolean;
  /** Also write `scrape_timeout_seconds`, `scrape_sample_limit`, `scrape_body_size_bytes`. */
  readonly reportExtraMetrics: boolean;
  /** Pass each family's metadata to the appender (`updateMetadata`), as `metadata-wal-records`. */
  readonly appendMetadataToWAL: boolean;
  /**
   * Align the scrape timestamp to the loop's grid when the scrape starts within
   * min(1% of the interval, 2 ms) of it (Prometheus's AlignScrapeTimestamps): regular
   * timestamps compress better. Default true.
   */
  readonly alignScrapeTimestamps?: boolean;
  /** Seed of the start offset (see Target.offset); differs between servers. */
  readonly offsetSeed: bigint;
  readonly logger?: ScrapeLogger | undefined;
}
