// What the API handler is given: the storage, the engine and the providers of everything else the
// endpoints show (targets, config, flags, runtime). A server passes its own; an embedder passes
// what it has and leaves the rest out.
import type { Label, Labels, Matcher } from '@tsprom/labels';
import type { Engine, ParserOptions } from '@tsprom/promql';
import type { RelabelConfig } from '@tsprom/relabel';
import type { Exemplar, Metadata, Queryable } from '@tsprom/storage-interfaces';
import type { Notifications } from './notifications.js';
import type { ProtoMetricFamily } from './proto-metric-family.js';

/** The engine calls the API makes (an `Engine` of `@tsprom/promql`). */
export type QueryEngine = Pick<Engine, 'newInstantQuery' | 'newRangeQuery'>;

/** Metadata of one metric family a target exposes (`@tsprom/scrape`'s MetricMetadata fits). */
export interface TargetMetricMetadata extends Metadata {
  readonly metricFamily: string;
}

/**
 * One scrape target as the API shows it. `@tsprom/scrape`'s Target fits this shape; the API
 * reads it only.
 */
export interface APITarget {
  /** Labels after relabeling, the `__`-prefixed ones included; empty for a dropped target. */
  readonly labels: Labels;
  /** Labels before relabeling. */
  readonly discoveredLabels: Labels;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: Error | undefined;
  /** Start of the last scrape, ms since the epoch; 0 before the first. */
  readonly lastScrape: number;
  readonly lastScrapeDurationMs: number;
  /** The labels without the `__`-prefixed ones. */
  publicLabels(): Labels;
  /** The scrape URL. */
  url(): string;
  listMetadata(): readonly TargetMetricMetadata[];
  getMetadata(metricFamily: string): TargetMetricMetadata | undefined;
}

/** Prometheus TargetRetriever: the scrape side's targets by scrape pool. */
export interface TargetRetriever {
  targetsActive(): ReadonlyMap<string, readonly APITarget[]>;
  targetsDropped(): ReadonlyMap<string, readonly APITarget[]>;
  targetsDroppedCounts(): ReadonlyMap<string, number>;
}

/** One scrape pool's configuration as the API shows it. */
export interface ScrapePoolConfig {
  /** The pool's relabel_configs: what `targets/relabel_steps` applies to discovered labels. */
  readonly relabelConfigs: readonly RelabelConfig[];
  /** The pool's scrape config as YAML with secrets redacted (`<secret>`), for `scrape_pools/config`. */
  yaml(): string;
}

/** Prometheus ScrapePoolsRetriever with TargetRetriever.ScrapePoolConfig: the scrape pools there are. */
export interface ScrapePoolsRetriever {
  /** The names of the scrape pools (any order: the API sorts them). */
  scrapePools(): readonly string[];
  /** The configuration of pool `name`; undefined when there is no such pool. */
  scrapePoolConfig(name: string): ScrapePoolConfig | undefined;
}

/**
 * A block's meta.json as `status/tsdb/blocks` shows it (Prometheus tsdb.BlockMeta; `@tsprom/tsdb`'s
 * BlockMeta fits). Times in ms, the block holding `minTime <= t < maxTime`.
 */
export interface APIBlockMeta {
  readonly ulid: string;
  readonly minTime: number;
  readonly maxTime: number;
  readonly stats: {
    readonly numSamples?: number;
    readonly numFloatSamples?: number;
    readonly numHistogramSamples?: number;
    readonly numSeries?: number;
    readonly numChunks?: number;
    readonly numTombstones?: number;
  };
  readonly compaction: {
    readonly level: number;
    readonly sources?: readonly string[];
    readonly deletable?: boolean;
    readonly parents?: readonly { readonly ulid: string; readonly minTime: number; readonly maxTime: number }[];
    readonly failed?: boolean;
    readonly hints?: readonly string[];
  };
  readonly version: number;
}

/** The enabled features by category and name (Prometheus features.Registry, `/api/v1/features`). */
export type FeatureSet = Readonly<Record<string, Readonly<Record<string, boolean>>>>;

/** One series' exemplars (Prometheus exemplar.QueryResult). Times in ms. */
export interface ExemplarQueryResult {
  readonly seriesLabels: Labels;
  readonly exemplars: readonly Exemplar[];
}

/** Prometheus ExemplarQueryable: exemplars in [start, end] (ms) of series matching any matcher set. */
export interface ExemplarQueryable {
  /** undefined when exemplar storage is off (answered as none found, as Prometheus does). */
  selectExemplars(
    start: number,
    end: number,
    matcherSets: Matcher[][],
  ): readonly ExemplarQueryResult[] | undefined | Promise<readonly ExemplarQueryResult[] | undefined>;
}

/** The TSDB admin calls (`--web.enable-admin-api`), a `DB` of `@tsprom/tsdb` plus a snapshot dir. */
export interface AdminDB {
  delete(mint: number, maxt: number, ...matchers: Matcher[]): Promise<unknown>;
  cleanTombstones(): Promise<unknown>;
  /** Writes a snapshot (without the head when `skipHead`) and returns its name (a dir name). */
  snapshot(skipHead: boolean): Promise<string>;
}

/** The head numbers of `status/tsdb`. Times in ms. */
export interface TSDBHeadStats {
  readonly numSeries: number;
  readonly numLabelPairs: number;
  readonly chunkCount: number;
  readonly minTime: number;
  readonly maxTime: number;
}

/** Prometheus WALReplayStatus: segments `min` to `max`, `current` being replayed. */
export interface WALReplayStatus {
  readonly min: number;
  readonly max: number;
  readonly current: number;
}

/** Prometheus PrometheusVersion (`status/buildinfo`). */
export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

/**
 * Prometheus RuntimeInfo (`status/runtimeinfo`); the Go-runtime fields hold the nearest Node
 * equivalents. Times in ms since the epoch.
 */
export interface RuntimeInfo {
  readonly startTime: number;
  readonly CWD: string;
  readonly hostname: string;
  readonly serverTime: number;
  readonly reloadConfigSuccess: boolean;
  readonly lastConfigTime: number;
  readonly corruptionCount: number;
  readonly goroutineCount: number;
  readonly GOMAXPROCS: number;
  readonly GOMEMLIMIT: number;
  readonly GOGC: string;
  readonly GODEBUG: string;
  readonly storageRetention: string;
}

/** The server's state the status endpoints show. Each is optional: missing ones answer empty. */
export interface StatusProvider {
  /** The loaded prometheus.yml as YAML (`status/config`). */
  config?(): string;
  /** Every flag with its value (`status/flags`). */
  flags?(): Readonly<Record<string, string>>;
  runtimeInfo?(): RuntimeInfo | Promise<RuntimeInfo>;
  buildInfo?(): BuildInfo;
  walReplay?(): WALReplayStatus;
  /** Head numbers for `status/tsdb`; the cardinality lists are computed from the queryable. */
  headStats?(): TSDBHeadStats;
  /** The metas of the blocks the TSDB serves, oldest first (`status/tsdb/blocks`). */
  blockMetas?(): readonly APIBlockMeta[];
  /** The features there are and whether each is enabled (`features`). */
  features?(): FeatureSet;
  /** The server's own metrics (`status/self_metrics`), as the `/metrics` endpoint exposes them. */
  selfMetrics?(): readonly ProtoMetricFamily[];
}

/** One alert of an alerting rule as the API shows it (`@tsprom/rules`' Alert fits). Times in ms, 0 unset. */
export interface APIRuleAlert {
  readonly labels: Labels;
  /** Sorted by name; unlike labels, an empty value is shown. */
  readonly annotations: Iterable<Label>;
  readonly state: 'inactive' | 'pending' | 'firing';
  readonly activeAt: number;
  readonly keepFiringSince: number;
  readonly value: number;
}

/** What every rule shows. Times in ms (`lastEvaluationMs`: wall clock, 0 before the first). */
interface APIRuleBase {
  readonly name: string;
  /** The expression as Prometheus prints it. */
  readonly query: string;
  readonly labels: Labels;
  readonly health: 'ok' | 'err' | 'unknown';
  readonly lastError: Error | undefined;
  readonly evaluationTimeMs: number;
  readonly lastEvaluationMs: number;
}

/** An alerting rule as the API shows it. */
export interface APIAlertingRule extends APIRuleBase {
  readonly type: 'alerting';
  readonly durationMs: number;
  readonly keepFiringForMs: number;
  /** Sorted by name; unlike labels, an empty value is shown. */
  readonly annotations: Iterable<Label>;
  readonly state: 'inactive' | 'pending' | 'firing';
  /** Its pending and firing alerts. */
  activeAlerts(): readonly APIRuleAlert[];
}

/** A recording rule as the API shows it. */
export interface APIRecordingRule extends APIRuleBase {
  readonly type: 'recording';
}

export type APIRule = APIAlertingRule | APIRecordingRule;

/** A rule group as the API shows it. Times in ms. */
export interface APIRuleGroup {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly evaluationTimeMs: number;
  readonly lastEvaluationMs: number;
  readonly rules: readonly APIRule[];
}

/** Prometheus RulesRetriever: the rule manager's groups (sorted by file, then name). */
export interface RulesRetriever {
  ruleGroups(): readonly APIRuleGroup[];
}

/** Prometheus AlertmanagerRetriever: the notifier's Alertmanager URLs. */
export interface AlertmanagerRetriever {
  alertmanagers(): readonly string[];
  droppedAlertmanagers(): readonly string[];
}

/** Where the server is reachable, for targets' `globalUrl` (Prometheus GlobalURLOptions). */
export interface GlobalURLOptions {
  /** The address the server listens on (`host:port`). */
  readonly listenAddress: string;
  /** Host (and port) of the external URL. */
  readonly host: string;
  /** Scheme of the external URL (`http`). */
  readonly scheme: string;
}

/** Options of {@link createAPIHandler}. */
export interface APIOptions {
  readonly queryable: Queryable;
  /** The query engine; undefined in agent mode (`isAgent`), where the query endpoints are refused. */
  readonly engine?: QueryEngine;
  /**
   * Prometheus's agent mode: the endpoints that read the storage or rules (queries, labels, series,
   * alerts, rules, alertmanagers, TSDB status, admin) answer 422 "unavailable with Prometheus
   * Agent"; status, targets, metadata and the receivers work.
   */
  readonly isAgent?: boolean;
  /** The current time in ms (default Date.now). */
  readonly now?: () => number;
  /** Path the API is served under (default `/api/v1`). */
  readonly prefix?: string;
  /** Until this says true, every endpoint but `status/walreplay` answers 503 (default: ready). */
  readonly isReady?: () => boolean;
  readonly targets?: TargetRetriever;
  /** The scrape pools and their configurations (`scrape_pools`, `targets/relabel_steps`). */
  readonly scrapePools?: ScrapePoolsRetriever;
  /** The server's notifications (`notifications`, `notifications/live`); without them, 503. */
  readonly notifications?: Notifications;
  readonly exemplars?: ExemplarQueryable;
  /** With `enableAdmin`, the TSDB admin endpoints use this. */
  readonly admin?: AdminDB;
  readonly enableAdmin?: boolean;
  readonly status?: StatusProvider;
  /** The rule groups (`rules`, `alerts`); without them none. */
  readonly rules?: RulesRetriever;
  /** The notifier's Alertmanagers (`alertmanagers`); without them none. */
  readonly alertmanagers?: AlertmanagerRetriever;
  readonly globalURL?: GlobalURLOptions;
  /** Queries run at once at most (`--query.max-concurrency`, default 20); the rest wait. */
  readonly maxConcurrency?: number;
  /** Whether the engine records per-step stats (`--enable-feature=promql-per-step-stats`). */
  readonly enablePerStepStats?: boolean;
  /** Parser features of format_query, parse_query and query_exemplars (the engine's, normally). */
  readonly parserOptions?: ParserOptions;
  /** Serves `/api/v1/search/*` (`--enable-feature=search-api`); 404 otherwise. */
  readonly enableSearchAPI?: boolean;
  /** Largest `limit` the search API accepts (`--web.search.max-limit`, default 10000; 0: no cap). */
  readonly searchMaxLimit?: number;
  /** Allowed CORS origins, fully anchored (`--web.cors.origin`, default `.*`). */
  readonly corsOrigin?: RegExp;
}
