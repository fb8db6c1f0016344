import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Encoding } from './chunk.js';
import { CounterResetHint, type Histogram } from './histogram.js';
import { ListChunkSeries, ListChunkSeriesIterator, ListSeries, ListSeriesIterator } from './list-series.js';
import type { Sample } from './sample.js';
import { samplesFromIterator } from './sample-iterators.js';
import { ListChunk } from './testing/list-chunk.js';
import { ValueType } from './value-type.js';

const lbls = Labels.fromStrings('__name__', 'up', 'job', 'a');
const floats: Sample[] = [
  { t: 1, v: 10 },
  { t: 2, v: 20 },
  { t: 5, v: 50 },
  { t: 8, v: 80 },
];

function hist(count: number): Histogram {
  return {
    counterResetHint: CounterResetHint.NotCounterReset,
    schema: 0,
    zeroThreshold: 0.001,
    zeroCount: 1,
    count,
    sum: 3.5,
    positiveSpans: [{ offset: 0, length: 3 }],
    negativeSpans: [],
    positiveBuckets: [1, 2, -1],
    negativeBuckets: [],
  };
}

describe('ListSeriesIterator', () => {
  it('iterates all samples, then stays at None', () => {
    const it = new ListSeries(lbls, floats).iterator();
    const got: [number, number][] = [];
    while (it.next() === ValueType.Float) got.push([it.atT(), it.atV()]);
    expect(got).toEqual(floats.map((s) => [s.t, s.v]));
    expect(it.next()).toBe(ValueType.None);
    expect(it.seek(0)).toBe(ValueType.None);
    expect(it.err()).toBeUndefined();
  });

  it.each([
    // [seeks, expected t after each seek (undefined = None)]
    { seeks: [0], want: [1] },
    { seeks: [1], want: [1] },
    { seeks: [3], want: [5] },
    { seeks: [5, 2], want: [5, 5] }, // stays when the current t >= target
    { seeks: [5, 5, 6], want: [5, 5, 8] },
    { seeks: [9], want: [undefined] },
    { seeks: [8, 9, 1], want: [8, undefined, undefined] },
  ])('seek $seeks', ({ seeks, want }) => {
    const it = new ListSeriesIterator(floats);
    seeks.forEach((t, i) => {
      const vt = it.seek(t);
      if (want[i] === undefined) expect(vt).toBe(ValueType.None);
      else {
        expect(vt).toBe(ValueType.Float);
        expect(it.atT()).toBe(want[i]);
      }
    });
  });

  it('seek after next stays on the current sample when it is recent enough', () => {
    const it = new ListSeriesIterator(floats);
    it.next();
    it.next();
    expect(it.seek(1)).toBe(ValueType.Float);
    expect(it.atT()).toBe(2);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.atT()).toBe(5);
  });

  it('reports histogram types and converts integer histograms to float', () => {
    const h = hist(4);
    const it = new ListSeriesIterator([
      { t: 1, h },
      { t: 2, fh: { ...hist(5), positiveBuckets: [1, 3, 2] } },
      { t: 3, v: 1, st: 1 },
    ]);
    expect(it.next()).toBe(ValueType.Histogram);
    expect(it.atHistogram()).toBe(h);
    const fh = it.atFloatHistogram();
    expect(fh.positiveBuckets).toEqual([1, 3, 2]);
    expect(h.positiveBuckets).toEqual([1, 2, -1]);
    expect(it.atV()).toBe(0);
    expect(it.next()).toBe(ValueType.FloatHistogram);
    expect(it.atFloatHistogram().count).toBe(5);
    expect(() => it.atHistogram()).toThrow();
    expect(it.next()).toBe(ValueType.Float);
    expect(it.atST()).toBe(1);
    expect(it.at()).toEqual([3, 1]);
  });

  it('is reused through iterator(reuse)', () => {
    const a = new ListSeries(lbls, floats);
    const b = new ListSeries(lbls, [{ t: 100, v: 1 }]);
    const it = a.iterator();
    it.next();
    const again = b.iterator(it);
    expect(again).toBe(it);
    expect(samplesFromIterator(again)).toEqual([{ t: 100, v: 1 }]);
  });

  it('throws on access without a current sample', () => {
    const it = new ListSeriesIterator(floats);
    expect(() => it.atT()).toThrow();
  });
});

describe('ListChunkSeries', () => {
  it('iterates its chunks in order and can be reused', () => {
    const c1 = ListChunk.of(Encoding.XOR, floats.slice(0, 2));
    const c2 = ListChunk.of(Encoding.XOR, floats.slice(2));
    const cs = new ListChunkSeries(lbls, [
      { ref: 1, mint: 1, maxt: 2, chunk: c1 },
      { ref: 2, mint: 5, maxt: 8, chunk: c2 },
    ]);
    expect(cs.labels()).toBe(lbls);
    const it = cs.chunkIterator();
    const refs: number[] = [];
    while (it.next()) refs.push(it.at().ref);
    expect(refs).toEqual([1, 2]);
    expect(it.next()).toBe(false);
    expect(it.err()).toBeUndefined();
    const reused = new ListChunkSeries(lbls, []).chunkIterator(it);
    expect(reused).toBe(it);
    expect(reused).toBeInstanceOf(ListChunkSeriesIterator);
    expect(reused.next()).toBe(false);
  });
});
