// Prometheus: storage/merge.go ChainedSeriesMerge, chainSampleIterator, ChainSampleIteratorFromSeries
import type { Labels } from '@tsprom/labels';
import { CounterResetHint, type FloatHistogram, type Histogram } from './histogram.js';
import type { FloatBuffer, SampleIterator } from './iterator.js';
import { readFloats, readFloatsOneByOne } from './read-floats.js';
import type { Series } from './series.js';
import { ValueType } from './value-type.js';

/**
 * Prometheus: storage.chainSampleIterator. Merges sample iterators by timestamp. When several hold
 * a sample with the same timestamp, the one earliest in the list wins and the others are dropped
 * (Prometheus leaves the choice to its heap; here it is deterministic). Stops at the first iterator
 * error, which `err()` then returns. Allocates nothing per sample: the heap is a typed array of
 * iterator indices.
 *
 * As in Prometheus, a histogram sample that does not directly follow the previous one in the same
 * input (the input changed, or the iterator was sought) has a counter-reset hint other than Gauge
 * reported as Unknown (through a scratch object owned by this iterator, valid until the next call),
 * since a reset between samples of different sources cannot be vouched for; the samples after it
 * from the same input keep their hints.
 */
export class ChainSampleIterator implements SampleIterator {
  #its: SampleIterator[] = [];
  #vts = new Uint8Array(0);
  #heap = new Int32Array(0);
  #hlen = 0;
  #curr = -1;
  #started = false;
  #lastT = Number.NEGATIVE_INFINITY;
  #consecutive = true;
  #err: Error | undefined;
  #scratchH: Histogram | undefined;
  #scratchFH: FloatHistogram | undefined;

  constructor(iterators: SampleIterator[]) {
    this.reset(iterators);
  }

  /** Restarts over `iterators` (taken over by this iterator). */
  reset(iterators: SampleIterator[]): void {
    this.#its = iterators;
    if (this.#vts.length < iterators.length) {
      this.#vts = new Uint8Array(iterators.length);
      this.#heap = new Int32Array(iterators.length);
    }
    this.#hlen = 0;
    this.#curr = -1;
    this.#started = false;
    this.#lastT = Number.NEGATIVE_INFINITY;
    this.#consecutive = true;
    this.#err = undefined;
  }

  /** The iterators merged, for reuse by ChainedSeriesMerge. */
  iterators(): readonly SampleIterator[] {
    return this.#its;
  }

  next(): ValueType {
    if (!this.#started) {
      this.#started = true;
      for (let i = 0; i < this.#its.length; i++) {
        if (!this.#advance(i)) {
          if (this.#err !== undefined) return ValueType.None;
          continue;
        }
        this.#push(i);
      }
      const vt = this.#pick(-1);
      this.#consecutive = true; // Nothing precedes the first sample.
      return vt;
    }
    const prev = this.#curr;
    if (prev < 0) return ValueType.None;
    if (!this.#advance(prev)) {
      if (this.#err !== undefined) return this.#stop();
      return this.#pick(-1);
    }
    return this.#pick(prev);
  }

  seek(t: number): ValueType {
    const curr = this.#curr;
    if (this.#started && curr >= 0 && this.#its[curr]!.atT() >= t) return this.#vts[curr] as ValueType;
    if (this.#started && curr < 0) return ValueType.None;
    this.#started = true;
    this.#hlen = 0;
    this.#lastT = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.#its.length; i++) {
      if (!this.#advance(i, t)) {
        if (this.#err !== undefined) return this.#stop();
        continue;
      }
      this.#push(i);
    }
    return this.#pick(-1);
  }

  /**
   * `readFloats` (read-floats.ts) from the current input while its samples come before those of
   * every other input: read in bulk when that input can.
   */
  readFloats(buf: FloatBuffer, maxT: number): ValueType {
    const i = this.#curr;
    if (i < 0) return readFloatsOneByOne(this, buf, maxT);
    const it = this.#its[i]!;
    // Samples at the heap's minimum time or later may be dropped or come from another input.
    const limit = this.#hlen === 0 ? maxT : Math.min(maxT, this.#its[this.#heap[0]!]!.atT() - 1);
    if (it.atT() > limit) return readFloatsOneByOne(this, buf, maxT);
    const vt = readFloats(it, buf, limit);
    this.#lastT = buf.ts[buf.n - 1]!;
    if (vt === ValueType.None) {
      const err = it.err();
      if (err !== undefined) {
        this.#err = err;
        return this.#stop();
      }
      return this.#pick(-1);
    }
    this.#vts[i] = vt;
    return this.#pick(i);
  }

  /**
   * Chooses the next current iterator: `cand` (already advanced, not in the heap) or the heap's
   * minimum, skipping samples at or before the last emitted timestamp.
   */
  #pick(cand: number): ValueType {
    const prev = this.#curr;
    let i = cand;
    for (;;) {
      if (i >= 0) {
        const t = this.#its[i]!.atT();
        if (t <= this.#lastT) {
          // A duplicate of the sample already emitted (or an out-of-order one): drop it.
          if (!this.#advance(i)) {
            if (this.#err !== undefined) return this.#stop();
            i = -1;
          }
          continue;
        }
        if (this.#hlen === 0 || this.#less(i, this.#heap[0]!)) break;
        this.#push(i);
      }
      if (this.#hlen === 0) return this.#stop();
      i = this.#pop();
    }
    // Prometheus chainSampleIterator: consecutive = !iteratorChanged, decided per sample. A seek
    // (cand < 0) always counts as a change.
    this.#consecutive = cand >= 0 && i === prev;
    this.#curr = i;
    this.#lastT = this.#its[i]!.atT();
    return this.#vts[i] as ValueType;
  }

  /** Moves iterator `i` forward: to its next sample, or with `seekT` to its first at or after it. */
  #advance(i: number, seekT?: number): boolean {
    const it = this.#its[i]!;
    const vt = seekT === undefined ? it.next() : it.seek(seekT);
    if (vt === ValueType.None) {
      const err = it.err();
      if (err !== undefined) this.#err = err;
      return false;
    }
    this.#vts[i] = vt;
    return true;
  }

  #stop(): ValueType {
    this.#curr = -1;
    this.#hlen = 0;
    return ValueType.None;
  }

  #less(a: number, b: number): boolean {
    const ta = this.#its[a]!.atT();
    const tb = this.#its[b]!.atT();
    return ta < tb || (ta === tb && a < b);
  }

  #push(i: number): void {
    const heap = this.#heap;
    let pos = this.#hlen++;
    heap[pos] = i;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.#less(heap[pos]!, heap[parent]!)) break;
      const tmp = heap[parent]!;
      heap[parent] = heap[pos]!;
      heap[pos] = tmp;
      pos = parent;
    }
  }

  #pop(): number {
    const heap = this.#heap;
    const top = heap[0]!;
    const n = --this.#hlen;
    heap[0] = heap[n]!;
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.#less(heap[r]!, heap[l]!) ? r : l;
      if (!this.#less(heap[m]!, heap[pos]!)) break;
      const tmp = heap[m]!;
      heap[m] = heap[pos]!;
      heap[pos] = tmp;
      pos = m;
    }
    return top;
  }

  #cur(): SampleIterator {
    const it = this.#its[this.#curr];
    if (it === undefined) throw new Error('ChainSampleIterator: no current sample');
    return it;
  }

  at(): [number, number] {
    const it = this.#cur();
    return [it.atT(), it.atV()];
  }

  atT(): number {
    return this.#cur().atT();
  }

  atV(): number {
    return this.#cur().atV();
  }

  atHistogram(): Histogram {
    const h = this.#cur().atHistogram();
    if (this.#consecutive || h.counterResetHint === CounterResetHint.Gauge) return h;
    if (h.counterResetHint === CounterResetHint.Unknown) return h;
    this.#scratchH = Object.assign(this.#scratchH ?? ({} as Histogram), h);
    this.#scratchH.counterResetHint = CounterResetHint.Unknown;
    return this.#scratchH;
  }

  atFloatHistogram(): FloatHistogram {
    const h = this.#cur().atFloatHistogram();
    if (this.#consecutive || h.counterResetHint === CounterResetHint.Gauge) return h;
    if (h.counterResetHint === CounterResetHint.Unknown) return h;
    this.#scratchFH = Object.assign(this.#scratchFH ?? ({} as FloatHistogram), h);
    this.#scratchFH.counterResetHint = CounterResetHint.Unknown;
    return this.#scratchFH;
  }

  atST(): number {
    return this.#cur().atST();
  }

  err(): Error | undefined {
    return this.#err;
  }
}

/**
 * Prometheus: storage.ChainedSeriesMerge. A VerticalSeriesMergeFunc: merges series with the same
 * labels into one whose samples are the union by timestamp; at equal timestamps the series given
 * first wins. Takes the labels of the first series.
 */
export function chainedSeriesMerge(...series: Series[]): Series {
  const first = series[0];
  if (first === undefined) throw new Error('chainedSeriesMerge needs at least one series');
  if (series.length === 1) return first;
  return new ChainedSeries(first.labels(), series);
}

class ChainedSeries implements Series {
  constructor(
    readonly lset: Labels,
    readonly series: Series[],
  ) {}

  labels(): Labels {
    return this.lset;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    const old = reuse instanceof ChainSampleIterator ? reuse.iterators() : undefined;
    const its = new Array<SampleIterator>(this.series.length);
    for (let i = 0; i < this.series.length; i++) its[i] = this.series[i]!.iterator(old?.[i]);
    if (reuse instanceof ChainSampleIterator) {
      reuse.reset(its);
      return reuse;
    }
    return new ChainSampleIterator(its);
  }
}
