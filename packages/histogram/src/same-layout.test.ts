import { CounterResetHint, type FloatHistogram, type Span } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBuckets, compactBuckets } from './buckets.js';
import { addFloatHistogram, compactFloatHistogram, subFloatHistogram } from './float-histogram.js';
import { alreadyCompact, sameCanonicalLayout } from './same-layout.js';

/** A canonical layout: the first span anywhere, the others after a gap of at least one bucket. */
const layout = fc
  .tuple(
    fc.integer({ min: -5, max: 5 }),
    fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 })), { maxLength: 3 }),
  )
  .map(([first, rest]) => rest.map(([gap, length], i): Span => ({ offset: i === 0 ? first : gap, length })));

const counts = (n: number) => fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n });

function total(spans: readonly Span[]): number {
  let n = 0;
  for (const s of spans) n += s.length;
  return n;
}

function hist(schema: number, pos: Span[], pb: number[], neg: Span[], nb: number[]): FloatHistogram {
  let count = 0;
  for (const v of pb) count += v;
  for (const v of nb) count += v;
  const h: FloatHistogram = {
    counterResetHint: CounterResetHint.Unknown,
    schema,
    zeroThreshold: schema === -53 ? 0 : 1e-128,
    zeroCount: schema === -53 ? 0 : 2,
    count,
    sum: count / 2,
    positiveSpans: pos,
    negativeSpans: neg,
    positiveBuckets: pb,
    negativeBuckets: nb,
  };
  if (schema === -53) h.customValues = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  return h;
}

/** Two histograms of one layout (custom buckets or exponential), with their own counts. */
const pair = fc.boolean().chain((custom) =>
  fc
    .tuple(
      custom
        ? layout.map((l) =>
            l.length > 0 ? [{ offset: Math.abs(l[0]!.offset), length: l[0]!.length }, ...l.slice(1)] : l,
          )
        : layout,
      custom ? fc.constant<Span[]>([]) : layout,
    )
    .chain(([pos, neg]) =>
      fc
        .tuple(counts(total(pos)), counts(total(neg)), counts(total(pos)), counts(total(neg)))
        .map(([pa, na, pb, nb]) => {
          const schema = custom ? -53 : 1;
          return [
            hist(schema, pos, pa, neg, na),
            hist(
              schema,
              pos.map((s) => ({ ...s })),
              pb,
              neg.map((s) => ({ ...s })),
              nb,
            ),
          ] as const;
        }),
    ),
);

describe('same-layout fast paths', () => {
  it('add and sub in place give what the layout merge gives', () => {
    fc.assert(
      fc.property(pair, fc.boolean(), ([a, b], negate) => {
        const want = {
          pos: addBuckets(a.positiveSpans, a.positiveBuckets, b.positiveSpans, b.positiveBuckets, negate),
          neg: addBuckets(a.negativeSpans, a.negativeBuckets, b.negativeSpans, b.negativeBuckets, negate),
          count: a.count + (negate ? -b.count : b.count),
        };
        const h = structuredClone(a);
        const buckets = h.positiveBuckets;
        if (negate) subFloatHistogram(h, b);
        else addFloatHistogram(h, b);
        expect(h.positiveBuckets).toBe(buckets); // In place: no new array.
        expect(h.positiveSpans).toEqual(want.pos.spans);
        expect(h.positiveBuckets).toEqual(want.pos.buckets);
        expect(h.negativeSpans).toEqual(want.neg.spans);
        expect(h.negativeBuckets).toEqual(want.neg.buckets);
        expect(h.count).toBe(want.count);
      }),
    );
  });

  it('compacting a compact histogram returns it as it is, else what compactBuckets gives', () => {
    fc.assert(
      fc.property(pair, fc.integer({ min: 0, max: 2 }), ([a], maxEmpty) => {
        const want = compactBuckets(a.positiveSpans, a.positiveBuckets, maxEmpty);
        const h = structuredClone(a);
        compactFloatHistogram(h, maxEmpty);
        expect(h.positiveSpans).toEqual(want.spans);
        expect(h.positiveBuckets).toEqual(want.buckets);
      }),
    );
  });

  it('tells canonical same layouts and compact sides apart from the others', () => {
    const s = (offset: number, length: number): Span => ({ offset, length });
    expect(sameCanonicalLayout([s(0, 2), s(1, 1)], [1, 2, 3], [s(0, 2), s(1, 1)], [4, 5, 6])).toBe(true);
    expect(sameCanonicalLayout([s(0, 2), s(0, 1)], [1, 2, 3], [s(0, 2), s(0, 1)], [4, 5, 6])).toBe(false);
    expect(sameCanonicalLayout([s(0, 2), s(1, 0)], [1, 2], [s(0, 2), s(1, 0)], [4, 5])).toBe(false);
    expect(sameCanonicalLayout([s(0, 2)], [1, 2], [s(1, 2)], [4, 5])).toBe(false);
    expect(sameCanonicalLayout([s(0, 3)], [1, 2], [s(0, 3)], [4, 5])).toBe(false);
    expect(alreadyCompact([s(0, 2), s(2, 1)], [1, 2, 3], 1)).toBe(true);
    expect(alreadyCompact([s(0, 2), s(1, 1)], [1, 2, 3], 1)).toBe(false);
    expect(alreadyCompact([s(0, 2)], [1, 0], 0)).toBe(false);
    expect(alreadyCompact([s(0, 2)], [1, -0], 0)).toBe(false);
  });

  it('merges different layouts into new arrays', () => {
    const a = hist(0, [{ offset: 0, length: 2 }], [1, 2], [], []);
    const b = hist(0, [{ offset: 1, length: 2 }], [3, 4], [], []);
    const buckets = a.positiveBuckets;
    addFloatHistogram(a, b);
    expect(a.positiveBuckets).not.toBe(buckets);
    expect(a.positiveSpans).toEqual([{ offset: 0, length: 3 }]);
    expect(a.positiveBuckets).toEqual([1, 5, 4]);
    expect(buckets).toEqual([1, 2]);
  });
});
