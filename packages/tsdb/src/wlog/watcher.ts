// Prometheus: tsdb/wlog/watcher.go Watcher (Run, watch, readSegment, readCheckpoint,
// garbageCollectSeries): follows a WAL as remote write does.
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordType } from '../record/record-type.js';
import type {
  RefExemplar,
  RefFloatHistogramSample,
  RefHistogramSample,
  RefMetadata,
  RefSample,
  RefSeries,
} from '../record/ref-types.js';
import { lastCheckpoint } from './checkpoint.js';
import { LiveReader } from './live-reader.js';
import { listSegments, segmentRange } from './segments.js';

/**
 * Prometheus: wlog.WriteTo. Receives what a {@link Watcher} reads. Calls come from the watcher's
 * loop, one at a time; arrays are owned by the receiver.
 */
export interface WatcherWriter {
  /** Series records of segment `segment` (or of the checkpoint numbered `segment`). */
  storeSeries(series: RefSeries[], segment: number): void;
  /** Metadata records, when the writer wants them. */
  storeMetadata?(metadata: RefMetadata[]): void;
  /** Float samples newer than the watcher's start time, read while tailing the WAL. */
  append(samples: RefSample[]): void;
  appendExemplars?(exemplars: RefExemplar[]): void;
  appendHistograms?(samples: RefHistogramSample[]): void;
  appendFloatHistograms?(samples: RefFloatHistogramSample[]): void;
  /** Series only seen in segments before `segment` are gone (a checkpoint was taken). */
  seriesReset(segment: number): void;
}

/** Options of {@link Watcher}. */
export interface WatcherOptions {
  /** Only samples after this time (ms) are sent. Default: the time `start()` is called. */
  startTimeMs?: number;
  /** How often the last segment is polled for new records and the WAL for new segments. Default 100 ms. */
  pollIntervalMs?: number;
  /** Called with errors that made the watcher restart from the last checkpoint. */
  onError?: (err: unknown) => void;
}

/**
 * Prometheus: wlog.Watcher. Follows WAL directory `walDir` the way remote write does: reads the
 * last checkpoint and the older segments for series (samples there are skipped), then tails the
 * newest segment and hands on new records; moves on when a new segment appears, and after a new
 * checkpoint tells the writer which series it may forget. Errors (damage, a segment deleted under
 * it) restart it from the last checkpoint after a pause; `stop()` ends it.
 */
export class Watcher {
  readonly #dir: string;
  readonly #writer: WatcherWriter;
  readonly #poll: number;
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #dec = new RecordDecoder();
  #startTime: number;
  #abort = new AbortController();
  #running: Promise<void> | undefined;
  #lastCheckpoint = -1;

  constructor(walDir: string, writer: WatcherWriter, opts: WatcherOptions = {}) {
    this.#dir = walDir;
    this.#writer = writer;
    this.#poll = opts.pollIntervalMs ?? 100;
    this.#onError = opts.onError;
    this.#startTime = opts.startTimeMs ?? Number.NaN;
  }

  /** Starts following the WAL in the background. */
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
        this.#onError?.(err); // Restart from the last checkpoint, as Prometheus does.
      }
      await sleep(5 * this.#poll, undefined, { signal }).catch(() => undefined);
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const cp = await lastCheckpoint(this.#dir);
    if (cp !== undefined) {
      await this.#readCheckpoint(cp.dir, cp.index);
      this.#lastCheckpoint = cp.index;
    }
    const segs = await listSegments(this.#dir);
    const first = segs.find((s) => s.index > (cp?.index ?? -1));
    let current = first?.index ?? (segs.length > 0 ? segs[segs.length - 1]!.index : 0);
    while (!signal.aborted) {
      const { last } = await segmentRange(this.#dir);
      if (last < current) {
        // No segment yet: wait for the writer to create one.
        await sleep(this.#poll, undefined, { signal }).catch(() => undefined);
        continue;
      }
      await this.#watch(current, current >= last, signal);
      current++;
    }
  }

  async #readCheckpoint(dir: string, index: number): Promise<void> {
    for (const s of await listSegments(dir)) {
      const r = LiveReader.open(dir, s.index);
      try {
        this.#readAvailable(r, index, false);
        const err = r.err();
        if (err !== undefined) throw err;
      } finally {
        r.close();
      }
    }
  }

  // Reads segment `n` to its end; when `tail`, keeps following it until a newer segment exists.
  async #watch(n: number, tail: boolean, signal: AbortSignal): Promise<void> {
    const r = LiveReader.open(this.#dir, n);
    try {
      if (!tail) {
        this.#readAvailable(r, n, false);
        const err = r.err();
        if (err !== undefined) throw err;
        return;
      }
      for (;;) {
        this.#readAvailable(r, n, true);
        const err = r.err();
        if (err !== undefined) throw err;
        if (signal.aborted) return;
        const { last } = await segmentRange(this.#dir);
        if (last > n) {
          // The writer moved on: whatever it wrote here is complete now.
          this.#readAvailable(r, n, true);
          const e2 = r.err();
          if (e2 !== undefined) throw e2;
          return;
        }
        await this.#collectGarbage(n);
        await sleep(this.#poll, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      r.close();
    }
  }

  // Prometheus: Watcher.garbageCollectSeries. After a new checkpoint, the series it kept are
  // stored again under its index, and those last seen before it may go.
  async #collectGarbage(segment: number): Promise<void> {
    const cp = await lastCheckpoint(this.#dir);
    if (cp === undefined || cp.index <= this.#lastCheckpoint || cp.index >= segment) return;
    await this.#readCheckpoint(cp.dir, cp.index);
    this.#lastCheckpoint = cp.index;
    this.#writer.seriesReset(cp.index);
  }

  #readAvailable(r: LiveReader, segment: number, tail: boolean): void {
    const dec = this.#dec;
    const w = this.#writer;
    const start = this.#startTime;
    while (r.next()) {
      const rec = r.record();
      switch (dec.type(rec)) {
        case RecordType.Series:
          w.storeSeries(dec.series(rec), segment);
          break;
        case RecordType.Metadata:
          w.storeMetadata?.(dec.metadata(rec));
          break;
        case RecordType.Samples: {
          // Samples of segments read before tailing are old: skipping them speeds catching up.
          if (!tail) break;
          const send = dec.samples(rec).filter((s) => s.t > start);
          if (send.length > 0) w.append(send);
          break;
        }
        case RecordType.Exemplars: {
          if (!tail || w.appendExemplars === undefined) break;
          const send = dec.exemplars(rec).filter((e) => e.t > start);
          if (send.length > 0) w.appendExemplars(send);
          break;
        }
        case RecordType.HistogramSamples:
        case RecordType.CustomBucketsHistogramSamples: {
          if (!tail || w.appendHistograms === undefined) break;
          const send = dec.histogramSamples(rec).filter((s) => s.t > start);
          if (send.length > 0) w.appendHistograms(send);
          break;
        }
        case RecordType.FloatHistogramSamples:
        case RecordType.CustomBucketsFloatHistogramSamples: {
          if (!tail || w.appendFloatHistograms === undefined) break;
          const send = dec.floatHistogramSamples(rec).filter((s) => s.t > start);
          if (send.length > 0) w.appendFloatHistograms(send);
          break;
        }
        default:
          // Tombstones, m-map markers and unknown types are of no use to a remote writer.
          break;
      }
    }
  }
}
