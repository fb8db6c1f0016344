// Prometheus: promql/promqltest/test.go compareNativeHistogram
import { compactFloatHistogram, forEachBucket, usesCustomBuckets } from '@tsprom/histogram';
import { copyFloatHistogram, type FloatHistogram, type Span } from '@tsprom/storage-interfaces';
import { almostEqual } from '../functions/histogram-quantile.js';

const defaultEpsilon = 0.000001;

function sideMatches(sa: Span[], ba: number[], sb: Span[], bb: number[]): boolean {
  const a: number[] = [];
  const b: number[] = [];
  forEachBucket(sa, ba, (i, c) => a.push(i, c));
  forEachBucket(sb, bb, (i, c) => b.push(i, c));
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] !== b[i] || !almostEqual(a[i + 1]!, b[i + 1]!, defaultEpsilon)) return false;
  }
  return true;
}

/**
 * Both histograms compacted (no empty buckets) have the same schema, zero threshold, custom bounds
 * and bucket layout, and counts, sum and bucket counts equal within the harness's epsilon.
 */
export function histogramsMatch(expected: FloatHistogram, got: FloatHistogram): boolean {
  const exp = compactFloatHistogram(copyFloatHistogram(expected), 0);
  const cur = compactFloatHistogram(copyFloatHistogram(got), 0);
  if (exp.schema !== cur.schema) return false;
  if (!almostEqual(exp.count, cur.count, defaultEpsilon) || !almostEqual(exp.sum, cur.sum, defaultEpsilon))
    return false;
  if (usesCustomBuckets(exp)) {
    const a = exp.customValues ?? [];
    const b = cur.customValues ?? [];
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) return false;
  }
  if (exp.zeroThreshold !== cur.zeroThreshold || !almostEqual(exp.zeroCount, cur.zeroCount, defaultEpsilon))
    return false;
  return (
    sideMatches(exp.negativeSpans, exp.negativeBuckets, cur.negativeSpans, cur.negativeBuckets) &&
    sideMatches(exp.positiveSpans, exp.positiveBuckets, cur.positiveSpans, cur.positiveBuckets)
  );
}
