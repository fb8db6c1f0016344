// Prometheus: model/histogram/histogram.go Histogram.ToFloat, Copy; float_histogram.go Copy
import type { FloatHistogram, Histogram } from './histogram.js';

/**
 * Prometheus: Histogram.ToFloat. The float form of an integer histogram: delta-encoded bucket
 * counts become absolute counts. Spans are copied; `customValues` is shared (it is never mutated).
 */
export function histogramToFloat(h: Histogram): FloatHistogram {
  const fh: FloatHistogram = {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: deltasToAbsolute(h.positiveBuckets),
    negativeBuckets: deltasToAbsolute(h.negativeBuckets),
  };
  if (h.customValues !== undefined) fh.customValues = h.customValues;
  return fh;
}

function deltasToAbsolute(deltas: readonly number[]): number[] {
  const out = new Array<number>(deltas.length);
  let cur = 0;
  for (let i = 0; i < deltas.length; i++) {
    cur += deltas[i]!;
    out[i] = cur;
  }
  return out;
}

/** Prometheus: Histogram.Copy. A deep copy (spans and buckets are new arrays; customValues shared). */
export function copyHistogram(h: Histogram): Histogram {
  const c: Histogram = {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: h.positiveBuckets.slice(),
    negativeBuckets: h.negativeBuckets.slice(),
  };
  if (h.customValues !== undefined) c.customValues = h.customValues;
  return c;
}

/** Prometheus: FloatHistogram.Copy. A deep copy (spans and buckets are new arrays; customValues shared). */
export function copyFloatHistogram(h: FloatHistogram): FloatHistogram {
  return copyHistogram(h);
}
