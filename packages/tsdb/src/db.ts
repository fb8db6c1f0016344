// Prometheus: tsdb/db.go DB, Open, Options: the head (WAL, WBL, replay) and, through DBBlocks,
// the persistent blocks (compaction, retention, the lock file).
import { newChunk } from '@tsprom/chunkenc';
import type { Matcher } from '@tsprom/labels';
import {
  type Appender,
  type AppenderV2,
  type ChunkQuerier,
  chainedSeriesMerge,
  compactingChunkSeriesMerger,
  newMergeChunkQuerier,
  newMergeQuerier,
  type Querier,
  ReadOnlyStorageError,
  type Storage,
  StorageClosedError,
} from '@tsprom/storage-interfaces';
import type { BlockMeta } from './block/block-meta.js';
import type { ReloadReport } from './block/block-set.js';
import type { DBBlocks } from './db-blocks.js';
import { type DBOptions, defaultRetentionMs, type OpenReport } from './db-options.js';
import { defaultLogger, describe } from './db-report.js';
import type { Disk } from './disk.js';
import type { ExemplarQueryResult } from './exemplar-storage.js';
import { Head, type HeadStats } from './head.js';
import { truncateSliced } from './head-truncate.js';
import { chunkRefFile } from './chunks/chunk-refs.js';
import { minOOOChunkRef, OOOCompactionHead } from './ooo-compaction-head.js';
import type { HeadWAL } from './head-wal.js';
import type { Stone } from './record/ref-types.js';

export type { DBOptions, OpenReport } from './db-options.js';

// Set by DB's static block: how headOf reads the private head.
let headOfDB: (db: DB) => Head;

/**
 * A TSDB: the Head and, with a directory, its write-ahead log (`wal/`, and `wbl/` for
 * out-of-order samples) and its persistent blocks, in Prometheus's on-disk format. Opening a
 * directory takes its lock, loads its blocks and replays its logs; queriers merge blocks and
 * head. Implements the storage-interfaces Storage.
 */
export class DB implements Storage {
  /** The directory, or undefined for an in-memory DB. */
  readonly dir: string | undefined;
  readonly #head: Head;
  /** What opening read back from the logs (undefined in memory). */
  readonly openReport: OpenReport | undefined;
  readonly #wal: HeadWAL | undefined;
  readonly #readOnly: boolean;
  readonly #blocks: DBBlocks | undefined;
  #closed = false;

  static {
    headOfDB = (db) => db.#head;
  }

  private constructor(
    dir: string | undefined,
    head: Head,
    wal: HeadWAL | undefined,
    report: OpenReport | undefined,
    readOnly = false,
    blocks: DBBlocks | undefined = undefined,
  ) {
    this.dir = dir;
    this.#readOnly = readOnly;
    this.#head = head;
    this.#wal = wal;
    this.openReport = report;
    this.#blocks = blocks;
  }

  /**
   * Opens a DB. Without `dir` it lives in memory only (no Node APIs used: works in a browser).
   * With `dir`, it creates the directory if needed, replays `wal/` (and `wbl/`), repairing damage
   * it finds (see `walRepair`; reported in `openReport` and to `logger`), and logs every commit
   * from then on. A directory needs Node's file system: elsewhere (a browser bundle) it rejects
   * with FileSystemUnavailableError.
   */
  static async open(dir?: string, opts: DBOptions = {}): Promise<DB> {
    const headOpts = {
      chunkRangeMs: opts.chunkRangeMs,
      samplesPerChunk: opts.samplesPerChunk,
      outOfOrderTimeWindowMs: opts.outOfOrderTimeWindowMs,
      maxExemplars: opts.maxExemplars,
      floatChunkEncoding: opts.floatChunkEncoding,
    };
    if (dir === undefined) return new DB(undefined, new Head(headOpts), undefined, undefined);
    // The file-system parts load only here (`#disk`, see disk.ts), so an in-memory DB never
    // touches node:fs, and a browser bundle gets FileSystemUnavailableError here instead.
    const disk = (await import('#disk')).openDisk(dir);
    const { join, mkdir, replayWAL, replayWBL, HeadWAL, WL, ChunkDiskMapper } = disk;
    if (opts.readOnly !== true) await mkdir(dir, { recursive: true });
    const walDir = join(dir, 'wal');
    const wblDir = join(dir, 'wbl');
    const log = opts.logger ?? defaultLogger;
    const readOnly = opts.readOnly === true;
    const repair = opts.walRepair !== false;
    // Full chunks live in chunks_head/ (not in read-only mode: the WAL has every sample anyway).
    const cdm = readOnly ? undefined : await ChunkDiskMapper.open(join(dir, 'chunks_head'));
    const head = new Head({
      ...headOpts,
      chunkStore:
        cdm === undefined
          ? undefined
          : {
              write: (ref, mint, maxt, chunk, isOOO) => cdm.writeChunk(ref, mint, maxt, chunk, isOOO),
              read: (ref) => cdm.chunk(ref),
              readMany: (refs, found, signal) => cdm.readChunkBytes(refs, found, undefined, signal),
            },
    });
    const oooEnabled = (opts.outOfOrderTimeWindowMs ?? 0) > 0;
    // The DB the block side truncates the head of; set once it exists (no pass runs before).
    let dbRef: DB | undefined;
    const retentionMs = opts.retentionMs ?? defaultRetentionMs;
    let blocks: DBBlocks;
    let blocksReport: ReloadReport;
    try {
      // Blocks first, as Prometheus: the head starts where the newest block ends.
      ({ blocks, report: blocksReport } = await disk.DBBlocks.open(
        dir,
        {
          head,
          truncateHead: (mint, signal) => dbRef!.truncateHead(mint, signal),
          ooo: {
            chunkRangeMs: head.chunkRangeMs,
            oooCompactionHead: (signal) => dbRef!.#oooCompactionHead(signal),
            truncateOOO: (src: OOOCompactionHead, signal?: AbortSignal) => dbRef!.#truncateOOO(src, signal),
          },
          headBytes: () => disk.dirBytes([walDir, wblDir, join(dir, 'chunks_head')]),
        },
        {
          retentionMs,
          maxBytes: opts.retentionBytes ?? 0,
          minBlockDurationMs: head.chunkRangeMs,
          maxBlockDurationMs: opts.maxBlockDurationMs,
          autoCompaction: opts.autoCompaction !== false,
          compactionIntervalMs: opts.compactionIntervalMs ?? 60_000,
          lock: opts.noLockfile !== true,
          readOnly,
          cacheBytes: opts.blockCacheBytes,
          logger: log,
          onCompactionTmpCreated: opts.testHooks?.onCompactionTmpCreated,
        },
      ));
    } catch (err) {
      await cdm?.close();
      throw err;
    }
    // Prometheus inOrderBlocksMaxTime: blocks of out-of-order samples may overlap the head.
    const blocksEnd = blocks.set.inOrderMaxTime;
    if (blocksEnd > head.state.minValidTime) head.state.minValidTime = blocksEnd;
    let report: OpenReport;
    let wblReplayed = false;
    try {
      report = {
        wal: await replayWAL(head.state, walDir, {
          readOnly,
          repair,
          chunkMapper: cdm,
          onStatus: opts.onWALReplayStatus,
        }),
      };
      describe(log, 'WAL', report.wal);
      // Prometheus replays a non-empty wbl/ even with the window now off: its samples were committed.
      wblReplayed = oooEnabled || readOnly || (await hasFiles(disk, wblDir));
      if (wblReplayed) {
        report.wbl = await replayWBL(head.state, wblDir, { readOnly, repair }, report.wal.lastMmapRef);
        describe(log, 'WBL', report.wbl);
      }
      report.blocks = blocksReport;
    } catch (err) {
      await cdm?.close();
      await blocks.close();
      throw err;
    }
    if (readOnly) return new DB(dir, head, undefined, report, true, blocks);
    const wlOpts = { segmentSize: opts.walSegmentSizeBytes, compression: opts.walCompression ?? 'snappy' };
    let hw: HeadWAL;
    try {
      const wal = await WL.open(walDir, { ...wlOpts, compressInWorker: opts.walCompressInWorker ?? true });
      // Prometheus opens a WBL that has segments even with the window off: out-of-order
      // compaction then truncates what it replayed.
      const wbl = wblReplayed ? await WL.open(wblDir, wlOpts) : undefined;
      hw = new HeadWAL(wal, wbl, cdm);
    } catch (err) {
      await cdm?.close();
      await blocks.close();
      throw err;
    }
    head.attachLog(hw);
    const db = new DB(dir, head, hw, report, false, blocks);
    dbRef = db;
    blocks.start();
    return db;
  }

  /**
   * A classic appender; its samples become visible (and are logged) at commit. It serves one
   * batch: used after its commit or rollback it throws AppenderClosedError. Throws
   * StorageClosedError after `close()` and ReadOnlyStorageError on a read-only DB.
   */
  appender(): Appender {
    this.#check();
    this.#checkWritable('append');
    return this.#head.appender();
  }

  /** An AppenderV2 over the head, as `appender()` otherwise. */
  appenderV2(): AppenderV2 {
    this.#check();
    this.#checkWritable('append');
    return this.#head.appenderV2();
  }

  /**
   * Prometheus: DB.Querier. A querier over [mint, maxt] (ms, inclusive): the blocks overlapping
   * the range and the head, merged (series by labels, samples by time, a timestamp held twice
   * counted once). It sees the commits made before this call. Close it when done (blocks wait for
   * their queriers before they are deleted); used after that it throws QuerierClosedError.
   * Throws StorageClosedError after `close()`.
   */
  querier(mint: number, maxt: number): Querier {
    this.#check();
    const blocks = this.#blocks?.queriers(mint, maxt) ?? [];
    if (blocks.length === 0) return this.#head.querier(mint, maxt);
    if (maxt >= this.#head.minTime) blocks.push(this.#head.querier(mint, maxt));
    return newMergeQuerier(blocks, [], chainedSeriesMerge);
  }

  /**
   * A chunk querier over [mint, maxt] (ms, inclusive), as `querier` otherwise; chunks of a series
   * that overlap across blocks and head are merged into new chunks.
   */
  chunkQuerier(mint: number, maxt: number): ChunkQuerier {
    this.#check();
    const blocks = this.#blocks?.chunkQueriers(mint, maxt) ?? [];
    if (blocks.length === 0) return this.#head.chunkQuerier(mint, maxt);
    if (maxt >= this.#head.minTime) blocks.push(this.#head.chunkQuerier(mint, maxt));
    return newMergeChunkQuerier(blocks, [], compactingChunkSeriesMerger(chainedSeriesMerge, newChunk));
  }

  /**
   * Prometheus: DB.Delete. Deletes the samples in [mint, maxt] (ms, inclusive) of the series
   * matching all `matchers`. In the head, a tombstones record goes to the WAL first (resolving once
   * it is written, see the durability promise), then queries stop returning those samples; a
   * reopen replays the tombstones. Samples appended later in a deleted range stay hidden, as in
   * Prometheus. Every block overlapping the range gets the tombstones in its `tombstones` file.
   * Returns the tombstones added to the head (series ref and clamped interval).
   */
  async delete(mint: number, maxt: number, ...matchers: Matcher[]): Promise<Stone[]> {
    this.#check();
    this.#checkWritable('delete');
    await this.#blocks?.delete(mint, maxt, matchers);
    return this.#head.delete(mint, maxt, matchers);
  }

  /**
   * Prometheus: DB.CleanTombstones. Rewrites the blocks that have tombstones without the deleted
   * data and deletes the old ones. Returns the metas of the blocks written.
   */
  async cleanTombstones(): Promise<BlockMeta[]> {
    this.#check();
    this.#checkWritable('clean tombstones');
    return (await this.#blocks?.cleanTombstones()) ?? [];
  }

  /**
   * Prometheus: DB.Compact. One compaction pass now: the head's oldest ranges into blocks while
   * it spans more than 1.5 block ranges (truncating it and checkpointing the WAL after each), then
   * blocks merged as the leveled planner says, then retention. Waits for a pass under way first.
   * Nothing to do in memory.
   */
  async compact(): Promise<void> {
    this.#check();
    this.#checkWritable('compaction');
    await this.#blocks?.compact();
  }

  /** Prometheus: DB.Blocks. The metas of the blocks served, oldest first. */
  blocks(): BlockMeta[] {
    this.#check();
    return (this.#blocks?.set.blocks ?? []).map((b) => b.meta);
  }

  /**
   * Prometheus: DB.Snapshot. Writes a snapshot into `dir` (created): hard links of every block,
   * and with `withHead` the head's data as one more block. Returns the ULIDs written.
   */
  async snapshot(dir: string, withHead: boolean): Promise<string[]> {
    this.#check();
    const b = this.#blocks;
    if (b === undefined) throw new Error('tsdb: snapshot needs a DB with a directory');
    const out = await b.snapshotBlocks(dir);
    const head = this.#head;
    if (withHead && head.maxTime >= head.minTime) {
      const q = head.chunkQuerier(head.minTime, head.maxTime);
      try {
        const meta = await b.compactor.write(
          dir,
          { chunkSeriesSet: (lo, hi) => q.select(true, { start: lo, end: hi }, []) },
          head.minTime,
          head.maxTime + 1,
        );
        if (meta !== undefined) out.push(meta.ulid);
      } finally {
        await q.close();
      }
    }
    return out;
  }

  /** Exemplars in [start, end] (ms) of series matching any of the matcher sets. */
  exemplars(start: number, end: number, ...matcherSets: Matcher[][]): ExemplarQueryResult[] {
    this.#check();
    return this.#head.state.exemplars.select(start, end, ...matcherSets);
  }

  /**
   * Prometheus: DB.ApplyConfig's exemplar part (CircularExemplarStorage.Resize): the exemplar
   * storage now holds at most `maxExemplars`, keeping the newest; 0 disables it. Returns the number
   * of exemplars kept.
   */
  resizeExemplars(maxExemplars: number): number {
    this.#check();
    return this.#head.state.exemplars.resize(maxExemplars);
  }

  /** Prometheus: DB.StartTime. The oldest sample time held (ms): the first block's, else the head's. */
  async startTime(): Promise<number> {
    const first = this.#blocks?.set.blocks[0];
    return first === undefined ? this.#head.minTime : Math.min(first.minTime, this.#head.minTime);
  }

  /** Head statistics. */
  stats(): HeadStats {
    return this.#head.stats();
  }

  /**
   * Drops head data before `mint` (ms) and, with a WAL, checkpoints the older two thirds of its
   * segments (keeping the series still in the head and samples at or after `mint`) and deletes
   * them, as Prometheus's head truncation does. Waits first for the head queriers open over the
   * range dropped (rejecting with the signal's reason if `signal` aborts meanwhile).
   */
  async truncateHead(mint: number, signal?: AbortSignal): Promise<void> {
    this.#check();
    this.#checkWritable('head truncation');
    const head = this.#head.state;
    // Prometheus: Head.truncateMemory waits for the queries over the range to end (those opened
    // from now on read the blocks written before this call).
    if (head.minTime < mint) await this.#head.waitForPendingReadersInTimeRange(head.minTime, mint - 1, signal);
    // In slices: a head of many series takes long enough to hold up scrapes and queries. With
    // blocks, out-of-order chunks stay for the out-of-order compaction.
    const removed = await truncateSliced(head, mint, undefined, this.#blocks !== undefined);
    const hw = this.#wal;
    if (hw === undefined) return;
    await this.#truncateChunkFiles(mint);
    const { checkpoint, deleteCheckpoints } = (await import('#disk')).openDisk(hw.wal.dir);
    const { first, last: lastSegment } = await hw.wal.segments();
    // Prometheus Head.gc: the WAL up to lastSegment may hold samples under the refs just removed
    // (and under duplicate refs of removed series), so their series records stay in checkpoints
    // until the WAL is truncated past it.
    for (const ref of removed) head.walExpiries.set(ref, lastSegment);
    for (const [ref, s] of head.walDuplicateRefs) {
      if (head.series.getByRef(s.ref) !== s) {
        head.walDuplicateRefs.delete(ref);
        head.walExpiries.set(ref, lastSegment);
      }
    }
    // Start a new segment so that a quiet DB does not keep more WAL than needed.
    await hw.wal.nextSegment();
    // Never the segment written last; the lower two thirds hold mostly obsolete samples.
    const newest = lastSegment - 1;
    if (newest < 0) return;
    const last = first + Math.floor(((newest - first) * 2) / 3);
    if (last <= first) return;
    // Prometheus keepSeriesInWALCheckpointFn: series in the head, refs the WAL logged their samples
    // under (duplicates), and refs whose samples may still be in segments kept.
    const keep = (ref: number): boolean =>
      head.series.getByRef(ref) !== undefined ||
      head.walDuplicateRefs.has(ref) ||
      (head.walExpiries.get(ref) ?? -1) > last;
    await checkpoint(hw.wal.dir, first, last, keep, mint, { compression: hw.wal.compression });
    await hw.wal.truncate(last + 1);
    for (const [ref, seg] of head.walExpiries) if (seg <= last) head.walExpiries.delete(ref);
    await deleteCheckpoints(hw.wal.dir, last);
  }

  /**
   * Prometheus: Head.truncateSeriesAndChunkDiskMapper, the file part: deletes the chunks_head
   * files whose chunks all end before `mint` (ms), up to the first one holding an out-of-order
   * chunk the head still has.
   */
  async #truncateChunkFiles(mint: number): Promise<void> {
    const cdm = this.#wal?.chunkMapper;
    if (cdm === undefined) return;
    const files = cdm.fileIndices();
    let keepFrom = files.length > 0 ? files[files.length - 1]! : 0;
    for (const f of files) {
      if ((cdm.fileMaxTime(f) ?? Infinity) >= mint) {
        keepFrom = f;
        break;
      }
    }
    const minOOO = await minOOOChunkRef(this.#head.state);
    if (minOOO !== Infinity) keepFrom = Math.min(keepFrom, chunkRefFile(minOOO));
    await cdm.truncate(keepFrom);
  }

  /**
   * Prometheus: NewOOOCompactionHead as DB.compactOOOHead calls it: starts a new WBL segment
   * (between two commits), then captures the head's out-of-order chunks.
   */
  async #oooCompactionHead(signal?: AbortSignal): Promise<OOOCompactionHead | undefined> {
    const head = this.#head.state;
    const wbl = this.#wal?.wbl;
    let lastWBLFile = -1;
    if (wbl !== undefined) {
      const release = await head.isolation.lockCommits();
      try {
        lastWBLFile = await wbl.nextSegment();
      } finally {
        release();
      }
    }
    return OOOCompactionHead.open(head, lastWBLFile, signal);
  }

  /**
   * Prometheus: Head.truncateOOO. Once the queries open over its range are done, drops what `src`
   * captured from memory, the chunks_head files no chunk of the head needs any more, and the WBL
   * segments before the one started when it was captured.
   */
  async #truncateOOO(src: OOOCompactionHead, signal?: AbortSignal): Promise<void> {
    await this.#head.waitForPendingReadersInTimeRange(src.mint, src.maxt, signal);
    await src.truncate(signal);
    await this.#truncateChunkFiles(this.#head.state.minValidTime);
    if (src.lastWBLFile >= 0) await this.#wal?.wbl?.truncate(src.lastWBLFile);
  }

  /**
   * Stops background compaction (a pass under way is cancelled), flushes and closes the logs,
   * closes the blocks (after their open queriers) and releases the lock. The DB must not be used
   * after.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#blocks?.close();
    } finally {
      await this.#head.close();
    }
  }

  #check(): void {
    if (this.#closed) throw new StorageClosedError();
  }

  #checkWritable(op: string): void {
    if (this.#readOnly) throw new ReadOnlyStorageError(op);
  }
}

/**
 * The head of `db`, for this package's tests, which check state no API shows (metadata,
 * tombstones, series refs). Not exported from the package.
 */
export function headOf(db: DB): Head {
  return headOfDB(db);
}

/** Whether `dir` exists and holds anything. */
async function hasFiles(disk: Disk, dir: string): Promise<boolean> {
  try {
    return (await disk.readdir(dir)).length > 0;
  } catch {
    return false;
  }
}
