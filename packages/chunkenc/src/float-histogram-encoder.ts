// Prometheus: tsdb/chunkenc/float_histogram.go FloatHistogramAppender (its state,
// appendFloatHistogram, appendable, appendableGauge, recode). The cut/recode decisions of
// AppendFloatHistogram are FloatHistogramChunk's.
import type { FloatHistogram, Span } from '@tsprom/storage-interfaces';
import { CounterResetHint, CustomBucketsSchema } from '@tsprom/storage-interfaces';
import { BitWriter } from './bit-writer.js';
import { f64, HI, i32, LO } from './float-bits.js';
import {
  CNT,
  FIRST_BUCKET,
  type FloatHistogramDecodeState,
  FloatHistogramIterator,
  SUM,
  ZCNT,
} from './float-histogram-iterator.js';
import { APPENDABLE, customValuesMatch, isStaleSum } from './histogram-encoder.js';
import { HISTOGRAM_HEADER_BYTES } from './histogram-iterator.js';
import { COUNTER_RESET_HEADER_MASK, CounterResetHeader, countSpans, writeLayout } from './histogram-layout.js';
import {
  ExpandResult,
  expandSpansAndBuckets,
  expandSpansBothWays,
  type Insert,
  insertBuckets,
} from './histogram-meta.js';
import { putVarbitInt } from './varbit.js';
import { XOR_SLOTS, xorWriteSlot } from './xor-slots.js';

const ALLOCATION_BYTES = 128; // Prometheus: chunkAllocationSize.
const STALE_HI = 0x7ff00000;
const STALE_LO = 2;
const EMPTY: Float64Array = new Float64Array(0);
const EMPTY_ARR: number[] = [];

/**
 * The encoder of a float histogram chunk: its bit stream (header included) and Prometheus's
 * FloatHistogramAppender state. Not safe for concurrent use.
 */
export class FloatHistogramEncoder {
  readonly b: BitWriter;
  num = 0;
  schema = 0;
  zThreshold = 0;
  pSpans: Span[] = [];
  nSpans: Span[] = [];
  customValues: number[] = [];
  t = 0;
  tDelta = 0;
  /** XOR states (XOR_SLOTS each): count, zero count, sum, then the buckets; leading 0xff: none yet. */
  xs: Int32Array = newStates(0);
  /** The last sample's count, zero count and bucket values, for the appendable checks. */
  cnt = 0;
  zCnt = 0;
  pVals: Float64Array = EMPTY;
  nVals: Float64Array = EMPTY;
  readonly expP = new ExpandResult();
  readonly expN = new ExpandResult();

  constructor(b?: BitWriter) {
    this.b = b ?? new BitWriter(new Uint8Array(ALLOCATION_BYTES), HISTOGRAM_HEADER_BYTES, 0);
  }

  /**
   * Prometheus: FloatHistogramChunk.Appender on existing bytes: the state after the chunk's
   * samples, from decoding them (XOR windows as the decoder has them, as in Prometheus).
   */
  static fromDecodeState(b: BitWriter, st: FloatHistogramDecodeState): FloatHistogramEncoder {
    const e = new FloatHistogramEncoder(b);
    e.num = st.numRead;
    e.schema = st.schema;
    e.zThreshold = st.zeroThreshold;
    e.pSpans = st.positiveSpans;
    e.nSpans = st.negativeSpans;
    e.customValues = st.customValues;
    e.t = st.t;
    e.tDelta = st.tDelta;
    e.xs = st.xs.length > 0 ? st.xs : newStates(0);
    if (st.numRead === 0) e.xs = newStates(0);
    e.pVals = new Float64Array(st.numPositive);
    e.nVals = new Float64Array(st.numNegative);
    e.#syncValues();
    return e;
  }

  // Refreshes the plain values from the XOR states.
  #syncValues(): void {
    const xs = this.xs;
    const v = (k: number): number => {
      i32[HI] = xs[k * XOR_SLOTS]!;
      i32[LO] = xs[k * XOR_SLOTS + 1]!;
      return f64[0]!;
    };
    this.cnt = v(CNT);
    this.zCnt = v(ZCNT);
    for (let i = 0; i < this.pVals.length; i++) this.pVals[i] = v(FIRST_BUCKET + i);
    for (let i = 0; i < this.nVals.length; i++) this.nVals[i] = v(FIRST_BUCKET + this.pVals.length + i);
  }

  header(): number {
    return this.b.buf[2]! & COUNTER_RESET_HEADER_MASK;
  }

  setHeader(h: CounterResetHeader): void {
    const buf = this.b.buf;
    buf[2] = (buf[2]! & ~COUNTER_RESET_HEADER_MASK) | h;
  }

  isStale(): boolean {
    return this.xs[SUM * XOR_SLOTS] === STALE_HI && this.xs[SUM * XOR_SLOTS + 1] === STALE_LO;
  }

  /**
   * Prometheus: FloatHistogramAppender.appendFloatHistogram. Encodes `h` at `t` with no checks:
   * its layout must be this chunk's (or the chunk empty). A stale marker is written as an empty
   * histogram. `h` is not kept.
   */
  appendRaw(t: number, h: FloatHistogram): void {
    const b = this.b;
    const stale = isStaleSum(h.sum);
    const count = stale ? 0 : h.count;
    const zeroCount = stale ? 0 : h.zeroCount;
    const pb = stale ? EMPTY_ARR : h.positiveBuckets;
    const nb = stale ? EMPTY_ARR : h.negativeBuckets;
    b.reserve(48 + 10 * (pb.length + nb.length));
    if (this.num === 0) {
      if (stale) {
        writeLayout(b, 0, 0, [], [], undefined);
        this.#setLayout(0, 0, [], [], []);
      } else {
        writeLayout(b, h.schema, h.zeroThreshold, h.positiveSpans, h.negativeSpans, h.customValues);
        this.#setLayout(
          h.schema,
          h.zeroThreshold,
          h.positiveSpans,
          h.negativeSpans,
          h.schema === CustomBucketsSchema ? (h.customValues ?? []) : [],
        );
      }
      b.reserve(48 + 10 * (pb.length + nb.length));
      putVarbitInt(b, t);
      const xs = this.xs;
      writeRaw(b, xs, CNT, count);
      writeRaw(b, xs, ZCNT, zeroCount);
      writeRaw(b, xs, SUM, h.sum);
      for (let i = 0; i < pb.length; i++) writeRaw(b, xs, FIRST_BUCKET + i, pb[i]!);
      for (let i = 0; i < nb.length; i++) writeRaw(b, xs, FIRST_BUCKET + pb.length + i, nb[i]!);
      this.tDelta = 0;
    } else {
      // The second sample's single delta comes out of the same code (the previous delta is 0).
      const tDelta = t - this.t;
      putVarbitInt(b, tDelta - this.tDelta);
      this.tDelta = tDelta;
      const xs = this.xs;
      writeXor(b, xs, CNT, count);
      writeXor(b, xs, ZCNT, zeroCount);
      writeXor(b, xs, SUM, h.sum);
      const np = this.pVals.length;
      for (let i = 0; i < pb.length; i++) writeXor(b, xs, FIRST_BUCKET + i, pb[i]!);
      for (let i = 0; i < nb.length; i++) writeXor(b, xs, FIRST_BUCKET + np + i, nb[i]!);
    }
    this.num++;
    const buf = b.buf;
    buf[0] = this.num >>> 8;
    buf[1] = this.num & 0xff;
    this.t = t;
    this.cnt = count;
    this.zCnt = zeroCount;
    for (let i = 0; i < pb.length; i++) this.pVals[i] = pb[i]!;
    for (let i = 0; i < nb.length; i++) this.nVals[i] = nb[i]!;
  }

  #setLayout(schema: number, zThreshold: number, pSpans: Span[], nSpans: Span[], customValues: number[]): void {
    this.schema = schema;
    this.zThreshold = zThreshold;
    this.pSpans = pSpans.map((s) => ({ offset: s.offset, length: s.length }));
    this.nSpans = nSpans.map((s) => ({ offset: s.offset, length: s.length }));
    this.customValues = customValues.slice();
    const np = countSpans(pSpans);
    const nn = countSpans(nSpans);
    this.xs = newStates(np + nn);
    this.pVals = np > 0 ? new Float64Array(np) : EMPTY;
    this.nVals = nn > 0 ? new Float64Array(nn) : EMPTY;
  }

  /**
   * Prometheus: FloatHistogramAppender.appendable (counter histograms). APPENDABLE, with the
   * inserts in expP/expN, or the counter reset header of the new chunk `h` needs (see
   * HistogramEncoder.appendable).
   */
  appendable(h: FloatHistogram): number {
    this.expP.clear();
    this.expN.clear();
    if (this.num > 0 && this.header() === CounterResetHeader.GaugeType) return CounterResetHeader.CounterReset;
    if (h.counterResetHint === CounterResetHint.CounterReset) return CounterResetHeader.CounterReset;
    if (isStaleSum(h.sum)) return APPENDABLE;
    if (this.isStale()) return CounterResetHeader.UnknownCounterReset;
    if (h.count < this.cnt) return CounterResetHeader.CounterReset;
    if (h.schema !== this.schema || h.zeroThreshold !== this.zThreshold) return CounterResetHeader.UnknownCounterReset;
    if (h.schema === CustomBucketsSchema && !customValuesMatch(h.customValues, this.customValues)) {
      return CounterResetHeader.CounterReset;
    }
    if (h.zeroCount < this.zCnt) return CounterResetHeader.CounterReset;
    if (!expandSpansAndBuckets(this.pSpans, h.positiveSpans, this.pVals, h.positiveBuckets, false, this.expP)) {
      return CounterResetHeader.CounterReset;
    }
    if (!expandSpansAndBuckets(this.nSpans, h.negativeSpans, this.nVals, h.negativeBuckets, false, this.expN)) {
      return CounterResetHeader.CounterReset;
    }
    return APPENDABLE;
  }

  /** Prometheus: FloatHistogramAppender.appendableGauge (see HistogramEncoder.appendableGauge). */
  appendableGauge(h: FloatHistogram): [Span[], Span[]] | null {
    this.expP.clear();
    this.expN.clear();
    if (this.num > 0 && this.header() !== CounterResetHeader.GaugeType) return null;
    if (isStaleSum(h.sum)) return [h.positiveSpans, h.negativeSpans];
    if (this.isStale()) return null;
    if (h.schema !== this.schema || h.zeroThreshold !== this.zThreshold) return null;
    if (h.schema === CustomBucketsSchema && !customValuesMatch(h.customValues, this.customValues)) return null;
    return [
      expandSpansBothWays(this.pSpans, h.positiveSpans, this.expP),
      expandSpansBothWays(this.nSpans, h.negativeSpans, this.expN),
    ];
  }

  /**
   * Prometheus: FloatHistogramAppender.recode. Re-encodes this chunk's samples into `into` (an
   * empty encoder) with the forward inserts' buckets added (0) and the given spans, keeping the
   * counter reset header.
   */
  recodeInto(
    into: FloatHistogramEncoder,
    pInserts: readonly Insert[],
    nInserts: readonly Insert[],
    pSpans: Span[],
    nSpans: Span[],
  ): void {
    const np = countSpans(pSpans);
    const nn = countSpans(nSpans);
    const it = new FloatHistogramIterator(this.b.bytes());
    const h: FloatHistogram = {
      counterResetHint: CounterResetHint.Unknown,
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 0,
      sum: 0,
      positiveSpans: pSpans,
      negativeSpans: nSpans,
      positiveBuckets: [],
      negativeBuckets: [],
    };
    while (it.next() !== 0) {
      const old = it.atFloatHistogram();
      h.schema = old.schema;
      h.zeroThreshold = old.zeroThreshold;
      h.count = old.count;
      h.zeroCount = old.zeroCount;
      h.sum = old.sum;
      if (old.customValues !== undefined) h.customValues = old.customValues;
      else delete h.customValues;
      h.positiveBuckets =
        pInserts.length > 0
          ? insertBuckets(old.positiveBuckets, new Array<number>(np), pInserts, false)
          : old.positiveBuckets;
      h.negativeBuckets =
        nInserts.length > 0
          ? insertBuckets(old.negativeBuckets, new Array<number>(nn), nInserts, false)
          : old.negativeBuckets;
      into.appendRaw(it.atT(), h);
    }
    const err = it.err();
    if (err !== undefined) throw err;
    into.setHeader(this.header() as CounterResetHeader);
  }
}

function newStates(buckets: number): Int32Array {
  const xs = new Int32Array((FIRST_BUCKET + buckets) * XOR_SLOTS);
  for (let k = 2; k < xs.length; k += XOR_SLOTS) xs[k] = 0xff;
  return xs;
}

// The first sample's raw 64 bits of `v`, which also become state `k`'s value.
function writeRaw(b: BitWriter, xs: Int32Array, k: number, v: number): void {
  f64[0] = v;
  const hi = i32[HI]!;
  const lo = i32[LO]!;
  b.writeBits64(hi, lo >>> 0, 64);
  xs[k * XOR_SLOTS] = hi;
  xs[k * XOR_SLOTS + 1] = lo;
}

function writeXor(b: BitWriter, xs: Int32Array, k: number, v: number): void {
  f64[0] = v;
  xorWriteSlot(b, xs, k, i32[HI]!, i32[LO]!);
}
