// Prometheus: tsdb/chunkenc/histogram.go HistogramAppender (its state, appendHistogram, appendable,
// appendableGauge, recode, recodeHistogram). The decisions of AppendHistogram (cut, recode or
// append) are HistogramChunk's; this file writes samples and answers the questions they need.
import type { Histogram, Span } from '@tsprom/storage-interfaces';
import { CounterResetHint, CustomBucketsSchema } from '@tsprom/storage-interfaces';
import { BitWriter } from './bit-writer.js';
import { f64, HI, i32, LO } from './float-bits.js';
import { HISTOGRAM_HEADER_BYTES, type HistogramDecodeState, HistogramIterator } from './histogram-iterator.js';
import { COUNTER_RESET_HEADER_MASK, CounterResetHeader, countSpans, writeLayout } from './histogram-layout.js';
import {
  ExpandResult,
  expandSpansAndBuckets,
  expandSpansBothWays,
  type Insert,
  insertBuckets,
} from './histogram-meta.js';
import { putVarbitInt, putVarbitUint } from './varbit.js';
import { xorWriteSlot } from './xor-slots.js';

const ALLOCATION_BYTES = 128; // Prometheus: chunkAllocationSize.
const STALE_HI = 0x7ff00000;
const STALE_LO = 2;
const EMPTY: Float64Array = new Float64Array(0);

/** `appendable` result: the sample can go into this chunk (with the inserts found). */
export const APPENDABLE = -1;

/** Whether two custom bucket bound lists are the same (Prometheus: histogram.FloatBucketsMatch). */
export function customValuesMatch(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i]) && x[i] !== y[i]) return false;
  return true;
}

/** True if `v`'s bits are the stale marker's. */
export function isStaleSum(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  f64[0] = v;
  return i32[HI] === STALE_HI && i32[LO] === STALE_LO;
}

/**
 * Throws RangeError naming what is wrong unless `h` can be encoded: `t` a safe integer, bucket
 * arrays as long as the spans say, and for an integer histogram (`integer`) counts that are
 * non-negative safe integers and bucket deltas that are safe integers.
 */
export function checkHistogram(
  t: number,
  h: {
    count: number;
    zeroCount: number;
    positiveSpans: Span[];
    negativeSpans: Span[];
    positiveBuckets: number[];
    negativeBuckets: number[];
  },
  integer: boolean,
): void {
  if (!Number.isSafeInteger(t)) throw new RangeError(`histogram sample: timestamp ${t} is not a safe integer`);
  const np = countSpans(h.positiveSpans);
  const nn = countSpans(h.negativeSpans);
  if (np !== h.positiveBuckets.length || nn !== h.negativeBuckets.length) {
    throw new RangeError(
      `histogram at t=${t}: spans describe ${np} positive and ${nn} negative buckets, but it has ${h.positiveBuckets.length} and ${h.negativeBuckets.length}`,
    );
  }
  if (!integer) return;
  if (!(Number.isSafeInteger(h.count) && h.count >= 0 && Number.isSafeInteger(h.zeroCount) && h.zeroCount >= 0)) {
    throw new RangeError(
      `histogram at t=${t}: count ${h.count} and zero count ${h.zeroCount} must be non-negative integers`,
    );
  }
  checkDeltas(t, h.positiveBuckets, 'positive');
  checkDeltas(t, h.negativeBuckets, 'negative');
}

function checkDeltas(t: number, bs: readonly number[], which: string): void {
  for (let i = 0; i < bs.length; i++) {
    if (!Number.isSafeInteger(bs[i]))
      throw new RangeError(`histogram at t=${t}: ${which} bucket ${i} delta ${bs[i]} is not an integer`);
  }
}

/**
 * The encoder of an integer histogram chunk: its bit stream (header included) and Prometheus's
 * HistogramAppender state. Not safe for concurrent use.
 */
export class HistogramEncoder {
  readonly b: BitWriter;
  num = 0;
  schema = 0;
  zThreshold = 0;
  pSpans: Span[] = [];
  nSpans: Span[] = [];
  customValues: number[] = [];
  t = 0;
  cnt = 0;
  zCnt = 0;
  tDelta = 0;
  cntDelta = 0;
  zCntDelta = 0;
  pBuckets: Float64Array = EMPTY;
  pBucketsDelta: Float64Array = EMPTY;
  nBuckets: Float64Array = EMPTY;
  nBucketsDelta: Float64Array = EMPTY;
  /** XOR state of the sum: high bits, low bits, leading (0xff: none yet), trailing. */
  readonly sum = Int32Array.of(0, 0, 0xff, 0);
  /** The inserts `appendable`/`appendableGauge` found, positive and negative. */
  readonly expP = new ExpandResult();
  readonly expN = new ExpandResult();

  constructor(b?: BitWriter) {
    this.b = b ?? new BitWriter(new Uint8Array(ALLOCATION_BYTES), HISTOGRAM_HEADER_BYTES, 0);
  }

  /**
   * Prometheus: HistogramChunk.Appender on existing bytes: the state an appender would have after
   * the chunk's samples, from decoding them. As in Prometheus, the XOR window of the sum is the
   * decoder's (leading 0 until one was read), so continuing a decoded chunk gives Go's bytes.
   */
  static fromDecodeState(b: BitWriter, st: HistogramDecodeState): HistogramEncoder {
    const e = new HistogramEncoder(b);
    e.num = st.numRead;
    e.schema = st.schema;
    e.zThreshold = st.zeroThreshold;
    e.pSpans = st.positiveSpans;
    e.nSpans = st.negativeSpans;
    e.customValues = st.customValues;
    e.t = st.t;
    e.tDelta = st.tDelta;
    e.cnt = st.cnt;
    e.cntDelta = st.cntDelta;
    e.zCnt = st.zCnt;
    e.zCntDelta = st.zCntDelta;
    e.pBuckets = st.pBuckets;
    e.pBucketsDelta = st.pBucketsDelta;
    e.nBuckets = st.nBuckets;
    e.nBucketsDelta = st.nBucketsDelta;
    e.sum.set(st.sum);
    if (st.numRead === 0) e.sum[2] = 0xff;
    return e;
  }

  header(): number {
    return this.b.buf[2]! & COUNTER_RESET_HEADER_MASK;
  }

  setHeader(h: CounterResetHeader): void {
    const buf = this.b.buf;
    buf[2] = (buf[2]! & ~COUNTER_RESET_HEADER_MASK) | h;
  }

  isStale(): boolean {
    return this.sum[0] === STALE_HI && this.sum[1] === STALE_LO;
  }

  /**
   * Prometheus: HistogramAppender.appendHistogram. Encodes `h` at `t` with no checks: its layout
   * must be this chunk's (or the chunk empty). A stale marker (stale NaN sum) is written as an
   * empty histogram. `h` is not kept.
   */
  appendRaw(t: number, h: Histogram): void {
    const b = this.b;
    const stale = isStaleSum(h.sum);
    const count = stale ? 0 : h.count;
    const zeroCount = stale ? 0 : h.zeroCount;
    const pb = stale ? EMPTY_ARR : h.positiveBuckets;
    const nb = stale ? EMPTY_ARR : h.negativeBuckets;
    f64[0] = h.sum;
    const sumHi = i32[HI]!;
    const sumLo = i32[LO]!;
    let tDelta = 0;
    let cntDelta = 0;
    let zCntDelta = 0;
    b.reserve(48 + 9 * (pb.length + nb.length));
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
      b.reserve(48 + 9 * (pb.length + nb.length));
      putVarbitInt(b, t);
      putVarbitUint(b, count);
      putVarbitUint(b, zeroCount);
      b.writeBits64(sumHi, sumLo >>> 0, 64);
      this.sum[0] = sumHi;
      this.sum[1] = sumLo;
      for (let i = 0; i < pb.length; i++) putVarbitInt(b, pb[i]!);
      for (let i = 0; i < nb.length; i++) putVarbitInt(b, nb[i]!);
    } else {
      // The second sample's single deltas come out of the same code (the previous deltas are 0).
      tDelta = t - this.t;
      cntDelta = count - this.cnt;
      zCntDelta = zeroCount - this.zCnt;
      let cntDod = cntDelta - this.cntDelta;
      let zCntDod = zCntDelta - this.zCntDelta;
      if (stale) {
        cntDod = 0;
        zCntDod = 0;
      }
      putVarbitInt(b, tDelta - this.tDelta);
      putVarbitInt(b, cntDod);
      putVarbitInt(b, zCntDod);
      xorWriteSlot(b, this.sum, 0, sumHi, sumLo);
      const pB = this.pBuckets;
      const pD = this.pBucketsDelta;
      for (let i = 0; i < pb.length; i++) {
        const delta = pb[i]! - pB[i]!;
        putVarbitInt(b, delta - pD[i]!);
        pD[i] = delta;
      }
      const nB = this.nBuckets;
      const nD = this.nBucketsDelta;
      for (let i = 0; i < nb.length; i++) {
        const delta = nb[i]! - nB[i]!;
        putVarbitInt(b, delta - nD[i]!);
        nD[i] = delta;
      }
    }
    this.num++;
    const buf = b.buf;
    buf[0] = this.num >>> 8;
    buf[1] = this.num & 0xff;
    this.t = t;
    this.cnt = count;
    this.zCnt = zeroCount;
    this.tDelta = tDelta;
    this.cntDelta = cntDelta;
    this.zCntDelta = zCntDelta;
    for (let i = 0; i < pb.length; i++) this.pBuckets[i] = pb[i]!;
    for (let i = 0; i < nb.length; i++) this.nBuckets[i] = nb[i]!;
  }

  #setLayout(schema: number, zThreshold: number, pSpans: Span[], nSpans: Span[], customValues: number[]): void {
    this.schema = schema;
    this.zThreshold = zThreshold;
    this.pSpans = pSpans.map((s) => ({ offset: s.offset, length: s.length }));
    this.nSpans = nSpans.map((s) => ({ offset: s.offset, length: s.length }));
    this.customValues = customValues.slice();
    const np = countSpans(pSpans);
    const nn = countSpans(nSpans);
    this.pBuckets = np > 0 ? new Float64Array(np) : EMPTY;
    this.pBucketsDelta = np > 0 ? new Float64Array(np) : EMPTY;
    this.nBuckets = nn > 0 ? new Float64Array(nn) : EMPTY;
    this.nBucketsDelta = nn > 0 ? new Float64Array(nn) : EMPTY;
  }

  /**
   * Prometheus: HistogramAppender.appendable, for counter histograms. Returns APPENDABLE when `h`
   * can go into this chunk (the forward and backward inserts are then in expP/expN), else the
   * counter reset header a new chunk for `h` gets: CounterReset for a drop in any count, a hint
   * of CounterReset, changed custom bounds, or a counter after gauge histograms; Unknown for a
   * schema or zero threshold change and after a stale marker.
   */
  appendable(h: Histogram): number {
    this.expP.clear();
    this.expN.clear();
    if (this.num > 0 && this.header() === CounterResetHeader.GaugeType) return CounterResetHeader.CounterReset;
    if (h.counterResetHint === CounterResetHint.CounterReset) return CounterResetHeader.CounterReset;
    if (isStaleSum(h.sum)) return APPENDABLE; // Its buckets and spans do not matter.
    if (this.isStale()) return CounterResetHeader.UnknownCounterReset; // Only stale markers may follow one.
    if (h.count < this.cnt) return CounterResetHeader.CounterReset;
    if (h.schema !== this.schema || h.zeroThreshold !== this.zThreshold) return CounterResetHeader.UnknownCounterReset;
    if (h.schema === CustomBucketsSchema && !customValuesMatch(h.customValues, this.customValues)) {
      return CounterResetHeader.CounterReset;
    }
    if (h.zeroCount < this.zCnt) return CounterResetHeader.CounterReset;
    if (!expandSpansAndBuckets(this.pSpans, h.positiveSpans, this.pBuckets, h.positiveBuckets, true, this.expP)) {
      return CounterResetHeader.CounterReset;
    }
    if (!expandSpansAndBuckets(this.nSpans, h.negativeSpans, this.nBuckets, h.negativeBuckets, true, this.expN)) {
      return CounterResetHeader.CounterReset;
    }
    return APPENDABLE;
  }

  /**
   * Prometheus: HistogramAppender.appendableGauge. Null when `h` cannot go into this chunk (not a
   * gauge chunk, layout change, or after a stale marker); else the merged spans
   * [positive, negative] covering both layouts, with the inserts in expP/expN.
   */
  appendableGauge(h: Histogram): [Span[], Span[]] | null {
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
   * Prometheus: HistogramAppender.recode. Re-encodes this chunk's samples into `into` (an empty
   * encoder) with the buckets of the forward inserts added (empty) and the given spans, keeping
   * the counter reset header.
   */
  recodeInto(
    into: HistogramEncoder,
    pInserts: readonly Insert[],
    nInserts: readonly Insert[],
    pSpans: Span[],
    nSpans: Span[],
  ): void {
    const np = countSpans(pSpans);
    const nn = countSpans(nSpans);
    const it = new HistogramIterator(this.b.bytes());
    const h: Histogram = {
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
      const old = it.atHistogram();
      h.schema = old.schema;
      h.zeroThreshold = old.zeroThreshold;
      h.count = old.count;
      h.zeroCount = old.zeroCount;
      h.sum = old.sum;
      if (old.customValues !== undefined) h.customValues = old.customValues;
      else delete h.customValues;
      h.positiveBuckets =
        pInserts.length > 0
          ? insertBuckets(old.positiveBuckets, new Array<number>(np), pInserts, true)
          : old.positiveBuckets;
      h.negativeBuckets =
        nInserts.length > 0
          ? insertBuckets(old.negativeBuckets, new Array<number>(nn), nInserts, true)
          : old.negativeBuckets;
      into.appendRaw(it.atT(), h);
    }
    const err = it.err();
    if (err !== undefined) throw err;
    into.setHeader(this.header() as CounterResetHeader);
  }
}

const EMPTY_ARR: number[] = [];
