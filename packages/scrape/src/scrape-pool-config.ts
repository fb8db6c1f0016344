// The parts of a scrape config (prometheus.yml `scrape_configs` entry) a ScrapePool uses.
import type { ValidationScheme } from '@tsprom/labels';
import type { RelabelConfig } from '@tsprom/relabel';
import type { EscapingScheme, ScrapeProtocol } from '@tsprom/textparse';
import type { HTTPClientOptions } from './http-client.js';

/** One job's scrape settings, defaults applied. Times in ms, sizes in bytes, 0 = no limit. */
export interface ScrapePoolConfig {
  readonly jobName: string;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly trackTimestampsStaleness: boolean;
  readonly params: ReadonlyMap<string, readonly string[]>;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly scrapeProtocols: readonly ScrapeProtocol[];
  readonly fallbackScrapeProtocol: ScrapeProtocol | undefined;
  readonly scrapeNativeHistograms: boolean;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly extraScrapeMetrics: boolean;
  readonly metricsPath: string;
  readonly scheme: string;
  readonly enableCompression: boolean;
  readonly bodySizeLimitBytes: number;
  readonly sampleLimit: number;
  readonly targetLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly keepDroppedTargets: number;
  readonly metricNameValidationScheme: ValidationScheme;
  readonly metricNameEscapingScheme: EscapingScheme;
  readonly httpClientConfig: HTTPClientOptions;
  readonly relabelConfigs: readonly RelabelConfig[];
  readonly metricRelabelConfigs: readonly RelabelConfig[];
}
