// Prometheus: scrape/target.go bucketLimitAppender, maxSchemaAppender; scrape/scrape.go pickSchema;
// model/histogram/histogram.go Histogram.ReduceResolution, float_histogram.go ReduceResolution.
import {
  absoluteToDeltas,
  deltasToAbsolute,
  ExponentialSchemaMax,
  ExponentialSchemaMin,
  isExponentialSchema,
  reduceResolution,
} from '@tsprom/histogram';
import type { FloatHistogram, Histogram } from '@tsprom/storage-interfaces';

/**
 * Prometheus pickSchema: the highest schema whose bucket growth factor is at least `bucketFactor`
 * (`native_histogram_min_bucket_factor`); 0 or anything up to 1 means no limit (schema 8).
 */
export function pickSchema(bucketFactor: number): number {
  const factor = bucketFactor <= 1 ? 1.00271 : bucketFactor;
  const floor = Math.floor(-Math.log2(Math.log2(factor)));
  if (floor >= ExponentialSchemaMax) return ExponentialSchemaMax;
  if (floor <= ExponentialSchemaMin) return ExponentialSchemaMin;
  return floor | 0; // An int32, as in Go (no -0).
}

/**
 * Prometheus Histogram.ReduceResolution / FloatHistogram.ReduceResolution, in place: the buckets
 * merged into those of the lower `targetSchema` (exponential schemas only; `targetSchema` below
 * the histogram's). `deltas`: the buckets are delta-encoded (an integer histogram).
 */
export function reduceHistogramResolution(h: Histogram | FloatHistogram, targetSchema: number, deltas: boolean): void {
  const pos = reduceResolution(
    h.positiveSpans,
    deltas ? deltasToAbsolute(h.positiveBuckets) : h.positiveBuckets,
    h.schema,
    targetSchema,
  );
  const neg = reduceResolution(
    h.negativeSpans,
    deltas ? deltasToAbsolute(h.negativeBuckets) : h.negativeBuckets,
    h.schema,
    targetSchema,
  );
  h.positiveSpans = pos.spans;
  h.positiveBuckets = deltas ? absoluteToDeltas(pos.buckets) : pos.buckets;
  h.negativeSpans = neg.spans;
  h.negativeBuckets = deltas ? absoluteToDeltas(neg.buckets) : neg.buckets;
  h.schema = targetSchema;
}

/**
 * Prometheus maxSchemaAppender: a histogram of an exponential schema above `maxSchema` has its
 * resolution reduced to `maxSchema` (in place).
 */
export function capHistogramSchema(h: Histogram | FloatHistogram, maxSchema: number, deltas: boolean): void {
  if (isExponentialSchema(h.schema) && h.schema > maxSchema) reduceHistogramResolution(h, maxSchema, deltas);
}

/**
 * Prometheus bucketLimitAppender: halves the resolution of `h` (in place) until it has at most
 * `limit` buckets, positive and negative together. False when that is impossible: custom buckets
 * (NHCB) cannot be merged, and the lowest schema may still have too many.
 */
export function limitHistogramBuckets(h: Histogram | FloatHistogram, limit: number, deltas: boolean): boolean {
  if (h.positiveBuckets.length + h.negativeBuckets.length <= limit) return true;
  if (!isExponentialSchema(h.schema)) return false;
  while (h.positiveBuckets.length + h.negativeBuckets.length > limit) {
    if (h.schema <= ExponentialSchemaMin) return false;
    reduceHistogramResolution(h, h.schema - 1, deltas);
  }
  return true;
}
