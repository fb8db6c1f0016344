// Prometheus: model/histogram/histogram.go Histogram (Compact, Equals, String)
import { type Histogram, histogramToFloat } from '@tsprom/storage-interfaces';
import { absoluteToDeltas, compactBuckets, deltasToAbsolute } from './buckets.js';
import { floatHistogramEquals, floatHistogramString } from './float-histogram.js';

/** Prometheus: Histogram.Compact. As compactFloatHistogram, on delta-encoded buckets (in place). */
export function compactHistogram(h: Histogram, maxEmptyBuckets: number): Histogram {
  const p = compactBuckets(h.positiveSpans, deltasToAbsolute(h.positiveBuckets), maxEmptyBuckets);
  const n = compactBuckets(h.negativeSpans, deltasToAbsolute(h.negativeBuckets), maxEmptyBuckets);
  h.positiveSpans = p.spans;
  h.positiveBuckets = absoluteToDeltas(p.buckets);
  h.negativeSpans = n.spans;
  h.negativeBuckets = absoluteToDeltas(n.buckets);
  return h;
}

/** Prometheus: Histogram.Equals. See floatHistogramEquals. */
export function histogramEquals(a: Histogram, b: Histogram): boolean {
  return floatHistogramEquals(histogramToFloat(a), histogramToFloat(b));
}

/** Prometheus: Histogram.String. */
export function histogramString(h: Histogram): string {
  return floatHistogramString(histogramToFloat(h));
}
