// Prometheus: model/histogram/float_histogram.go CustomBucketBoundsMatch, intersectCustomBucketBounds,
// addCustomBucketsWithMismatches
import type { Span } from '@tsprom/storage-interfaces';
import { type BucketLayout, forEachBucket, LayoutBuilder } from './buckets.js';

/** Prometheus: CustomBucketBoundsMatch. True when both lists of custom bounds are equal. */
export function customBucketBoundsMatch(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Prometheus: intersectCustomBucketBounds. The bounds present in both sorted lists. */
export function intersectCustomBucketBounds(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/**
 * The layout of custom buckets with bounds `from` re-bucketed to the coarser bounds `to` (a subset
 * of `from`): each bucket goes to the first target bucket whose upper bound is at least its own.
 * Counts are absolute; `into` accumulates per target index (dense, one slot per target bucket + 1).
 */
export function mapCustomBuckets(
  spans: readonly Span[],
  buckets: readonly number[],
  from: readonly number[],
  to: readonly number[],
  into: number[],
  sign: number,
): void {
  forEachBucket(spans, buckets, (idx, count) => {
    const upper = idx < from.length ? from[idx]! : Number.POSITIVE_INFINITY;
    let t = 0;
    while (t < to.length && to[t]! < upper) t++;
    into[t] = (into[t] ?? 0) + sign * count;
  });
}

/** The layout of a dense array of counts (index = bucket index), keeping every bucket. */
export function denseToLayout(dense: readonly (number | undefined)[]): BucketLayout {
  const out = new LayoutBuilder();
  for (let i = 0; i < dense.length; i++) {
    const v = dense[i];
    if (v !== undefined) out.push(i, v);
  }
  return { spans: out.spans, buckets: out.buckets };
}
