// Prometheus: model/histogram/generic.go compactBuckets, as Histogram.Compact(0) and
// FloatHistogram.Compact(0) apply it to what the protobuf parser reads.
import type { Span } from '@tsprom/storage-interfaces';

/**
 * Removes every empty bucket and every empty span, and merges touching spans: the exact set of
 * non-empty buckets in the fewest spans, as Prometheus's `Compact(0)`. `deltas` says whether
 * `buckets` hold deltas (integer histograms) or absolute counts. Returns undefined when the spans
 * do not describe exactly `buckets.length` buckets (a malformed histogram).
 */
export function compactBuckets(
  spans: readonly Span[],
  buckets: readonly number[],
  deltas: boolean,
): { spans: Span[]; buckets: number[] } | undefined {
  let total = 0;
  for (const s of spans) total += s.length;
  if (total !== buckets.length) return undefined;
  const outSpans: Span[] = [];
  const outBuckets: number[] = [];
  let idx = 0; // Absolute bucket index of the next bucket.
  let k = 0;
  let abs = 0; // Absolute count (integer histograms: running sum of deltas).
  let prevAbs = 0; // Absolute count of the last bucket kept, for the new deltas.
  let lastKept = Number.NaN; // Absolute index of the last bucket kept.
  for (let si = 0; si < spans.length; si++) {
    const s = spans[si]!;
    idx += s.offset;
    for (let j = 0; j < s.length; j++, idx++, k++) {
      const b = buckets[k]!;
      abs = deltas ? abs + b : b;
      if (abs === 0) continue;
      const cur = outSpans[outSpans.length - 1];
      if (cur !== undefined && idx === lastKept + 1) cur.length++;
      else {
        const offset = cur === undefined ? idx : idx - lastKept - 1;
        outSpans.push({ offset, length: 1 });
      }
      outBuckets.push(deltas ? abs - prevAbs : abs);
      prevAbs = abs;
      lastKept = idx;
    }
  }
  return { spans: outSpans, buckets: outBuckets };
}
