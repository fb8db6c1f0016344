// Prometheus: tsdb/db.go, the block side of DB: open (lock, blocks, block ranges), the
// compaction loop (DB.run, DB.Compact), retention (through reloadBlocks), Delete and
// CleanTombstones over blocks, and Snapshot. Node only: DB loads it through `#disk`.
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Matcher } from '@tsprom/labels';
import type { ChunkQuerier, Querier } from '@tsprom/storage-interfaces';
import type { BlockMeta } from './block/block-meta.js';
import { BlockSet, type ReloadReport } from './block/block-set.js';
import { BlockChunkSeriesSet } from './block/block-series.js';
import { syncDir } from './block/block-writer.js';
import {
  type CompactableHead,
  compactBlocks,
  compactHead,
  compactOOOHead,
  headCompactable,
  type OOOCompactableHead,
} from './block/db-compaction.js';
import { exponentialBlockRanges, LeveledCompactor } from './block/leveled-compactor.js';
import { type DirLock, lockDir } from './block/lock-file.js';
import { TimeSlicer } from './time-slicer.js';

/** Prometheus: the 31d cap of --storage.tsdb.max-block-duration's default. */
const maxBlockDurationCapMs = 31 * 86_400_000;

/** Options of the block side of a DB (see DBOptions for their meaning). */
export interface DBBlocksOptions {
  retentionMs: number;
  maxBytes: number;
  minBlockDurationMs: number;
  maxBlockDurationMs: number | undefined;
  autoCompaction: boolean;
  compactionIntervalMs: number;
  lock: boolean;
  readOnly: boolean;
  cacheBytes: number | undefined;
  logger: (msg: string, level: 'info' | 'warn') => void;
  /** Test hook: DBOptions.testHooks.onCompactionTmpCreated. */
  onCompactionTmpCreated?: () => void | Promise<void>;
}

/** What the block side needs from the DB: the head to compact and how to truncate it. */
export interface DBBlocksHooks {
  head: CompactableHead;
  /** Truncates the head (memory and WAL) before `mint` (ms); its waits end when `signal` aborts. */
  truncateHead(mint: number, signal?: AbortSignal): Promise<void>;
  /** The head's out-of-order side, compacted after the head (Prometheus DB.compactOOOHead). */
  ooo?: OOOCompactableHead;
  /** Bytes of the head on disk (WAL, WBL, chunks_head/), counted against size retention. */
  headBytes(): Promise<number>;
}

/**
 * Prometheus: the block ranges of tsdb.Open: 10 ranges from the min block duration, each 3 times
 * the previous, cut above the max block duration (default: a tenth of the time retention, at
 * most 31 days).
 */
export function blockRanges(minMs: number, maxMs: number | undefined, retentionMs: number): number[] {
  let max = maxMs;
  if (max === undefined) {
    max = maxBlockDurationCapMs;
    if (retentionMs > 0 && retentionMs / 10 < max) max = retentionMs / 10;
  }
  if (max < minMs) max = minMs;
  const out = exponentialBlockRanges(minMs, 10, 3);
  const i = out.findIndex((v) => v > max);
  return i < 0 ? out : out.slice(0, Math.max(1, i));
}

/**
 * The persistent blocks of a DB and their upkeep. `compact()` runs one pass (head, then blocks,
 * retention through the reloads), never two at once; with `autoCompaction` a timer (and `trigger`,
 * after commits) starts passes in the background. Head compaction runs in time slices on the event
 * loop, leveled compaction of blocks in a worker thread.
 */
export class DBBlocks {
  readonly set: BlockSet;
  readonly compactor: LeveledCompactor;
  readonly #hooks: DBBlocksHooks;
  readonly #opts: DBBlocksOptions;
  readonly #lock: DirLock | undefined;
  readonly #abort = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  /**
   * Prometheus: DB.cmtx. Compaction passes, deletions and tombstone cleaning run one at a time: a
   * deletion during a compaction would miss the block being written from its sources.
   */
  #cmtx: Promise<unknown> = Promise.resolve();
  /** Operations started or waiting under `#cmtx`. */
  #exclusiveRunning = 0;
  /** Failures of background passes, for the DB's stats. */
  failures = 0;

  private constructor(set: BlockSet, hooks: DBBlocksHooks, opts: DBBlocksOptions, lock: DirLock | undefined) {
    this.set = set;
    this.#hooks = hooks;
    this.#opts = opts;
    this.#lock = lock;
    // Leveled compaction reads and writes block dirs only: a worker thread does it, so that the
    // merge, the encoding and their garbage stay off this thread's event loop and heap.
    const onTmpCreated = opts.onCompactionTmpCreated;
    this.compactor = new LeveledCompactor({
      ranges: blockRanges(opts.minBlockDurationMs, opts.maxBlockDurationMs, opts.retentionMs),
      worker: true,
      cacheBytes: opts.cacheBytes,
      onWorkerTmpCreated: onTmpCreated === undefined ? undefined : () => onTmpCreated(),
    });
  }

  /**
   * Takes the directory's lock (unless read-only or `lock` is off), loads its blocks (removing
   * leftovers of crashed writes, deleting blocks beyond retention), and starts the compaction
   * timer when `autoCompaction`.
   */
  static async open(
    dir: string,
    hooks: DBBlocksHooks,
    opts: DBBlocksOptions,
  ): Promise<{ blocks: DBBlocks; report: ReloadReport }> {
    const lock = opts.lock && !opts.readOnly ? await lockDir(dir) : undefined;
    try {
      const { set, report } = await BlockSet.open(dir, {
        retentionMs: opts.retentionMs,
        maxBytes: opts.maxBytes,
        headBytes: () => hooks.headBytes(),
        logger: opts.logger,
        readOnly: opts.readOnly,
        cacheBytes: opts.cacheBytes,
      });
      return { blocks: new DBBlocks(set, hooks, opts, lock), report };
    } catch (err) {
      await lock?.release();
      throw err;
    }
  }

  /**
   * Starts the background compaction timer (autoCompaction): a pass once the head is compactable
   * (checked every few seconds: two numbers, nothing on the append path), and one every
   * `compactionIntervalMs` whatever the appends, as Prometheus's DB.run does every minute.
   */
  start(): void {
    if (!this.#opts.autoCompaction || this.#opts.readOnly || this.#timer !== undefined) return;
    const tickMs = Math.min(5000, this.#opts.compactionIntervalMs);
    let sinceFull = 0;
    this.#timer = setInterval(() => {
      sinceFull += tickMs;
      const full = sinceFull >= this.#opts.compactionIntervalMs;
      if (full) sinceFull = 0;
      this.trigger(full);
    }, tickMs);
    this.#timer.unref?.();
  }

  /** Starts a background pass if the head is compactable (or `always`); failures are logged. */
  trigger(always = false): void {
    if (!this.#opts.autoCompaction || this.#opts.readOnly || this.#abort.signal.aborted) return;
    if (!always && !headCompactable(this.#hooks.head)) return;
    if (this.#running !== undefined) return;
    this.compact().catch((err: unknown) => {
      if (this.#abort.signal.aborted) return; // Closing: the pass was cancelled.
      this.failures++;
      this.#opts.logger(`tsdb: compaction failed: ${err instanceof Error ? err.message : String(err)}`, 'warn');
    });
  }

  /**
   * Prometheus: DB.Compact. Writes the head's oldest ranges as blocks while it spans more than
   * 1.5 block ranges (truncating it after each), then compacts blocks as the planner says; each
   * step reloads the blocks, which applies retention. A call while a pass runs waits for it and
   * runs another. Rejects with the failure of its pass.
   */
  compact(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      try {
        do {
          this.#again = false;
          await this.#exclusive(() => this.#pass());
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    })();
    this.#running = run;
    return run;
  }

  async #pass(): Promise<void> {
    const signal = this.#abort.signal;
    const slicer = new TimeSlicer();
    const opts = { signal, slicer, logger: this.#opts.logger };
    const head = this.#hooks.head;
    const headDue = headCompactable(head);
    await compactHead(head, this.set, this.compactor, (mint) => this.#hooks.truncateHead(mint, signal), opts);
    // Prometheus: the out-of-order head is compacted when the head was: its samples go into
    // blocks per block range, then the WBL is truncated.
    const ooo = this.#hooks.ooo;
    if (headDue && ooo !== undefined) await compactOOOHead(ooo, this.set, this.compactor, opts);
    await compactBlocks(this.set, this.compactor, opts);
    // Retention also applies when nothing was written (time passes, the head grows).
    await this.set.reload();
  }

  /**
   * Runs `fn` once the compaction, deletion or cleaning under way has ended; at once (in this
   * turn, as callers of `compact()` expect the head's compaction to start) when none is.
   */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#exclusiveRunning === 0 ? fn() : this.#cmtx.then(fn);
    this.#exclusiveRunning++;
    this.#cmtx = run
      .catch(() => undefined)
      .finally(() => {
        this.#exclusiveRunning--;
      });
    return run;
  }

  /** Queriers of the blocks overlapping [mint, maxt] (ms, inclusive). */
  queriers(mint: number, maxt: number): Querier[] {
    return this.set.queriers(mint, maxt);
  }

  /** Chunk queriers of the blocks overlapping [mint, maxt]. */
  chunkQueriers(mint: number, maxt: number): ChunkQuerier[] {
    return this.set.chunkQueriers(mint, maxt);
  }

  /** Prometheus: DB.Delete, the block part: tombstones in every block overlapping [mint, maxt]. */
  delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    return this.#exclusive(async () => {
      for (const b of this.set.blocks) if (b.overlapsClosedInterval(mint, maxt)) await b.delete(mint, maxt, matchers);
    });
  }

  /**
   * Prometheus: DB.CleanTombstones. Rewrites each block that has tombstones without the deleted
   * data (a block left empty is not rewritten), then reloads, which deletes the old ones.
   * Returns the metas of the blocks written.
   */
  cleanTombstones(): Promise<BlockMeta[]> {
    return this.#exclusive(() => this.#cleanTombstones());
  }

  async #cleanTombstones(): Promise<BlockMeta[]> {
    const out: BlockMeta[] = [];
    for (const b of [...this.set.blocks]) {
      if (b.tombstones.total() === 0) continue;
      b.startRead();
      let meta: BlockMeta | undefined;
      try {
        meta = await this.compactor.write(
          this.set.dir,
          {
            chunkSeriesSet: async (lo, hi) =>
              new BlockChunkSeriesSet(b.source, b.index.allPostings(), lo, hi, false, 0),
            symbols: () => b.index.symbols(),
          },
          b.minTime,
          b.maxTime,
          b.meta,
          { signal: this.#abort.signal },
        );
      } finally {
        b.endRead();
      }
      if (meta !== undefined) out.push(meta);
      // The new block names the old one as its parent; an empty result leaves the old one deletable.
      else await b.setMeta({ ...b.meta, compaction: { ...b.meta.compaction, deletable: true } });
    }
    if (out.length > 0 || this.set.blocks.some((b) => b.meta.compaction.deletable === true)) await this.set.reload();
    return out;
  }

  /**
   * Prometheus: DB.Snapshot, the block part: hard links of every block's files into
   * `<dir>/<ulid>/` (copies where links are refused). Returns the ULIDs.
   */
  async snapshotBlocks(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const b of this.set.blocks) {
      await linkTree(b.dir, join(dir, b.ulid));
      out.push(b.ulid);
    }
    return out;
  }

  /** Stops the timer, cancels a running pass and waits for it, closes the blocks, frees the lock. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort.abort(new Error('tsdb: DB closed'));
    await this.#running?.catch(() => undefined);
    await this.set.close();
    await this.#lock?.release();
  }
}

/** Hard-links the files of `src` into `dst` (created), recursively; copies across devices. */
async function linkTree(src: string, dst: string): Promise<void> {
  await mkdir(dst, { recursive: true });
  for (const e of await readdir(src, { withFileTypes: true })) {
    const from = join(src, e.name);
    const to = join(dst, e.name);
    if (e.isDirectory()) await linkTree(from, to);
    else {
      try {
        await link(from, to);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        await copyFile(from, to);
      }
    }
  }
  await syncDir(dst);
}
