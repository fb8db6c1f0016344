// Prometheus: discovery/manager.go Manager (ApplyConfig, registerProviders, startProvider,
// updater, updateGroup, sender, allGroups, cleaner). One provider (a running discoverer) per
// distinct SD config, shared by every job that has that config; the target groups of every job
// reach subscribers as one Map<job, TargetGroup[]>, at most once per `updateIntervalMs`.
import { DiscoveryMetrics } from './discovery-metrics.js';
import { consoleLogger, type DiscoveryLogger, type SDConfig, sdConfigKey } from './discoverer.js';
import { defaultSDRegistry, type SDRegistry } from './registry.js';
import { StaticConfig } from './static-discovery.js';
import { sliceUsedUp, yieldToEventLoop } from './event-loop-slices.js';
import { labelSet, parseTargetGroup, type TargetGroup } from './target-group.js';

/**
 * One SD entry of a job as {@link Manager.applyConfig} takes it: @tsprom/config's
 * `ServiceDiscoveryConfig` fits. `config` is either a parsed {@link SDConfig} or the plain entry,
 * which the registry then parses.
 */
export interface SDConfigEntry {
  readonly key: string;
  readonly config: unknown;
  readonly baseDir?: string | undefined;
}

/** Target groups by job (Prometheus's `map[string][]*targetgroup.Group`). */
export type TargetSets = ReadonlyMap<string, readonly TargetGroup[]>;

/** Called with the full target state of every job after a coalesced change. */
export type TargetSetsListener = (sets: TargetSets) => void;

/** How a {@link Manager} runs. */
export interface ManagerOptions {
  /** `scrape` or `notify`, for logs. Default `scrape`. */
  readonly name?: string;
  readonly logger?: DiscoveryLogger;
  /** The SD mechanisms known; default {@link defaultSDRegistry}. */
  readonly registry?: SDRegistry;
  /** Least time between two sends to subscribers (Prometheus updatert, 5s). */
  readonly updateIntervalMs?: number;
  /** Where discoverers report refreshes and counters; share one between managers. Default: a new one. */
  readonly metrics?: DiscoveryMetrics;
}

/** Counts the server exposes (Prometheus prometheus_sd_* metrics). */
export interface ManagerStats {
  /** SD configs that could not be turned into a discoverer at the last applyConfig. */
  failedConfigs: number;
  /** Updates received from discoverers (prometheus_sd_received_updates_total). */
  receivedUpdates: number;
  /** Target-set updates sent to subscribers (prometheus_sd_updates_total). */
  sentUpdates: number;
  /** Discoverers that failed and stopped (an error thrown by their iteration). */
  discovererFailures: number;
}

/** A running discoverer and the jobs (subs) it feeds. */
interface Provider {
  readonly name: string;
  readonly key: string;
  readonly config: SDConfig;
  subs: Set<string>;
  newSubs: Set<string>;
  abort: AbortController | undefined;
  running: Promise<void> | undefined;
}

/** Identifies the groups one provider gave one job (Prometheus poolKey). */
const poolKey = (job: string, provider: string) => `${provider}\u0000${job}`;

/**
 * The discovery manager. `applyConfig` (re)configures the providers; discoverers start at once.
 * Call `start()` to begin sending to subscribers (`subscribe` or `updates`), `stop()` to stop
 * every discoverer. Safe to call from one event loop; applyConfig calls are serialized.
 */
export class Manager {
  readonly stats: ManagerStats = { failedConfigs: 0, receivedUpdates: 0, sentUpdates: 0, discovererFailures: 0 };
  /** What the discoverers reported (refreshes, failures, their own counters). */
  readonly metrics: DiscoveryMetrics;
  readonly #name: string;
  readonly #logger: DiscoveryLogger;
  readonly #registry: SDRegistry;
  readonly #updateIntervalMs: number;
  #providers: Provider[] = [];
  #lastProvider = 0;
  /** Groups by pool key, then by source. */
  readonly #targets = new Map<string, Map<string, TargetGroup>>();
  readonly #discovered = new Map<string, number>();
  readonly #listeners = new Set<TargetSetsListener>();
  /** Wakes each waiting {@link updates} consumer when the manager stops. */
  readonly #stopWakers = new Set<() => void>();
  #pendingSend = false;
  /** Providers whose groups are being applied (a slice at a time). */
  #updating = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSendAt = Number.NEGATIVE_INFINITY;
  #lastSent: TargetSets | undefined;
  #started = false;
  #stopped = false;
  #applying: Promise<void> = Promise.resolve();

  constructor(options: ManagerOptions = {}) {
    this.#name = options.name ?? 'scrape';
    this.#logger = options.logger ?? consoleLogger;
    this.#registry = options.registry ?? defaultSDRegistry;
    this.#updateIntervalMs = options.updateIntervalMs ?? 5000;
    this.metrics = options.metrics ?? new DiscoveryMetrics();
  }

  /** `scrape` or `notify` (the `name` label of the prometheus_sd_* metrics). */
  get name(): string {
    return this.#name;
  }

  /** Begins sending target sets to subscribers (Prometheus Run). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    if (this.#pendingSend) this.#scheduleSend();
  }

  /** Stops every discoverer and the sender; resolves when all discoverers have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const wake of [...this.#stopWakers]) wake();
    await this.#applying;
    const running = this.#providers.map((p) => {
      p.abort?.abort();
      return p.running;
    });
    this.#providers = [];
    await Promise.all(running);
  }

  /**
   * Calls `listener` with the full target state after each coalesced change (and at once with
   * the last state sent, if any). Returns the unsubscribe function.
   */
  subscribe(listener: TargetSetsListener): () => void {
    this.#listeners.add(listener);
    if (this.#lastSent !== undefined) listener(this.#lastSent);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The target states as an async iterable (Prometheus SyncCh): the last state sent first (if
   * any), then each new one; a slow consumer gets only the latest. Ends when `signal` aborts or
   * the manager stops.
   */
  async *updates(signal?: AbortSignal): AsyncIterable<TargetSets> {
    let latest: TargetSets | undefined;
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe((sets) => {
      latest = sets;
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#stopWakers.add(onAbort);
    try {
      for (;;) {
        if (latest === undefined && !signal?.aborted && !this.#stopped) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        if (signal?.aborted || this.#stopped) return;
        if (latest === undefined) continue;
        const sets = latest;
        latest = undefined;
        yield sets;
      }
    } finally {
      unsubscribe();
      this.#stopWakers.delete(onAbort);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The target groups of every job as last sent to subscribers (empty before the first send): what
   * the API's targets and service-discovery views are built from. Not to be modified.
   */
  targetGroups(): TargetSets {
    return this.#lastSent ?? new Map();
  }

  /** Discovered targets per job at the last send (prometheus_sd_discovered_targets). */
  discoveredTargets(): ReadonlyMap<string, number> {
    return this.#discovered;
  }

  /** The running providers: name (`file/1`) and the jobs it feeds. */
  providers(): { name: string; jobs: string[] }[] {
    return this.#providers.map((p) => ({ name: p.name, jobs: [...p.subs].sort() }));
  }

  /**
   * Applies the SD configs of every job (Prometheus ApplyConfig): providers whose config is
   * unchanged keep running (and keep their targets), new configs start a provider, providers no job
   * uses any more stop, and their jobs' targets go. A job with no usable config gets an empty
   * target list, so that its consumer drops its targets. Resolves once obsolete discoverers ended.
   */
  applyConfig(cfg: ReadonlyMap<string, readonly SDConfigEntry[]>): Promise<void> {
    const next = this.#applying.then(() => this.#apply(cfg));
    this.#applying = next.catch(() => {});
    return next;
  }

  async #apply(cfg: ReadonlyMap<string, readonly SDConfigEntry[]>): Promise<void> {
    if (this.#stopped) return;
    let failed = 0;
    for (const [job, entries] of cfg) failed += this.#registerProviders(job, entries);
    this.stats.failedConfigs = failed;
    const ended: Promise<void>[] = [];
    const kept: Provider[] = [];
    for (const p of this.#providers) {
      if (p.newSubs.size === 0) {
        // No job uses it any more: stop it and drop what it found.
        p.abort?.abort();
        if (p.running !== undefined) ended.push(p.running);
        for (const job of p.subs) this.#targets.delete(poolKey(job, p.name));
        continue;
      }
      kept.push(p);
      let ref: Map<string, TargetGroup> | undefined;
      for (const job of p.subs) {
        ref ??= this.#targets.get(poolKey(job, p.name));
        if (!p.newSubs.has(job)) this.#targets.delete(poolKey(job, p.name));
      }
      // A job that now shares a running provider starts with the groups it already found.
      for (const job of p.newSubs) {
        if (!p.subs.has(job) && ref !== undefined && ref.size > 0)
          this.#targets.set(poolKey(job, p.name), new Map(ref));
      }
      p.subs = p.newSubs;
      p.newSubs = new Set();
      if (p.running === undefined) this.#startProvider(p);
    }
    // Consumers expect the full state after a reload, and dropped jobs must go soon.
    if (this.#providers.length > 0) this.#trigger();
    this.#providers = kept;
    await Promise.all(ended);
  }

  /** Prometheus registerProviders: finds or creates the provider of each of a job's configs. */
  #registerProviders(job: string, entries: readonly SDConfigEntry[]): number {
    let failed = 0;
    let added = false;
    const add = (key: string, config: SDConfig) => {
      const id = sdConfigKey(key, config);
      for (const p of this.#providers) {
        if (p.key === id) {
          p.newSubs.add(job);
          added = true;
          return;
        }
      }
      this.#providers.push({
        name: `${config.name}/${this.#lastProvider++}`,
        key: id,
        config,
        subs: new Set(),
        newSubs: new Set([job]),
        abort: undefined,
        running: undefined,
      });
      added = true;
    };
    // A job's static configs are one provider, their groups numbered in order (readConfigs).
    const statics: TargetGroup[] = [];
    for (const e of entries) {
      try {
        const config = this.#parse(e);
        if (config instanceof StaticConfig) {
          for (const g of config.groups) statics.push({ ...g, source: String(statics.length) });
        } else {
          add(e.key, config);
        }
      } catch (err) {
        failed++;
        this.#logger.error('Cannot create service discovery', {
          err: err instanceof Error ? err.message : String(err),
          type: e.key,
          config: job,
          manager: this.#name,
        });
      }
    }
    if (statics.length > 0) add('static_configs', new StaticConfig(statics));
    // No usable config: an empty group, so that the job is sent with no targets.
    if (!added) add('static_configs', new StaticConfig([{ targets: [], labels: labelSet({}), source: '' }]));
    return failed;
  }

  #parse(e: SDConfigEntry): SDConfig {
    const c = e.config as Partial<SDConfig> | null;
    if (c !== null && typeof c === 'object' && typeof c.newDiscoverer === 'function') return c as SDConfig;
    if (e.key === 'static_configs') return new StaticConfig([parseTargetGroup(e.config, '0')]);
    return this.#registry.parse(e.key, e.config, e.baseDir);
  }

  #startProvider(p: Provider): void {
    const abort = new AbortController();
    p.abort = abort;
    p.running = (async () => {
      try {
        // Inside the try: a third-party config may throw here too; that ends only this provider.
        const d = p.config.newDiscoverer({ logger: this.#logger, metrics: this.metrics });
        for await (const groups of d.run(abort.signal)) {
          if (abort.signal.aborted) break;
          this.stats.receivedUpdates++;
          this.#updating++;
          try {
            for (const job of p.subs) await this.#updateGroup(poolKey(job, p.name), groups);
          } finally {
            this.#updating--;
          }
          this.#trigger();
        }
      } catch (err) {
        // A discoverer that throws has ended for good: its last groups stay until the config changes.
        this.stats.discovererFailures++;
        this.#logger.error('Discoverer failed', {
          manager: this.#name,
          provider: p.name,
          err: err instanceof Error ? err.message : String(err),
        });
      }
    })();
  }

  /**
   * Prometheus updateGroup: a group replaces its source's; an empty one removes it. Thousands of
   * groups (a big file_sd file) are applied a slice of the event loop's turn at a time; no target
   * set is sent meanwhile (see {@link #scheduleSend}).
   */
  async #updateGroup(key: string, groups: readonly TargetGroup[]): Promise<void> {
    let m = this.#targets.get(key);
    if (m === undefined) {
      m = new Map();
      this.#targets.set(key, m);
    }
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (g.targets.length > 0) m.set(g.source, g);
      else m.delete(g.source);
      if ((i & 255) === 255 && sliceUsedUp()) await yieldToEventLoop();
    }
  }

  #trigger(): void {
    this.#pendingSend = true;
    if (this.#started) this.#scheduleSend();
  }

  #scheduleSend(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    const wait = Math.max(0, this.#lastSendAt + this.#updateIntervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A provider's groups half applied are not sent: its update triggers a send when complete.
      if (!this.#pendingSend || this.#stopped || this.#updating > 0) return;
      this.#pendingSend = false;
      this.#lastSendAt = Date.now();
      this.#send(this.#allGroups());
    }, wait);
  }

  #send(sets: TargetSets): void {
    this.stats.sentUpdates++;
    this.#lastSent = sets;
    for (const l of [...this.#listeners]) {
      try {
        l(sets);
      } catch (err) {
        // A subscriber's failure is its own; the others still get the update.
        this.#logger.error('Target set subscriber failed', { err: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Prometheus allGroups: every job with its groups; a job with none gets an empty list. */
  #allGroups(): TargetSets {
    const sets = new Map<string, TargetGroup[]>();
    const counts = new Map<string, number>();
    for (const p of this.#providers) {
      for (const job of p.subs) {
        let list = sets.get(job);
        if (list === undefined) {
          list = [];
          sets.set(job, list);
          counts.set(job, 0);
        }
        const groups = this.#targets.get(poolKey(job, p.name));
        if (groups === undefined) continue;
        for (const g of groups.values()) {
          list.push(g);
          counts.set(job, counts.get(job)! + g.targets.length);
        }
      }
    }
    this.#discovered.clear();
    for (const [job, n] of counts) this.#discovered.set(job, n);
    return sets;
  }
}
