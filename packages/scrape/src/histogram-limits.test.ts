import { CounterResetHint, CustomBucketsSchema, type Histogram } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { capHistogramSchema, limitHistogramBuckets, pickSchema } from './histogram-limits.js';

function hist(schema: number, positive: number[], o: Partial<Histogram> = {}): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown,
    schema,
    zeroThreshold: 0,
    zeroCount: 0,
    count: positive.reduce((a, b) => a + b, 0),
    sum: 1,
    positiveSpans: [{ offset: 0, length: positive.length }],
    negativeSpans: [],
    positiveBuckets: positive,
    negativeBuckets: [],
    ...o,
  };
}

describe('pickSchema', () => {
  it('gives the schemas of the table in the configuration docs', () => {
    const table: [number, number][] = [
      [65536, -4],
      [256, -3],
      [16, -2],
      [4, -1],
      [2, 0],
      [1.4, 1],
      [1.1, 2],
      [1.09, 3],
      [1.04, 4],
      [1.02, 5],
      [1.01, 6],
      [1.005, 7],
      [1.002, 8],
      [0, 8],
      [1, 8],
      [1e9, -4],
    ];
    expect(table.map(([f]) => [f, pickSchema(f)])).toEqual(table);
  });
});

describe('limitHistogramBuckets', () => {
  it('merges buckets across a gap between spans (float counts)', () => {
    // Schema 1, buckets 1 and 2 then 5 and 6: at schema 0 they are 1, 1, 3, 3 → [a+b], [c+d].
    const h = hist(1, [1, 2, 4, 8], {
      positiveSpans: [
        { offset: 1, length: 2 },
        { offset: 2, length: 2 },
      ],
    });
    expect(limitHistogramBuckets(h, 3, false)).toBe(true);
    expect(h.schema).toBe(0);
    expect(h.positiveSpans).toEqual([
      { offset: 1, length: 1 },
      { offset: 1, length: 1 },
    ]);
    expect(h.positiveBuckets).toEqual([3, 12]);
  });

  it('leaves a histogram within the limit alone', () => {
    const h = hist(3, [1, 1]);
    expect(limitHistogramBuckets(h, 2, true)).toBe(true);
    expect(h.schema).toBe(3);
  });

  it('cannot merge custom buckets', () => {
    const h = hist(CustomBucketsSchema, [1, 1, 1], { customValues: [1, 2] });
    expect(limitHistogramBuckets(h, 2, false)).toBe(false);
    expect(h.positiveBuckets).toHaveLength(3);
  });
});

describe('capHistogramSchema', () => {
  it('reduces exponential schemas above the cap and leaves custom buckets alone', () => {
    const h = hist(8, [1, 0, 2], { positiveBuckets: [1, -1, 2] }); // deltas of 1, 0, 2
    capHistogramSchema(h, 7, true);
    expect(h.schema).toBe(7);
    // Indexes 0, 1, 2 at schema 8 → 0, 1, 1 at schema 7: counts 1, 2.
    expect(h.positiveBuckets).toEqual([1, 1]);
    const c = hist(CustomBucketsSchema, [1, 1], { customValues: [1] });
    capHistogramSchema(c, 0, false);
    expect(c.schema).toBe(CustomBucketsSchema);
  });
});
