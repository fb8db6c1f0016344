// Prometheus: tsdb/chunkenc/histogram_meta.go writeHistogramChunkLayout, readHistogramChunkLayout,
// putZeroThreshold, readZeroThreshold, putHistogramChunkLayoutSpans, putCustomBound and their
// readers: the chunk layout that the first sample of a histogram chunk dictates (schema, zero
// threshold, positive and negative spans, custom bucket bounds of schema -53).
import type { Span } from '@tsprom/storage-interfaces';
import { CustomBucketsSchema } from '@tsprom/storage-interfaces';
import type { BitWriter } from './bit-writer.js';
import type { BstreamReader } from './bstream-reader.js';
import { ChunkEncodingError } from './errors.js';
import { f64, HI, i32, LO } from './float-bits.js';
import { putVarbitInt, putVarbitUint, readVarbitInt, readVarbitUint } from './varbit.js';

/**
 * Prometheus: chunkenc.CounterResetHeader. The top two bits of a histogram chunk's flags byte (the
 * third byte): whether a counter reset happened between the previous chunk and this one, or that
 * the chunk holds gauge histograms.
 */
export const CounterResetHeader = {
  /** A counter reset happened between the previous chunk's last sample and this chunk's first. */
  CounterReset: 0b10000000,
  /** No counter reset happened there (the previous chunk was cut for another reason). */
  NotCounterReset: 0b01000000,
  /** The chunk holds gauge histograms, which have no counter resets. */
  GaugeType: 0b11000000,
  /** Unknown: queriers must detect counter resets themselves. Always a safe choice. */
  UnknownCounterReset: 0b00000000,
} as const;
export type CounterResetHeader = (typeof CounterResetHeader)[keyof typeof CounterResetHeader];

/** Prometheus: CounterResetHeaderMask, the flag bits holding the counter reset header. */
export const COUNTER_RESET_HEADER_MASK = 0b11000000;

/** The part of a histogram that all samples of one chunk share. */
export interface HistogramLayout {
  schema: number;
  zeroThreshold: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  /** Bucket upper bounds of schema -53 (custom buckets); empty otherwise. */
  customValues: number[];
}

const EXP_MASK = 0x7ff00000;
const MANTISSA_HI_MASK = 0x000fffff;

/** Prometheus: putZeroThreshold. 0 → one zero byte; 2^-243..2^10 → one byte; else 255 and 64 bits. */
export function putZeroThreshold(b: BitWriter, threshold: number): void {
  if (threshold === 0) {
    b.writeByte(0);
    return;
  }
  f64[0] = threshold;
  const hi = i32[HI]!;
  const lo = i32[LO]!;
  // Go: frac, exp := math.Frexp(threshold); frac == 0.5 means a positive power of two 2^(exp-1).
  const biased = (hi & EXP_MASK) >>> 20;
  const exp = biased - 1022;
  if (
    hi > 0 &&
    lo === 0 &&
    (hi & MANTISSA_HI_MASK) === 0 &&
    biased !== 0 &&
    biased !== 0x7ff &&
    exp >= -242 &&
    exp <= 11
  ) {
    b.writeByte(exp + 243);
    return;
  }
  b.writeByte(255);
  b.writeBits64(hi, lo >>> 0, 64);
}

/** Prometheus: readZeroThreshold. */
export function readZeroThreshold(r: BstreamReader): number {
  const v = r.readBits(8);
  if (v === 0) return 0;
  if (v === 255) {
    i32[HI] = r.readBits(32);
    i32[LO] = r.readBits(32);
    return f64[0]!;
  }
  return 2 ** (v - 244); // Go: math.Ldexp(0.5, v-243).
}

/** Prometheus: putHistogramChunkLayoutSpans. The span count, then each span's length and offset. */
export function putSpans(b: BitWriter, spans: readonly Span[]): void {
  b.reserve(9 + spans.length * 18);
  putVarbitUint(b, spans.length);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    putVarbitUint(b, s.length);
    putVarbitInt(b, s.offset);
  }
}

/** Prometheus: readHistogramChunkLayoutSpans. */
export function readSpans(r: BstreamReader): Span[] {
  const n = readVarbitUint(r);
  // Each span takes at least 2 bits: a count beyond what is left is corrupt (and must not allocate).
  if (n * 2 > r.endBits - r.pos) throw new ChunkEncodingError(`histogram chunk layout: ${n} spans overrun the chunk`);
  const spans = new Array<Span>(n);
  for (let i = 0; i < n; i++) {
    const length = readVarbitUint(r);
    const offset = readVarbitInt(r);
    if (length > 0xffffffff || offset > 0x7fffffff || offset < -0x80000000) {
      throw new ChunkEncodingError(
        `histogram chunk layout: span ${i} {offset ${offset}, length ${length}} out of range`,
      );
    }
    spans[i] = { offset, length };
  }
  return spans;
}

/**
 * Prometheus: putCustomBound. A bound x with 1000x an integer in 0..33554430 is stored as the
 * varbit uint 1000x+1 (starting with a 1 bit); any other as a 0 bit and the 64 bits of x.
 */
function putCustomBound(b: BitWriter, x: number): void {
  const y = x * 1000;
  if (y >= 0 && y <= 33554430 && Math.floor(y) === y) {
    putVarbitUint(b, y + 1);
    return;
  }
  b.writeBit(0);
  f64[0] = x;
  b.writeBits64(i32[HI]!, i32[LO]! >>> 0, 64);
}

/** Prometheus: readCustomBound. */
function readCustomBound(r: BstreamReader): number {
  if (r.peek() >= 0) {
    r.pos++; // A 0 bit: the float's 64 bits follow.
    i32[HI] = r.readBits(32);
    i32[LO] = r.readBits(32);
    return f64[0]!;
  }
  return (readVarbitUint(r) - 1) / 1000;
}

/**
 * Prometheus: writeHistogramChunkLayout. Zero threshold, schema, positive and negative spans, and
 * for schema -53 the custom bounds.
 */
export function writeLayout(
  b: BitWriter,
  schema: number,
  zeroThreshold: number,
  positiveSpans: readonly Span[],
  negativeSpans: readonly Span[],
  customValues: readonly number[] | undefined,
): void {
  b.reserve(18);
  putZeroThreshold(b, zeroThreshold);
  putVarbitInt(b, schema);
  putSpans(b, positiveSpans);
  putSpans(b, negativeSpans);
  if (schema === CustomBucketsSchema) {
    const cv = customValues ?? [];
    b.reserve(9 + cv.length * 9);
    putVarbitUint(b, cv.length);
    for (let i = 0; i < cv.length; i++) putCustomBound(b, cv[i]!);
  }
}

/** Prometheus: readHistogramChunkLayout. Throws ChunkEncodingError on malformed data. */
export function readLayout(r: BstreamReader): HistogramLayout {
  const zeroThreshold = readZeroThreshold(r);
  const schema = readVarbitInt(r);
  const positiveSpans = readSpans(r);
  const negativeSpans = readSpans(r);
  let customValues: number[] = [];
  if (schema === CustomBucketsSchema) {
    const n = readVarbitUint(r);
    if (n > r.endBits - r.pos)
      throw new ChunkEncodingError(`histogram chunk layout: ${n} custom values overrun the chunk`);
    customValues = new Array<number>(n);
    for (let i = 0; i < n; i++) customValues[i] = readCustomBound(r);
  }
  if (r.overrun()) throw new ChunkEncodingError('histogram chunk layout: unexpected end of chunk');
  return { schema, zeroThreshold, positiveSpans, negativeSpans, customValues };
}

/** Prometheus: countSpans. The number of buckets the spans describe. */
export function countSpans(spans: readonly Span[]): number {
  let n = 0;
  for (let i = 0; i < spans.length; i++) n += spans[i]!.length;
  return n;
}
