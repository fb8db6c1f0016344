// Prometheus: model/histogram/histogram.go, float_histogram.go (data only; the arithmetic lives with
// the native-histogram support in chunkenc and promql).

/** A run of consecutive buckets: `offset` is the gap from the previous span's end (or from 0). */
export interface Span {
  offset: number;
  length: number;
}

/** Prometheus: histogram.CounterResetHint */
export const CounterResetHint = {
  Unknown: 0,
  CounterReset: 1,
  NotCounterReset: 2,
  Gauge: 3,
} as const;
export type CounterResetHint = (typeof CounterResetHint)[keyof typeof CounterResetHint];

/**
 * An integer native histogram. Bucket counts are deltas: each is the difference to the previous
 * bucket's count (the first to 0), as Prometheus stores them. Schema -53 means custom buckets, whose
 * upper bounds are in `customValues`.
 */
export interface Histogram {
  counterResetHint: CounterResetHint;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  positiveBuckets: number[];
  negativeBuckets: number[];
  customValues?: number[];
}

/** A float native histogram. Bucket counts are absolute, not deltas. */
export interface FloatHistogram {
  counterResetHint: CounterResetHint;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  positiveBuckets: number[];
  negativeBuckets: number[];
  customValues?: number[];
}

/** Schema number of native histograms with custom bucket boundaries (NHCB). */
export const CustomBucketsSchema = -53;

/**
 * The synthetic zero of a created (start) timestamp for a histogram sample like `h`: same schema,
 * zero threshold and custom bounds (so that the next sample sees no layout change), no buckets,
 * zero count and sum, counter reset hint CounterReset (Prometheus: headAppender.AppendHistogramSTZeroSample).
 */
export function zeroHistogramLike<H extends Histogram | FloatHistogram>(h: H): H {
  const z: Histogram = {
    counterResetHint: CounterResetHint.CounterReset,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: [],
    negativeSpans: [],
    positiveBuckets: [],
    negativeBuckets: [],
  };
  if (h.customValues !== undefined) z.customValues = h.customValues;
  return z as H;
}
