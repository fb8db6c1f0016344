// An in-memory series over typed arrays, for tests, benchmarks and embedders.
import type { Labels } from '@tsprom/labels';
import {
  type FloatHistogram,
  type Histogram,
  type SampleIterator,
  type Series,
  ValueType,
} from '@tsprom/storage-interfaces';

/**
 * A series whose samples live in typed arrays (timestamps in ms, ascending after `sort()`).
 * Native-histogram samples are kept in a side list indexed like the arrays.
 */
export class MemorySeries implements Series {
  ts = new Float64Array(16);
  vs = new Float64Array(16);
  hs: (FloatHistogram | undefined)[] | null = null;
  /** Start timestamps (ms, 0 = unknown), allocated once one is known. */
  sts: Float64Array | null = null;
  length = 0;
  #sorted = true;

  constructor(readonly metric: Labels) {}

  labels(): Labels {
    return this.metric;
  }

  /**
   * Appends a sample: a float, or a native histogram when `h` is given; `st` is its start
   * timestamp in ms (0 = unknown). A sample at an existing timestamp replaces it on sort().
   */
  append(t: number, v: number, h?: FloatHistogram, st = 0): void {
    if (this.length > 0 && t <= this.ts[this.length - 1]!) {
      this.#sorted = false;
    }
    if (this.length === this.ts.length) {
      const ts = new Float64Array(this.length * 2);
      ts.set(this.ts);
      this.ts = ts;
      const vs = new Float64Array(this.length * 2);
      vs.set(this.vs);
      this.vs = vs;
      if (this.sts !== null) {
        const sts = new Float64Array(this.length * 2);
        sts.set(this.sts);
        this.sts = sts;
      }
    }
    if (st !== 0 && this.sts === null) this.sts = new Float64Array(this.ts.length);
    if (this.sts !== null) this.sts[this.length] = st;
    if (h !== undefined) {
      this.hs ??= [];
      this.hs[this.length] = h;
    } else if (this.hs !== null) this.hs[this.length] = undefined;
    this.ts[this.length] = t;
    this.vs[this.length++] = v;
  }

  /** Sorts by timestamp; of samples at one timestamp the last appended wins. */
  sort(): void {
    if (this.#sorted) return;
    const idx = Array.from({ length: this.length }, (_, i) => i);
    idx.sort((a, b) => this.ts[a]! - this.ts[b]! || a - b);
    const ts = new Float64Array(this.ts.length);
    const vs = new Float64Array(this.vs.length);
    const hs: (FloatHistogram | undefined)[] | null = this.hs === null ? null : [];
    const sts = this.sts === null ? null : new Float64Array(this.ts.length);
    let n = 0;
    for (const i of idx) {
      if (n > 0 && ts[n - 1] === this.ts[i]) n--;
      ts[n] = this.ts[i]!;
      vs[n] = this.vs[i]!;
      if (hs !== null) hs[n] = this.hs![i];
      if (sts !== null) sts[n] = this.sts![i]!;
      n++;
    }
    this.ts = ts;
    this.vs = vs;
    this.hs = hs;
    this.sts = sts;
    this.length = n;
    this.#sorted = true;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    this.sort();
    if (reuse instanceof MemorySeriesIterator) {
      reuse.reset(this);
      return reuse;
    }
    return new MemorySeriesIterator(this);
  }
}

/** Iterates a {@link MemorySeries}; allocates nothing per sample. */
export class MemorySeriesIterator implements SampleIterator {
  #s: MemorySeries;
  #i = -1;
  constructor(s: MemorySeries) {
    this.#s = s;
  }
  reset(s: MemorySeries): void {
    this.#s = s;
    this.#i = -1;
  }
  #type(): ValueType {
    if (this.#i >= this.#s.length) return ValueType.None;
    return this.#s.hs?.[this.#i] !== undefined ? ValueType.FloatHistogram : ValueType.Float;
  }
  next(): ValueType {
    if (this.#i < this.#s.length) this.#i++;
    return this.#type();
  }
  seek(t: number): ValueType {
    if (this.#i < 0) this.#i = 0;
    if (this.#i < this.#s.length && this.#s.ts[this.#i]! >= t) return this.#type();
    let lo = this.#i;
    let hi = this.#s.length;
    const ts = this.#s.ts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    this.#i = lo;
    return this.#type();
  }
  at(): [number, number] {
    return [this.atT(), this.atV()];
  }
  atT(): number {
    return this.#s.ts[this.#i]!;
  }
  atV(): number {
    return this.#s.vs[this.#i]!;
  }
  atHistogram(): Histogram {
    throw new Error('MemorySeriesIterator holds float histograms only');
  }
  atFloatHistogram(): FloatHistogram {
    const h = this.#s.hs?.[this.#i];
    if (h === undefined) throw new Error('MemorySeriesIterator: not a histogram sample');
    return h;
  }
  atST(): number {
    return this.#s.sts?.[this.#i] ?? 0;
  }
  err(): Error | undefined {
    return undefined;
  }
}
