import { CounterResetHint, type FloatHistogram, type Histogram, histogramToFloat } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketBound } from './bounds.js';
import { forEachBucket, reduceResolution } from './buckets.js';
import { IncompatibleSchemaError } from './errors.js';
import {
  addFloatHistogram,
  compactFloatHistogram,
  detectReset,
  floatHistogramEquals,
  floatHistogramString,
  mulFloatHistogram,
  subFloatHistogram,
} from './float-histogram.js';
import { compactHistogram, histogramEquals } from './histogram.js';
import { widenZeroBucket } from './zero-bucket.js';

function fh(p: Partial<FloatHistogram>): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown,
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: [],
    negativeSpans: [],
    positiveBuckets: [],
    negativeBuckets: [],
    ...p,
  };
}

const copy = (h: FloatHistogram): FloatHistogram => structuredClone(h);

/** Per-bucket-index counts, empty buckets left out. */
function counts(h: FloatHistogram, positive: boolean): Map<number, number> {
  const m = new Map<number, number>();
  const spans = positive ? h.positiveSpans : h.negativeSpans;
  const buckets = positive ? h.positiveBuckets : h.negativeBuckets;
  forEachBucket(spans, buckets, (i, c) => {
    if (c !== 0) m.set(i, c);
  });
  return m;
}

// Histograms with integer counts (exact in float arithmetic) and a random layout.
const arbSide = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 0, maxLength: 4 })),
    {
      maxLength: 4,
    },
  )
  .map((parts) => {
    const spans = parts.map(([offset, b]) => ({ offset, length: b.length }));
    return { spans, buckets: parts.flatMap(([, b]) => b) };
  });
const arbHist = fc
  .record({
    schema: fc.integer({ min: -2, max: 3 }),
    zero: fc.integer({ min: 0, max: 5 }),
    pos: arbSide,
    neg: arbSide,
    first: fc.integer({ min: -5, max: 5 }),
  })
  .map(({ schema, zero, pos, neg, first }) => {
    const positiveSpans = pos.spans.map((sp, i) => (i === 0 ? { offset: first, length: sp.length } : { ...sp }));
    let total = zero;
    for (const c of pos.buckets) total += c;
    for (const c of neg.buckets) total += c;
    return fh({
      schema,
      zeroThreshold: 2 ** -30, // Below every generated bucket.
      zeroCount: zero,
      count: total,
      sum: total * 1.5,
      positiveSpans,
      positiveBuckets: [...pos.buckets],
      negativeSpans: neg.spans.map((sp) => ({ ...sp })),
      negativeBuckets: [...neg.buckets],
    });
  });

describe('FloatHistogram arithmetic', () => {
  it('h + o - o equals h on the same schema and zero bucket', () => {
    fc.assert(
      fc.property(arbHist, arbHist, (h, o0) => {
        const o = { ...copy(o0), schema: h.schema };
        const r = copy(h);
        addFloatHistogram(r, o);
        subFloatHistogram(r, o);
        return floatHistogramEquals(compactFloatHistogram(r, 0), compactFloatHistogram(copy(h), 0));
      }),
    );
  });

  it('addition keeps the total count and is commutative', () => {
    fc.assert(
      fc.property(arbHist, arbHist, (h, o) => {
        const a = copy(h);
        addFloatHistogram(a, o);
        const b = copy(o);
        addFloatHistogram(b, h);
        expect(a.count).toBe(h.count + o.count);
        expect(a.schema).toBe(Math.min(h.schema, o.schema));
        let inBuckets = a.zeroCount;
        for (const c of a.positiveBuckets) inBuckets += c;
        for (const c of a.negativeBuckets) inBuckets += c;
        expect(inBuckets).toBe(a.count);
        return floatHistogramEquals(compactFloatHistogram(a, 0), compactFloatHistogram(b, 0));
      }),
    );
  });

  it('compact keeps every populated bucket and is idempotent', () => {
    fc.assert(
      fc.property(arbHist, fc.integer({ min: 0, max: 3 }), (h, max) => {
        const c = compactFloatHistogram(copy(h), max);
        expect(counts(c, true)).toEqual(counts(h, true));
        expect(counts(c, false)).toEqual(counts(h, false));
        const again = compactFloatHistogram(copy(c), max);
        expect(again.positiveSpans).toEqual(c.positiveSpans);
        expect(again.positiveBuckets).toEqual(c.positiveBuckets);
        for (let i = 1; i < c.positiveSpans.length; i++) expect(c.positiveSpans[i]!.offset).toBeGreaterThan(max);
      }),
    );
  });

  it('reducing the resolution keeps the bucket total and maps each bucket inside its target', () => {
    fc.assert(
      fc.property(arbHist, fc.integer({ min: 1, max: 3 }), (h, by) => {
        const target = h.schema - by;
        const r = reduceResolution(h.positiveSpans, h.positiveBuckets, h.schema, target);
        const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
        expect(sum(r.buckets)).toBe(sum(h.positiveBuckets));
        forEachBucket(h.positiveSpans, h.positiveBuckets, (idx) => {
          const t = ((idx - 1) >> by) + 1;
          expect(bucketBound(idx, h.schema, undefined)).toBeLessThanOrEqual(bucketBound(t, target, undefined));
          expect(bucketBound(idx - 1, h.schema, undefined)).toBeGreaterThanOrEqual(
            bucketBound(t - 1, target, undefined),
          );
        });
      }),
    );
  });

  it('detects no reset from a histogram to itself plus more observations, and one back', () => {
    fc.assert(
      fc.property(arbHist, arbHist, (h, o0) => {
        const o = { ...copy(o0), schema: h.schema };
        const later = copy(h);
        addFloatHistogram(later, o);
        expect(detectReset(later, h)).toBe(false);
        if (o.count > 0) expect(detectReset(h, later)).toBe(true);
      }),
    );
  });

  it('mul by 2 equals adding to itself', () => {
    fc.assert(
      fc.property(arbHist, (h) => {
        const a = copy(h);
        addFloatHistogram(a, h);
        return floatHistogramEquals(
          compactFloatHistogram(a, 0),
          compactFloatHistogram(mulFloatHistogram(copy(h), 2), 0),
        );
      }),
    );
  });
});

describe('FloatHistogram cases', () => {
  it('adds a higher schema by merging its buckets', () => {
    const a = fh({ schema: 0, count: 2, sum: 3, positiveSpans: [{ offset: 1, length: 1 }], positiveBuckets: [2] });
    const b = fh({ schema: 1, count: 3, sum: 4, positiveSpans: [{ offset: 1, length: 2 }], positiveBuckets: [1, 2] });
    addFloatHistogram(a, b);
    // Schema-1 buckets 1 and 2 are (1,√2] and (√2,2]: both inside schema-0 bucket 1 (1,2].
    expect(floatHistogramString(a)).toBe('{count:5, sum:7, (1,2]:5}');
  });

  it('widens the zero bucket into a populated bucket', () => {
    const h = fh({
      schema: 0,
      zeroThreshold: 0.001,
      zeroCount: 1,
      count: 4,
      positiveSpans: [{ offset: -1, length: 3 }],
      positiveBuckets: [1, 1, 1],
    });
    widenZeroBucket(h, 0.7);
    // (0.5,1] contains 0.7 and is populated: the threshold becomes 1.
    expect(h.zeroThreshold).toBe(1);
    expect(h.zeroCount).toBe(3);
    expect(floatHistogramString(h)).toBe('{count:4, sum:0, [-1,1]:3, (1,2]:1}');
  });

  it('reconciles custom buckets with different bounds to the common ones', () => {
    const a = fh({
      schema: -53,
      count: 3,
      sum: 3,
      customValues: [1, 5, 10],
      positiveSpans: [{ offset: 0, length: 4 }],
      positiveBuckets: [1, 1, 0, 1],
    });
    const b = fh({
      schema: -53,
      count: 2,
      sum: 2,
      customValues: [5, 20],
      positiveSpans: [{ offset: 0, length: 2 }],
      positiveBuckets: [1, 1],
    });
    const r = addFloatHistogram(a, b);
    expect(r.nhcbBoundsReconciled).toBe(true);
    expect(a.customValues).toEqual([5]);
    expect(counts(a, true)).toEqual(
      new Map([
        [0, 3],
        [1, 2],
      ]),
    );
    expect(() => addFloatHistogram(a, fh({ schema: 0 }))).toThrow(IncompatibleSchemaError);
  });

  it('reports a counter-reset hint collision', () => {
    const a = fh({ counterResetHint: CounterResetHint.CounterReset });
    const r = addFloatHistogram(a, fh({ counterResetHint: CounterResetHint.NotCounterReset }));
    expect(r.counterResetCollision).toBe(true);
    expect(a.counterResetHint).toBe(CounterResetHint.Unknown);
    const g = fh({});
    addFloatHistogram(g, fh({ counterResetHint: CounterResetHint.Gauge }));
    expect(g.counterResetHint).toBe(CounterResetHint.Gauge);
  });

  it('integer histograms compact on their delta encoding', () => {
    const h: Histogram = {
      ...fh({ count: 3, sum: 1 }),
      positiveSpans: [{ offset: 0, length: 4 }],
      positiveBuckets: [1, -1, 0, 2], // absolute 1, 0, 0, 2
    };
    const c = compactHistogram(structuredClone(h), 0);
    expect(c.positiveSpans).toEqual([
      { offset: 0, length: 1 },
      { offset: 2, length: 1 },
    ]);
    expect(c.positiveBuckets).toEqual([1, 1]);
    expect(histogramEquals(c, h)).toBe(false); // the empty buckets are part of the layout
    expect(floatHistogramEquals(compactFloatHistogram(histogramToFloat(h), 0), histogramToFloat(c))).toBe(true);
  });
});
