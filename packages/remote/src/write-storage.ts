// Prometheus: storage/remote/write.go WriteStorage.ApplyConfig: one QueueManager per
// remote_write entry, named by `name` or a hash of the entry; a reload keeps the queues whose
// entry (and external labels) did not change, stops the removed ones and starts the new ones.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RemoteWriteConfig } from '@tsprom/config';
import type { Labels } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import type { QueueClock } from './queue-clock.js';
import { QueueManager } from './queue-manager.js';
import { type RemoteMetricFamily, remoteStorageMetricFamilies } from './queue-metrics.js';
import { type StoreFn, WriteClient } from './write-client.js';

/** Options of {@link WriteStorage}. */
export interface WriteStorageOptions {
  /** The tsdb WAL directory (`<data dir>/wal`). */
  readonly walDir: string;
  /**
   * Where queues keep their WAL positions (`<stateDir>/<queue hash>/position.json`), e.g.
   * `<data dir>/remote-write`. Undefined: positions are not kept (Prometheus's behavior: a restart
   * sends only samples newer than the start).
   */
  readonly stateDir?: string;
  readonly clock?: QueueClock;
  readonly pollIntervalMs?: number;
  readonly flushDeadlineMs?: number;
  readonly onError?: (err: unknown) => void;
  /** Makes the sender of a config; default: a WriteClient over the config's HTTP client. */
  readonly newStore?: (cfg: RemoteWriteConfig) => Promise<{ store: StoreFn; close(): Promise<void> }>;
}

interface Entry {
  readonly hash: string;
  readonly queue: QueueManager;
  readonly close: () => Promise<void>;
}

function stableJSON(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Map) return [...x.entries()];
    if (x !== null && typeof x === 'object' && typeof (x as { reveal?: unknown }).reveal === 'function') {
      return `secret:${(x as { reveal(): string }).reveal()}`;
    }
    return x;
  });
}

/** Prometheus: toHash. The identity of a remote_write entry with the external labels. */
export function remoteWriteHash(cfg: RemoteWriteConfig, externalLabels: Labels): string {
  return createHash('md5').update(stableJSON(cfg)).update(externalLabels.toString()).digest('hex');
}

/** A remote_write entry asks for something this sender cannot do (SigV4, Azure AD, Google IAM auth). */
export class UnsupportedRemoteWriteConfigError extends Error {
  override readonly name = 'UnsupportedRemoteWriteConfigError';
  constructor(
    readonly url: string,
    readonly feature: string,
  ) {
    super(`remote_write to ${url}: ${feature} is not supported by this sender`);
  }
}

async function defaultStore(cfg: RemoteWriteConfig): Promise<{ store: StoreFn; close(): Promise<void> }> {
  // Sending without the signature the entry asks for would only be refused: say so up front.
  if (cfg.sigv4 !== undefined) throw new UnsupportedRemoteWriteConfigError(cfg.url, 'sigv4');
  if (cfg.azureAD !== undefined) throw new UnsupportedRemoteWriteConfigError(cfg.url, 'azuread');
  if (cfg.googleIAM !== undefined) throw new UnsupportedRemoteWriteConfigError(cfg.url, 'google_iam');
  const http = await HTTPClient.create(cfg.httpClientConfig);
  const client = new WriteClient(cfg, http);
  return { store: client.store, close: () => http.close() };
}

/** Prometheus: remote.WriteStorage, the queues of the `remote_write` section. */
export class WriteStorage {
  readonly #o: WriteStorageOptions;
  #entries: Entry[] = [];
  /** Whether a configuration was applied: before, no queue has said what it still needs. */
  #applied = false;

  constructor(o: WriteStorageOptions) {
    this.#o = o;
  }

  /** The running queues, in config order. */
  queues(): readonly QueueManager[] {
    return this.#entries.map((e) => e.queue);
  }

  /**
   * Applies the `remote_write` section: unchanged entries keep their queue (and what it holds),
   * changed or new ones get a new queue, removed ones are stopped (flushing first).
   */
  async applyConfig(configs: readonly RemoteWriteConfig[], externalLabels: Labels): Promise<void> {
    const old = new Map(this.#entries.map((e) => [e.hash, e]));
    const next: Entry[] = [];
    const created: Entry[] = [];
    try {
      for (const cfg of configs) {
        const hash = remoteWriteHash(cfg, externalLabels);
        const keep = old.get(hash);
        if (keep !== undefined) {
          old.delete(hash);
          next.push(keep);
          continue;
        }
        const { store, close } = await (this.#o.newStore ?? defaultStore)(cfg);
        const queue = await QueueManager.create({
          cfg,
          externalLabels,
          walDir: this.#o.walDir,
          stateDir: this.#o.stateDir === undefined ? undefined : join(this.#o.stateDir, hash),
          store,
          name: cfg.name !== '' ? cfg.name : hash.slice(0, 6),
          clock: this.#o.clock,
          pollIntervalMs: this.#o.pollIntervalMs,
          flushDeadlineMs: this.#o.flushDeadlineMs,
          onError: this.#o.onError,
        });
        const e = { hash, queue, close };
        created.push(e);
        next.push(e);
      }
    } catch (err) {
      await Promise.all(created.map((e) => e.close()));
      throw err;
    }
    // The old queues stop first: a changed entry's new queue then resumes nothing of theirs.
    await Promise.all([...old.values()].map((e) => stopEntry(e)));
    this.#entries = next;
    this.#applied = true;
    for (const e of created) e.queue.start();
  }

  /**
   * Prometheus: WriteStorage.LowestSentTimestamp. The lowest of the queues' newest sent sample
   * times (ms), 0 when there is no queue (or one sent nothing yet).
   */
  lowestSentTimestamp(): number {
    if (this.#entries.length === 0) return 0;
    let lowest = Number.POSITIVE_INFINITY;
    for (const e of this.#entries) {
      const ts = e.queue.stats.queueHighestSentTimestampSeconds * 1000;
      if (ts < lowest) lowest = ts;
    }
    return lowest;
  }

  /**
   * The lowest WAL segment some queue has not sent entirely (every segment below it was sent or
   * dropped for good by every queue): Infinity when there is no queue, 0 while a queue has sent
   * nothing yet, before the first `applyConfig` (the queues that resume from a saved position do
   * not exist yet) and after `close()` (they resume at the next start). What an agent may truncate up to without losing a sample a queue needs.
   */
  lowestUnsentSegment(): number {
    if (!this.#applied) return 0;
    let lowest = Number.POSITIVE_INFINITY;
    for (const e of this.#entries) {
      const seg = e.queue.committedPosition?.segment ?? 0;
      if (seg < lowest) lowest = seg;
    }
    return lowest;
  }

  /** The prometheus_remote_storage_* families of the queues. */
  metricFamilies(): RemoteMetricFamily[] {
    return remoteStorageMetricFamilies(
      this.#entries.map((e) => ({ remoteName: e.queue.name, url: e.queue.cfg.url, stats: e.queue.stats })),
    );
  }

  /** Stops every queue. */
  async close(): Promise<void> {
    const es = this.#entries;
    this.#entries = [];
    // The queues keep their positions for the next start: from now on nothing may be truncated.
    this.#applied = false;
    await Promise.all(es.map((e) => stopEntry(e)));
  }
}

async function stopEntry(e: Entry): Promise<void> {
  try {
    await e.queue.stop();
  } finally {
    await e.close();
  }
}
