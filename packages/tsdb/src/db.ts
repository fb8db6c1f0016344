// Prometheus: tsdb/db.go DB, Open, Options (the head-only part: WAL, WBL, replay)
import type { Matcher } from '@tsprom/labels';
import type { Storage } from '@tsprom/storage-interfaces';
import type { ExemplarQueryResult } from './exemplar-storage.js';
import { Head, type HeadStats } from './head.js';
import type { HeadAppender, HeadAppenderV2 } from './head-append.js';
import type { HeadChunkQuerier, HeadQuerier } from './head-read.js';
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
  /** Compression of WAL records: 'none' (default) or 'snappy'. */
  walCompression?: 'none' | 'snappy';
  /**
   * Open without writing anything (as promtool's read-only DB): the logs are replayed without
   * repairing damage, no new WAL segment is started, and appenders are refused.
   */
  readOnly?: boolean;
  /** Receives what the DB logs (replay results, repaired damage). Default: nothing. */
  logger?: (msg: string) => void;
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

/**
 * A TSDB: the Head and, with a directory, its write-ahead log (`wal/`, and `wbl/` for
 * out-of-order samples) in Prometheus's on-disk format. Opening a directory replays its logs.
 * Implements the storage-interfaces Storage. Blocks (compaction, retention) are not there yet.
 */
export class DB implements Storage {
  /** The directory, or undefined for an in-memory DB. */
  readonly dir: string | undefined;
  readonly head: Head;
  /** What opening read back from the logs (undefined in memory). */
  readonly openReport: OpenReport | undefined;
  readonly #wal: HeadWAL | undefined;
  readonly #readOnly: boolean;
  #closed = false;

  private constructor(
    dir: string | undefined,
    head: Head,
    wal: HeadWAL | undefined,
    report: OpenReport | undefined,
    readOnly = false,
  ) {
    this.dir = dir;
    this.#readOnly = readOnly;
    this.head = head;
    this.#wal = wal;
    this.openReport = report;
  }

  /**
   * Opens a DB. Without `dir` it lives in memory only (no Node APIs used: works in a browser).
   * With `dir`, it creates the directory if needed, replays `wal/` (and `wbl/`), repairing damage
   * it finds (reported in `openReport` and to `logger`), and logs every commit from then on.
   */
  static async open(dir?: string, opts: DBOptions = {}): Promise<DB> {
    const head = new Head({
      chunkRangeMs: opts.chunkRangeMs,
      samplesPerChunk: opts.samplesPerChunk,
      outOfOrderTimeWindowMs: opts.outOfOrderTimeWindowMs,
      maxExemplars: opts.maxExemplars,
      floatChunkEncoding: opts.floatChunkEncoding,
    });
    if (dir === undefined) return new DB(undefined, head, undefined, undefined);
    // The file-system parts load only here, so an in-memory DB never touches node:fs.
    const [{ join }, { mkdir }, { replayWAL, replayWBL }, { HeadWAL }, { WL, ChunkDiskMapper }] = await Promise.all([
      import('node:path'),
      import('node:fs/promises'),
      import('./head-replay.js'),
      import('./head-wal.js'),
      import('./wal-api.js'),
    ]);
    if (opts.readOnly !== true) await mkdir(dir, { recursive: true });
    const walDir = join(dir, 'wal');
    const wblDir = join(dir, 'wbl');
    const log = opts.logger ?? (() => {});
    const readOnly = opts.readOnly === true;
    // Full chunks live in chunks_head/ (not in read-only mode: the WAL has every sample anyway).
    const cdm = readOnly ? undefined : await ChunkDiskMapper.open(join(dir, 'chunks_head'));
    if (cdm !== undefined) {
      head.chunkStore = {
        write: (ref, mint, maxt, chunk, isOOO) => cdm.writeChunk(ref, mint, maxt, chunk, isOOO),
        read: (ref) => cdm.chunk(ref),
        readMany: (refs) => cdm.readChunks(refs),
      };
    }
    const report: OpenReport = { wal: await replayWAL(head, walDir, readOnly, cdm) };
    describe(log, 'WAL', report.wal);
    const oooEnabled = (opts.outOfOrderTimeWindowMs ?? 0) > 0;
    // Prometheus replays a non-empty wbl/ even with the window now off: its samples were committed.
    if (oooEnabled || readOnly || (await hasFiles(wblDir))) {
      report.wbl = await replayWBL(head, wblDir, readOnly, report.wal.lastMmapRef);
      describe(log, 'WBL', report.wbl);
    }
    if (readOnly) return new DB(dir, head, undefined, report, true);
    const wlOpts = { segmentSize: opts.walSegmentSizeBytes, compression: opts.walCompression };
    const wal = await WL.open(walDir, wlOpts);
    const wbl = oooEnabled ? await WL.open(wblDir, wlOpts) : undefined;
    const hw = new HeadWAL(wal, wbl, cdm);
    head.log = hw;
    return new DB(dir, head, hw, report);
  }

  /** A classic appender; its samples become visible (and are logged) at commit. */
  appender(): HeadAppender {
    this.#check();
    this.#checkWritable();
    return this.head.appender();
  }

  /** An AppenderV2 over the head. */
  appenderV2(): HeadAppenderV2 {
    this.#check();
    this.#checkWritable();
    return this.head.appenderV2();
  }

  /** A querier over [mint, maxt] (ms, inclusive). Close it when done. */
  querier(mint: number, maxt: number): HeadQuerier {
    this.#check();
    return this.head.querier(mint, maxt);
  }

  /** A chunk querier over [mint, maxt] (ms, inclusive). Close it when done. */
  chunkQuerier(mint: number, maxt: number): HeadChunkQuerier {
    this.#check();
    return this.head.chunkQuerier(mint, maxt);
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
    this.#checkWritable();
    return this.head.delete(mint, maxt, matchers);
  }

  /** Exemplars in [start, end] (ms) of series matching any of the matcher sets. */
  exemplars(start: number, end: number, ...matcherSets: Matcher[][]): ExemplarQueryResult[] {
    return this.head.exemplars.select(start, end, ...matcherSets);
  }

  /** The oldest sample time held (ms), Infinity when empty. */
  async startTime(): Promise<number> {
    return this.head.minTime;
  }

  /** Head statistics. */
  stats(): HeadStats {
    return this.head.stats();
  }

  /**
   * Drops head data before `mint` (ms) and, with a WAL, checkpoints the older two thirds of its
   * segments (keeping the series still in the head and samples at or after `mint`) and deletes
   * them, as Prometheus's head truncation does.
   */
  async truncateHead(mint: number): Promise<void> {
    this.#check();
    this.#checkWritable();
    // In slices: a head of many series takes long enough to hold up scrapes and queries.
    const removed = await truncateSliced(this.head, mint);
    const hw = this.#wal;
    if (hw === undefined) return;
    const head = this.head;
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
    const { checkpoint, deleteCheckpoints } = await import('./wal-api.js');
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
    await this.head.close();
  }

  #check(): void {
    if (this.#closed) throw new Error('tsdb: DB is closed');
  }

  #checkWritable(): void {
    if (this.#readOnly) throw new Error('tsdb: DB is opened read-only');
  }
}

/** Whether `dir` exists and holds anything. */
async function hasFiles(dir: string): Promise<boolean> {
  const { readdir } = await import('node:fs/promises');
  try {
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

function describe(log: (msg: string) => void, what: string, r: ReplayReport): void {
  log(
    `${what} replay: ${r.records} records, ${r.series} series, ${r.samples} samples` +
      (r.checkpoint === undefined ? '' : `, from checkpoint ${r.checkpoint}`) +
      (r.unknownRefs > 0 ? `, ${r.unknownRefs} samples of unknown series dropped` : ''),
  );
  const c = r.corruption;
  if (c?.repair === undefined && c !== undefined) log(`${what} damaged: ${c.error.message}; read up to the damage`);
  if (c?.repair !== undefined) {
    log(
      `${what} damaged: ${c.error.message}; repaired by dropping ${c.repair.droppedBytes} bytes ` +
        `(segment ${c.repair.segment} from offset ${c.repair.offset}, ${c.repair.droppedSegments.length} later segments)`,
    );
  }
}
