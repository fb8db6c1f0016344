// Prometheus: tsdb/chunkenc/histogram.go histogramIterator
import type { FloatHistogram, Histogram, SampleIterator, Span } from '@tsprom/storage-interfaces';
import { CounterResetHint, CustomBucketsSchema, ValueType } from '@tsprom/storage-interfaces';
import { BstreamReader } from './bstream-reader.js';
import { ChunkEncodingError } from './errors.js';
import { f64, HI, i32, LO } from './float-bits.js';
import { COUNTER_RESET_HEADER_MASK, CounterResetHeader, countSpans, readLayout } from './histogram-layout.js';
import { readVarbitInt, readVarbitUint } from './varbit.js';
import { xorReadSlot } from './xor-slots.js';

/** Bytes before a histogram chunk's layout: the uint16 sample count and the flags byte. */
export const HISTOGRAM_HEADER_BYTES = 3;
const STALE_HI = 0x7ff00000;
const STALE_LO = 2;

/**
 * Prometheus: counterResetHint. The hint a decoded histogram gets: GaugeType in a gauge chunk;
 * NotCounterReset from the 2nd sample of a counter chunk on (a chunk holds no resets after its
 * first sample); Unknown for the 1st, as the previous chunk may have changed since ingestion.
 */
export function counterResetHint(header: number, numRead: number): CounterResetHint {
  if (header === CounterResetHeader.GaugeType) return CounterResetHint.Gauge;
  if (numRead > 1) return CounterResetHint.NotCounterReset;
  return CounterResetHint.Unknown;
}

/** The decoder state an appender continues from (HistogramChunk.appender on decoded bytes). */
export interface HistogramDecodeState {
  numRead: number;
  bitPos: number;
  schema: number;
  zeroThreshold: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  customValues: number[];
  t: number;
  tDelta: number;
  cnt: number;
  cntDelta: number;
  zCnt: number;
  zCntDelta: number;
  pBuckets: Float64Array;
  pBucketsDelta: Float64Array;
  nBuckets: Float64Array;
  nBucketsDelta: Float64Array;
  /** The sum's XOR state: high bits, low bits, leading, trailing. */
  sum: Int32Array;
}

function emptyHistogram(): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown,
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: [],
    negativeSpans: [],
    positiveBuckets: [],
    negativeBuckets: [],
  };
}

const EMPTY: Float64Array = new Float64Array(0);

/**
 * Prometheus: histogramIterator. Iterates the integer histograms of a histogram chunk. Implements
 * SampleIterator: `next()` returns `ValueType.Histogram` per sample. `atHistogram()` and
 * `atFloatHistogram()` fill and return an object owned by the iterator, valid until the next call
 * to `next`, `seek` or the same `at…` method; its span arrays are shared by all samples of the
 * chunk and must not be changed. Copy (storage-interfaces' copyHistogram) to keep a sample.
 * A stale marker comes back as a histogram whose only content is the stale NaN sum.
 */
export class HistogramIterator implements SampleIterator {
  #r = new BstreamReader();
  #numTotal = 0;
  #numRead = 0;
  #header = 0;
  #err: Error | undefined;
  #schema = 0;
  #zThreshold = 0;
  #pSpans: Span[] = [];
  #nSpans: Span[] = [];
  #customValues: number[] = [];
  #t = 0;
  #tDelta = 0;
  #cnt = 0;
  #cntDelta = 0;
  #zCnt = 0;
  #zCntDelta = 0;
  #pBuckets: Float64Array = EMPTY; // Bucket values as stored: each the delta to the previous bucket.
  #pBucketsDelta: Float64Array = EMPTY; // Their change since the previous sample.
  #nBuckets: Float64Array = EMPTY;
  #nBucketsDelta: Float64Array = EMPTY;
  #sum = new Int32Array(4); // XOR state of the sum.
  #h: Histogram = emptyHistogram();
  #fh: FloatHistogram = emptyHistogram();
  #stale: Histogram = emptyHistogram();

  /** An iterator over the chunk bytes `bytes` (header included; borrowed, not copied). */
  constructor(bytes: Uint8Array) {
    this.reset(bytes);
  }

  /** Restarts on other chunk bytes, reusing this iterator's memory where it can. */
  reset(bytes: Uint8Array): void {
    if (bytes.length < HISTOGRAM_HEADER_BYTES) {
      this.#r.reset(new Uint8Array(0), 0);
      this.#numTotal = 0;
      this.#numRead = 0;
      this.#err = new ChunkEncodingError(`histogram chunk of ${bytes.length} bytes is shorter than its header`);
      return;
    }
    this.#r.reset(bytes, HISTOGRAM_HEADER_BYTES);
    this.#numTotal = (bytes[0]! << 8) | bytes[1]!;
    this.#header = bytes[2]! & COUNTER_RESET_HEADER_MASK;
    this.#numRead = 0;
    this.#err = undefined;
    this.#t = 0;
    this.#tDelta = 0;
    this.#cnt = 0;
    this.#cntDelta = 0;
    this.#zCnt = 0;
    this.#zCntDelta = 0;
    this.#sum.fill(0);
  }

  next(): ValueType {
    if (this.#err !== undefined || this.#numRead === this.#numTotal) return ValueType.None;
    const r = this.#r;
    if (this.#numRead === 0) {
      if (!this.#readFirst()) return ValueType.None;
    } else {
      const tDod = readVarbitInt(r);
      this.#tDelta += tDod;
      this.#t += this.#tDelta;
      this.#cntDelta += readVarbitInt(r);
      this.#cnt += this.#cntDelta;
      this.#zCntDelta += readVarbitInt(r);
      this.#zCnt += this.#zCntDelta;
      xorReadSlot(r, this.#sum, 0);
      if (!(this.#sum[0] === STALE_HI && this.#sum[1] === STALE_LO)) {
        const pb = this.#pBuckets;
        const pd = this.#pBucketsDelta;
        for (let i = 0; i < pb.length; i++) {
          const d = pd[i]! + readVarbitInt(r);
          pd[i] = d;
          pb[i] = pb[i]! + d;
        }
        const nb = this.#nBuckets;
        const nd = this.#nBucketsDelta;
        for (let i = 0; i < nb.length; i++) {
          const d = nd[i]! + readVarbitInt(r);
          nd[i] = d;
          nb[i] = nb[i]! + d;
        }
      }
    }
    if (r.overrun()) return this.#fail('unexpected end of histogram chunk');
    this.#numRead++;
    return ValueType.Histogram;
  }

  #readFirst(): boolean {
    const r = this.#r;
    try {
      const layout = readLayout(r);
      this.#schema = layout.schema;
      this.#zThreshold = layout.zeroThreshold;
      this.#pSpans = layout.positiveSpans;
      this.#nSpans = layout.negativeSpans;
      this.#customValues = layout.customValues;
    } catch (err) {
      if (!(err instanceof ChunkEncodingError)) throw err;
      this.#fail(err.message); // Reported through err(), as upstream's iterators do.
      return false;
    }
    const np = countSpans(this.#pSpans);
    const nn = countSpans(this.#nSpans);
    // Every bucket takes at least a bit per sample: more buckets than bits left is corrupt.
    if (np + nn > r.endBits - r.pos) {
      this.#fail(`histogram chunk: ${np + nn} buckets overrun the chunk`);
      return false;
    }
    this.#pBuckets = sized(this.#pBuckets, np);
    this.#pBucketsDelta = sized(this.#pBucketsDelta, np);
    this.#nBuckets = sized(this.#nBuckets, nn);
    this.#nBucketsDelta = sized(this.#nBucketsDelta, nn);
    this.#t = readVarbitInt(r);
    this.#cnt = readVarbitUint(r);
    this.#zCnt = readVarbitUint(r);
    this.#sum[0] = r.readBits(32);
    this.#sum[1] = r.readBits(32);
    for (let i = 0; i < np; i++) this.#pBuckets[i] = readVarbitInt(r);
    for (let i = 0; i < nn; i++) this.#nBuckets[i] = readVarbitInt(r);
    this.#initOutputs();
    return true;
  }

  // The output objects take this chunk's layout; their bucket arrays get the right length.
  #initOutputs(): void {
    for (const h of [this.#h, this.#fh]) {
      h.schema = this.#schema;
      h.zeroThreshold = this.#zThreshold;
      h.positiveSpans = this.#pSpans;
      h.negativeSpans = this.#nSpans;
      h.positiveBuckets.length = this.#pBuckets.length;
      h.negativeBuckets.length = this.#nBuckets.length;
      if (this.#schema === CustomBucketsSchema) h.customValues = this.#customValues;
      else delete h.customValues;
    }
  }

  #fail(msg: string): ValueType {
    this.#err = new ChunkEncodingError(`${msg} (sample ${this.#numRead} of ${this.#numTotal})`);
    this.#numTotal = this.#numRead;
    return ValueType.None;
  }

  seek(t: number): ValueType {
    if (this.#err !== undefined) return ValueType.None;
    while (this.#numRead === 0 || t > this.#t) {
      if (this.next() === ValueType.None) return ValueType.None;
    }
    return ValueType.Histogram;
  }

  /** Always throws: a histogram chunk holds no float samples (Prometheus panics here). */
  at(): [number, number] {
    throw new Error('cannot call HistogramIterator.at: the chunk holds histograms');
  }

  atT(): number {
    return this.#t;
  }

  /** Always throws: a histogram chunk holds no float samples (Prometheus panics here). */
  atV(): number {
    throw new Error('cannot call HistogramIterator.atV: the chunk holds histograms');
  }

  #isStale(): boolean {
    return this.#sum[0] === STALE_HI && this.#sum[1] === STALE_LO;
  }

  #sumValue(): number {
    i32[HI] = this.#sum[0]!;
    i32[LO] = this.#sum[1]!;
    return f64[0]!;
  }

  atHistogram(): Histogram {
    if (this.#isStale()) return this.#staleHistogram();
    const h = this.#h;
    h.counterResetHint = counterResetHint(this.#header, this.#numRead);
    h.count = this.#cnt;
    h.zeroCount = this.#zCnt;
    h.sum = this.#sumValue();
    copyInto(h.positiveBuckets, this.#pBuckets, false);
    copyInto(h.negativeBuckets, this.#nBuckets, false);
    return h;
  }

  atFloatHistogram(): FloatHistogram {
    if (this.#isStale()) return this.#staleHistogram();
    const h = this.#fh;
    h.counterResetHint = counterResetHint(this.#header, this.#numRead);
    h.count = this.#cnt;
    h.zeroCount = this.#zCnt;
    h.sum = this.#sumValue();
    copyInto(h.positiveBuckets, this.#pBuckets, true);
    copyInto(h.negativeBuckets, this.#nBuckets, true);
    return h;
  }

  #staleHistogram(): Histogram {
    const h = this.#stale;
    h.sum = this.#sumValue(); // An object field keeps the stale marker's NaN payload.
    return h;
  }

  /** 0: the histogram encoding stores no start timestamps. */
  atST(): number {
    return 0;
  }

  err(): Error | undefined {
    return this.#err;
  }

  /** The chunk's counter reset header (CounterResetHeader), from its flags byte. */
  counterResetHeader(): number {
    return this.#header;
  }

  /**
   * The decoder state after the samples read so far, for an appender that continues the chunk.
   * The arrays are copies.
   */
  decodeState(): HistogramDecodeState {
    return {
      numRead: this.#numRead,
      bitPos: this.#r.pos,
      schema: this.#schema,
      zeroThreshold: this.#zThreshold,
      positiveSpans: this.#pSpans.map((s) => ({ offset: s.offset, length: s.length })),
      negativeSpans: this.#nSpans.map((s) => ({ offset: s.offset, length: s.length })),
      customValues: this.#customValues.slice(),
      t: this.#t,
      tDelta: this.#tDelta,
      cnt: this.#cnt,
      cntDelta: this.#cntDelta,
      zCnt: this.#zCnt,
      zCntDelta: this.#zCntDelta,
      pBuckets: this.#pBuckets.slice(),
      pBucketsDelta: this.#pBucketsDelta.slice(),
      nBuckets: this.#nBuckets.slice(),
      nBucketsDelta: this.#nBucketsDelta.slice(),
      sum: this.#sum.slice(),
    };
  }
}

// A zeroed array of length n, reusing `a` when it fits.
function sized(a: Float64Array, n: number): Float64Array {
  if (a.length === n && a !== EMPTY) {
    a.fill(0);
    return a;
  }
  return n === 0 ? EMPTY : new Float64Array(n);
}

// Copies stored bucket values (deltas) into `out`, as absolute counts when `absolute`.
function copyInto(out: number[], src: Float64Array, absolute: boolean): void {
  let cur = 0;
  for (let i = 0; i < src.length; i++) {
    if (absolute) {
      cur += src[i]!;
      out[i] = cur;
    } else {
      out[i] = src[i]!;
    }
  }
}
