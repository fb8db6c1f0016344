// Prometheus: tsdb/wlog/wlog.go WL (NewSize, Log, log, flushPage, nextSegment, Truncate, Close)
import { close as closeFd, fsync, openSync, writeSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { crc32c } from '@tsprom/chunkenc';
import { WalClosedError } from './errors.js';
import { listSegments, segmentName, segmentRange } from './segments.js';
import { SnappyEncoder, snappyMaxEncodedLength } from './snappy-encoder.js';
import type { CompressResult } from './wal-compress-job.js';
import { WALCompressor } from './wal-compressor.js';
import { TransferBufferPool } from './transfer-buffer-pool.js';
import {
  DEFAULT_SEGMENT_SIZE,
  FragmentType,
  PAGE_SIZE,
  RECORD_HEADER_SIZE,
  SNAPPY_MASK,
  type WalCompression,
} from './wlog-constants.js';

/** Options of {@link WL.open}. */
export interface WLOptions {
  /** Segment size in bytes, a multiple of 32 KiB. Default 128 MiB. */
  segmentSize?: number;
  /** Record compression. Default 'none'; 'snappy' is what `--storage.tsdb.wal-compression` writes. */
  compression?: WalCompression;
  /**
   * With snappy: `log()` calls of at least {@link MIN_WORKER_LOG_BYTES} have their records
   * compressed by a worker thread (started on first use), so that the calling thread only frames,
   * checksums and writes them. The bytes written are the same. Default false.
   */
  compressInWorker?: boolean;
}

/**
 * The smallest `log()` (bytes of records) whose compression goes to the worker: below, posting it
 * and taking the answer costs the logging thread about what compressing it does.
 */
export const MIN_WORKER_LOG_BYTES = 8 * 1024;

/** Free buffers kept per direction for the worker's jobs (see {@link TransferBufferPool}). */
const MAX_POOLED_BUFFERS = 8;

/** A log() call or a segment cut waiting for its turn (the worker compressing an earlier log). */
interface Queued {
  readonly id: number;
  /** The records of a log() call; undefined for a segment cut. */
  readonly records: readonly Uint8Array[] | undefined;
  /** Whether the worker was posted the records. */
  readonly posted: boolean;
  /** Per record its compressed bytes, or null to write it as it is; set by the worker's answer. */
  compressed: (Uint8Array | null)[] | undefined;
  /** The job's buffers back from the worker (`compressed` views one), pooled once written. */
  buffers: { input: ArrayBuffer; output: ArrayBuffer } | undefined;
  readonly resolve: (segment: number) => void;
  readonly reject: (err: unknown) => void;
}

/** Counters of a {@link WL} (Prometheus's `prometheus_tsdb_wal_*` metrics). */
export interface WLStats {
  pageFlushes: number;
  pageCompletions: number;
  segmentsCreated: number;
  fsyncs: number;
  recordsWritten: number;
  bytesWritten: number;
}

function fsyncAndClose(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => {
      closeFd(fd, (err2) => {
        const e = err ?? err2;
        if (e) reject(e);
        else resolve();
      });
    });
  });
}

/**
 * A write-ahead log in Prometheus's format (also used for the out-of-order write-behind log):
 * numbered segment files of 32 KiB pages holding CRC32C-checked record fragments.
 *
 * Durability: each `log()` call ends with a write(2) of everything it appended, so once its
 * promise resolves the records are in the OS and survive a crash of this process (SIGKILL).
 * They reach the disk (fsync) when their segment is completed (`nextSegment()` or a cut at the
 * segment size) and on `close()`, as in Prometheus. Opening always starts a new segment after
 * the last existing one. Calls are serialized by the single JS thread; do not share a WAL
 * directory between two WL instances.
 */
export class WL {
  /** The WAL directory. */
  readonly dir: string;
  /** Segment size in bytes. */
  readonly segmentSize: number;
  /** Compression applied to new records. */
  readonly compression: WalCompression;
  readonly #stats: WLStats = {
    pageFlushes: 0,
    pageCompletions: 0,
    segmentsCreated: 0,
    fsyncs: 0,
    recordsWritten: 0,
    bytesWritten: 0,
  };
  readonly #page = new Uint8Array(PAGE_SIZE);
  /** Compresses records into its reused buffer (only with snappy compression). */
  #snappy: SnappyEncoder | undefined;
  #alloc = 0;
  #flushed = 0;
  #donePages = 0;
  #fd = -1;
  #segment = -1;
  #closed = false;
  #pending: Promise<void> = Promise.resolve();
  #bgError: unknown;
  #compressInWorker: boolean;
  #compressor: WALCompressor | undefined;
  /** log() calls and cuts not yet done, in call order: the first waits for the worker. */
  readonly #queue: Queued[] = [];
  #nextId = 0;
  /** Called once the queue is empty (close() waits for it). */
  #idleWaiters: (() => void)[] = [];
  /** Buffers for the worker's jobs (records in, results out), reused once their records are written. */
  readonly #inPool = new TransferBufferPool(MAX_POOLED_BUFFERS);
  readonly #outPool = new TransferBufferPool(MAX_POOLED_BUFFERS);
  /** Set by close() while it waits for the queue: later calls are refused. */
  #closing: Promise<void> | undefined;

  private constructor(dir: string, segmentSize: number, compression: WalCompression, compressInWorker: boolean) {
    this.dir = dir;
    this.segmentSize = segmentSize;
    this.compression = compression;
    this.#compressInWorker = compressInWorker && compression === 'snappy';
  }

  /**
   * Prometheus: wlog.NewSize. Opens (creating if needed) the WAL in `dir` for appending: a new
   * segment is started after the last existing one. Existing segments are not read; replay them
   * first with `WLReader` / `readAllRecords`.
   */
  static async open(dir: string, opts: WLOptions = {}): Promise<WL> {
    const segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (segmentSize <= 0 || segmentSize % PAGE_SIZE !== 0) {
      throw new RangeError(`invalid segment size ${segmentSize}: must be a positive multiple of ${PAGE_SIZE}`);
    }
    await mkdir(dir, { recursive: true });
    const w = new WL(dir, segmentSize, opts.compression ?? 'none', opts.compressInWorker ?? false);
    const { last } = await segmentRange(dir);
    w.#createSegment(last + 1);
    return w;
  }

  /** Index of the segment being written. */
  get activeSegment(): number {
    return this.#segment;
  }

  /** A snapshot of the counters. */
  stats(): WLStats {
    return { ...this.#stats };
  }

  /**
   * Prometheus: WL.Log. Appends `records` in order. A record is never split across segments;
   * if it does not fit in the rest of the active segment, a new segment is started first.
   * Resolves once all were handed to the OS (see the class comment for durability). Records go
   * to the WAL in the order of the log(), logSync() and nextSegment() calls. With
   * `compressInWorker` the write may happen after the call returns: `records` must not change
   * until the promise settled.
   */
  async log(...records: Uint8Array[]): Promise<void> {
    if (this.#closed || this.#closing !== undefined) throw new WalClosedError();
    const offload = this.#offload(records);
    if (!offload && this.#queue.length === 0) {
      this.logSync(records);
      return;
    }
    await new Promise<number>((resolve, reject) => {
      const id = this.#nextId++;
      this.#queue.push({ id, records, posted: offload, compressed: undefined, buffers: undefined, resolve, reject });
      if (offload) this.#post(id, records);
      else this.#drain();
    });
  }

  /**
   * The synchronous form of {@link log}, for callers that batch many records: same effect, the
   * write(2) calls happen before it returns (those of earlier log() calls still waiting for the
   * worker first, compressed here). `records` are only read during the call.
   */
  logSync(records: readonly Uint8Array[]): void {
    if (this.#closed || this.#closing !== undefined) throw new WalClosedError();
    if (this.#queue.length > 0) this.#drain(true);
    this.#writeRecords(records, undefined);
  }

  /**
   * Prometheus: WL.NextSegment. Completes the active segment (padding its last page) and starts a
   * new one, after the records of earlier log() calls; the completed one is fsynced and closed in
   * the background (awaited by `close()`). Returns the index of the new segment.
   */
  async nextSegment(): Promise<number> {
    if (this.#closed || this.#closing !== undefined) throw new WalClosedError();
    if (this.#queue.length === 0) return this.#nextSegment();
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({
        id: this.#nextId++,
        records: undefined,
        posted: false,
        compressed: undefined,
        buffers: undefined,
        resolve,
        reject,
      });
    });
  }

  /** Prometheus: wlog.Segments. First and last segment index on disk (-1, -1 when none). */
  segments(): Promise<{ first: number; last: number }> {
    return segmentRange(this.dir);
  }

  /** Prometheus: WL.Truncate. Deletes the segments with index below `i` (never the active one). */
  async truncate(i: number): Promise<void> {
    for (const s of await listSegments(this.dir)) {
      if (s.index >= i || s.index >= this.#segment) break;
      await unlink(s.path);
    }
  }

  /**
   * Prometheus: WL.Close. Writes what earlier log() calls left, pads and writes the last page,
   * fsyncs and closes the active segment and waits for background fsyncs. Rejects with the first
   * background fsync error, if any.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.#idleWaiters.push(resolve);
      });
    }
    const compressor = this.#compressor;
    this.#compressor = undefined;
    await compressor?.close();
    if (this.#alloc > 0) this.#flushPage(true);
    this.#closed = true;
    const fd = this.#fd;
    this.#fd = -1;
    this.#stats.fsyncs++;
    this.#pending = this.#pending.then(() => fsyncAndClose(fd));
    await this.#pending;
    if (this.#bgError !== undefined) throw this.#bgError;
  }

  // Whether the records of a log() go to the worker.
  #offload(records: readonly Uint8Array[]): boolean {
    if (!this.#compressInWorker || this.#compressor?.failed) return false;
    let n = 0;
    for (let i = 0; i < records.length; i++) n += records[i]!.length;
    return n >= MIN_WORKER_LOG_BYTES;
  }

  // Posts the records of queued log `id` to the worker, packed in one buffer that moves there.
  #post(id: number, records: readonly Uint8Array[]): void {
    let total = 0;
    let max = 0;
    const lengths = new Array<number>(records.length);
    for (let i = 0; i < records.length; i++) {
      lengths[i] = records[i]!.length;
      total += lengths[i]!;
      max += snappyMaxEncodedLength(lengths[i]!);
    }
    const bytes = new Uint8Array(this.#inPool.take(total), 0, total);
    const out = this.#outPool.take(max);
    let off = 0;
    for (const r of records) {
      bytes.set(r, off);
      off += r.length;
    }
    if (this.#compressor === undefined) {
      try {
        this.#compressor = new WALCompressor(
          (r) => this.#answer(r),
          // The worker is gone: what it was posted is compressed here when its turn comes.
          () => this.#drain(),
        );
      } catch {
        // The worker could not even be made (e.g. ERR_WORKER_INVALID_EXEC_ARGV: Node was started
        // with a flag worker threads refuse, as --trace-gc): this log and every later one are
        // compressed here.
        this.#compressInWorker = false;
        this.#inPool.give(bytes.buffer);
        this.#outPool.give(out);
        this.#drain();
        return;
      }
    }
    this.#compressor.post({ id, bytes, lengths, out });
  }

  #answer(r: CompressResult): void {
    // Not found: logSync() wrote it meanwhile.
    const q = this.#queue.find((e) => e.id === r.id);
    if (q !== undefined) {
      const compressed = new Array<Uint8Array | null>(r.lengths.length);
      let off = 0;
      for (let i = 0; i < r.lengths.length; i++) {
        const l = r.lengths[i]!;
        if (l < 0) compressed[i] = null;
        else {
          compressed[i] = r.bytes.subarray(off, off + l);
          off += l;
        }
      }
      q.compressed = compressed;
      q.buffers = { input: r.input, output: r.bytes.buffer };
      this.#drain();
      return;
    }
    this.#inPool.give(r.input);
    this.#outPool.give(r.bytes.buffer);
  }

  // The buffers of a queued log() that is done (written or failed) serve the next jobs.
  #release(q: Queued): void {
    const b = q.buffers;
    if (b === undefined) return;
    q.buffers = undefined;
    q.compressed = undefined;
    this.#inPool.give(b.input);
    this.#outPool.give(b.output);
  }

  // Does the queued calls in order, up to the first one still with the worker (all when `all`:
  // records the worker has not answered for are compressed here).
  #drain(all = false): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const q = queue[0]!;
      if (!all && q.posted && q.compressed === undefined && this.#compressor?.failed === false) return;
      queue.shift();
      try {
        if (q.records === undefined) q.resolve(this.#nextSegment());
        else {
          this.#writeRecords(q.records, q.compressed);
          this.#release(q);
          q.resolve(this.#segment);
        }
      } catch (err) {
        this.#release(q);
        q.reject(err);
        // What was queued behind the failed write is not written and fails with it: a commit's
        // records after a failed one must not reach the WAL (the sync path stops at the throw),
        // whoever queued them.
        for (const r of queue.splice(0)) {
          this.#release(r);
          r.reject(err);
        }
      }
    }
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #writeRecords(records: readonly Uint8Array[], compressed: readonly (Uint8Array | null)[] | undefined): void {
    for (let i = 0; i < records.length; i++) this.#logOne(records[i]!, i === records.length - 1, compressed?.[i]);
  }

  #createSegment(i: number): void {
    // 'wx': a segment file is never reused; opening starts after the last one.
    this.#fd = openSync(segmentName(this.dir, i), 'wx', 0o666);
    this.#segment = i;
    this.#donePages = 0;
    this.#stats.segmentsCreated++;
  }

  #nextSegment(): number {
    if (this.#alloc > 0) this.#flushPage(true);
    const old = this.#fd;
    this.#stats.fsyncs++;
    this.#pending = this.#pending.then(
      () => fsyncAndClose(old),
      () => fsyncAndClose(old),
    );
    this.#pending = this.#pending.catch((err: unknown) => {
      // Kept for close(): a failed fsync means the completed segment may not be on disk.
      this.#bgError ??= err;
    });
    this.#createSegment(this.#segment + 1);
    return this.#segment;
  }

  #pagesPerSegment(): number {
    return this.segmentSize / PAGE_SIZE;
  }

  // `pre`: the record compressed by the worker, or null when it is written as it is.
  #logOne(rec: Uint8Array, final: boolean, pre?: Uint8Array | null): void {
    let compressed = false;
    if (pre !== undefined) {
      if (pre !== null) {
        rec = pre;
        compressed = true;
      }
    } else if (this.compression === 'snappy' && rec.length > 0) {
      this.#snappy ??= new SnappyEncoder();
      // A view of the encoder's buffer: the fragments below are copied out of it.
      const c = this.#snappy.encode(rec);
      if (c.length < rec.length) {
        rec = c;
        compressed = true;
      }
    }
    // A record never crosses segments: start a new one when it does not fit in this one.
    let left = PAGE_SIZE - this.#alloc - RECORD_HEADER_SIZE;
    left += (PAGE_SIZE - RECORD_HEADER_SIZE) * (this.#pagesPerSegment() - this.#donePages - 1);
    if (rec.length > left) this.#nextSegment();

    const page = this.#page;
    let off = 0;
    // One pass at least, so that empty records are written too.
    for (let i = 0; i === 0 || off < rec.length; i++) {
      const l = Math.min(rec.length - off, PAGE_SIZE - this.#alloc - RECORD_HEADER_SIZE);
      const part = rec.subarray(off, off + l);
      const last = off + l === rec.length;
      let typ: number;
      if (i === 0 && last) typ = FragmentType.Full;
      else if (last) typ = FragmentType.Last;
      else if (i === 0) typ = FragmentType.First;
      else typ = FragmentType.Middle;
      if (compressed) typ |= SNAPPY_MASK;
      const a = this.#alloc;
      const crc = crc32c(part);
      page[a] = typ;
      page[a + 1] = l >>> 8;
      page[a + 2] = l & 0xff;
      page[a + 3] = crc >>> 24;
      page[a + 4] = (crc >>> 16) & 0xff;
      page[a + 5] = (crc >>> 8) & 0xff;
      page[a + 6] = crc & 0xff;
      page.set(part, a + RECORD_HEADER_SIZE);
      this.#alloc = a + RECORD_HEADER_SIZE + l;
      if (PAGE_SIZE - this.#alloc < RECORD_HEADER_SIZE) this.#flushPage(true);
      off += l;
    }
    this.#stats.recordsWritten++;
    if (final && this.#alloc > this.#flushed) this.#flushPage(false);
  }

  // Prometheus: WL.flushPage. Writes the unwritten part of the page; when `clear` (or the page is
  // full) the page is written to its end, zero padded, and a fresh one begins.
  #flushPage(clear: boolean): void {
    this.#stats.pageFlushes++;
    clear = clear || PAGE_SIZE - this.#alloc < RECORD_HEADER_SIZE;
    const end = clear ? PAGE_SIZE : this.#alloc;
    // Advance `flushed` per write, so that after a failed write(2) nothing is written twice.
    while (this.#flushed < end) {
      const n = writeSync(this.#fd, this.#page, this.#flushed, end - this.#flushed);
      this.#flushed += n;
      this.#stats.bytesWritten += n;
    }
    if (clear) {
      this.#page.fill(0);
      this.#alloc = 0;
      this.#flushed = 0;
      this.#donePages++;
      this.#stats.pageCompletions++;
    }
  }
}
