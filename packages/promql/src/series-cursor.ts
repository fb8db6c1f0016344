// Reading the float samples of one selected series, forward only, as evaluation needs them.
import { detectReset } from '@tsprom/histogram';
import {
  CounterResetHint,
  copyFloatHistogram,
  type FloatBuffer,
  type FloatHistogram,
  isStaleNaN,
  readFloats,
  type SampleIterator,
  type Series as StorageSeries,
  ValueType,
} from '@tsprom/storage-interfaces';
import { StorageError } from './errors.js';

/**
 * A forward cursor over the float samples of one storage series within [mint, maxt] (ms,
 * inclusive). `t`, `v` and `st` are the sample under the cursor while `ok`; native-histogram
 * samples are read into `h` when asked for, else stepped over; they are counted in `histograms`.
 * One cursor is reused for many series: it keeps its storage iterator for `iterator(reuse)`.
 */
// Prometheus: the storage.Series iteration inside promql/engine.go evalSeries and matrixIterSlice
export class SeriesCursor {
  t = 0;
  v = 0;
  /** Start timestamp of the sample (ms, 0 = unknown). */
  st = 0;
  ok = false;
  /** The histogram of the sample under the cursor (a copy), or null for a float sample. */
  h: FloatHistogram | null = null;
  /** Native-histogram samples met within [mint, maxt], over every series read. */
  histograms = 0;

  /**
   * Prometheus: HistogramStatsIterator. Histograms are read as their count and sum only (no
   * buckets), an unknown counter-reset hint replaced by what comparing with the previous histogram
   * read says (reset or not), when there is one since the last reset or forward seek.
   */
  statsOnly = false;
  // The previous histogram read whole, for statsOnly.
  #last: FloatHistogram | null = null;

  /** With `withHistograms`, histogram samples are read too (in `h`); else they are stepped over. */
  constructor(readonly withHistograms = false) {}
  #it: SampleIterator | undefined;
  #mint = 0;
  #maxt = 0;

  /** Points the cursor at the first float sample of `series` at or after `mint`. */
  reset(series: StorageSeries, mint: number, maxt: number): void {
    this.#it = series.iterator(this.#it);
    this.#mint = mint;
    this.#maxt = maxt;
    this.#last = null;
    this.#read(this.#it.seek(mint));
  }

  /** Moves to the next float sample. */
  next(): void {
    this.#read(this.#it!.next());
  }

  /**
   * Writes the sample under the cursor and the float samples after it up to `maxT` into `buf` (see
   * `readFloats` of storage-interfaces: a chunk is decoded in one loop), then moves to the first
   * sample not written. The cursor must be on a float sample at or before `maxT` whose start
   * timestamp is unknown (`h === null`, `st === 0`), and `buf` must have room for a point.
   */
  readFloats(buf: FloatBuffer, maxT: number): void {
    this.#read(readFloats(this.#it!, buf, maxT < this.#maxt ? maxT : this.#maxt));
  }

  /** Moves to the first float sample at or after `t` (never backwards). */
  seek(t: number): void {
    if (this.ok && this.t >= t) return;
    this.#last = null;
    this.#read(this.#it!.seek(t));
  }

  #read(vt: ValueType): void {
    const it = this.#it!;
    for (;;) {
      if (vt === ValueType.None) {
        this.ok = false;
        const err = it.err();
        if (err !== undefined) throw new StorageError(err.message, { cause: err });
        return;
      }
      const t = it.atT();
      if (t > this.#maxt) {
        this.ok = false;
        return;
      }
      if (vt === ValueType.Float) {
        this.t = t;
        this.v = it.atV();
        this.st = it.atST();
        this.h = null;
        this.ok = true;
        return;
      }
      if (t >= this.#mint) this.histograms++;
      if (this.withHistograms) {
        this.t = t;
        this.v = 0;
        this.st = it.atST();
        this.h = this.statsOnly ? this.#stats(it.atFloatHistogram()) : copyFloatHistogram(it.atFloatHistogram());
        this.ok = true;
        return;
      }
      vt = it.next();
    }
  }

  // Prometheus: HistogramStatsIterator.AtFloatHistogram and getFloatResetHint.
  #stats(h: FloatHistogram): FloatHistogram {
    const out: FloatHistogram = {
      counterResetHint: h.counterResetHint,
      // The schema stays: exponential and custom buckets must not be mixed, even count and sum.
      schema: h.schema,
      zeroThreshold: 0,
      zeroCount: 0,
      count: h.count,
      sum: h.sum,
      positiveSpans: [],
      negativeSpans: [],
      positiveBuckets: [],
      negativeBuckets: [],
    };
    if (isStaleNaN(h.sum)) {
      out.count = 0;
      out.counterResetHint = CounterResetHint.Unknown;
      return out;
    }
    if (h.counterResetHint === CounterResetHint.Unknown && this.#last !== null) {
      out.counterResetHint = detectReset(h, this.#last)
        ? CounterResetHint.CounterReset
        : CounterResetHint.NotCounterReset;
    }
    this.#last = copyFloatHistogram(h);
    return out;
  }
}
