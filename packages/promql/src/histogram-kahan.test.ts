import { addFloatHistogram, compactFloatHistogram } from '@tsprom/histogram';
import { CounterResetHint, copyFloatHistogram, type FloatHistogram, type Span } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistogramKahanSum } from './histogram-kahan.js';

function hist(schema: number, zeroThreshold: number, spans: Span[], buckets: number[]): FloatHistogram {
  let count = 3;
  for (const v of buckets) count += v;
  return {
    counterResetHint: CounterResetHint.Unknown,
    schema,
    zeroThreshold,
    zeroCount: 3,
    count,
    sum: count,
    positiveSpans: spans,
    negativeSpans: [{ offset: 0, length: 2 }],
    positiveBuckets: buckets,
    negativeBuckets: [1, 2],
  };
}

// Three layouts at schema 0 with a zero bucket up to 0.3 (the lowest bucket, -1, ends at 0.5), and
// one at schema 1 that the sum reduces to schema 0.
const layouts: [number, Span[]][] = [
  [0, [{ offset: -1, length: 3 }]],
  [
    0,
    [
      { offset: -1, length: 2 },
      { offset: 2, length: 1 },
    ],
  ],
  [0, [{ offset: 0, length: 4 }]],
  [1, [{ offset: 1, length: 3 }]],
];

const histogram = fc
  .tuple(
    fc.integer({ min: 0, max: layouts.length - 1 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 4 }),
  )
  .map(([l, counts]) => {
    const [schema, spans] = layouts[l]!;
    let n = 0;
    for (const s of spans) n += s.length;
    return hist(
      schema,
      0.3,
      spans.map((s) => ({ ...s })),
      counts.slice(0, n),
    );
  });

describe('HistogramKahanSum', () => {
  it('sums runs of one layout and changes of layout as the plain addition does (integer counts: exact)', () => {
    fc.assert(
      fc.property(fc.array(histogram, { minLength: 1, maxLength: 12 }), (hs) => {
        const acc = new HistogramKahanSum();
        for (const h of hs) acc.add(h);
        const want = copyFloatHistogram(hs[0]!);
        for (let i = 1; i < hs.length; i++) addFloatHistogram(want, hs[i]!);
        compactFloatHistogram(want, 0);
        const got = acc.value();
        expect(got.schema).toBe(want.schema);
        expect(got.count).toBe(want.count);
        expect(got.zeroCount).toBe(want.zeroCount);
        expect(got.positiveSpans).toEqual(want.positiveSpans);
        expect(got.positiveBuckets).toEqual(want.positiveBuckets);
        expect(got.negativeSpans).toEqual(want.negativeSpans);
        expect(got.negativeBuckets).toEqual(want.negativeBuckets);
      }),
    );
  });
});
