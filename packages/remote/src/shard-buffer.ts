// Prometheus: storage/remote/queue_manager.go queue (one shard's pending samples). Samples wait in
// columns of a ring (ref, timestamp, value, WAL record mark): as objects each sample would be a
// heap allocation, and a shard holds `capacity` of them. Histogram samples and exemplars (objects
// already, as the WAL decoder makes them) wait beside them in a queue of their own, sharing the
// capacity.
import type { WalObjectSample } from './wal-watcher.js';

/** A batch taken from a shard: samples `[0, length)` of the columns, owned by the shard. */
export interface SampleBatch {
  refs: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
  marks: Float64Array;
  length: number;
  /** Histogram samples and exemplars `[0, oLength)`, and their WAL record marks. */
  objects: WalObjectSample[];
  oMarks: number[];
  oLength: number;
}

/** The pending samples of one shard, at most `capacity`. */
export class ShardBuffer {
  readonly capacity: number;
  readonly #refs: Float64Array;
  readonly #ts: Float64Array;
  readonly #vs: Float64Array;
  readonly #marks: Float64Array;
  #head = 0;
  #len = 0;
  // Pending histograms and exemplars are `#hs[#hHead..]` (compacted when taken).
  #hs: WalObjectSample[] = [];
  #oMarks: number[] = [];
  #hHead = 0;
  /** The batch handed out by `take`, reused. */
  readonly batch: SampleBatch;

  constructor(capacity: number, maxBatch: number) {
    this.capacity = capacity;
    this.#refs = new Float64Array(capacity);
    this.#ts = new Float64Array(capacity);
    this.#vs = new Float64Array(capacity);
    this.#marks = new Float64Array(capacity);
    this.batch = {
      refs: new Float64Array(maxBatch),
      ts: new Float64Array(maxBatch),
      vs: new Float64Array(maxBatch),
      marks: new Float64Array(maxBatch),
      length: 0,
      objects: [],
      oMarks: [],
      oLength: 0,
    };
  }

  /** Samples, histograms and exemplars waiting. */
  get length(): number {
    return this.#len + this.#hs.length - this.#hHead;
  }

  /** Adds one sample; false when full. */
  push(ref: number, t: number, v: number, mark: number): boolean {
    if (this.#len + this.#hs.length - this.#hHead >= this.capacity) return false;
    let i = this.#head + this.#len;
    if (i >= this.capacity) i -= this.capacity;
    this.#refs[i] = ref;
    this.#ts[i] = t;
    this.#vs[i] = v;
    this.#marks[i] = mark;
    this.#len++;
    return true;
  }

  /** Adds one histogram sample or exemplar; false when full. */
  pushObject(h: WalObjectSample, mark: number): boolean {
    if (this.length >= this.capacity) return false;
    this.#hs.push(h);
    this.#oMarks.push(mark);
    return true;
  }

  /**
   * Moves up to `max` of the oldest samples into `batch`, then histograms and exemplars up to `max` in all
   * (valid until the next take).
   */
  take(max: number): SampleBatch {
    const b = this.batch;
    const n = Math.min(max, this.#len, b.refs.length);
    const cap = this.capacity;
    let h = this.#head;
    for (let k = 0; k < n; k++) {
      b.refs[k] = this.#refs[h]!;
      b.ts[k] = this.#ts[h]!;
      b.vs[k] = this.#vs[h]!;
      b.marks[k] = this.#marks[h]!;
      if (++h === cap) h = 0;
    }
    this.#head = h;
    this.#len -= n;
    b.length = n;
    b.oLength = 0;
    const pending = this.#hs.length - this.#hHead;
    if (pending > 0) {
      const m = Math.min(max - n, pending);
      for (let k = 0; k < m; k++) {
        b.objects[k] = this.#hs[this.#hHead + k]!;
        b.oMarks[k] = this.#oMarks[this.#hHead + k]!;
      }
      b.oLength = m;
      this.#hHead += m;
      if (this.#hHead === this.#hs.length) {
        this.#hs.length = 0;
        this.#oMarks.length = 0;
        this.#hHead = 0;
      } else if (this.#hHead > 1024 && this.#hHead * 2 > this.#hs.length) {
        this.#hs = this.#hs.slice(this.#hHead);
        this.#oMarks = this.#oMarks.slice(this.#hHead);
        this.#hHead = 0;
      }
    }
    return b;
  }
}
