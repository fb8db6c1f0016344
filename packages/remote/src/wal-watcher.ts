// Prometheus: tsdb/wlog/watcher.go Watcher (Run, watch, readSegment, readCheckpoint,
// garbageCollectSeries). Follows the tsdb WAL for one remote write queue, with two differences
// that the sender's guarantees need: it resumes from a saved WAL position instead of only from
// "now", and it waits (instead of buffering) while its writer is full.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LiveReader,
  lastCheckpoint,
  listSegments,
  newRefSamples,
  RecordDecoder,
  RecordType,
  type RefExemplar,
  type RefFloatHistogramSample,
  type RefHistogramSample,
  type RefMetadata,
  type RefSamples,
  type RefSeries,
} from '@tsprom/tsdb/wal';
import { TurnSlicer } from './turn-slicer.js';

/**
 * Series handed to the writer at a time: a series record holds every new series of a commit (one
 * record of 10k series in a Prometheus WAL, for a big first scrape), and storing 10k series (labels
 * relabeled and encoded) held the event loop for about 80 ms of CPU; 100 take about 1 ms.
 */
const SERIES_PER_SLICE = 100;

/** A histogram sample of the WAL: integer (`h`) or float (`fh`). */
export type WalHistogramSample = RefHistogramSample | RefFloatHistogramSample;

/** What a queue holds as objects: histogram samples and exemplars. */
export type WalObjectSample = WalHistogramSample | RefExemplar;

/** A place in the WAL: just after the record ending at byte `offset` of segment `segment`. */
export interface WalPosition {
  segment: number;
  offset: number;
}

/** Orders WAL positions. */
export function comparePositions(a: WalPosition, b: WalPosition): number {
  return a.segment !== b.segment ? a.segment - b.segment : a.offset - b.offset;
}

/**
 * What the watcher feeds: Prometheus's wlog.WriteTo plus backpressure and record positions. All
 * calls come from the watcher's loop, one at a time.
 */
export interface WalWatcherWriter {
  /** Series records of segment `segment` (or of checkpoint `segment`); the arrays are the writer's. */
  storeSeries(series: RefSeries[], segment: number): void;
  /** Metadata records. */
  storeMetadata(metadata: RefMetadata[]): void;
  /** Series last seen before segment `segment` are gone (a checkpoint was taken). */
  seriesReset(segment: number): void;
  /** A samples record ending at `pos` begins; its samples follow through `appendSamples`. */
  beginRecord(pos: WalPosition): void;
  /**
   * Samples `[from, s.length)` of the current record. Returns the index up to which they were
   * taken; less than `s.length` when the writer is full, and the watcher then awaits
   * `waitForCapacity` and offers the rest. `s` is borrowed for the call only.
   */
  appendSamples(s: RefSamples, from: number): number;
  /**
   * Histogram samples `[from, hs.length)` of the current record, with the contract of
   * `appendSamples`. Without it, histogram records are skipped (Prometheus: Watcher.sendHistograms
   * false). The samples are the writer's to keep.
   */
  appendHistograms?(hs: WalHistogramSample[], from: number): number;
  /**
   * Exemplars `[from, es.length)` of the current record, with the contract of `appendSamples`.
   * Without it, exemplar records are skipped (Prometheus: Watcher.sendExemplars false).
   */
  appendExemplars?(es: RefExemplar[], from: number): number;
  /** The current record's samples have all been offered. */
  endRecord(): void;
  /** Resolves when `appendSamples` can take more (or `signal` aborts). */
  waitForCapacity(signal: AbortSignal): Promise<void>;
}

/** Options of {@link WalWatcher}. */
export interface WalWatcherOptions {
  /**
   * Where to resume: samples of records ending at or before it were sent already. Undefined (a
   * queue's first start): as Prometheus, only samples newer than `startTimeMs` are sent.
   */
  resumeFrom?: WalPosition | undefined;
  /** Without `resumeFrom`: samples at or before this time (ms) are skipped. Default: start time. */
  startTimeMs?: number;
  /** How often the newest segment is polled for new records. Default 100 ms. */
  pollIntervalMs?: number;
  /** Time budget of one synchronous read slice before the event loop gets a turn. Default 10 ms. */
  sliceMs?: number;
  /** Errors that made the watcher start again from the last checkpoint. */
  onError?: (err: unknown) => void;
  /** Clock for slicing (ms). Default performance.now. */
  now?: () => number;
  /** The turn budget shared with the rest of the queue; default one of `sliceMs` of its own. */
  slicer?: TurnSlicer;
}

/** Counters of a watcher (Prometheus: prometheus_wal_watcher_*). */
export interface WalWatcherStats {
  recordsRead: number;
  currentSegment: number;
  /** Segments skipped because they were deleted before the watcher got to them. */
  segmentsSkipped: number;
}

/**
 * Prometheus: wlog.Watcher. Reads the last checkpoint and every segment for series (the ref →
 * labels map must be complete), sends samples of records after the resume position (or, without
 * one, newer than the start time), then tails the newest segment, moves on when a newer segment
 * appears and, after a checkpoint, tells the writer which series it may forget. Reads are sliced
 * (`sliceMs`) so the event loop keeps turning while it catches up. On damage or a segment deleted
 * under it, it starts again from the last checkpoint after a pause, resuming after the last
 * record it handed over. `stop()` ends it.
 */
export class WalWatcher {
  readonly #dir: string;
  readonly #w: WalWatcherWriter;
  readonly #poll: number;
  readonly #slicer: TurnSlicer;
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #dec = new RecordDecoder();
  readonly #cols: RefSamples = newRefSamples(1024);
  #resume: WalPosition | undefined;
  #startTime: number;
  #abort = new AbortController();
  #running: Promise<void> | undefined;
  #lastCheckpoint = -1;
  readonly stats: WalWatcherStats = { recordsRead: 0, currentSegment: -1, segmentsSkipped: 0 };

  constructor(walDir: string, writer: WalWatcherWriter, opts: WalWatcherOptions = {}) {
    this.#dir = walDir;
    this.#w = writer;
    this.#poll = opts.pollIntervalMs ?? 100;
    this.#slicer = opts.slicer ?? new TurnSlicer(opts.sliceMs ?? 10, opts.now);
    this.#onError = opts.onError;
    this.#resume = opts.resumeFrom;
    this.#startTime = opts.startTimeMs ?? Number.NaN;
  }

  /** Starts following the WAL in the background; never rejects (errors go to `onError`). */
  start(): void {
    if (this.#running !== undefined) return;
    if (Number.isNaN(this.#startTime)) this.#startTime = Date.now();
    this.#running = this.#loop(this.#abort.signal);
  }

  /** Stops and waits for the background loop to end. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#run(signal);
      } catch (err) {
        if (signal.aborted) return;
        this.#onError?.(err);
      }
      await sleep(5 * this.#poll, undefined, { signal }).catch(() => undefined);
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const cp = await lastCheckpoint(this.#dir);
    if (cp !== undefined) {
      await this.#readCheckpoint(cp.dir, cp.index, signal);
      this.#lastCheckpoint = cp.index;
    }
    const segs = await listSegments(this.#dir);
    const first = segs.find((s) => s.index > (cp?.index ?? -1));
    let current = first?.index ?? (segs.length > 0 ? segs[segs.length - 1]!.index : 0);
    while (!signal.aborted) {
      const now = await listSegments(this.#dir);
      const last = now.length > 0 ? now[now.length - 1]!.index : -1;
      if (last < current) {
        await sleep(this.#poll, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (now[0]!.index > current) {
        // Truncated while the queue was behind: those samples are gone from the WAL.
        this.stats.segmentsSkipped += now[0]!.index - current;
        current = now[0]!.index;
      }
      this.stats.currentSegment = current;
      await this.#watch(current, signal);
      current++;
    }
  }

  async #readCheckpoint(dir: string, index: number, signal: AbortSignal): Promise<void> {
    for (const s of await listSegments(dir)) {
      const r = LiveReader.open(dir, s.index);
      try {
        await this.#readAvailable(r, index, false, signal);
        const err = r.err();
        if (err !== undefined) throw err;
      } finally {
        r.close();
      }
    }
  }

  // Reads segment `n`; while it is the newest, keeps following it until a newer one exists.
  async #watch(n: number, signal: AbortSignal): Promise<void> {
    const r = LiveReader.open(this.#dir, n);
    try {
      for (;;) {
        await this.#readAvailable(r, n, true, signal);
        const err = r.err();
        if (err !== undefined) throw err;
        if (signal.aborted) return;
        const segs = await listSegments(this.#dir);
        if (segs.length > 0 && segs[segs.length - 1]!.index > n) {
          // The writer moved on: what it wrote here is complete now.
          await this.#readAvailable(r, n, true, signal);
          const e2 = r.err();
          if (e2 !== undefined) throw e2;
          return;
        }
        await this.#collectGarbage(n, signal);
        await sleep(this.#poll, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      r.close();
    }
  }

  // Prometheus: Watcher.garbageCollectSeries.
  async #collectGarbage(segment: number, signal: AbortSignal): Promise<void> {
    const cp = await lastCheckpoint(this.#dir);
    if (cp === undefined || cp.index <= this.#lastCheckpoint || cp.index >= segment) return;
    await this.#readCheckpoint(cp.dir, cp.index, signal);
    this.#lastCheckpoint = cp.index;
    this.#w.seriesReset(cp.index);
  }

  #maybeYield(): Promise<void> | undefined {
    return this.#slicer.spent() ? this.#slicer.yieldIfSpent() : undefined;
  }

  // Reads the records available in `r`; samples only from segments (`samples`), not checkpoints.
  async #readAvailable(r: LiveReader, segment: number, samples: boolean, signal: AbortSignal): Promise<void> {
    const dec = this.#dec;
    const w = this.#w;
    while (!signal.aborted && r.next()) {
      this.stats.recordsRead++;
      const rec = r.record();
      switch (dec.type(rec)) {
        case RecordType.Series: {
          const series = dec.series(rec);
          if (series.length <= SERIES_PER_SLICE) {
            w.storeSeries(series, segment);
            break;
          }
          // Decoded already: the slices need nothing more of the record.
          for (let i = 0; i < series.length && !signal.aborted; i += SERIES_PER_SLICE) {
            w.storeSeries(series.slice(i, i + SERIES_PER_SLICE), segment);
            await this.#maybeYield();
          }
          break;
        }
        case RecordType.Metadata:
          w.storeMetadata(dec.metadata(rec));
          break;
        case RecordType.Samples:
          if (samples) await this.#samples(rec, { segment, offset: r.offset() }, signal);
          break;
        case RecordType.HistogramSamples:
        case RecordType.CustomBucketsHistogramSamples: {
          if (samples && w.appendHistograms !== undefined) {
            const hs = this.#dec.histogramSamples(rec);
            await this.#objects(hs, { segment, offset: r.offset() }, signal, (from) => w.appendHistograms!(hs, from));
          }
          break;
        }
        case RecordType.FloatHistogramSamples:
        case RecordType.CustomBucketsFloatHistogramSamples: {
          if (samples && w.appendHistograms !== undefined) {
            const hs = this.#dec.floatHistogramSamples(rec);
            await this.#objects(hs, { segment, offset: r.offset() }, signal, (from) => w.appendHistograms!(hs, from));
          }
          break;
        }
        case RecordType.Exemplars: {
          if (samples && w.appendExemplars !== undefined) {
            const es = this.#dec.exemplars(rec);
            await this.#objects(es, { segment, offset: r.offset() }, signal, (from) => w.appendExemplars!(es, from));
          }
          break;
        }
        default:
          // Tombstones and m-map markers are not sent.
          break;
      }
      await this.#maybeYield();
    }
  }

  async #samples(rec: Uint8Array, pos: WalPosition, signal: AbortSignal): Promise<void> {
    const resume = this.#resume;
    if (resume !== undefined && comparePositions(pos, resume) <= 0) return;
    const cols = this.#cols;
    cols.length = 0;
    const n = this.#dec.samplesInto(rec, cols);
    if (resume === undefined) {
      // Prometheus: only samples newer than the watcher's start are sent on a first start.
      const start = this.#startTime;
      const { refs, ts, vs } = cols;
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (ts[i]! <= start) continue;
        refs[k] = refs[i]!;
        ts[k] = ts[i]!;
        vs[k++] = vs[i]!;
      }
      cols.length = k;
    }
    if (cols.length === 0) return;
    const w = this.#w;
    w.beginRecord(pos);
    let from = 0;
    for (;;) {
      from = w.appendSamples(cols, from);
      if (from >= cols.length || signal.aborted) break;
      await w.waitForCapacity(signal);
    }
    w.endRecord();
    // What was handed over is the writer's now: a restart after an error resumes after it.
    if (!signal.aborted) this.#resume = pos;
  }

  // Histogram samples or exemplars of one record, handed over as `#samples` does (one closure per
  // record, not per sample).
  async #objects(
    hs: WalObjectSample[],
    pos: WalPosition,
    signal: AbortSignal,
    append: (from: number) => number,
  ): Promise<void> {
    const resume = this.#resume;
    if (resume !== undefined && comparePositions(pos, resume) <= 0) return;
    if (resume === undefined) {
      const start = this.#startTime;
      let k = 0;
      for (const h of hs) if (h.t > start) hs[k++] = h;
      hs.length = k;
    }
    if (hs.length === 0) return;
    const w = this.#w;
    w.beginRecord(pos);
    let from = 0;
    for (;;) {
      from = append(from);
      if (from >= hs.length || signal.aborted) break;
      await w.waitForCapacity(signal);
    }
    w.endRecord();
    if (!signal.aborted) this.#resume = pos;
  }
}
