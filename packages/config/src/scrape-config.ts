// Prometheus: config/config.go ScrapeConfig, DefaultScrapeConfig, ScrapeConfig.UnmarshalYAML and
// ScrapeConfig.Validate (the global defaults applied), with their messages.
import type { ValidationScheme } from '@tsprom/labels';
import type { RelabelConfig } from '@tsprom/relabel';
import {
  DefaultProtoFirstScrapeProtocols,
  DefaultScrapeProtocols,
  type EscapingScheme,
  isScrapeProtocol,
  type ScrapeProtocol,
} from '@tsprom/textparse';
import { joinDir } from './file-path.js';
import { type GlobalConfig, loadScrapeProtocols, unknownProtocol } from './global-config.js';
import { HTTP_CLIENT_KEYS, type HTTPClientConfig, loadHTTPClientConfig } from './http-client-config.js';
import { loadRelabelList } from './relabel-list.js';
import {
  BuiltinSDConfigKeys,
  isSDKey,
  loadSDConfigs,
  type SDConfigLoader,
  type ServiceDiscoveryConfig,
} from './sd-config.js';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** One `scrape_configs` entry, with the global defaults applied: a job and how to scrape its targets. */
export interface ScrapeConfig {
  /** The job name; unique across the configuration. */
  readonly jobName: string;
  readonly honorLabels: boolean;
  /** Default true. */
  readonly honorTimestamps: boolean;
  readonly trackTimestampsStaleness: boolean;
  /** URL query parameters, each name with its values. */
  readonly params: ReadonlyMap<string, readonly string[]>;
  /** Scrape interval (ms); the global one when not set. */
  readonly scrapeIntervalMs: number;
  /** Scrape timeout (ms), at most the interval; the global one (capped at the interval) when not set. */
  readonly scrapeTimeoutMs: number;
  /** Protocols to negotiate, in order of preference (never empty). */
  readonly scrapeProtocols: readonly ScrapeProtocol[];
  /** Protocol to parse with when the Content-Type is missing or unknown. */
  readonly fallbackScrapeProtocol: ScrapeProtocol | undefined;
  readonly scrapeNativeHistograms: boolean;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly convertClassicHistogramsToNHCB: boolean;
  readonly extraScrapeMetrics: boolean;
  /** File scrape failures are logged to, `''` for none. */
  readonly scrapeFailureLogFile: string;
  /** Default `/metrics`. */
  readonly metricsPath: string;
  /** Default `http`. */
  readonly scheme: string;
  /** Ask for gzip (default true). */
  readonly enableCompression: boolean;
  /** Largest uncompressed body (bytes), 0 = no limit. */
  readonly bodySizeLimitBytes: number;
  /** Limits, 0 = no limit; the global ones when not set. */
  readonly sampleLimit: number;
  readonly targetLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly nativeHistogramBucketLimit: number;
  readonly nativeHistogramMinBucketFactor: number;
  readonly keepDroppedTargets: number;
  readonly metricNameValidationScheme: ValidationScheme;
  readonly metricNameEscapingScheme: EscapingScheme;
  /** How targets are fetched: auth, TLS, proxy, redirects, headers. */
  readonly httpClientConfig: HTTPClientConfig;
  readonly relabelConfigs: readonly RelabelConfig[];
  readonly metricRelabelConfigs: readonly RelabelConfig[];
  /** `static_configs` and every `*_sd_configs` entry, for the discovery manager. */
  readonly serviceDiscoveryConfigs: readonly ServiceDiscoveryConfig[];
}

const KEYS: ReadonlySet<string> = new Set([
  'job_name',
  'honor_labels',
  'honor_timestamps',
  'track_timestamps_staleness',
  'params',
  'scrape_interval',
  'scrape_timeout',
  'scrape_protocols',
  'fallback_scrape_protocol',
  'scrape_native_histograms',
  'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb',
  'extra_scrape_metrics',
  'scrape_failure_log_file',
  'metrics_path',
  'scheme',
  'enable_compression',
  'body_size_limit',
  'sample_limit',
  'target_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'native_histogram_bucket_limit',
  'native_histogram_min_bucket_factor',
  'keep_dropped_targets',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
  'relabel_configs',
  'metric_relabel_configs',
  ...HTTP_CLIENT_KEYS,
]);

/** Where relative file names resolve and how SD entries are parsed. */
export interface ScrapeConfigContext {
  readonly dir: string | undefined;
  readonly sdLoader: SDConfigLoader | undefined;
}

/** Loads one scrape config and applies `global`'s defaults (UnmarshalYAML then Validate). */
export function loadScrapeConfig(
  r: YamlReader,
  v: YamlValue,
  global: GlobalConfig,
  ctx: ScrapeConfigContext,
): ScrapeConfig {
  if (v.node === null) r.fail(v, 'empty or null scrape config section');
  const m = r.map(
    v,
    'config.ScrapeConfig',
    KEYS,
    (k) => isSDKey(k, ctx.sdLoader) || (ctx.sdLoader !== undefined && BuiltinSDConfigKeys.has(k)),
  );
  const jobName = r.str(m.get('job_name')) ?? '';
  if (jobName === '') r.fail(m.has('job_name') ? m.get('job_name') : v, 'job_name is empty');
  const job = JSON.stringify(jobName);
  const httpClientConfig = loadHTTPClientConfig(r, m, ctx.dir);

  const scrapeIntervalMs = r.duration(m.get('scrape_interval')) || global.scrapeIntervalMs;
  let scrapeTimeoutMs = r.duration(m.get('scrape_timeout')) ?? 0;
  if (scrapeTimeoutMs > scrapeIntervalMs) {
    r.fail(
      m.get('scrape_timeout'),
      `scrape timeout greater than scrape interval for scrape config with job name ${job}`,
    );
  }
  if (scrapeTimeoutMs === 0) scrapeTimeoutMs = Math.min(global.scrapeTimeoutMs, scrapeIntervalMs);

  const scrapeNativeHistograms = r.bool(m.get('scrape_native_histograms')) ?? global.scrapeNativeHistograms;
  const scrapeProtocols =
    loadScrapeProtocols(r, m, `scrape config with job name ${job}`) ??
    global.scrapeProtocols ??
    (scrapeNativeHistograms ? DefaultProtoFirstScrapeProtocols : DefaultScrapeProtocols);
  const fallback = r.str(m.get('fallback_scrape_protocol')) ?? '';
  if (fallback !== '' && !isScrapeProtocol(fallback)) {
    r.fail(
      m.get('fallback_scrape_protocol'),
      `invalid fallback_scrape_protocol for scrape config with job name ${job}: ${unknownProtocol(fallback)}`,
    );
  }

  const validation = r.str(m.get('metric_name_validation_scheme')) ?? '';
  if (validation !== '' && validation !== 'utf8' && validation !== 'legacy') {
    r.fail(
      m.get('metric_name_validation_scheme'),
      `unknown scrape config name validation method specified, must be either '', 'legacy' or 'utf8', got ${validation}`,
    );
  }
  const metricNameValidationScheme: ValidationScheme =
    validation === '' ? global.metricNameValidationScheme : (validation as ValidationScheme);
  const escaping =
    r.str(m.get('metric_name_escaping_scheme')) ||
    global.metricNameEscapingScheme ||
    (global.metricNameValidationScheme === 'legacy' ? 'underscores' : 'allow-utf-8');
  if (escaping === 'allow-utf-8') {
    if (metricNameValidationScheme !== 'utf8') {
      r.fail(m.value, 'utf8 metric names requested but validation scheme is not set to UTF8');
    }
  } else if (escaping !== 'underscores' && escaping !== 'dots' && escaping !== 'values') {
    r.fail(
      m.get('metric_name_escaping_scheme'),
      `unknown scrape config name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got ${JSON.stringify(escaping)}`,
    );
  }

  const relabelConfigs = loadRelabelList(
    r,
    m.get('relabel_configs'),
    metricNameValidationScheme,
    'empty or null target relabeling rule in scrape config',
  );
  const metricRelabelConfigs = loadRelabelList(
    r,
    m.get('metric_relabel_configs'),
    metricNameValidationScheme,
    'empty or null metric relabeling rule in scrape config',
  );

  const limit = (key: string, def: number) => r.uint(m.get(key)) || def;
  const params = new Map<string, string[]>();
  for (const [name, pv] of r.rawMap(m.get('params'), 'url.Values').entries()) params.set(name, r.strList(pv) ?? []);

  return {
    jobName,
    honorLabels: r.bool(m.get('honor_labels')) ?? false,
    honorTimestamps: r.bool(m.get('honor_timestamps')) ?? true,
    trackTimestampsStaleness: r.bool(m.get('track_timestamps_staleness')) ?? false,
    params,
    scrapeIntervalMs,
    scrapeTimeoutMs,
    scrapeProtocols,
    fallbackScrapeProtocol: fallback === '' ? undefined : (fallback as ScrapeProtocol),
    scrapeNativeHistograms,
    alwaysScrapeClassicHistograms:
      r.bool(m.get('always_scrape_classic_histograms')) ?? global.alwaysScrapeClassicHistograms,
    convertClassicHistogramsToNHCB:
      r.bool(m.get('convert_classic_histograms_to_nhcb')) ?? global.convertClassicHistogramsToNHCB,
    extraScrapeMetrics: r.bool(m.get('extra_scrape_metrics')) ?? global.extraScrapeMetrics,
    scrapeFailureLogFile: joinDir(ctx.dir, r.str(m.get('scrape_failure_log_file')) || global.scrapeFailureLogFile),
    metricsPath: r.str(m.get('metrics_path')) ?? '/metrics',
    scheme: r.str(m.get('scheme')) ?? 'http',
    enableCompression: r.bool(m.get('enable_compression')) ?? true,
    bodySizeLimitBytes: r.size(m.get('body_size_limit')) || global.bodySizeLimitBytes,
    sampleLimit: limit('sample_limit', global.sampleLimit),
    targetLimit: limit('target_limit', global.targetLimit),
    labelLimit: limit('label_limit', global.labelLimit),
    labelNameLengthLimit: limit('label_name_length_limit', global.labelNameLengthLimit),
    labelValueLengthLimit: limit('label_value_length_limit', global.labelValueLengthLimit),
    nativeHistogramBucketLimit: r.uint(m.get('native_histogram_bucket_limit')) ?? 0,
    nativeHistogramMinBucketFactor: r.float(m.get('native_histogram_min_bucket_factor')) ?? 0,
    keepDroppedTargets: limit('keep_dropped_targets', global.keepDroppedTargets),
    metricNameValidationScheme,
    metricNameEscapingScheme: escaping as EscapingScheme,
    httpClientConfig,
    relabelConfigs,
    metricRelabelConfigs,
    serviceDiscoveryConfigs: loadSDConfigs(r, m, ctx.sdLoader, ctx.dir, relabelConfigs.length === 0),
  };
}
