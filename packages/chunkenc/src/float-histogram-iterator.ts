// Prometheus: tsdb/chunkenc/float_histogram.go floatHistogramIterator
import type { FloatHistogram, Histogram, SampleIterator, Span } from '@tsprom/storage-interfaces';
import { CounterResetHint, CustomBucketsSchema, ValueType } from '@tsprom/storage-interfaces';
import { BstreamReader } from './bstream-reader.js';
import { ChunkEncodingError } from './errors.js';
import { f64, HI, i32, LO } from './float-bits.js';
import { counterResetHint, HISTOGRAM_HEADER_BYTES } from './histogram-iterator.js';
import { COUNTER_RESET_HEADER_MASK, countSpans, readLayout } from './histogram-layout.js';
import { readVarbitInt } from './varbit.js';
import { XOR_SLOTS, xorReadSlot } from './xor-slots.js';

const STALE_HI = 0x7ff00000;
const STALE_LO = 2;

/** XOR state slots of a float histogram chunk: count, zero count, sum, then the buckets. */
export const CNT = 0;
export const ZCNT = 1;
export const SUM = 2;
export const FIRST_BUCKET = 3;

/** The decoder state a FloatHistogramChunk appender continues from. */
export interface FloatHistogramDecodeState {
  numRead: number;
  bitPos: number;
  schema: number;
  zeroThreshold: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  customValues: number[];
  t: number;
  tDelta: number;
  /** XOR states (XOR_SLOTS each): count, zero count, sum, positive buckets, negative buckets. */
  xs: Int32Array;
  numPositive: number;
  numNegative: number;
}

function emptyFloatHistogram(): FloatHistogram {
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

/** The double whose bits are in XOR state `k` of `xs`. */
export function slotValue(xs: Int32Array, k: number): number {
  i32[HI] = xs[k * XOR_SLOTS]!;
  i32[LO] = xs[k * XOR_SLOTS + 1]!;
  return f64[0]!;
}

/**
 * Prometheus: floatHistogramIterator. Iterates the float histograms of a float histogram chunk.
 * `next()` returns `ValueType.FloatHistogram` per sample; `atFloatHistogram()` fills and returns
 * an object owned by the iterator (valid until the next `next`, `seek` or `atFloatHistogram`; its
 * spans are shared by the chunk's samples and must not be changed). A stale marker comes back as
 * a histogram whose only content is the stale NaN sum.
 */
export class FloatHistogramIterator implements SampleIterator {
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
  #np = 0;
  #nn = 0;
  #t = 0;
  #tDelta = 0;
  #xs = new Int32Array(FIRST_BUCKET * XOR_SLOTS);
  #fh: FloatHistogram = emptyFloatHistogram();
  #stale: FloatHistogram = emptyFloatHistogram();

  /** An iterator over the chunk bytes `bytes` (header included; borrowed, not copied). */
  constructor(bytes: Uint8Array) {
    this.reset(bytes);
  }

  /** Restarts on other chunk bytes, reusing this iterator's memory where it can. */
  reset(bytes: Uint8Array): void {
    this.#numRead = 0;
    this.#t = 0;
    this.#tDelta = 0;
    this.#np = 0;
    this.#nn = 0;
    this.#xs.fill(0);
    if (bytes.length < HISTOGRAM_HEADER_BYTES) {
      this.#r.reset(new Uint8Array(0), 0);
      this.#numTotal = 0;
      this.#err = new ChunkEncodingError(`float histogram chunk of ${bytes.length} bytes is shorter than its header`);
      return;
    }
    this.#r.reset(bytes, HISTOGRAM_HEADER_BYTES);
    this.#numTotal = (bytes[0]! << 8) | bytes[1]!;
    this.#header = bytes[2]! & COUNTER_RESET_HEADER_MASK;
    this.#err = undefined;
  }

  next(): ValueType {
    if (this.#err !== undefined || this.#numRead === this.#numTotal) return ValueType.None;
    const r = this.#r;
    const xs = this.#xs;
    if (this.#numRead === 0) {
      if (!this.#readFirst()) return ValueType.None;
    } else {
      this.#tDelta += readVarbitInt(r);
      this.#t += this.#tDelta;
      xorReadSlot(r, xs, CNT);
      xorReadSlot(r, xs, ZCNT);
      xorReadSlot(r, xs, SUM);
      if (!(xs[SUM * XOR_SLOTS] === STALE_HI && xs[SUM * XOR_SLOTS + 1] === STALE_LO)) {
        const end = FIRST_BUCKET + this.#np + this.#nn;
        for (let k = FIRST_BUCKET; k < end; k++) xorReadSlot(r, xs, k);
      }
    }
    if (r.overrun()) return this.#fail('unexpected end of float histogram chunk');
    this.#numRead++;
    return ValueType.FloatHistogram;
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
    // Each bucket takes 64 bits in the first sample: more than the bits left is corrupt.
    if ((np + nn) * 64 > r.endBits - r.pos) {
      this.#fail(`float histogram chunk: ${np + nn} buckets overrun the chunk`);
      return false;
    }
    this.#np = np;
    this.#nn = nn;
    const slots = (FIRST_BUCKET + np + nn) * XOR_SLOTS;
    if (this.#xs.length !== slots) this.#xs = new Int32Array(slots);
    else this.#xs.fill(0);
    const xs = this.#xs;
    this.#t = readVarbitInt(r);
    const n = FIRST_BUCKET + np + nn;
    for (let k = 0; k < n; k++) {
      xs[k * XOR_SLOTS] = r.readBits(32);
      xs[k * XOR_SLOTS + 1] = r.readBits(32);
    }
    const h = this.#fh;
    h.schema = this.#schema;
    h.zeroThreshold = this.#zThreshold;
    h.positiveSpans = this.#pSpans;
    h.negativeSpans = this.#nSpans;
    h.positiveBuckets.length = np;
    h.negativeBuckets.length = nn;
    if (this.#schema === CustomBucketsSchema) h.customValues = this.#customValues;
    else delete h.customValues;
    return true;
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
    return ValueType.FloatHistogram;
  }

  /** Always throws: a float histogram chunk holds no float samples (Prometheus panics here). */
  at(): [number, number] {
    throw new Error('cannot call FloatHistogramIterator.at: the chunk holds float histograms');
  }

  atT(): number {
    return this.#t;
  }

  /** Always throws: a float histogram chunk holds no float samples (Prometheus panics here). */
  atV(): number {
    throw new Error('cannot call FloatHistogramIterator.atV: the chunk holds float histograms');
  }

  /** Always throws: float histograms do not convert to integer ones (Prometheus panics here). */
  atHistogram(): Histogram {
    throw new Error('cannot call FloatHistogramIterator.atHistogram: the chunk holds float histograms');
  }

  atFloatHistogram(): FloatHistogram {
    const xs = this.#xs;
    if (xs[SUM * XOR_SLOTS] === STALE_HI && xs[SUM * XOR_SLOTS + 1] === STALE_LO) {
      this.#stale.sum = slotValue(xs, SUM); // An object field keeps the stale marker's NaN payload.
      return this.#stale;
    }
    const h = this.#fh;
    h.counterResetHint = counterResetHint(this.#header, this.#numRead);
    h.count = slotValue(xs, CNT);
    h.zeroCount = slotValue(xs, ZCNT);
    h.sum = slotValue(xs, SUM);
    const pb = h.positiveBuckets;
    for (let i = 0; i < this.#np; i++) pb[i] = slotValue(xs, FIRST_BUCKET + i);
    const nb = h.negativeBuckets;
    for (let i = 0; i < this.#nn; i++) nb[i] = slotValue(xs, FIRST_BUCKET + this.#np + i);
    return h;
  }

  /** 0: the float histogram encoding stores no start timestamps. */
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

  /** The decoder state after the samples read so far (copies), for an appender continuing it. */
  decodeState(): FloatHistogramDecodeState {
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
      xs: this.#xs.slice(),
      numPositive: this.#np,
      numNegative: this.#nn,
    };
  }
}
