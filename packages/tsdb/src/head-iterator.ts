// Prometheus: tsdb/head_read.go memSeries.iterator, the head's chunk readers, and the merge of
// in-order and out-of-order data (tsdb/ooo_head_read.go) in a simplified form.
import type { Labels } from '@tsprom/labels';
import {
  type FloatBuffer,
  type FloatHistogram,
  type Histogram,
  Encoding,
  histogramToFloat,
  readFloatsOneByOne,
  type SampleIterator,
  ValueType,
} from '@tsprom/storage-interfaces';
import { readChunkFloats } from './chunk-read-floats.js';
import type { HeadChunkStore } from './mem-series.js';
import type { TimeInterval } from './record/ref-types.js';
import type { SnapshotChunks } from './snapshot-chunks.js';

/**
 * What a querier captured of one series when it selected it: the chunks overlapping its range
 * (entries [from, to) of the select's table), each with the sequence number of its first sample,
 * and how many samples (by sequence number) its isolation state lets it see. A chunk is in memory,
 * or only a chunk-store ref read on demand. When the series has out-of-order data in range,
 * `merged` holds the merged samples instead. `deleted` holds the series' tombstones (sorted,
 * merged) as they were then: samples in them are hidden (Prometheus: the deleted intervals of
 * populateWithDelGenericSeriesIterator).
 */
export interface SeriesSnapshot {
  readonly labels: Labels;
  readonly table: SnapshotChunks;
  readonly from: number;
  readonly to: number;
  /** Index in `table` of the series' open chunk (-1 when not included): it may still grow. */
  readonly openIndex: number;
  readonly limit: number;
  merged: MergedSamples | undefined;
  readonly deleted: readonly TimeInterval[] | undefined;
}

/**
 * Samples merged from in-order and out-of-order data, sorted by time. `hs[i]`, when `hs` is set,
 * is the histogram of sample i if it is one (in-order histograms among out-of-order floats).
 */
export interface MergedSamples {
  ts: Float64Array;
  vs: Float64Array;
  length: number;
  hs?: ({ vt: ValueType; h: Histogram | FloatHistogram } | undefined)[];
}

/** Iterates the samples of a snapshot within [mint, maxt] (ms, inclusive). */
export class HeadSeriesIterator implements SampleIterator {
  #snap!: SeriesSnapshot;
  #store: HeadChunkStore | undefined;
  #mint = 0;
  #maxt = 0;
  #i = -1;
  #it: SampleIterator | undefined;
  // Whether #it walks an XOR2 chunk, whose samples carry start timestamps.
  #hasST = false;
  // Whether every sample of #it's chunk is visible (within the isolation limit): it can be read in bulk.
  #whole = false;
  #left = 0;
  #t = 0;
  #v = 0;
  // The type of the current sample: a histogram one is read from the chunk iterator, which stays on it.
  #vt: ValueType = ValueType.Float;
  // The current histogram when it comes from `merged`.
  #mh: Histogram | FloatHistogram | undefined;
  #done = false;
  #positioned = false;
  #err: Error | undefined;
  /** Index of the first deleted interval that may still hide a sample (times only grow). */
  #di = 0;

  constructor(snap: SeriesSnapshot, store: HeadChunkStore | undefined, mint: number, maxt: number) {
    this.reset(snap, store, mint, maxt);
  }

  /** Points the iterator at another snapshot (reuse). */
  reset(snap: SeriesSnapshot, store: HeadChunkStore | undefined, mint: number, maxt: number): void {
    this.#snap = snap;
    this.#store = store;
    this.#mint = mint;
    this.#maxt = maxt;
    // An index into `merged` when the series has one, else into the select's table.
    this.#i = snap.merged !== undefined ? -1 : snap.from - 1;
    this.#left = 0;
    this.#done = false;
    this.#positioned = false;
    this.#err = undefined;
    this.#di = 0;
    this.#hasST = false;
  }

  /** Whether `t` is in a deleted interval; `t` never decreases between calls. */
  #isDeleted(t: number): boolean {
    const del = this.#snap.deleted;
    if (del === undefined) return false;
    let di = this.#di;
    while (di < del.length && del[di]!.maxt < t) di++;
    this.#di = di;
    return di < del.length && del[di]!.mint <= t;
  }

  next(): ValueType {
    const vt = this.#advance();
    this.#positioned = vt !== ValueType.None;
    return vt;
  }

  #advance(): ValueType {
    if (this.#done) return ValueType.None;
    const snap = this.#snap;
    const merged = snap.merged;
    if (merged !== undefined) {
      for (;;) {
        const i = ++this.#i;
        if (i >= merged.length) return this.#finish();
        const t = merged.ts[i]!;
        if (t < this.#mint) continue;
        if (t > this.#maxt) return this.#finish();
        if (this.#isDeleted(t)) continue;
        this.#t = t;
        this.#v = merged.vs[i]!;
        const h = merged.hs?.[i];
        this.#mh = h?.h;
        this.#vt = h === undefined ? ValueType.Float : h.vt;
        return this.#vt;
      }
    }
    for (;;) {
      const it = this.#it;
      if (it !== undefined && this.#left > 0) {
        const vt = it.next();
        if (vt !== ValueType.None) {
          this.#left--;
          const t = it.atT();
          if (t < this.#mint) continue;
          if (t > this.#maxt) return this.#finish();
          if (this.#isDeleted(t)) continue;
          this.#t = t;
          this.#vt = vt;
          if (vt === ValueType.Float) this.#v = it.atV();
          return vt;
        }
        const err = it.err();
        if (err !== undefined) {
          this.#err = err;
          return this.#finish();
        }
      }
      if (!this.#nextChunk(this.#mint)) return this.#finish();
    }
  }

  #nextChunk(minT: number): boolean {
    const snap = this.#snap;
    const table = snap.table;
    for (;;) {
      const i = ++this.#i;
      if (i >= snap.to) return false;
      if (table.maxt(i) < minT) continue;
      if (table.mint(i) > this.#maxt) return false;
      const left = snap.limit - table.firstSeq(i);
      if (left <= 0) return false;
      let c = table.chunk(i);
      if (c === undefined) {
        try {
          c = this.#store!.read(table.ref(i));
        } catch (err) {
          this.#err = err instanceof Error ? err : new Error(String(err));
          return false;
        }
      }
      this.#whole = left >= c.numSamples();
      this.#it = c.iterator(this.#it);
      this.#hasST = c.encoding() === Encoding.XOR2;
      this.#left = left;
      return true;
    }
  }

  #finish(): ValueType {
    this.#done = true;
    this.#positioned = false;
    return ValueType.None;
  }

  /**
   * `readFloats` (storage-interfaces): the samples of an XOR chunk wholly visible are decoded in one
   * loop, up to the next deleted interval.
   */
  readFloats(buf: FloatBuffer, maxT: number): ValueType {
    const it = this.#it;
    if (
      !this.#positioned ||
      this.#vt !== ValueType.Float ||
      this.#snap.merged !== undefined ||
      it === undefined ||
      !this.#whole ||
      this.#hasST
    ) {
      return readFloatsOneByOne(this, buf, maxT);
    }
    let limit = Math.min(maxT, this.#maxt);
    // The current sample is not deleted: the next interval (#di, from #isDeleted) starts after it.
    const iv = this.#snap.deleted?.[this.#di];
    if (iv !== undefined) limit = Math.min(limit, iv.mint - 1);
    const n0 = buf.n;
    const vt = readChunkFloats(it, buf, limit);
    // Every sample written but the current one was read from the chunk, and so was the one after.
    this.#left -= buf.n - n0 - 1 + (vt === ValueType.None ? 0 : 1);
    if (vt === ValueType.None) {
      const err = it.err();
      if (err !== undefined) {
        this.#err = err;
        return this.#finish();
      }
      this.#left = 0;
      return this.next();
    }
    const t = it.atT();
    if (t > this.#maxt) return this.#finish();
    if (this.#isDeleted(t)) return this.next();
    this.#t = t;
    this.#vt = vt;
    if (vt === ValueType.Float) this.#v = it.atV();
    return vt;
  }

  seek(t: number): ValueType {
    if (this.#done) return ValueType.None;
    if (this.#positioned && this.#t >= t) return this.#vt;
    // Skip whole chunks that end before t.
    if (this.#snap.merged === undefined && t > this.#mint) {
      const snap = this.#snap;
      if (this.#it === undefined || this.#i < snap.from || snap.table.maxt(this.#i) < t) {
        this.#left = 0;
        this.#positioned = false;
        if (!this.#nextChunk(t)) return this.#finish();
      }
    }
    for (;;) {
      const vt = this.next();
      if (vt === ValueType.None || this.#t >= t) return vt;
    }
  }

  at(): [number, number] {
    return [this.#t, this.#v];
  }

  atT(): number {
    return this.#t;
  }

  atV(): number {
    return this.#v;
  }

  atHistogram(): Histogram {
    if (!this.#positioned || this.#vt !== ValueType.Histogram) {
      throw new Error('head series iterator: not an integer histogram sample');
    }
    if (this.#snap.merged !== undefined) return this.#mh as Histogram;
    return this.#it!.atHistogram();
  }

  /** The current histogram sample as a float histogram (an integer one is converted). */
  atFloatHistogram(): FloatHistogram {
    if (!this.#positioned || (this.#vt !== ValueType.Histogram && this.#vt !== ValueType.FloatHistogram)) {
      throw new Error('head series iterator: not a histogram sample');
    }
    if (this.#snap.merged !== undefined) {
      const h = this.#mh!;
      return this.#vt === ValueType.Histogram ? histogramToFloat(h as Histogram) : (h as FloatHistogram);
    }
    return this.#it!.atFloatHistogram();
  }

  /**
   * The start timestamp of the current sample: from the chunk when it is XOR2 (0 = unknown), else
   * 0 (XOR chunks and out-of-order data keep none).
   */
  atST(): number {
    // The chunk iterator stays on the sample this iterator returned last.
    return this.#hasST && this.#positioned ? this.#it!.atST() : 0;
  }

  err(): Error | undefined {
    return this.#err;
  }
}
