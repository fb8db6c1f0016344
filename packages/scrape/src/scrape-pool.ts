// Prometheus: scrape/scrape.go scrapePool (newScrapePool, Sync, sync, reload, restartLoops, stop,
// refreshTargetLimitErr, reusableCache).
import type { ScrapeConfig } from '@tsprom/config';
import type { TargetGroup } from '@tsprom/discovery';
import { LabelsBuilder } from '@tsprom/labels';
import type { Appendable } from '@tsprom/storage-interfaces';
import { acceptHeader } from '@tsprom/textparse';
import { deepEqual } from './deep-equal.js';
import { TargetLimitError } from './errors.js';
import { HTTPClient } from '@tsprom/http-client';
import { sliceUsedUp, yieldToEventLoop } from '@tsprom/discovery';
import { targetsFromGroup } from './populate-labels.js';
import type { ScrapeCache } from './scrape-cache.js';
import { ScrapeLoop } from './scrape-loop.js';
import type { ScrapeLogger, ScrapeLoopOptions } from './scrape-loop-options.js';
import { ScrapeMetrics } from './scrape-metrics.js';
import type { Target } from './target.js';
import { pickSchema } from './histogram-limits.js';
import { DefaultUserAgent, TargetScraper, type TargetScraperOptions } from './target-scraper.js';

/** What the loops of one interval and timeout share. */
interface LoopOptions {
  readonly options: ScrapeLoopOptions;
  readonly scraperOptions: TargetScraperOptions;
}

/** What a pool needs besides its config. */
export interface ScrapePoolOptions {
  /** Where scraped samples go. */
  readonly appendable: Appendable;
  /** Seed of the targets' start offsets (Manager: from hostname and external labels). */
  readonly offsetSeed?: bigint | undefined;
  readonly metrics?: ScrapeMetrics | undefined;
  readonly logger?: ScrapeLogger | undefined;
  /** Pass family metadata to the appender (Prometheus's `metadata-wal-records`). Default false. */
  readonly appendMetadataToWAL?: boolean | undefined;
  /** Prometheus's `created-timestamp-zero-ingestion` feature flag (see ScrapeLoopOptions). */
  readonly enableCreatedTimestampZeroIngestion?: boolean | undefined;
  /** Default `tsprom/<version>`. */
  readonly userAgent?: string | undefined;
}

/**
 * The targets of one job and a scrape loop for each (Prometheus scrapePool). `sync` takes the
 * job's target groups as discovery last reported them; new targets start scraping, vanished ones
 * stop (their series get stale markers). `reload` applies a changed config to every loop.
 * Not for concurrent use: callers serialize sync, reload and stop (the Manager does).
 */
export class ScrapePool {
  #config: ScrapeConfig;
  #client: HTTPClient;
  readonly #opts: ScrapePoolOptions;
  readonly #metrics: ScrapeMetrics;
  readonly #activeTargets = new Map<bigint, Target>();
  readonly #loops = new Map<bigint, ScrapeLoop>();
  /** Stopped loops still waiting to write their end-of-run stale markers. */
  readonly #retiring = new Set<ScrapeLoop>();
  #droppedTargets: Target[] = [];
  #droppedTargetsCount = 0;
  #targetLimitErr: TargetLimitError | undefined;
  readonly #lb = new LabelsBuilder();
  /** Loop options by `interval/timeout`, for the config `#loopOptionsOf`. */
  readonly #loopOptionsCache = new Map<string, LoopOptions>();
  #loopOptionsOf: ScrapeConfig | undefined;

  private constructor(config: ScrapeConfig, client: HTTPClient, opts: ScrapePoolOptions) {
    this.#config = config;
    this.#client = client;
    this.#opts = opts;
    this.#metrics = opts.metrics ?? new ScrapeMetrics();
  }

  /** Makes a pool for `config` (reads its TLS files; rejects when they cannot be read). */
  static async create(config: ScrapeConfig, opts: ScrapePoolOptions): Promise<ScrapePool> {
    return new ScrapePool(config, await HTTPClient.create(config.httpClientConfig), opts);
  }

  /** The config the pool scrapes with. */
  get config(): ScrapeConfig {
    return this.#config;
  }

  /** The targets being scraped, in no particular order. */
  activeTargets(): Target[] {
    return [...this.#activeTargets.values()];
  }

  /** Targets relabeling dropped, at most `keep_dropped_targets` of them (0: all). */
  droppedTargets(): Target[] {
    return this.#droppedTargets;
  }

  /** How many targets relabeling dropped in the last sync, kept or not. */
  get droppedTargetsCount(): number {
    return this.#droppedTargetsCount;
  }

  /**
   * Prometheus scrapePool.Sync: turns the job's target groups into targets, keeps the dropped
   * ones for the API, and scrapes the rest. Targets that cannot be made are logged and counted.
   * Resolves when the loops of vanished targets have stopped (their stale markers come later).
   */
  async sync(groups: readonly TargetGroup[]): Promise<void> {
    const cfg = this.#config;
    const all: Target[] = [];
    const dropped: Target[] = [];
    let droppedCount = 0;
    for (const tg of groups) {
      // Thousands of targets take seconds of CPU: scrapes and the API get their turns meanwhile.
      if (sliceUsedUp()) await yieldToEventLoop();
      const { targets, failures } = targetsFromGroup(tg, cfg, this.#lb);
      for (const f of failures) this.#opts.logger?.('error', 'Creating target failed', { err: f.message });
      this.#metrics.syncFailed += failures.length;
      for (const t of targets) {
        if (!t.labels.isEmpty()) all.push(t);
        else {
          if (cfg.keepDroppedTargets === 0 || dropped.length < cfg.keepDroppedTargets) dropped.push(t);
          droppedCount++;
        }
      }
    }
    this.#droppedTargets = dropped;
    this.#droppedTargetsCount = droppedCount;
    await this.#sync(all);
  }

  async #sync(targets: readonly Target[]): Promise<void> {
    const cfg = this.#config;
    const unique = new Map<bigint, ScrapeLoop | undefined>();
    for (const t of targets) {
      if (sliceUsedUp()) await yieldToEventLoop();
      const h = t.hash();
      if (!this.#activeTargets.has(h)) {
        const { intervalMs, timeoutMs, error } = t.intervalAndTimeout(cfg.scrapeIntervalMs, cfg.scrapeTimeoutMs);
        const l = this.#newLoop(t, intervalMs, timeoutMs, undefined);
        if (error !== undefined) l.setForcedError(error);
        this.#activeTargets.set(h, t);
        this.#loops.set(h, l);
        unique.set(h, l);
      } else if (!unique.has(h)) {
        unique.set(h, undefined); // Still there (or a duplicate of one in this sync).
      }
    }
    const stopping: Promise<void>[] = [];
    for (const [h, l] of this.#loops) {
      if (unique.has(h)) continue;
      stopping.push(l.stop());
      this.#retire(l);
      this.#loops.delete(h);
      this.#activeTargets.delete(h);
    }
    const forced = this.#refreshTargetLimitErr();
    for (const l of this.#loops.values()) l.setForcedError(forced);
    for (const l of unique.values()) {
      if (l === undefined) continue;
      if (sliceUsedUp()) await yieldToEventLoop();
      l.start();
    }
    // As Prometheus: wait for removed loops, so a flapping target's old loop is not still
    // appending while its new one starts.
    await Promise.all(stopping);
  }

  /**
   * Prometheus scrapePool.reload: scrapes every target with `config` from now on (new loops; their
   * caches kept when no setting that changes series changed). The targets' labels change with the
   * next sync. Rejects (keeping the old config) when the new HTTP client cannot be made.
   */
  async reload(config: ScrapeConfig): Promise<void> {
    this.#metrics.poolReloads++;
    let client: HTTPClient;
    try {
      client = await HTTPClient.create(config.httpClientConfig);
    } catch (err) {
      this.#metrics.poolReloadsFailed++;
      throw err;
    }
    const reuseCache = reusableCache(this.#config, config);
    this.#config = config;
    const oldClient = this.#client;
    this.#client = client;
    const forced = this.#refreshTargetLimitErr();
    const restarts: Promise<void>[] = [];
    for (const [h, old] of this.#loops) {
      const t = this.#activeTargets.get(h)!;
      let cache: ScrapeCache | undefined;
      if (reuseCache) {
        old.disableEndOfRunStalenessMarkers();
        cache = old.cache;
      }
      const { intervalMs, timeoutMs, error } = t.intervalAndTimeout(config.scrapeIntervalMs, config.scrapeTimeoutMs);
      const l = this.#newLoop(t, intervalMs, timeoutMs, cache);
      this.#loops.set(h, l);
      this.#retire(old);
      restarts.push(
        old.stop().then(() => {
          l.setForcedError(forced ?? error);
          l.start();
        }),
      );
    }
    await Promise.all(restarts);
    await oldClient.close();
  }

  /**
   * Prometheus scrapePool.stop: cancels running scrapes, stops every loop without stale markers
   * (the server may come back where it was), and closes the HTTP client.
   */
  async stop(): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const l of [...this.#loops.values(), ...this.#retiring]) {
      l.cancel();
      stopping.push(l.done());
    }
    for (const l of this.#loops.values()) stopping.push(l.stop());
    this.#loops.clear();
    this.#activeTargets.clear();
    await Promise.all(stopping);
    await this.#client.close();
  }

  #retire(l: ScrapeLoop): void {
    this.#retiring.add(l);
    // done() never rejects: the loop records its own failures.
    void l.done().then(() => this.#retiring.delete(l));
  }

  #refreshTargetLimitErr(): TargetLimitError | undefined {
    const limit = this.#config.targetLimit;
    this.#targetLimitErr = undefined;
    if (limit > 0 && this.#activeTargets.size > limit) {
      this.#metrics.exceededTargetLimit++;
      this.#targetLimitErr = new TargetLimitError(this.#activeTargets.size, limit);
    }
    return this.#targetLimitErr;
  }

  #newLoop(t: Target, intervalMs: number, timeoutMs: number, cache: ScrapeCache | undefined): ScrapeLoop {
    const { options, scraperOptions } = this.#loopOptions(intervalMs, timeoutMs);
    const scraper = new TargetScraper(t, this.#client, scraperOptions);
    return new ScrapeLoop({
      target: t,
      scraper,
      appendable: this.#opts.appendable,
      options,
      metrics: this.#metrics,
      cache,
    });
  }

  /**
   * The options of the loops with this interval and timeout, made once per config and shared by
   * those loops (thousands of targets: no options object, Accept header or request headers each).
   */
  #loopOptions(intervalMs: number, timeoutMs: number): LoopOptions {
    if (this.#loopOptionsOf !== this.#config) {
      this.#loopOptionsOf = this.#config;
      this.#loopOptionsCache.clear();
    }
    const key = `${intervalMs}/${timeoutMs}`;
    let lo = this.#loopOptionsCache.get(key);
    if (lo === undefined) {
      lo = this.#makeLoopOptions(intervalMs, timeoutMs);
      this.#loopOptionsCache.set(key, lo);
    }
    return lo;
  }

  #makeLoopOptions(intervalMs: number, timeoutMs: number): LoopOptions {
    const cfg = this.#config;
    const o = this.#opts;
    const options: ScrapeLoopOptions = {
      intervalMs,
      timeoutMs,
      honorLabels: cfg.honorLabels,
      honorTimestamps: cfg.honorTimestamps,
      trackTimestampsStaleness: cfg.trackTimestampsStaleness,
      sampleLimit: cfg.sampleLimit,
      labelLimits: {
        labelLimit: cfg.labelLimit,
        labelNameLengthLimit: cfg.labelNameLengthLimit,
        labelValueLengthLimit: cfg.labelValueLengthLimit,
      },
      metricRelabelConfigs: cfg.metricRelabelConfigs,
      validationScheme: cfg.metricNameValidationScheme,
      fallbackScrapeProtocol: cfg.fallbackScrapeProtocol,
      nativeHistograms: cfg.scrapeNativeHistograms,
      alwaysScrapeClassicHistograms: cfg.alwaysScrapeClassicHistograms,
      convertClassicHistogramsToNHCB: cfg.convertClassicHistogramsToNHCB,
      nativeHistogramBucketLimit: cfg.nativeHistogramBucketLimit,
      nativeHistogramMaxSchema: pickSchema(cfg.nativeHistogramMinBucketFactor),
      reportExtraMetrics: cfg.extraScrapeMetrics,
      appendMetadataToWAL: o.appendMetadataToWAL ?? false,
      enableCreatedTimestampZeroIngestion: o.enableCreatedTimestampZeroIngestion ?? false,
      offsetSeed: o.offsetSeed ?? 0n,
      logger: o.logger,
    };
    const scraperOptions: TargetScraperOptions = {
      timeoutMs,
      bodySizeLimitBytes: cfg.bodySizeLimitBytes,
      acceptHeader: acceptHeader(cfg.scrapeProtocols, cfg.metricNameEscapingScheme),
      enableCompression: cfg.enableCompression,
      userAgent: o.userAgent ?? DefaultUserAgent,
    };
    return { options, scraperOptions };
  }
}

/**
 * Prometheus reusableCache: whether loops may keep their caches across a reload, that is whether
 * only settings that cannot change the stored series changed (interval, timeout, sample limit,
 * HTTP client).
 */
export function reusableCache(a: ScrapeConfig, b: ScrapeConfig): boolean {
  const zero = (c: ScrapeConfig) => ({
    ...c,
    scrapeIntervalMs: 0,
    scrapeTimeoutMs: 0,
    sampleLimit: 0,
    httpClientConfig: undefined,
  });
  return deepEqual(zero(a), zero(b));
}
