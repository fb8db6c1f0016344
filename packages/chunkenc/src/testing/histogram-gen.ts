// Test helpers for the histogram codecs: arbitrary valid histograms (fast-check) and a canonical
// form that compares histograms by what they mean (bucket index → count), whatever their spans.
import type { FloatHistogram, Histogram, Span } from '@tsprom/storage-interfaces';
import { CounterResetHint, CustomBucketsSchema } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { float64Bits } from '../float-bits.js';

/** Spans with `length` 1..4 and gaps 0..3 starting at -5..5, or none. */
export const spansArb: fc.Arbitrary<Span[]> = fc
  .array(fc.record({ offset: fc.integer({ min: 0, max: 3 }), length: fc.integer({ min: 1, max: 4 }) }), {
    maxLength: 4,
  })
  .chain((spans) =>
    fc
      .integer({ min: -5, max: 5 })
      .map((first) => spans.map((s, i) => (i === 0 ? { offset: first, length: s.length } : s))),
  );

function countSpans(spans: readonly Span[]): number {
  let n = 0;
  for (const s of spans) n += s.length;
  return n;
}

/** Absolute counts → the delta encoding of Histogram buckets. */
export function toDeltas(abs: readonly number[]): number[] {
  let prev = 0;
  return abs.map((v) => {
    const d = v - prev;
    prev = v;
    return d;
  });
}

export interface HistogramSeed {
  schema: number;
  zeroThreshold: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  customValues?: number[];
}

/**
 * A layout: an exponential schema (-4..8) or custom buckets (-53) with bounds. No -0 bound: the
 * encoding stores it as 0, as Prometheus's does.
 */
export const layoutArb: fc.Arbitrary<HistogramSeed> = fc.oneof(
  fc.record({
    schema: fc.integer({ min: -4, max: 8 }),
    zeroThreshold: fc.constantFrom(0, 2 ** -128, 0.001, 1e-300, 2 ** 10, 2 ** -243),
    positiveSpans: spansArb,
    negativeSpans: spansArb,
  }),
  fc
    .record({
      positiveSpans: spansArb,
      customValues: fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 100000 }).map((x) => x / 1000),
          fc.double({ noNaN: true }).map((x) => (x === 0 ? 0 : x)),
        ),
        {
          maxLength: 6,
        },
      ),
    })
    .map((r) => ({
      schema: CustomBucketsSchema,
      zeroThreshold: 0,
      positiveSpans: r.positiveSpans,
      negativeSpans: [],
      customValues: r.customValues,
    })),
);

/** An integer histogram of `layout` with absolute bucket counts `pAbs`/`nAbs`. */
export function intHistogram(
  layout: HistogramSeed,
  zeroCount: number,
  sum: number,
  pAbs: number[],
  nAbs: number[],
  hint: CounterResetHint = CounterResetHint.Unknown,
): Histogram {
  let count = zeroCount;
  for (const v of pAbs) count += v;
  for (const v of nAbs) count += v;
  const h: Histogram = {
    counterResetHint: hint,
    schema: layout.schema,
    zeroThreshold: layout.zeroThreshold,
    zeroCount,
    count,
    sum,
    positiveSpans: layout.positiveSpans,
    negativeSpans: layout.negativeSpans,
    positiveBuckets: toDeltas(pAbs),
    negativeBuckets: toDeltas(nAbs),
  };
  if (layout.customValues !== undefined) h.customValues = layout.customValues;
  return h;
}

/** Bucket counts for a layout (arbitrary non-negative integers). */
export function countsArb(layout: HistogramSeed): fc.Arbitrary<{ p: number[]; n: number[]; z: number }> {
  const np = countSpans(layout.positiveSpans);
  const nn = countSpans(layout.negativeSpans);
  const c = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 40 }));
  return fc.record({
    p: fc.array(c, { minLength: np, maxLength: np }),
    n: fc.array(c, { minLength: nn, maxLength: nn }),
    z: c,
  });
}

function bucketMap(spans: readonly Span[], buckets: readonly number[], deltas: boolean): string {
  const out: string[] = [];
  let idx = 0;
  let k = 0;
  let cur = 0;
  for (let s = 0; s < spans.length; s++) {
    idx += spans[s]!.offset;
    for (let j = 0; j < spans[s]!.length; j++) {
      cur = deltas ? cur + buckets[k]! : buckets[k]!;
      k++;
      if (cur !== 0 || Object.is(cur, -0)) out.push(`${idx}:${float64Bits(cur)}`);
      idx++;
    }
  }
  return out.join(',');
}

/** What a histogram means, as a string: equal strings, equal histograms (sum compared by bits). */
export function canonical(h: Histogram | FloatHistogram, deltas: boolean): string {
  const cv =
    h.schema === CustomBucketsSchema ? (h.customValues ?? []).map((v) => float64Bits(v).toString(16)).join('/') : '';
  return [
    `s${h.schema}`,
    `z${float64Bits(h.zeroThreshold)}`,
    `zc${h.zeroCount}`,
    `c${h.count}`,
    `sum${float64Bits(h.sum)}`,
    `p[${bucketMap(h.positiveSpans, h.positiveBuckets, deltas)}]`,
    `n[${bucketMap(h.negativeSpans, h.negativeBuckets, deltas)}]`,
    `cv${cv}`,
  ].join(' ');
}
