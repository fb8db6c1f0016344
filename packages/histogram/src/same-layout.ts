// Fast paths of FloatHistogram Add/Sub and Compact: when both operands already have one layout,
// or a layout is already compact, the general merge would rebuild what is there.
import type { Span } from '@tsprom/storage-interfaces';

/**
 * Whether `spans` is in the form the layout merges build (LayoutBuilder): no empty span, no span
 * but the first at offset 0, and exactly `bucketCount` buckets.
 */
function canonical(spans: readonly Span[], bucketCount: number): boolean {
  let n = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.length <= 0 || (i > 0 && s.offset <= 0)) return false;
    n += s.length;
  }
  return n === bucketCount;
}

/**
 * Whether two sides of histograms of one schema have the same buckets in the same canonical
 * spans: their sum or difference is then bucket by bucket, in the spans they have.
 */
export function sameCanonicalLayout(
  spansA: readonly Span[],
  bucketsA: readonly number[],
  spansB: readonly Span[],
  bucketsB: readonly number[],
): boolean {
  if (spansA.length !== spansB.length || bucketsA.length !== bucketsB.length) return false;
  for (let i = 0; i < spansA.length; i++) {
    const a = spansA[i]!;
    const b = spansB[i]!;
    if (a.offset !== b.offset || a.length !== b.length) return false;
  }
  return canonical(spansA, bucketsA.length);
}

/**
 * Whether compacting a side (compactBuckets with `maxEmptyBuckets`) would return it unchanged:
 * canonical spans, no empty bucket, and gaps between spans wider than `maxEmptyBuckets`.
 */
export function alreadyCompact(spans: readonly Span[], buckets: readonly number[], maxEmptyBuckets: number): boolean {
  for (let i = 1; i < spans.length; i++) if (spans[i]!.offset <= maxEmptyBuckets) return false;
  for (let i = 0; i < buckets.length; i++) if (buckets[i] === 0) return false;
  return canonical(spans, buckets.length);
}
