// Prometheus: promql/engine.go matrixIterSlice (the window of a range vector at one step)
import {
  type FloatBuffer,
  type FloatHistogram,
  isStaleNaN,
  type Series as StorageSeries,
} from '@tsprom/storage-interfaces';
import type { SampleCounter } from './sample-counter.js';
import { SeriesCursor } from './series-cursor.js';
import type { Series } from './value.js';

/**
 * The points of one series inside a window (mint, maxt] that slides forward from step to step.
 * After `advance`, points `[lo, hi)` of `ts`/`vs` (and `sts` when not null) are the window: the
 * arrays are owned by the window and valid until the next call. Windows only move forward.
 */
export interface SampleWindow {
  ts: Float64Array;
  vs: Float64Array;
  lo: number;
  hi: number;
  /**
   * Histogram points parallel to `ts` (`hs[i]` set where point `i` is a histogram), or null when
   * the window has read none.
   */
  hs: (FloatHistogram | undefined)[] | null;
  /** Moves the window to (mint, maxt]; the points held are counted in the counter given. */
  advance(mint: number, maxt: number): void;
  /** Start timestamps parallel to `ts` (ms, 0 = unknown), or null when the window has none. */
  startTimestamps(): Float64Array | null;
  /**
   * Counter drops parallel to `ts`, or null when the window does not keep them: `drops[i]` minus
   * `drops[j]` (j <= i, both in the window) is how many points k in (j, i] have `vs[k] < vs[k-1]`.
   * Lets rate-like kernels skip their scan for resets when a window holds none.
   */
  dropCounts(): Uint32Array | null;
  /**
   * A memo parallel to `ts` of whether histogram point `i` is a counter reset against point `i-1`
   * (`detectReset`): 0 not known yet, 1 no, 2 yes; kept across steps while both points stay in the
   * window, and filled by the kernels. Null when the window keeps none (then kernels compare).
   */
  histogramResets(): Uint8Array | null;
  /** Stops holding the points (they leave the counter). */
  release(): void;
}

/**
 * A window over a storage series, read through its iterator as it slides: points leaving on the
 * left are dropped, new ones are read on the right, stale markers are skipped. Float samples are
 * read ahead in bulk (a chunk decoded in one loop) into the free end of the arrays: points
 * `[hi, end)` are read but not yet in the window. Memory is the window's points and what fits
 * beside them, not the series'.
 */
export class StorageWindow implements SampleWindow {
  ts = new Float64Array(64);
  vs = new Float64Array(64);
  sts = new Float64Array(64);
  drops = new Uint32Array(64);
  hresets = new Uint8Array(64);
  hs: (FloatHistogram | undefined)[] | null = null;
  lo = 0;
  hi = 0;
  /** End of the points read ahead (`[hi, end)`, floats without start timestamps, not stale). */
  #end = 0;
  /** Points held whose start timestamp is known. */
  #withST = 0;
  /** What the cursor reads float samples into in bulk: the free end of `ts`/`vs`. */
  readonly #buf: FloatBuffer = { ts: this.ts, vs: this.vs, n: 0 };
  readonly cursor: SeriesCursor;

  /** With `withHistograms`, histogram samples enter the window too (in `hs`). */
  constructor(
    readonly counter: SampleCounter,
    withHistograms = false,
  ) {
    this.cursor = new SeriesCursor(withHistograms);
  }

  /** Starts over on `series`, reading samples within [mint, maxt] only. */
  reset(series: StorageSeries, mint: number, maxt: number): void {
    this.release();
    this.cursor.reset(series, mint, maxt);
  }

  release(): void {
    this.counter.release(this.hi - this.lo);
    this.handOver();
  }

  startTimestamps(): Float64Array | null {
    return this.#withST > 0 ? this.sts : null;
  }

  dropCounts(): Uint32Array | null {
    return this.drops;
  }

  histogramResets(): Uint8Array | null {
    return this.hs === null ? null : this.hresets;
  }

  /** Forgets the points without releasing their count: the caller copied them into a result. */
  handOver(): void {
    this.lo = 0;
    this.hi = 0;
    this.#end = 0;
    this.#withST = 0;
    this.hs = null;
  }

  advance(mint: number, maxt: number): void {
    const ts = this.ts;
    let lo = this.lo;
    let hi = this.hi;
    while (lo < hi && ts[lo]! <= mint) {
      if (this.sts[lo] !== 0) this.#withST--;
      lo++;
    }
    this.counter.release(lo - this.lo);
    if (lo === hi && hi === this.#end) {
      lo = 0;
      hi = 0;
      this.#end = 0;
    }
    this.lo = lo;
    this.hi = hi;
    let added = 0;
    for (;;) {
      // The points read ahead first: they precede the cursor's sample.
      const end = this.#end;
      hi = this.hi;
      // Those before an empty window are never needed again (the first read may start at mint).
      if (this.lo === hi) {
        while (hi < end && this.ts[hi]! <= mint) hi++;
        this.lo = hi;
      }
      const from = hi;
      while (hi < end && this.ts[hi]! <= maxt) hi++;
      this.hi = hi;
      added += hi - from;
      if (added >= 1024) {
        // Counted as they come: a window too big for the limit fails before it is read whole.
        this.counter.add(added);
        added = 0;
      }
      if (hi < end) break;
      const cur = this.cursor;
      // Whatever lies before the window is never needed again: skip it in the storage.
      if (cur.ok && cur.t <= mint) cur.seek(mint);
      if (!cur.ok || cur.t > maxt) break;
      if (cur.h === null && cur.st === 0) {
        this.#readAhead();
        continue;
      }
      if (cur.t > mint && !isStaleNaN(cur.v) && (cur.h === null || !isStaleNaN(cur.h.sum))) {
        this.#push(cur.t, cur.v, cur.st, cur.h);
        added++;
      }
      cur.next();
    }
    if (added > 0) this.counter.add(added);
  }

  /**
   * Reads the float samples from the cursor's on in bulk into the free end of the arrays (as far
   * as they go), without the stale markers among them: they are read ahead, `[hi, end)`.
   */
  #readAhead(): void {
    if (this.hi === this.ts.length) this.#makeRoom();
    const buf = this.#buf;
    buf.ts = this.ts;
    buf.vs = this.vs;
    buf.n = this.hi;
    this.cursor.readFloats(buf, Number.POSITIVE_INFINITY);
    const ts = this.ts;
    const vs = this.vs;
    const drops = this.drops;
    const end = buf.n;
    let w = this.hi;
    for (let k = w; k < end; k++) {
      const v = vs[k]!;
      if (isStaleNaN(v)) continue;
      if (w !== k) {
        ts[w] = ts[k]!;
        vs[w] = v;
      }
      // The comparison rate's reset scan makes (false for NaN, as there).
      drops[w] = w === this.lo ? 0 : drops[w - 1]! + (v < vs[w - 1]! ? 1 : 0);
      w++;
    }
    this.sts.fill(0, this.hi, w);
    this.hresets.fill(0, this.hi, w);
    if (this.hs !== null) for (let k = this.hi; k < w; k++) this.hs[k] = undefined;
    this.#end = w;
  }

  #push(t: number, v: number, st: number, h: FloatHistogram | null): void {
    if (this.hi === this.ts.length) this.#makeRoom();
    const i = this.hi++;
    this.#end = this.hi;
    if (h !== null) {
      if (this.hs === null) this.hs = [];
      this.hs[i] = h;
    } else if (this.hs !== null) this.hs[i] = undefined;
    this.ts[i] = t;
    this.vs[i] = v;
    this.sts[i] = st;
    // The comparison rate's reset scan makes (false for NaN, as there).
    this.drops[i] = i === this.lo ? 0 : this.drops[i - 1]! + (v < this.vs[i - 1]! ? 1 : 0);
    this.hresets[i] = 0;
    if (st !== 0) this.#withST++;
  }

  /** Makes room at the end of the arrays, called with nothing read ahead (`hi === end`). */
  #makeRoom(): void {
    const n = this.hi - this.lo;
    if (this.lo > 0 && n <= this.ts.length / 2) {
      // Shift the window to the front: amortized over the points that left.
      this.ts.copyWithin(0, this.lo, this.hi);
      this.vs.copyWithin(0, this.lo, this.hi);
      this.sts.copyWithin(0, this.lo, this.hi);
      this.drops.copyWithin(0, this.lo, this.hi);
      this.hresets.copyWithin(0, this.lo, this.hi);
      if (this.hs !== null) this.hs = this.hs.slice(this.lo, this.hi);
    } else {
      const size = this.ts.length * 2;
      const ts = new Float64Array(size);
      const vs = new Float64Array(size);
      const sts = new Float64Array(size);
      const drops = new Uint32Array(size);
      const hresets = new Uint8Array(size);
      ts.set(this.ts.subarray(this.lo, this.hi));
      vs.set(this.vs.subarray(this.lo, this.hi));
      sts.set(this.sts.subarray(this.lo, this.hi));
      drops.set(this.drops.subarray(this.lo, this.hi));
      hresets.set(this.hresets.subarray(this.lo, this.hi));
      this.ts = ts;
      this.vs = vs;
      this.sts = sts;
      this.drops = drops;
      this.hresets = hresets;
      if (this.hs !== null) this.hs = this.hs.slice(this.lo, this.hi);
    }
    this.lo = 0;
    this.hi = n;
    this.#end = n;
  }
}

/**
 * A window over an evaluated series (a subquery's result): the points are already in memory, the
 * window only moves two indexes over them; it counts what it covers, as Prometheus copies it.
 */
export class SeriesWindow implements SampleWindow {
  ts: Float64Array;
  vs: Float64Array;
  hs: (FloatHistogram | undefined)[] | null = null;
  lo = 0;
  hi = 0;
  #n = 0;

  constructor(readonly counter: SampleCounter) {
    this.ts = new Float64Array(0);
    this.vs = this.ts;
  }

  /** Starts over on `s`. */
  reset(s: Series): void {
    this.release();
    this.ts = s.ts;
    this.vs = s.vs;
    this.hs = s.hs;
    this.#n = s.length;
  }

  release(): void {
    this.counter.release(this.hi - this.lo);
    this.lo = 0;
    this.hi = 0;
  }

  startTimestamps(): Float64Array | null {
    return null;
  }

  dropCounts(): Uint32Array | null {
    return null;
  }

  histogramResets(): Uint8Array | null {
    return null;
  }

  advance(mint: number, maxt: number): void {
    const ts = this.ts;
    const n = this.#n;
    const held = this.hi - this.lo;
    let hi = this.hi;
    let lo = this.lo;
    while (hi < n && ts[hi]! <= maxt) hi++;
    while (lo < hi && ts[lo]! <= mint) lo++;
    this.lo = lo;
    this.hi = hi;
    const d = hi - lo - held;
    if (d > 0) this.counter.add(d);
    else this.counter.release(-d);
  }
}
