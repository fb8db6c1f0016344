// Prometheus: storage/remote/otlptranslator/prometheusremotewrite/histograms.go
// (exponentialToNativeHistogram, explicitHistogramToCustomBucketsHistogram, convertBucketsLayout):
// OTLP exponential histograms as native histograms, and OTLP explicit-bucket histograms as native
// histograms with custom buckets (NHCB), in Remote Write 1.0 form.
import { CustomBucketsSchema, StaleNaN } from '@tsprom/storage-interfaces';
import {
  AggregationTemporality,
  int64ToNumber,
  nanosToMs,
  noRecordedValue,
  type OTLPExponentialHistogramDataPoint,
  type OTLPHistogramDataPoint,
  type PbInt64,
} from './otlp-types.js';
import { type PbBucketSpan, type PbHistogram, PbResetHint } from './proto-histogram.js';

/** Prometheus: defaultZeroThreshold (OTLP's zero_threshold is not used yet, as in Prometheus). */
export const DEFAULT_ZERO_THRESHOLD = 1e-128;

/** An exponential histogram that has no native-histogram equivalent (scale below -4). */
export class UnsupportedExponentialScaleError extends Error {
  override readonly name = 'UnsupportedExponentialScaleError';
  constructor(readonly scale: number) {
    super(`cannot convert exponential to native histogram. Scale must be >= -4, was ${scale}`);
  }
}

/** A converted data point, with the warnings Prometheus gives as annotations. */
export interface ConvertedHistogram {
  readonly histogram: PbHistogram;
  readonly warnings: readonly string[];
}

/**
 * Prometheus: convertBucketsLayout. OTLP dense bucket counts (starting at `offset`) as native
 * histogram spans and deltas, merging 2^scaleDown buckets into one. With `adjustOffset`
 * (exponential histograms) the indexes move by one: OTLP's bucket 0 is (1, base], Prometheus's is
 * (1/base, 1]. Gaps of more than two empty buckets start a new span, as client_golang does.
 */
export function convertBucketsLayout(
  bucketCounts: readonly PbInt64[],
  offset: number,
  scaleDown: number,
  adjustOffset: boolean,
): { spans: PbBucketSpan[]; deltas: number[] } {
  const spans: PbBucketSpan[] = [];
  const deltas: number[] = [];
  const n = bucketCounts.length;
  if (n === 0) return { spans, deltas };
  let count = 0;
  let prevCount = 0;
  const appendDelta = (c: number): void => {
    spans[spans.length - 1]!.length++;
    deltas.push(c - prevCount);
    prevCount = c;
  };
  // Go: `x>>s + 1` is `(x>>s) + 1`; the shift is arithmetic on int32 in both languages.
  let bucketIdx = (offset >> scaleDown) + 1;
  const initialOffset = adjustOffset ? (offset >> scaleDown) + 1 : offset;
  spans.push({ offset: initialOffset, length: 0 });
  for (let i = 0; i < n; i++) {
    const nextBucketIdx = ((i + offset) >> scaleDown) + 1;
    const c = int64ToNumber(bucketCounts[i]);
    if (bucketIdx === nextBucketIdx) {
      // Not yet enough buckets collected to merge.
      count += c;
      continue;
    }
    if (count === 0) {
      count = c;
      continue;
    }
    const gap = nextBucketIdx - bucketIdx - 1;
    if (gap > 2) spans.push({ offset: gap, length: 0 });
    else for (let j = 0; j < gap; j++) appendDelta(0);
    appendDelta(count);
    count = c;
    bucketIdx = nextBucketIdx;
  }
  // The last bucket's index, scaled and adjusted as above.
  const gap = ((n + offset - 1) >> scaleDown) + 1 - bucketIdx;
  if (gap > 2) spans.push({ offset: gap, length: 0 });
  else for (let j = 0; j < gap; j++) appendDelta(0);
  appendDelta(count);
  return { spans, deltas };
}

function sumCounts(counts: readonly PbInt64[] | null | undefined): number {
  let s = 0;
  for (const c of counts ?? []) s += int64ToNumber(c);
  return s;
}

/** Count, sum and the zero-count-but-sum warning, or a stale marker for a point without value. */
function countAndSum(
  h: PbHistogram,
  dp: { count?: PbInt64; sum?: number | null; flags?: number | null },
  bucketTotal: number,
  kind: string,
): string[] {
  const count = int64ToNumber(dp.count);
  if (noRecordedValue(dp)) {
    // Prometheus puts the stale NaN bits in Count too: not a safe integer here. The chunk stores a
    // stale marker without count, so any count at least the buckets' total (as validation asks
    // for a NaN sum) stores the same thing.
    h.sum = StaleNaN;
    h.countInt = Math.max(count, bucketTotal);
    return [];
  }
  if (dp.sum !== null && dp.sum !== undefined) h.sum = dp.sum;
  h.countInt = count;
  if (count === 0 && h.sum !== 0) {
    return [`${kind} histogram data point has zero count, but non-zero sum: ${h.sum.toFixed(6)}`];
  }
  return [];
}

/**
 * Prometheus: exponentialToNativeHistogram. The scale becomes the schema (scales above 8 are
 * merged down to 8; below -4 throws UnsupportedExponentialScaleError); the zero bucket keeps its
 * count with Prometheus's default threshold; the sum is set only when the point has one. Delta
 * temporality gives the gauge reset hint, cumulative the unknown one (the storage detects resets).
 */
export function exponentialToNativeHistogram(
  dp: OTLPExponentialHistogramDataPoint,
  temporality: AggregationTemporality,
): ConvertedHistogram {
  let scale = dp.scale ?? 0;
  if (scale < -4) throw new UnsupportedExponentialScaleError(scale);
  let scaleDown = 0;
  if (scale > 8) {
    scaleDown = scale - 8;
    scale = 8;
  }
  const pos = convertBucketsLayout(dp.positive?.bucketCounts ?? [], dp.positive?.offset ?? 0, scaleDown, true);
  const neg = convertBucketsLayout(dp.negative?.bucketCounts ?? [], dp.negative?.offset ?? 0, scaleDown, true);
  const zeroCount = int64ToNumber(dp.zeroCount);
  const h: PbHistogram = {
    countInt: 0,
    countFloat: undefined,
    sum: 0,
    schema: scale,
    zeroThreshold: DEFAULT_ZERO_THRESHOLD,
    zeroCountInt: zeroCount,
    zeroCountFloat: undefined,
    negativeSpans: neg.spans,
    negativeDeltas: neg.deltas,
    negativeCounts: [],
    positiveSpans: pos.spans,
    positiveDeltas: pos.deltas,
    positiveCounts: [],
    resetHint: temporality === AggregationTemporality.Delta ? PbResetHint.GAUGE : PbResetHint.UNKNOWN,
    timestamp: nanosToMs(dp.timeUnixNano),
    customValues: [],
    startTimestamp: 0,
  };
  const total = zeroCount + sumCounts(dp.positive?.bucketCounts) + sumCounts(dp.negative?.bucketCounts);
  return { histogram: h, warnings: countAndSum(h, dp, total, 'exponential') };
}

/**
 * Prometheus: explicitHistogramToCustomBucketsHistogram. The explicit bounds become the custom
 * values (OTLP's implicit +Inf bucket is NHCB's last one); leading empty buckets are skipped by
 * the span's offset.
 */
export function explicitHistogramToCustomBucketsHistogram(
  dp: OTLPHistogramDataPoint,
  temporality: AggregationTemporality,
): ConvertedHistogram {
  const buckets = dp.bucketCounts ?? [];
  let offset = 0;
  while (offset < buckets.length && int64ToNumber(buckets[offset]) === 0) offset++;
  const pos = convertBucketsLayout(buckets.slice(offset), offset, 0, false);
  const h: PbHistogram = {
    countInt: 0,
    countFloat: undefined,
    sum: 0,
    schema: CustomBucketsSchema,
    zeroThreshold: 0,
    zeroCountInt: 0,
    zeroCountFloat: undefined,
    negativeSpans: [],
    negativeDeltas: [],
    negativeCounts: [],
    positiveSpans: pos.spans,
    positiveDeltas: pos.deltas,
    positiveCounts: [],
    resetHint: temporality === AggregationTemporality.Delta ? PbResetHint.GAUGE : PbResetHint.UNKNOWN,
    timestamp: nanosToMs(dp.timeUnixNano),
    customValues: (dp.explicitBounds ?? []).slice(),
    startTimestamp: 0,
  };
  return { histogram: h, warnings: countAndSum(h, dp, sumCounts(buckets), 'explicit') };
}
