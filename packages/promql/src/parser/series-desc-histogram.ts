// Prometheus: model/histogram/float_histogram.go Add/Sub, reduced to what the test DSL's
// histogram series expansion (`{{…}}+{{…}}xN`) needs.
import type { FloatHistogram } from '@tsprom/storage-interfaces';

/** A deep copy of `h`. */
export function cloneHistogram(h: FloatHistogram): FloatHistogram {
  const c: FloatHistogram = {
    ...h,
    positiveSpans: h.positiveSpans.map((s) => ({ ...s })),
    negativeSpans: h.negativeSpans.map((s) => ({ ...s })),
    positiveBuckets: [...h.positiveBuckets],
    negativeBuckets: [...h.negativeBuckets],
  };
  if (h.customValues !== undefined) c.customValues = [...h.customValues];
  return c;
}

/** Bucket index -> count, reduced from `fromSchema` to `toSchema` (toSchema <= fromSchema). */
function bucketMap(
  spans: FloatHistogram['positiveSpans'],
  buckets: number[],
  fromSchema: number,
  toSchema: number,
): Map<number, number> {
  const m = new Map<number, number>();
  let idx = 0;
  let b = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let k = 0; k < s.length; k++, idx++, b++) {
      const target = fromSchema === toSchema || fromSchema === -53 ? idx : ((idx - 1) >> (fromSchema - toSchema)) + 1;
      m.set(target, (m.get(target) ?? 0) + (buckets[b] ?? 0));
    }
  }
  return m;
}

function toSpans(m: Map<number, number>): { spans: FloatHistogram['positiveSpans']; buckets: number[] } {
  const idxs = [...m.keys()].sort((a, b) => a - b);
  const spans: FloatHistogram['positiveSpans'] = [];
  const buckets: number[] = [];
  let prevEnd = 0;
  for (const idx of idxs) {
    const last = spans[spans.length - 1];
    if (last !== undefined && idx === prevEnd) last.length++;
    else spans.push({ offset: spans.length === 0 ? idx : idx - prevEnd, length: 1 });
    buckets.push(m.get(idx) as number);
    prevEnd = idx + 1;
  }
  return { spans, buckets };
}

/** `a + sign*b` in the coarser of the two schemas; spans are rebuilt from the merged buckets. */
export function combineHistograms(a: FloatHistogram, b: FloatHistogram, sign: number): FloatHistogram {
  const schema = Math.min(a.schema, b.schema);
  const pos = bucketMap(a.positiveSpans, a.positiveBuckets, a.schema, schema);
  const neg = bucketMap(a.negativeSpans, a.negativeBuckets, a.schema, schema);
  for (const [k, v] of bucketMap(b.positiveSpans, b.positiveBuckets, b.schema, schema))
    pos.set(k, (pos.get(k) ?? 0) + sign * v);
  for (const [k, v] of bucketMap(b.negativeSpans, b.negativeBuckets, b.schema, schema))
    neg.set(k, (neg.get(k) ?? 0) + sign * v);
  const p = toSpans(pos);
  const n = toSpans(neg);
  const r: FloatHistogram = {
    counterResetHint: a.counterResetHint,
    schema,
    zeroThreshold: Math.max(a.zeroThreshold, b.zeroThreshold),
    zeroCount: a.zeroCount + sign * b.zeroCount,
    count: a.count + sign * b.count,
    sum: a.sum + sign * b.sum,
    positiveSpans: p.spans,
    negativeSpans: n.spans,
    positiveBuckets: p.buckets,
    negativeBuckets: n.buckets,
  };
  if (a.customValues !== undefined) r.customValues = [...a.customValues];
  return r;
}
