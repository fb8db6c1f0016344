import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { CounterResetHint, type Histogram } from './histogram.js';
import { ListSeries, ListSeriesIterator } from './list-series.js';
import { emptyIterator, errorIterator, expandSeriesSet, samplesFromIterator } from './sample-iterators.js';
import { errorSeriesSet, seriesSetFromList } from './series-set.js';
import { ValueType } from './value-type.js';

const h: Histogram = {
  counterResetHint: CounterResetHint.Unknown,
  schema: 1,
  zeroThreshold: 0,
  zeroCount: 0,
  count: 2,
  sum: 1,
  positiveSpans: [{ offset: 1, length: 2 }],
  negativeSpans: [],
  positiveBuckets: [1, 0],
  negativeBuckets: [],
};

describe('emptyIterator / errorIterator', () => {
  it('has no samples', () => {
    const it = emptyIterator();
    expect(it.next()).toBe(ValueType.None);
    expect(it.seek(0)).toBe(ValueType.None);
    expect(it.err()).toBeUndefined();
  });

  it('reports its error', () => {
    const err = new Error('boom');
    const it = errorIterator(err);
    expect(it.next()).toBe(ValueType.None);
    expect(it.err()).toBe(err);
  });
});

describe('samplesFromIterator', () => {
  it('collects floats and copies histograms', () => {
    const got = samplesFromIterator(
      new ListSeriesIterator([
        { t: 1, v: 2, st: -5 },
        { t: 2, h },
      ]),
    );
    expect(got).toEqual([
      { t: 1, v: 2, st: -5 },
      { t: 2, h },
    ]);
    expect(got[1]?.h).not.toBe(h);
    expect(got[1]?.h?.positiveBuckets).not.toBe(h.positiveBuckets);
  });

  it('throws the iterator error', () => {
    expect(() => samplesFromIterator(errorIterator(new Error('bad chunk')))).toThrow('bad chunk');
  });
});

describe('expandSeriesSet', () => {
  it('returns all series or throws the set error', () => {
    const a = new ListSeries(Labels.fromStrings('a', '1'), []);
    expect(expandSeriesSet(seriesSetFromList([a]))).toEqual([a]);
    expect(() => expandSeriesSet(errorSeriesSet(new Error('x')))).toThrow('x');
  });
});
