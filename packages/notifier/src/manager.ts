// Prometheus: notifier/manager.go Manager (Options, NewManager, ApplyConfig, Run,
// targetUpdateLoop, sendLoop, sendOneBatch, drainQueue, Send, nextBatch, sendAll, Alertmanagers,
// DroppedAlertmanagers, Stop), as in Prometheus 3 with its single queue.
import type { AlertingConfig } from '@tsprom/config';
import type { TargetSets } from '@tsprom/discovery';
import { Labels } from '@tsprom/labels';
import type { RelabelConfig } from '@tsprom/relabel';
import { type Alert, relabelAlerts } from './alert.js';
import type { HTTPClientFactory } from './alertmanager-client.js';
import { encodeAlerts } from './alertmanager-payload.js';
import { AlertmanagerSet } from './alertmanager-set.js';
import { alertmanagerSetNames } from './alertmanager-sd.js';
import { noopLogger, type NotifierLogger } from './notifier-logger.js';
import { NotifierMetrics } from './notifier-metrics.js';
import { sendAll } from './send-all.js';

/** Prometheus's defaults (`--alertmanager.notification-queue-capacity`, `…-batch-size`). */
export const DefaultQueueCapacity = 10_000;
export const DefaultMaxBatchSize = 256;

/** How a {@link Manager} runs (Prometheus notifier.Options). */
export interface ManagerOptions {
  /** Alerts the queue holds; when full the oldest are dropped. Default 10000. */
  readonly queueCapacity?: number;
  /** Alerts per post at most. Default 256. */
  readonly maxBatchSize?: number;
  /** On stop, send what is queued (default true) rather than drop it. */
  readonly drainOnShutdown?: boolean;
  /** Makes each Alertmanager config's HTTP client (@tsprom/scrape's `HTTPClient.create` fits). */
  readonly newHTTPClient: HTTPClientFactory;
  /** The version in the User-Agent, `Prometheus/<version>`. Default `0.0.0`. */
  readonly version?: string;
  readonly logger?: NotifierLogger;
  /** The clock latency is measured with, in ms, also the latency summaries' (default performance.now). */
  readonly nowMs?: () => number;
}

/** The parts of a configuration the notifier applies (a @tsprom/config `Config` fits). */
export interface NotifierConfig {
  readonly global: { readonly externalLabels: Labels };
  readonly alerting: AlertingConfig;
}

/**
 * Sends alerts to Alertmanagers (Prometheus notifier.Manager). `send` queues alerts (with external
 * labels and `alert_relabel_configs` applied); the send loop that `run` starts posts them in
 * batches to every Alertmanager of every set, each set with its own `alert_relabel_configs`.
 * `applyConfig` (re)builds the sets, `reload` or the `updates` given to `run` set their
 * Alertmanagers. Failures never throw out of the loop: they are counted in {@link metrics} and
 * logged. Use from one event loop.
 */
export class Manager {
  /** The counters behind the prometheus_notifications_* families. */
  readonly metrics: NotifierMetrics;
  readonly queueCapacity: number;
  readonly maxBatchSize: number;
  readonly #opts: ManagerOptions;
  readonly #logger: NotifierLogger;
  readonly #userAgent: string;
  readonly #nowMs: () => number;
  #externalLabels: Labels = Labels.EMPTY;
  #relabelConfigs: readonly RelabelConfig[] = [];
  /** By set name (`config-0`…), in config order. */
  #sets = new Map<string, AlertmanagerSet>();
  #queue: Alert[] = [];
  #more = false;
  #wake: (() => void) | undefined;
  #stopRequested = false;
  readonly #stopAbort = new AbortController();
  #running: Promise<void> | undefined;
  #applying: Promise<void> = Promise.resolve();
  /** Clients of replaced sets, closing once their posts end. */
  readonly #closing = new Set<Promise<void>>();

  constructor(opts: ManagerOptions) {
    this.#opts = opts;
    this.queueCapacity = opts.queueCapacity ?? DefaultQueueCapacity;
    this.maxBatchSize = opts.maxBatchSize ?? DefaultMaxBatchSize;
    if (!(this.queueCapacity >= 1) || !(this.maxBatchSize >= 1)) {
      throw new RangeError(`queue capacity (${this.queueCapacity}) and batch size (${this.maxBatchSize}) must be ≥ 1`);
    }
    this.#logger = opts.logger ?? noopLogger;
    this.#userAgent = `Prometheus/${opts.version ?? '0.0.0'}`;
    this.#nowMs = opts.nowMs ?? (() => performance.now());
    this.metrics = new NotifierMetrics(this.#nowMs);
  }

  /**
   * Applies a configuration (Prometheus ApplyConfig): external labels, global
   * `alert_relabel_configs`, and one Alertmanager set per `alertmanagers` entry. A set whose
   * config is unchanged keeps the Alertmanagers it knew until discovery sends new ones. Rejects
   * with NotifierConfigError (the old sets stay) when a set cannot be made.
   */
  applyConfig(conf: NotifierConfig): Promise<void> {
    const next = this.#applying.then(() => this.#apply(conf));
    this.#applying = next.catch(() => {});
    return next;
  }

  async #apply(conf: NotifierConfig): Promise<void> {
    const byHash = new Map<string, AlertmanagerSet>();
    for (const old of this.#sets.values()) byHash.set(old.configHash, old);
    const sets = new Map<string, AlertmanagerSet>();
    const names = alertmanagerSetNames(conf.alerting);
    try {
      for (let i = 0; i < names.length; i++) {
        const cfg = conf.alerting.alertmanagers[i]!;
        const ams = await AlertmanagerSet.create(names[i]!, cfg, this.#opts.newHTTPClient, this.metrics, this.#logger);
        sets.set(names[i]!, ams);
        const old = byHash.get(ams.configHash);
        if (old !== undefined) {
          ams.ams = old.ams;
          ams.droppedAms = old.droppedAms;
        }
      }
    } catch (err) {
      await Promise.all([...sets.values()].map((s) => s.client.close()));
      throw err;
    }
    const previous = this.#sets;
    this.#externalLabels = conf.global.externalLabels;
    this.#relabelConfigs = conf.alerting.alertRelabelConfigs;
    this.#sets = sets;
    // A batch in flight keeps its client until its posts end (close() waits for them, up to the
    // config's timeout), so the old clients close in the background; stop() awaits them.
    for (const old of previous.values()) {
      const closing: Promise<void> = old.client
        .close()
        .catch((err: unknown) => this.#logger('warn', 'Closing an HTTP client failed', { err: String(err) }))
        .finally(() => this.#closing.delete(closing));
      this.#closing.add(closing);
    }
  }

  /**
   * Starts the send loop and, with `updates` (the notify discovery manager's `updates(signal)`),
   * applies target-set updates to the sets named by their keys. Resolves after {@link stop}, once
   * the queue is drained (or dropped) and the clients are closed.
   */
  run(updates?: AsyncIterable<TargetSets>): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    this.#running = (async () => {
      await Promise.all([this.#targetUpdateLoop(updates), this.#sendLoop()]);
      await this.#drainQueue();
      await this.#closeClients();
      this.#logger('info', 'Notification manager stopped');
    })();
    return this.#running;
  }

  async #targetUpdateLoop(updates: AsyncIterable<TargetSets> | undefined): Promise<void> {
    if (updates === undefined) return;
    const it = updates[Symbol.asyncIterator]();
    const stopped = new Promise<undefined>((resolve) =>
      this.#stopAbort.signal.addEventListener('abort', () => resolve(undefined), { once: true }),
    );
    for (;;) {
      if (this.#stopRequested) break;
      const next = await Promise.race([it.next(), stopped]);
      if (next === undefined) {
        // An async generator ends on return() only once its pending next() settles; not awaited.
        it.return?.().catch(() => undefined);
        return;
      }
      if (next.done === true) return;
      this.reload(next.value);
    }
  }

  /** Gives each named set its target groups (Prometheus reload); unknown names are logged. */
  reload(tsets: TargetSets): void {
    for (const [name, groups] of tsets) {
      const ams = this.#sets.get(name);
      if (ams === undefined) {
        this.#logger('error', "couldn't sync alert manager set", { err: `invalid id:${name}` });
        continue;
      }
      ams.sync(groups);
    }
  }

  async #sendLoop(): Promise<void> {
    for (;;) {
      if (this.#stopRequested) return;
      if (!this.#more) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      this.#more = false;
      await this.#sendOneBatch();
      if (this.#queue.length > 0) this.#more = true;
    }
  }

  #setMore(): void {
    this.#more = true;
    this.#wake?.();
  }

  async #sendOneBatch(): Promise<void> {
    const alerts = this.#nextBatch();
    let ok = false;
    try {
      ok = await this.#sendAll(alerts);
    } catch (err) {
      // A bug, not a failed post (those are counted inside): the batch is counted as dropped and
      // logged, and the loop goes on, so that one bad batch cannot stop all notifications.
      this.#logger('error', 'Sending alerts failed', { err: err instanceof Error ? err.message : String(err) });
    }
    if (!ok) this.metrics.dropped += alerts.length;
  }

  async #drainQueue(): Promise<void> {
    if (this.#opts.drainOnShutdown === false) {
      if (this.#queue.length > 0) {
        this.#logger(
          'warn',
          'Draining remaining notifications on shutdown is disabled, and some notifications have been dropped',
          { count: this.#queue.length },
        );
        this.metrics.dropped += this.#queue.length;
        this.#queue = [];
      }
      return;
    }
    this.#logger('info', 'Draining any remaining notifications...');
    while (this.#queue.length > 0) await this.#sendOneBatch();
    this.#logger('info', 'Remaining notifications drained');
  }

  /**
   * Queues alerts (Prometheus Send): external labels added where an alert lacks them, global
   * `alert_relabel_configs` applied. When the queue would exceed its capacity the oldest alerts
   * are dropped (and counted). Returns at once; the send loop posts them.
   */
  send(...alerts: Alert[]): void {
    let as = relabelAlerts(this.#relabelConfigs, this.#externalLabels, alerts);
    if (as.length === 0) return;
    let d = as.length - this.queueCapacity;
    if (d > 0) {
      as = as.slice(d);
      this.#logger('warn', 'Alert batch larger than queue capacity, dropping alerts', { num_dropped: d });
      this.metrics.dropped += d;
    }
    d = this.#queue.length + as.length - this.queueCapacity;
    if (d > 0) {
      this.#queue.splice(0, d);
      this.#logger('warn', 'Alert notification queue full, dropping alerts', { num_dropped: d });
      this.metrics.dropped += d;
    }
    for (const a of as) this.#queue.push(a);
    this.#setMore();
  }

  #nextBatch(): Alert[] {
    return this.#queue.splice(0, Math.min(this.maxBatchSize, this.#queue.length));
  }

  /** Whether every set that was sent to was reached by at least one of its Alertmanagers. */
  #sendAll(alerts: readonly Alert[]): Promise<boolean> {
    return sendAll(alerts, [...this.#sets.values()], {
      userAgent: this.#userAgent,
      nowMs: this.#nowMs,
      metrics: this.metrics,
      logger: this.#logger,
      encode: encodeAlerts,
    });
  }

  /** Alerts waiting in the queue (prometheus_notifications_queue_length). */
  queueLength(): number {
    return this.#queue.length;
  }

  /** The URLs of the active Alertmanagers of every set, in config order. */
  alertmanagers(): string[] {
    const out: string[] = [];
    for (const s of this.#sets.values()) for (const am of s.ams) out.push(am.url());
    return out;
  }

  /** The URLs of the Alertmanagers relabeling dropped (from their labels before relabeling). */
  droppedAlertmanagers(): string[] {
    const out: string[] = [];
    for (const s of this.#sets.values()) for (const am of s.droppedAms) out.push(am.url());
    return out;
  }

  /** prometheus_notifications_alertmanagers_discovered: active Alertmanagers of every set. */
  alertmanagersDiscovered(): number {
    let n = 0;
    for (const s of this.#sets.values()) n += s.ams.length;
    return n;
  }

  /**
   * Stops the notifier (Prometheus Stop): no new batch starts after the one in flight; the queue
   * is then drained (`drainOnShutdown`, the default) or dropped, and the clients closed. Resolves
   * when all that is done. Without `run`, only the clients are closed and the queue counted as dropped.
   */
  async stop(): Promise<void> {
    this.#logger('info', 'Stopping notification manager...');
    this.#stopRequested = true;
    this.#stopAbort.abort();
    this.#wake?.();
    if (this.#running !== undefined) {
      await this.#running;
      return;
    }
    this.metrics.dropped += this.#queue.length;
    this.#queue = [];
    await this.#closeClients();
  }

  async #closeClients(): Promise<void> {
    await this.#applying;
    await Promise.all([...[...this.#sets.values()].map((s) => s.client.close()), ...this.#closing]);
  }
}
