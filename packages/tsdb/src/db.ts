// Prometheus: tsdb/db.go DB, Open, Options (the head-only part: WAL, WBL, replay)
import type { Matcher } from '@tsprom/labels';
import {
  type Appender,
  type AppenderV2,
  type ChunkQuerier,
  type Querier,
  ReadOnlyStorageError,
  type Storage,
  StorageClosedError,
} from '@tsprom/storage-interfaces';
import type { Disk } from './disk.js';
import type { ExemplarQueryResult } from './exemplar-storage.js';
import { Head, type HeadStats } from './head.js';
import { truncateSliced } from './head-truncate.js';
import type { ReplayReport } from './head-replay.js';
import type { HeadWAL } from './head-wal.js';
import type { Stone } from './record/ref-types.js';

/** Options of `DB.open`. Times in ms. */
export interface DBOptions {
  /** Head chunk range (the block size). Default 2h. */
  chunkRangeMs?: number;
  /** Target samples per chunk. Default 120. */
  samplesPerChunk?: number;
  /** Out-of-order window: samples this far behind the newest are still accepted. Default 0. */
  outOfOrderTimeWindowMs?: number;
  /** Capacity of the exemplar ring (0 disables exemplars). Default 100000. */
  maxExemplars?: number;
  /** WAL (and WBL) segment size in bytes, a multiple of 32 KiB. Default 128 MiB. */
  walSegmentSizeBytes?: number;
  /**
   * Compression of WAL (and WBL and checkpoint) records: 'snappy' (default, as Prometheus's
   * `--storage.tsdb.wal-compression` since 2.20) or 'none'. Either is read back whatever this says.
   */
  walCompression?: 'none' | 'snappy';
  /**
   * Open without writing anything (as promtool's read-only DB): the logs are replayed without
   * repairing damage (what precedes it is loaded, the damage is reported), no new WAL segment is
   * started, and appenders are refused.
   */
  readOnly?: boolean;
  /**
   * What to do with damage found in the WAL or WBL on open (bytes that do not read, or a record
   * that does not decode). true (default), as Prometheus: keep everything before it, cut the log
   * there and delete the later segments (read-only: only load what precedes it), warn, and say
   * what was lost in `openReport`. false: leave the logs untouched and reject with the
   * `CorruptionError` (exported), which names the segment and offset.
   */
  walRepair?: boolean;
  /**
   * Receives what the DB logs: replay results ('info') and damage found in the logs, with what it
   * cost ('warn'). Default: warnings go to `console.warn`, the rest nowhere.
   */
  logger?: (msg: string, level: 'info' | 'warn') => void;
  /**
   * Encoding of new in-order float chunks. 'xor' (default): XOR chunks, readable by every
   * Prometheus from 2.42 on; start timestamps (AppenderV2's `st`) are dropped. 'xor2': XOR2
   * chunks, which also keep each sample's start timestamp (0 = unknown). XOR2 is unreadable by
   * Prometheus before the version that introduced it, and its encoding byte (4) is unverified
   * against Prometheus. The WAL does not carry start timestamps: samples replayed from it get 0.
   * Chunks of any supported encoding are read back whatever this option says.
   */
  floatChunkEncoding?: 'xor' | 'xor2';
}

/** What opening a DB with a directory read back from its logs. */
export interface OpenReport {
  wal: ReplayReport;
  wbl?: ReplayReport;
}

// Set by DB's static block: how headOf reads the private head.
let headOfDB: (db: DB) => Head;

/**
 * A TSDB: the Head and, with a directory, its write-ahead log (`wal/`, and `wbl/` for
 * out-of-order samples) in Prometheus's on-disk format. Opening a directory replays its logs.
 * Implements the storage-interfaces Storage. Blocks (compaction, retention) are not there yet.
 */
export class DB implements Storage {
  /** The directory, or undefined for an in-memory DB. */
  readonly dir: string | undefined;
  readonly #head: Head;
  /** What opening read back from the logs (undefined in memory). */
  readonly openReport: OpenReport | undefined;
  readonly #wal: HeadWAL | undefined;
  readonly #readOnly: boolean;
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
  ) {
    this.dir = dir;
    this.#readOnly = readOnly;
    this.#head = head;
    this.#wal = wal;
    this.openReport = report;
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
    let report: OpenReport;
    try {
      report = { wal: await replayWAL(head.state, walDir, { readOnly, repair, chunkMapper: cdm }) };
      describe(log, 'WAL', report.wal);
      // Prometheus replays a non-empty wbl/ even with the window now off: its samples were committed.
      if (oooEnabled || readOnly || (await hasFiles(disk, wblDir))) {
        report.wbl = await replayWBL(head.state, wblDir, { readOnly, repair }, report.wal.lastMmapRef);
        describe(log, 'WBL', report.wbl);
      }
    } catch (err) {
      await cdm?.close();
      throw err;
    }
    if (readOnly) return new DB(dir, head, undefined, report, true);
    const wlOpts = { segmentSize: opts.walSegmentSizeBytes, compression: opts.walCompression ?? 'snappy' };
    const wal = await WL.open(walDir, wlOpts);
    const wbl = oooEnabled ? await WL.open(wblDir, wlOpts) : undefined;
    const hw = new HeadWAL(wal, wbl, cdm);
    head.attachLog(hw);
    return new DB(dir, head, hw, report);
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
   * A querier over [mint, maxt] (ms, inclusive); it sees the commits made before this call. Close
   * it when done; used after that it throws QuerierClosedError. Throws StorageClosedError after
   * `close()`. (Today it reads the head; with blocks it becomes their merge with the head.)
   */
  querier(mint: number, maxt: number): Querier {
    this.#check();
    return this.#head.querier(mint, maxt);
  }

  /** A chunk querier over [mint, maxt] (ms, inclusive), as `querier` otherwise. */
  chunkQuerier(mint: number, maxt: number): ChunkQuerier {
    this.#check();
    return this.#head.chunkQuerier(mint, maxt);
  }

  /**
   * Prometheus: DB.Delete (the head part). Deletes the samples in [mint, maxt] (ms, inclusive) of
   * the series matching all `matchers`. A tombstones record goes to the WAL first (resolving once
   * it is written, see the durability promise), then queries stop returning those samples; a
   * reopen replays the tombstones. Samples appended later in a deleted range stay hidden, as in
   * Prometheus. Returns the tombstones added (series ref and clamped interval).
   */
  async delete(mint: number, maxt: number, ...matchers: Matcher[]): Promise<Stone[]> {
    this.#check();
    this.#checkWritable('delete');
    return this.#head.delete(mint, maxt, matchers);
  }

  /** Exemplars in [start, end] (ms) of series matching any of the matcher sets. */
  exemplars(start: number, end: number, ...matcherSets: Matcher[][]): ExemplarQueryResult[] {
    this.#check();
    return this.#head.state.exemplars.select(start, end, ...matcherSets);
  }

  /** The oldest sample time held (ms), Infinity when empty. */
  async startTime(): Promise<number> {
    return this.#head.minTime;
  }

  /** Head statistics. */
  stats(): HeadStats {
    return this.#head.stats();
  }

  /**
   * Drops head data before `mint` (ms) and, with a WAL, checkpoints the older two thirds of its
   * segments (keeping the series still in the head and samples at or after `mint`) and deletes
   * them, as Prometheus's head truncation does.
   */
  async truncateHead(mint: number): Promise<void> {
    this.#check();
    this.#checkWritable('head truncation');
    // In slices: a head of many series takes long enough to hold up scrapes and queries.
    const removed = await truncateSliced(this.#head.state, mint);
    const hw = this.#wal;
    if (hw === undefined) return;
    const head = this.#head.state;
    const cdm = hw.chunkMapper;
    if (cdm !== undefined) {
      // Prometheus: delete the chunks_head files whose chunks all end before mint.
      const files = cdm.fileIndices();
      let keepFrom = files.length > 0 ? files[files.length - 1]! : 0;
      for (const f of files) {
        if ((cdm.fileMaxTime(f) ?? Infinity) >= mint) {
          keepFrom = f;
          break;
        }
      }
      await cdm.truncate(keepFrom);
    }
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

  /** Flushes and closes the logs. The DB must not be used after. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#head.close();
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

function defaultLogger(msg: string, level: 'info' | 'warn'): void {
  if (level === 'warn') console.warn(msg);
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function describe(log: (msg: string, level: 'info' | 'warn') => void, what: string, r: ReplayReport): void {
  log(
    `tsdb: ${what} replay: ${r.records} records, ${r.series} series, ${r.samples} samples` +
      (r.checkpoint === undefined ? '' : `, from checkpoint ${r.checkpoint}`) +
      (r.unknownRefs > 0 ? `, ${r.unknownRefs} samples of unknown series dropped` : ''),
    'info',
  );
  const c = r.corruption;
  if (c === undefined) return;
  const { error, lost } = c;
  const seg = String(error.segment).padStart(8, '0');
  const later =
    lost.laterSegments.length === 0
      ? 'no later segment'
      : `${plural(lost.laterSegments.length, 'later segment')} (${lost.laterSegments[0]}` +
        `${lost.laterSegments.length > 1 ? `-${lost.laterSegments[lost.laterSegments.length - 1]}` : ''}) holding ` +
        `${plural(lost.laterRecords, 'record')} with ${plural(lost.laterSamples, 'sample')}`;
  const head = `tsdb: ${what} ${error.message}`;
  const kept = `kept the ${plural(r.records, 'record')} (${plural(r.samples, 'sample')} loaded) before it`;
  const rest = `the rest of segment ${seg} from offset ${error.offset} (${lost.segmentBytes} bytes) and ${later}`;
  if (c.repair === undefined) {
    log(`${head}; read-only, so not repaired: ${kept}, did not load ${rest}`, 'warn');
  } else {
    log(`${head}; repaired: ${kept}, dropped ${rest}`, 'warn');
  }
}
