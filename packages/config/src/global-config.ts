// Prometheus: config/config.go GlobalConfig, DefaultGlobalConfig, GlobalConfig.UnmarshalYAML,
// validateAcceptScrapeProtocols.
import { isValidLabelName, isValidUtf8, Labels, type ValidationScheme } from '@tsprom/labels';
import { type EscapingScheme, isScrapeProtocol, type ScrapeProtocol } from '@tsprom/textparse';
import type { YamlMap, YamlReader, YamlValue } from './yaml-reader.js';

/** The `global` section: defaults for every scrape config and rule group, and external labels. */
export interface GlobalConfig {
  /** How often to scrape by default (ms). Default 1m. */
  readonly scrapeIntervalMs: number;
  /** Scrape timeout by default (ms); never more than the interval. Default 10s. */
  readonly scrapeTimeoutMs: number;
  /**
   * Protocols to negotiate, in order of preference; `undefined` when not configured, in which case
   * each scrape config picks Prometheus's default for its `scrape_native_histograms`.
   */
  readonly scrapeProtocols: readonly ScrapeProtocol[] | undefined;
  /** How often to evaluate rules (ms). Default 1m. */
  readonly evaluationIntervalMs: number;
  /** How far in the past rule groups evaluate by default (ms). Default 0. */
  readonly ruleQueryOffsetMs: number;
  /** Labels added when talking to external systems, `${VAR}` references expanded. */
  readonly externalLabels: Labels;
  /** File PromQL queries are logged to, `''` for none. */
  readonly queryLogFile: string;
  /** File scrape failures are logged to, `''` for none. */
  readonly scrapeFailureLogFile: string;
  /** Largest uncompressed body a scrape accepts (bytes), 0 = no limit. */
  readonly bodySizeLimitBytes: number;
  /** Limits per scrape, 0 = no limit. */
  readonly sampleLimit: number;
  readonly targetLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly keepDroppedTargets: number;
  /** How metric and label names are validated. Default `utf8`. */
  readonly metricNameValidationScheme: ValidationScheme;
  /**
   * How UTF-8 names are asked to be escaped when scraping; `undefined` when not configured (then
   * `allow-utf-8` under utf8 validation, `underscores` under legacy).
   */
  readonly metricNameEscapingScheme: EscapingScheme | undefined;
  readonly scrapeNativeHistograms: boolean;
  readonly convertClassicHistogramsToNHCB: boolean;
  readonly alwaysScrapeClassicHistograms: boolean;
  /** Store scrape_timeout_seconds, scrape_sample_limit and scrape_body_size_bytes per scrape. */
  readonly extraScrapeMetrics: boolean;
}

/** Prometheus: config.DefaultGlobalConfig. */
export const DefaultGlobalConfig: GlobalConfig = {
  scrapeIntervalMs: 60_000,
  scrapeTimeoutMs: 10_000,
  scrapeProtocols: undefined,
  evaluationIntervalMs: 60_000,
  ruleQueryOffsetMs: 0,
  externalLabels: Labels.EMPTY,
  queryLogFile: '',
  scrapeFailureLogFile: '',
  bodySizeLimitBytes: 0,
  sampleLimit: 0,
  targetLimit: 0,
  labelLimit: 0,
  labelNameLengthLimit: 0,
  labelValueLengthLimit: 0,
  keepDroppedTargets: 0,
  metricNameValidationScheme: 'utf8',
  metricNameEscapingScheme: undefined,
  scrapeNativeHistograms: false,
  convertClassicHistogramsToNHCB: false,
  alwaysScrapeClassicHistograms: false,
  extraScrapeMetrics: false,
};

const KEYS: ReadonlySet<string> = new Set([
  'scrape_interval',
  'scrape_timeout',
  'scrape_protocols',
  'evaluation_interval',
  'rule_query_offset',
  'external_labels',
  'query_log_file',
  'scrape_failure_log_file',
  'body_size_limit',
  'sample_limit',
  'target_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'keep_dropped_targets',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
  'scrape_native_histograms',
  'convert_classic_histograms_to_nhcb',
  'always_scrape_classic_histograms',
  'extra_scrape_metrics',
]);

const ESCAPING_SCHEMES: ReadonlySet<string> = new Set(['allow-utf-8', 'underscores', 'dots', 'values']);

/** How `${VAR}` in external label values is resolved: the environment, when there is one. */
export type LookupEnv = (name: string) => string | undefined;

/** Loads the `global` section (absent or empty: {@link DefaultGlobalConfig}). */
export function loadGlobalConfig(r: YamlReader, v: YamlValue, env: LookupEnv): GlobalConfig {
  const m = r.map(v, 'config.GlobalConfig', KEYS);
  const g = DefaultGlobalConfig;
  const scrapeIntervalMs = r.duration(m.get('scrape_interval')) || g.scrapeIntervalMs;
  let scrapeTimeoutMs = r.duration(m.get('scrape_timeout')) ?? 0;
  if (scrapeTimeoutMs > scrapeIntervalMs) {
    r.fail(m.get('scrape_timeout'), 'global scrape timeout greater than scrape interval');
  }
  if (scrapeTimeoutMs === 0) scrapeTimeoutMs = Math.min(g.scrapeTimeoutMs, scrapeIntervalMs);
  const scrapeProtocols = loadScrapeProtocols(r, m, 'global config');
  const validation = r.str(m.get('metric_name_validation_scheme')) ?? '';
  if (validation !== '' && validation !== 'utf8' && validation !== 'legacy') {
    r.fail(
      m.get('metric_name_validation_scheme'),
      `unknown global name validation method specified, must be either '', 'legacy' or 'utf8', got ${validation}`,
    );
  }
  const escaping = r.str(m.get('metric_name_escaping_scheme')) ?? '';
  if (escaping !== '' && !ESCAPING_SCHEMES.has(escaping)) {
    r.fail(
      m.get('metric_name_escaping_scheme'),
      `unknown global name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got ${JSON.stringify(escaping)}`,
    );
  }
  return {
    scrapeIntervalMs,
    scrapeTimeoutMs,
    scrapeProtocols,
    evaluationIntervalMs: r.duration(m.get('evaluation_interval')) || g.evaluationIntervalMs,
    ruleQueryOffsetMs: r.duration(m.get('rule_query_offset')) ?? 0,
    externalLabels: loadExternalLabels(r, m.get('external_labels'), env),
    queryLogFile: r.str(m.get('query_log_file')) ?? '',
    scrapeFailureLogFile: r.str(m.get('scrape_failure_log_file')) ?? '',
    bodySizeLimitBytes: r.size(m.get('body_size_limit')) ?? 0,
    sampleLimit: r.uint(m.get('sample_limit')) ?? 0,
    targetLimit: r.uint(m.get('target_limit')) ?? 0,
    labelLimit: r.uint(m.get('label_limit')) ?? 0,
    labelNameLengthLimit: r.uint(m.get('label_name_length_limit')) ?? 0,
    labelValueLengthLimit: r.uint(m.get('label_value_length_limit')) ?? 0,
    keepDroppedTargets: r.uint(m.get('keep_dropped_targets')) ?? 0,
    metricNameValidationScheme: validation === 'legacy' ? 'legacy' : 'utf8',
    metricNameEscapingScheme: escaping === '' ? undefined : (escaping as EscapingScheme),
    scrapeNativeHistograms: r.bool(m.get('scrape_native_histograms')) ?? false,
    convertClassicHistogramsToNHCB: r.bool(m.get('convert_classic_histograms_to_nhcb')) ?? false,
    alwaysScrapeClassicHistograms: r.bool(m.get('always_scrape_classic_histograms')) ?? false,
    extraScrapeMetrics: r.bool(m.get('extra_scrape_metrics')) ?? false,
  };
}

/**
 * Reads `scrape_protocols` of `m` (global or scrape config): undefined when absent; otherwise a
 * non-empty list of known protocols without duplicates (Prometheus validateAcceptScrapeProtocols).
 */
export function loadScrapeProtocols(r: YamlReader, m: YamlMap, where: string): ScrapeProtocol[] | undefined {
  const v = m.get('scrape_protocols');
  const list = r.strList(v);
  if (list === undefined) return undefined;
  if (list.length === 0) r.fail(v, `scrape_protocols cannot be empty for ${where}`);
  const seen = new Set<string>();
  for (const p of list) {
    if (seen.has(p.toLowerCase()))
      r.fail(v, `duplicated protocol in scrape_protocols, got [${list.join(' ')}] for ${where}`);
    if (!isScrapeProtocol(p)) r.fail(v, `scrape_protocols: ${unknownProtocol(p)} for ${where}`);
    seen.add(p.toLowerCase());
  }
  return list as ScrapeProtocol[];
}

/** Prometheus: ScrapeProtocol.Validate's message. */
export function unknownProtocol(p: string): string {
  return `unknown scrape protocol ${p}, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]`;
}

function loadExternalLabels(r: YamlReader, v: YamlValue, env: LookupEnv): Labels {
  const pairs: string[] = [];
  for (const [name, lv] of r.rawMap(v, 'labels.Labels').entries()) {
    const value = r.str(lv) ?? '';
    if (!isValidLabelName(name, 'utf8')) r.fail(lv, `${JSON.stringify(name)} is not a valid label name`);
    if (!isValidUtf8(value)) r.fail(lv, `${JSON.stringify(value)} is not a valid label value`);
    pairs.push(name, expandEnv(value, env));
  }
  return Labels.fromStrings(...pairs);
}

/**
 * Go's os.Expand as Prometheus applies it to external label values: `${VAR}` and `$VAR` are
 * replaced by the variable (empty when unset), `$$` by `$`.
 */
export function expandEnv(s: string, env: LookupEnv): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '$' || i + 1 >= s.length) {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1]!;
    if (next === '{') {
      if (i + 3 < s.length && isShellSpecial(s[i + 2]!) && s[i + 3] === '}') {
        out += lookup(s[i + 2]!, env);
        i += 4;
        continue;
      }
      const end = s.indexOf('}', i + 2);
      // os.Expand eats bad syntax: an unclosed `${`, an empty `${}`.
      if (end < 0) i += 2;
      else if (end === i + 2) i += 3;
      else {
        out += lookup(s.slice(i + 2, end), env);
        i = end + 1;
      }
      continue;
    }
    if (isShellSpecial(next)) {
      out += lookup(next, env);
      i += 2;
      continue;
    }
    let j = i + 1;
    while (j < s.length && isAlphaNum(s.charCodeAt(j))) j++;
    if (j === i + 1) {
      // A `$` not followed by a name stays as it is.
      out += '$';
      i++;
      continue;
    }
    out += lookup(s.slice(i + 1, j), env);
    i = j;
  }
  return out;
}

function lookup(name: string, env: LookupEnv): string {
  if (name === '$') return '$';
  return env(name) ?? '';
}

function isShellSpecial(c: string): boolean {
  return '*#$@!?-0123456789'.includes(c);
}

function isAlphaNum(c: number): boolean {
  return c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
