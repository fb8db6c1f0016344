// Prometheus: promql/engine.go evalSeries, vectorSelectorSingle (and the `smoothed` modifier)
import { type FloatHistogram, isStaleNaN, type Series as StorageSeries } from '@tsprom/storage-interfaces';
import { usesCustomBuckets } from '@tsprom/histogram';
import { interpolateHistogram } from './functions/extended-range-histogram.js';
import type { PointSlab } from './point-slab.js';
import { SeriesCursor } from './series-cursor.js';
import { Series } from './value.js';

/** What an instant selector reports for each sample. */
export type SelectorValue = 'value' | 'timestamp' | 'startTimestamp';

/**
 * Evaluates an instant vector selector on one storage series at a run of steps: at each step the
 * latest sample in (t - lookback, t] unless it is a stale marker (with `smoothed`, the value
 * interpolated between it and the next sample). Reads the series forward once; holds only the
 * output. Reused for every series of the selector.
 */
export class InstantSelectorRun {
  readonly cursor = new SeriesCursor(true);
  /** The output of the current series (null until it has a point). */
  out: Series | null = null;
  /** `smoothed` met a float next to a histogram (no value there; the caller warns). */
  mixed = false;
  /** `smoothed` met exponential and custom buckets side by side (no value there; the caller warns). */
  mixedSchemas = false;
  #labels: StorageSeries | null = null;
  #prevT = 0;
  #prevV = 0;
  #prevST = 0;
  #prevH: FloatHistogram | null = null;
  #hasPrev = false;

  /**
   * @param start first step (ms), `interval` between steps, `numSteps` of them.
   * @param at the `@` time, or null to follow the step; `offset` subtracted from it.
   * @param perStep when not null, counts the points read at each step (top-level stats).
   * @param slab where the outputs' arrays come from.
   */
  constructor(
    readonly start: number,
    readonly interval: number,
    readonly numSteps: number,
    readonly at: number | null,
    readonly offset: number,
    readonly lookback: number,
    readonly smoothed: boolean,
    readonly what: SelectorValue,
    readonly perStep: Float64Array | null,
    readonly slab: PointSlab,
  ) {}

  /** Starts on `series`, which is read within [mint, maxt]. */
  reset(series: StorageSeries, mint: number, maxt: number): void {
    this.cursor.reset(series, mint, maxt);
    this.#labels = series;
    this.out = null;
    this.#hasPrev = false;
  }

  /** Evaluates steps [k0, k1) of the current series; returns the number of points output. */
  steps(k0: number, k1: number): number {
    const cur = this.cursor;
    const lookback = this.lookback;
    let added = 0;
    for (let k = k0; k < k1; k++) {
      const stepT = this.start + k * this.interval;
      const refT = (this.at ?? stepT) - this.offset;
      // Samples at or before refT - lookback are out of reach of this step and the later ones.
      if (cur.ok && cur.t <= refT - lookback) {
        cur.seek(refT - lookback);
        this.#hasPrev = false;
      }
      while (cur.ok && cur.t <= refT) {
        this.#prevT = cur.t;
        this.#prevV = cur.v;
        this.#prevST = cur.st;
        this.#prevH = cur.h;
        this.#hasPrev = true;
        cur.next();
      }
      if (!this.#hasPrev) continue;
      const t = this.#prevT;
      if (t <= refT - lookback) continue;
      const v = this.#prevV;
      if (isStaleNaN(v)) continue;
      let h = this.#prevH;
      if (h !== null) {
        if (isStaleNaN(h.sum)) continue;
        if (this.smoothed && t < refT && cur.ok && cur.t - refT < lookback) {
          if (cur.h === null) {
            this.mixed = true;
            continue;
          }
          if (usesCustomBuckets(h) !== usesCustomBuckets(cur.h)) {
            this.mixedSchemas = true;
            continue;
          }
          if (!isStaleNaN(cur.h.sum)) h = interpolateHistogram(t, h, cur.t, cur.h, refT);
        }
        if (this.out === null) this.out = new Series(this.#labels!.labels(), this.numSteps - k, false, this.slab);
        if (this.what === 'value') this.out.pushH(stepT, h);
        else this.out.push(stepT, this.what === 'timestamp' ? t / 1000 : this.#prevST / 1000);
        if (this.perStep !== null) this.perStep[k]!++;
        added++;
        continue;
      }
      let value = v;
      if (this.smoothed && t < refT && cur.ok && cur.h !== null && cur.t - refT < lookback) {
        this.mixed = true;
        continue;
      }
      if (this.smoothed && t < refT && cur.ok && !isStaleNaN(cur.v) && cur.t - refT < lookback) {
        value = v + ((cur.v - v) * (refT - t)) / (cur.t - t);
      }
      if (this.out === null) this.out = new Series(this.#labels!.labels(), this.numSteps - k, false, this.slab);
      this.out.push(stepT, this.what === 'value' ? value : this.what === 'timestamp' ? t / 1000 : this.#prevST / 1000);
      if (this.perStep !== null) this.perStep[k]!++;
      added++;
    }
    return added;
  }
}
