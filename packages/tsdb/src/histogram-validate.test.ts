import type { FloatHistogram, Histogram } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { InvalidHistogramError, validateFloatHistogram, validateHistogram } from './histogram-validate.js';

/** Schema 0, zero bucket 1, positive buckets 2, 3 | gap | 2 (as deltas: 2, 1, -1), count 8. */
function h(over: Partial<Histogram> = {}): Histogram {
  return {
    counterResetHint: 0,
    schema: 0,
    zeroThreshold: 0.001,
    zeroCount: 1,
    count: 8,
    sum: 12.5,
    positiveSpans: [
      { offset: 0, length: 2 },
      { offset: 1, length: 1 },
    ],
    negativeSpans: [],
    positiveBuckets: [2, 1, -1],
    negativeBuckets: [],
    ...over,
  };
}

function fh(over: Partial<FloatHistogram> = {}): FloatHistogram {
  return { ...h(), positiveBuckets: [2, 3, 2], ...over };
}

function reason(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidHistogramError);
    return (e as InvalidHistogramError).message;
  }
  return 'valid';
}

describe('validateHistogram (Prometheus Histogram.Validate)', () => {
  it('accepts a consistent histogram', () => {
    expect(reason(() => validateHistogram(h()))).toBe('valid');
    expect(reason(() => validateFloatHistogram(fh()))).toBe('valid');
  });

  it.each<[string, Partial<Histogram>, string]>([
    [
      'more buckets than the spans hold',
      { positiveBuckets: [2, 1, -1, 0] },
      'positive side: histogram spans specify different number of buckets than provided: spans need 3 buckets, have 4 buckets',
    ],
    [
      'a negative offset after the first span',
      {
        positiveSpans: [
          { offset: 0, length: 2 },
          { offset: -1, length: 1 },
        ],
      },
      'positive side: histogram has a span whose offset is negative: span number 2 with offset -1',
    ],
    [
      'a negative bucket count',
      { positiveBuckets: [2, -3, 1], count: 1 },
      'positive side: histogram has a bucket whose observation count is negative: bucket number 2 has observation count of -1',
    ],
    [
      'a count that is not the buckets sum',
      { count: 9 },
      "count: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN): 8 observations found in buckets, but the Count field is 9",
    ],
    [
      'a schema out of range',
      { schema: 9 },
      'schema: histogram has an invalid schema, which must be between -4 and 8: got 9',
    ],
    [
      'custom bounds with an exponential schema',
      { customValues: [1, 2] },
      'custom buckets: histogram with exponential schema must not have custom bounds',
    ],
  ])('rejects %s', (_name, over, want) => {
    expect(reason(() => validateHistogram(h(over)))).toBe(want);
  });

  it('rejects counts an integer histogram cannot hold', () => {
    expect(reason(() => validateHistogram(h({ count: 8.5 })))).toBe(
      'count: integer histogram has a count that is not an integer: 8.5',
    );
    expect(reason(() => validateHistogram(h({ positiveBuckets: [2, 1.5, -1] })))).toBe(
      'positive side: integer histogram has a count that is not an integer: 1.5',
    );
  });

  it('with a NaN sum, only requires the count to be at least the buckets sum', () => {
    expect(reason(() => validateHistogram(h({ sum: Number.NaN, count: 9 })))).toBe('valid');
    expect(reason(() => validateHistogram(h({ sum: Number.NaN, count: 7 })))).toMatch(
      /at least the number of observations/,
    );
  });

  it('checks custom-bucket histograms (schema -53)', () => {
    const nhcb = h({ schema: -53, zeroThreshold: 0, zeroCount: 0, count: 7, customValues: [1, 2, 5, 10] });
    expect(reason(() => validateHistogram(nhcb))).toBe('valid');
    expect(reason(() => validateHistogram({ ...nhcb, customValues: [] }))).toBe(
      'custom buckets: histogram with custom buckets must have custom bounds',
    );
    expect(reason(() => validateHistogram({ ...nhcb, customValues: [1, 1, 5, 10] }))).toMatch(/strictly increasing/);
    expect(reason(() => validateHistogram({ ...nhcb, zeroCount: 1, count: 8 }))).toBe(
      'custom buckets: histogram with custom buckets must not have a zero bucket',
    );
  });

  it('gives float histograms no count check but checks their buckets', () => {
    expect(reason(() => validateFloatHistogram(fh({ count: 100 })))).toBe('valid');
    expect(reason(() => validateFloatHistogram(fh({ positiveBuckets: [2, -3, 2] })))).toMatch(
      /bucket number 2 has observation count of -3/,
    );
  });
});
