import { CustomBucketsSchema, isStaleNaN } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertBucketsLayout,
  DEFAULT_ZERO_THRESHOLD,
  explicitHistogramToCustomBucketsHistogram,
  exponentialToNativeHistogram,
  UnsupportedExponentialScaleError,
} from './otlp-histograms.js';
import { AggregationTemporality, type PbInt64 } from './otlp-types.js';
import { PbResetHint } from './proto-histogram.js';

const { Cumulative, Delta } = AggregationTemporality;

/** Absolute counts by bucket index, from spans and deltas (zero buckets left out). */
function expand(spans: readonly { offset: number; length: number }[], deltas: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  let idx = 0;
  let k = 0;
  let cur = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      cur += deltas[k++]!;
      if (cur !== 0) out.set(idx, cur);
      idx++;
    }
  }
  expect(k).toBe(deltas.length);
  return out;
}

describe('convertBucketsLayout', () => {
  // Cases of Prometheus's TestConvertBucketsLayout.
  it.each([
    { offset: 0, counts: [4, 3, 2, 1], scaleDown: 0, spans: [{ offset: 1, length: 4 }], deltas: [4, -1, -1, -1] },
    { offset: 0, counts: [4, 3, 2, 1], scaleDown: 1, spans: [{ offset: 1, length: 2 }], deltas: [7, -4] },
    { offset: 0, counts: [4, 3, 2, 1], scaleDown: 2, spans: [{ offset: 1, length: 1 }], deltas: [10] },
    { offset: 1, counts: [4, 3, 2, 1], scaleDown: 0, spans: [{ offset: 2, length: 4 }], deltas: [4, -1, -1, -1] },
    { offset: 1, counts: [4, 3, 2, 1], scaleDown: 1, spans: [{ offset: 1, length: 3 }], deltas: [4, 1, -4] },
    { offset: 1, counts: [4, 3, 2, 1], scaleDown: 2, spans: [{ offset: 1, length: 2 }], deltas: [9, -8] },
    // Negative offsets: the shift is arithmetic (-3 >> 1 = -2).
    { offset: -3, counts: [1, 1], scaleDown: 1, spans: [{ offset: -1, length: 2 }], deltas: [1, 0] },
    // A gap of two empty buckets is filled with zeros; one of three starts a new span.
    { offset: 0, counts: [1, 0, 0, 2], scaleDown: 0, spans: [{ offset: 1, length: 4 }], deltas: [1, -1, 0, 2] },
    {
      offset: 0,
      counts: [1, 0, 0, 0, 2],
      scaleDown: 0,
      spans: [
        { offset: 1, length: 1 },
        { offset: 3, length: 1 },
      ],
      deltas: [1, 1],
    },
  ])('offset $offset, counts $counts, scale down by $scaleDown', ({ offset, counts, scaleDown, spans, deltas }) => {
    expect(convertBucketsLayout(counts, offset, scaleDown, true)).toEqual({ spans, deltas });
  });

  it('gives no spans for no buckets', () => {
    expect(convertBucketsLayout([], 5, 0, true)).toEqual({ spans: [], deltas: [] });
  });

  it('puts every count in the bucket Prometheus indexes it by, for any layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -300, max: 300 }),
        fc.array(fc.nat({ max: 1000 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 4 }),
        (offset, counts, scaleDown) => {
          const { spans, deltas } = convertBucketsLayout(counts, offset, scaleDown, true);
          const want = new Map<number, number>();
          counts.forEach((c, i) => {
            const idx = ((offset + i) >> scaleDown) + 1;
            want.set(idx, (want.get(idx) ?? 0) + c);
          });
          for (const [k, v] of want) if (v === 0) want.delete(k);
          expect(expand(spans, deltas)).toEqual(want);
          // Spans after the first are only cut at gaps of more than two buckets.
          for (const s of spans.slice(1)) expect(s.offset).toBeGreaterThan(2);
        },
      ),
    );
  });
});

describe('exponentialToNativeHistogram', () => {
  const point = {
    timeUnixNano: 1_700_000_000_123_200_000,
    count: 11,
    sum: 42.5,
    scale: 2,
    zeroCount: 1,
    positive: { offset: -1, bucketCounts: [2, 0, 3] as PbInt64[] },
    negative: { offset: 2, bucketCounts: [5] as PbInt64[] },
  };

  it('keeps schema, zero bucket, buckets, count and sum of a cumulative point', () => {
    const { histogram: h, warnings } = exponentialToNativeHistogram(point, Cumulative);
    expect(warnings).toEqual([]);
    expect(h).toMatchObject({
      schema: 2,
      zeroThreshold: DEFAULT_ZERO_THRESHOLD,
      zeroCountInt: 1,
      countInt: 11,
      sum: 42.5,
      resetHint: PbResetHint.UNKNOWN,
      timestamp: 1_700_000_000_123,
      positiveSpans: [{ offset: 0, length: 3 }],
      positiveDeltas: [2, -2, 3],
      negativeSpans: [{ offset: 3, length: 1 }],
      negativeDeltas: [5],
      customValues: [],
    });
    expect(h.countFloat).toBeUndefined();
  });

  it('gives delta points the gauge reset hint', () => {
    expect(exponentialToNativeHistogram(point, Delta).histogram.resetHint).toBe(PbResetHint.GAUGE);
  });

  it('merges buckets down to schema 8 when the scale is finer', () => {
    const { histogram: h } = exponentialToNativeHistogram(
      { ...point, scale: 10, positive: { offset: 0, bucketCounts: [1, 1, 1, 1, 1] }, negative: null },
      Cumulative,
    );
    expect(h.schema).toBe(8);
    expect(h.positiveSpans).toEqual([{ offset: 1, length: 2 }]);
    expect(h.positiveDeltas).toEqual([4, -3]);
    expect(h.negativeSpans).toEqual([]);
  });

  it('refuses a scale below -4', () => {
    expect(() => exponentialToNativeHistogram({ ...point, scale: -5 }, Cumulative)).toThrow(
      new UnsupportedExponentialScaleError(-5),
    );
    expect(exponentialToNativeHistogram({ ...point, scale: -4 }, Cumulative).histogram.schema).toBe(-4);
  });

  it('leaves the sum at 0 when the point has none, and warns of a sum without count', () => {
    expect(exponentialToNativeHistogram({ ...point, sum: null }, Cumulative).histogram.sum).toBe(0);
    const empty = exponentialToNativeHistogram(
      { timeUnixNano: 1e15, count: 0, sum: 3, positive: null, negative: null },
      Cumulative,
    );
    expect(empty.warnings).toEqual(['exponential histogram data point has zero count, but non-zero sum: 3.000000']);
  });

  it('turns a point without recorded value into a stale marker', () => {
    const { histogram: h } = exponentialToNativeHistogram({ ...point, flags: 1 }, Cumulative);
    expect(isStaleNaN(h.sum)).toBe(true);
    expect(h.countInt).toBe(11);
  });

  it('reads 64-bit counts given as Longs', () => {
    const long = (n: number): PbInt64 => ({ low: n, high: 0, unsigned: true });
    const { histogram: h } = exponentialToNativeHistogram(
      {
        timeUnixNano: { low: 0x4d2, high: 0x1, unsigned: true },
        count: long(3),
        zeroCount: long(1),
        positive: { offset: 0, bucketCounts: [long(2)] },
      },
      Cumulative,
    );
    expect(h).toMatchObject({ countInt: 3, zeroCountInt: 1, positiveDeltas: [2], timestamp: 4294 });
  });
});

describe('explicitHistogramToCustomBucketsHistogram', () => {
  it('maps explicit bounds to custom values and skips leading empty buckets by offset', () => {
    const { histogram: h } = explicitHistogramToCustomBucketsHistogram(
      { timeUnixNano: 2e15, count: 6, sum: 12, explicitBounds: [1, 2, 5, 10], bucketCounts: [0, 0, 2, 0, 4] },
      Cumulative,
    );
    expect(h).toMatchObject({
      schema: CustomBucketsSchema,
      zeroThreshold: 0,
      zeroCountInt: 0,
      countInt: 6,
      sum: 12,
      customValues: [1, 2, 5, 10],
      positiveSpans: [{ offset: 2, length: 3 }],
      positiveDeltas: [2, -2, 4],
      negativeSpans: [],
      resetHint: PbResetHint.UNKNOWN,
      timestamp: 2e9,
    });
  });

  it('gives no buckets when all are empty, and the gauge hint for delta', () => {
    const { histogram: h } = explicitHistogramToCustomBucketsHistogram(
      { timeUnixNano: 2e15, count: 0, explicitBounds: [1], bucketCounts: [0, 0] },
      Delta,
    );
    expect(h.positiveSpans).toEqual([]);
    expect(h.resetHint).toBe(PbResetHint.GAUGE);
  });
});
