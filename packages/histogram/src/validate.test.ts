import { CounterResetHint, type Histogram } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { exponentialBound } from './bounds.js';
import { HistogramValidationError } from './errors.js';
import { formatG } from './format-g.js';
import { validateFloatHistogram, validateHistogram } from './validate.js';

const base: Histogram = {
  counterResetHint: CounterResetHint.Unknown,
  schema: 0,
  zeroThreshold: 0.001,
  zeroCount: 1,
  count: 4,
  sum: 3,
  positiveSpans: [{ offset: 0, length: 2 }],
  negativeSpans: [],
  positiveBuckets: [1, 1],
  negativeBuckets: [],
};

describe('validate', () => {
  it('accepts a consistent histogram and names what is wrong otherwise', () => {
    expect(() => validateHistogram(base)).not.toThrow();
    expect(() => validateHistogram({ ...base, count: 5 })).toThrow(
      /4 observations found in buckets, but the Count field is 5/,
    );
    expect(() => validateHistogram({ ...base, positiveBuckets: [1] })).toThrow(
      /positive side: spans need 2 buckets, have 1/,
    );
    expect(() => validateHistogram({ ...base, positiveBuckets: [1, -2], count: 1 })).toThrow(HistogramValidationError);
    expect(() => validateFloatHistogram({ ...base, count: 99 })).not.toThrow();
    expect(() =>
      validateHistogram({
        ...base,
        schema: -53,
        zeroThreshold: 0,
        zeroCount: 0,
        count: 3,
        customValues: [1, 1],
        positiveBuckets: [1, 2],
      }),
    ).toThrow(/custom buckets must be in increasing order/);
  });
});

describe('bounds and formatting', () => {
  it('computes exponential bounds as Prometheus does', () => {
    expect(exponentialBound(0, 0)).toBe(1);
    expect(exponentialBound(1, 0)).toBe(2);
    expect(exponentialBound(-1, 0)).toBe(0.5);
    expect(exponentialBound(1, 1)).toBeCloseTo(Math.SQRT2, 15);
    expect(exponentialBound(1, -2)).toBe(16);
    expect(exponentialBound(1024, 0)).toBe(Number.MAX_VALUE);
    expect(exponentialBound(1025, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('formats like Go %g', () => {
    expect(formatG(0.5)).toBe('0.5');
    expect(formatG(1e21)).toBe('1e+21');
    expect(formatG(1e-5)).toBe('1e-05');
    expect(formatG(123456)).toBe('123456');
    expect(formatG(Number.POSITIVE_INFINITY)).toBe('+Inf');
  });
});
