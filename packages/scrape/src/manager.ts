// Prometheus: scrape/manager.go Manager (NewManager, Run, reloader, reload, ApplyConfig,
// setOffsetSeed, Stop, TargetsActive, TargetsDropped).
import type { Config, ScrapeConfig } from '@tsprom/config';
import type { TargetGroup, TargetSets } from '@tsprom/discovery';
import type { Appendable } from '@tsprom/storage-interfaces';
import { deepEqual } from './deep-equal.js';
import { fnv64a } from './fnv64a.js';
import type { ScrapeLogger } from './scrape-loop-options.js';
import { ScrapeMetrics } from './scrape-metrics.js';
import { ScrapePool } from './scrape-pool.js';
import type { Target } from './target.js';

/** The parts of prometheus.yml the scrape Manager applies. */
export type ScrapeManagerConfig = Pick<Config, 'global' | 'scrapeConfigs'>;

/** Options of a {@link Manager}. */
export interface ManagerOptions {
  /** Where scraped samples go (the storage's Appendable). */
  readonly appendable: Appendable;
  /**
   * Target updates are applied at most once per this many ms, coalesced (Prometheus's
   * `DiscoveryReloadInterval`, default 5 s).
   */
  readonly discoveryReloadIntervalMs?: number | undefined;
  /** Part of the offset seed, so that two servers scrape a target at different moments. */
  readonly hostname?: string | undefined;
  readonly logger?: ScrapeLogger | undefined;
  readonly metrics?: ScrapeMetrics | undefined;
  readonly appendMetadataToWAL?: boolean | undefined;
  /** Prometheus's `created-timestamp-zero-ingestion` feature flag (see ScrapeLoopOptions). */
  readonly enableCreatedTimestampZeroIngestion?: boolean | undefined;
  readonly userAgent?: string | undefined;
}

/**
 * Keeps one ScrapePool per job (Prometheus scrape.Manager): `applyConfig` creates, reloads and
 * stops pools as scrape_configs change; target-set updates from discovery (`run` or
 * `updateTargets`) are coalesced and handed to each pool's sync at most once per
 * `discoveryReloadIntervalMs`. Calls are serialized internally.
 */
export class Manager {
  readonly metrics: ScrapeMetrics;
  readonly #opts: ManagerOptions;
  readonly #reloadIntervalMs: number;
  readonly #pools = new Map<string, ScrapePool>();
  #configs = new Map<string, ScrapeConfig>();
  #targetSets = new Map<string, readonly TargetGroup[]>();
  #offsetSeed = 0n;
  /** Serializes applyConfig, reloads and stop. */
  #queue: Promise<void> = Promise.resolve();
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #reloadPending = false;
  #lastReload = -Infinity;
  #stopped = false;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;

  constructor(opts: ManagerOptions) {
    this.#opts = opts;
    this.metrics = opts.metrics ?? new ScrapeMetrics();
    this.#reloadIntervalMs = opts.discoveryReloadIntervalMs ?? 5000;
  }

  #serialize<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(fn);
    this.#queue = p.then(
      () => undefined,
      () => undefined, // The caller of fn sees its failure; the queue goes on.
    );
    return p;
  }

  /**
   * Prometheus ApplyConfig: takes the scrape configs; pools of removed jobs stop, pools whose
   * config changed reload. New jobs get a pool when their targets next arrive. Rejects (after
   * applying the rest) when a pool could not reload.
   */
  applyConfig(cfg: ScrapeManagerConfig): Promise<void> {
    return this.#serialize(async () => {
      const configs = new Map<string, ScrapeConfig>();
      for (const sc of cfg.scrapeConfigs) configs.set(sc.jobName, sc);
      this.#configs = configs;
      this.#offsetSeed = fnv64a(this.#opts.hostname ?? '', cfg.global.externalLabels.toString());
      const failed: string[] = [];
      for (const [name, sp] of this.#pools) {
        const c = configs.get(name);
        if (c === undefined) {
          await sp.stop();
          this.#pools.delete(name);
        } else if (!deepEqual(sp.config, c)) {
          try {
            await sp.reload(c);
          } catch (err) {
            if (!(err instanceof Error)) throw err;
            this.#opts.logger?.('error', 'error reloading scrape pool', { scrape_pool: name, err: err.message });
            failed.push(name);
          }
        }
      }
      if (failed.length > 0)
        throw new Error(`failed to apply the new configuration (scrape pools ${failed.join(', ')})`);
    });
  }

  /**
   * Prometheus Run: applies target-set updates from `updates` (the discovery manager's
   * `updates(signal)`) until it ends or the manager stops. Resolves then.
   */
  run(updates: AsyncIterable<TargetSets>): Promise<void> {
    const it = updates[Symbol.asyncIterator]();
    const stopped = new Promise<void>((resolve) => this.#abort.signal.addEventListener('abort', () => resolve()));
    this.#running = (async () => {
      for (;;) {
        const next = await Promise.race([it.next(), stopped.then(() => undefined)]);
        if (next === undefined) {
          // Stopped while waiting: an async generator finishes return() only once its pending
          // next() settles, which may be never; it is told to end without waiting for it.
          it.return?.().catch(() => undefined);
          return;
        }
        if (next.done === true) return;
        this.updateTargets(next.value);
      }
    })();
    return this.#running;
  }

  /** Takes new target sets (replacing those of the jobs named) and schedules a coalesced reload. */
  updateTargets(tsets: TargetSets): void {
    if (this.#stopped) return;
    for (const [job, groups] of tsets) this.#targetSets.set(job, groups);
    this.#reloadPending = true;
    if (this.#reloadTimer !== undefined) return;
    const wait = Math.max(0, this.#lastReload + this.#reloadIntervalMs - performance.now());
    this.#reloadTimer = setTimeout(() => {
      this.#reloadTimer = undefined;
      void this.reload(); // Never rejects: pool failures are logged.
    }, wait);
  }

  /**
   * Prometheus reload: every job with targets gets a pool (if its config exists) and syncs its
   * target groups. Normally triggered by updateTargets; resolves when the pools have synced.
   */
  reload(): Promise<void> {
    return this.#serialize(async () => {
      if (this.#stopped || !this.#reloadPending) return;
      this.#reloadPending = false;
      this.#lastReload = performance.now();
      const syncs: Promise<void>[] = [];
      for (const [job, groups] of this.#targetSets) {
        let sp = this.#pools.get(job);
        if (sp === undefined) {
          const cfg = this.#configs.get(job);
          if (cfg === undefined) {
            this.#opts.logger?.('error', 'error reloading target set', { err: `invalid config id:${job}` });
            continue;
          }
          try {
            sp = await ScrapePool.create(cfg, {
              appendable: this.#opts.appendable,
              offsetSeed: this.#offsetSeed,
              metrics: this.metrics,
              logger: this.#opts.logger,
              appendMetadataToWAL: this.#opts.appendMetadataToWAL,
              enableCreatedTimestampZeroIngestion: this.#opts.enableCreatedTimestampZeroIngestion,
              userAgent: this.#opts.userAgent,
            });
          } catch (err) {
            if (!(err instanceof Error)) throw err;
            this.#opts.logger?.('error', 'error creating new scrape pool', { scrape_pool: job, err: err.message });
            continue;
          }
          this.#pools.set(job, sp);
        }
        syncs.push(sp.sync(groups));
      }
      await Promise.all(syncs);
    });
  }

  /** Prometheus Stop: stops every pool (no stale markers: the server may restart where it was). */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#reloadTimer !== undefined) clearTimeout(this.#reloadTimer);
    this.#reloadTimer = undefined;
    return this.#serialize(async () => {
      await this.#running;
      await Promise.all([...this.#pools.values()].map((p) => p.stop()));
      this.#pools.clear();
    });
  }

  /** The pools' active targets by job. */
  targetsActive(): Map<string, Target[]> {
    const out = new Map<string, Target[]>();
    for (const [job, sp] of this.#pools) out.set(job, sp.activeTargets());
    return out;
  }

  /** The pools' dropped targets by job (as many as keep_dropped_targets allows). */
  targetsDropped(): Map<string, Target[]> {
    const out = new Map<string, Target[]>();
    for (const [job, sp] of this.#pools) out.set(job, sp.droppedTargets());
    return out;
  }

  /** How many targets each pool dropped, kept or not. */
  targetsDroppedCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [job, sp] of this.#pools) out.set(job, sp.droppedTargetsCount);
    return out;
  }

  /** Prometheus ScrapePoolConfig: the config pool `name` scrapes with; undefined without such a pool. */
  scrapePoolConfig(name: string): ScrapeConfig | undefined {
    return this.#pools.get(name)?.config;
  }

  /** The jobs that have a pool. */
  scrapePools(): string[] {
    return [...this.#pools.keys()];
  }
}
