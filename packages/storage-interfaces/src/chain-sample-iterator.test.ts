import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainSampleIterator, chainedSeriesMerge } from './chain-sample-iterator.js';
import { CounterResetHint, type Histogram } from './histogram.js';
import type { SampleIterator } from './iterator.js';
import { ListSeries, ListSeriesIterator } from './list-series.js';
import type { FloatSample, Sample } from './sample.js';
import { emptyIterator, errorIterator, samplesFromIterator } from './sample-iterators.js';
import { ValueType } from './value-type.js';

const fs = (...ts: number[]): FloatSample[] => ts.map((t) => ({ t, v: t }));
const chain = (...lists: Sample[][]) => new ChainSampleIterator(lists.map((l) => new ListSeriesIterator(l)));

/** The reference result: the union by timestamp, the earliest list winning equal timestamps. */
function union(lists: readonly Sample[][]): Sample[] {
  const byT = new Map<number, Sample>();
  for (const l of lists) for (const s of l) if (!byT.has(s.t)) byT.set(s.t, s);
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

describe('ChainSampleIterator', () => {
  // Prometheus: storage/merge_test.go TestChainSampleIterator
  it.each([
    { input: [fs(0, 1)], want: fs(0, 1) },
    { input: [fs(0, 1), fs()], want: fs(0, 1) },
    { input: [fs(0, 1), fs(2, 3)], want: fs(0, 1, 2, 3) },
    { input: [fs(0, 3), fs(1, 4), fs(2, 5)], want: fs(0, 1, 2, 3, 4, 5) },
    { input: [fs(0, 1), fs(0, 2), fs(2, 3)], want: fs(0, 1, 2, 3) },
    { input: [fs(), fs(), fs()], want: [] },
    { input: [], want: [] },
  ])('merges $input.length inputs', ({ input, want }) => {
    expect(samplesFromIterator(chain(...input))).toEqual(want);
  });

  it('keeps the sample of the earliest input at equal timestamps', () => {
    const a = [{ t: 1, v: 100 }];
    const b = [
      { t: 1, v: 200 },
      { t: 2, v: 200 },
    ];
    expect(samplesFromIterator(chain(b, a))).toEqual(b);
    expect(samplesFromIterator(chain(a, b))).toEqual([
      { t: 1, v: 100 },
      { t: 2, v: 200 },
    ]);
  });

  // Prometheus: storage/merge_test.go TestChainSampleIteratorSeek
  it.each([
    { input: [fs(0, 1, 2)], seek: 1, want: fs(1, 2) },
    { input: [fs(0, 1), fs(2, 3)], seek: 2, want: fs(2, 3) },
    { input: [fs(0, 3), fs(1, 4), fs(2, 5)], seek: 2, want: fs(2, 3, 4, 5) },
    { input: [fs(0, 2, 3), fs(1, 4, 5, 6)], seek: 0, want: fs(0, 1, 2, 3, 4, 5, 6) },
    { input: [fs(0, 1), fs(1, 2)], seek: 7, want: [] },
  ])('seek($seek)', ({ input, seek, want }) => {
    const it = chain(...input);
    const got: Sample[] = [];
    if (it.seek(seek) !== ValueType.None) {
      got.push({ t: it.atT(), v: it.atV() });
      got.push(...samplesFromIterator(it));
    }
    expect(got).toEqual(want);
  });

  it('stays on the current sample when seeking to an earlier time', () => {
    const it = chain(fs(1, 5), fs(3));
    expect(it.next()).toBe(ValueType.Float);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.atT()).toBe(3);
    expect(it.seek(2)).toBe(ValueType.Float);
    expect(it.atT()).toBe(3);
    expect(it.seek(4)).toBe(ValueType.Float);
    expect(it.atT()).toBe(5);
    expect(it.next()).toBe(ValueType.None);
    expect(it.seek(0)).toBe(ValueType.None);
  });

  it('behaves as a list iterator over the union under any next/seek sequence', () => {
    const sortedUnique = fc
      .uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 25 })
      .map((ts) => ts.sort((a, b) => a - b));
    const lists = fc
      .array(sortedUnique, { maxLength: 5 })
      .map((tss) => tss.map((ts, i) => ts.map((t) => ({ t, v: i * 1000 + t }))));
    const ops = fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: -5, max: 70 })), { maxLength: 40 });
    fc.assert(
      fc.property(lists, ops, (input, opList) => {
        const got = chain(...input);
        const want = new ListSeriesIterator(union(input));
        for (const op of opList) {
          const vt = op === -1 ? got.next() : got.seek(op);
          const wt = op === -1 ? want.next() : want.seek(op);
          expect(vt).toBe(wt);
          if (wt === ValueType.None) break;
          expect(got.atT()).toBe(want.atT());
          expect(got.atV()).toBe(want.atV());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('merged by timestamp equals the sorted union with de-duplicated timestamps', () => {
    const sortedUnique = fc
      .uniqueArray(fc.integer({ min: -1000, max: 1000 }), { maxLength: 40 })
      .map((ts) => ts.sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.array(sortedUnique, { minLength: 1, maxLength: 6 }), (tss) => {
        const input = tss.map((ts, i) => ts.map((t) => ({ t, v: i })));
        const lset = Labels.fromStrings('a', 'b');
        const merged = chainedSeriesMerge(...input.map((l) => new ListSeries(lset, l)));
        expect(merged.labels()).toBe(lset);
        expect(samplesFromIterator(merged.iterator())).toEqual(union(input));
      }),
      { numRuns: 200 },
    );
  });

  it('stops at the first iterator error', () => {
    const err = new Error('chunk corrupt');
    const it = new ChainSampleIterator([new ListSeriesIterator(fs(1, 2)), errorIterator(err)]);
    expect(it.next()).toBe(ValueType.None);
    expect(it.err()).toBe(err);

    const failing = new FailAfter(new ListSeriesIterator(fs(2, 4, 6)), 2, err);
    const it2 = new ChainSampleIterator([new ListSeriesIterator(fs(1, 3, 5, 7)), failing]);
    const ts: number[] = [];
    while (it2.next() !== ValueType.None) ts.push(it2.atT());
    expect(ts).toEqual([1, 2, 3, 4]); // The failing input yields 2 and 4, then fails when advanced.
    expect(it2.err()).toBe(err);
  });

  it('reports Unknown counter resets where the input changes, per sample as Prometheus does', () => {
    const h = (hint: CounterResetHint, count: number): Histogram => ({
      counterResetHint: hint,
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 0,
      count,
      sum: count,
      positiveSpans: [],
      negativeSpans: [],
      positiveBuckets: [],
      negativeBuckets: [],
    });
    const a: Sample[] = [
      { t: 1, h: h(CounterResetHint.CounterReset, 1) },
      { t: 2, h: h(CounterResetHint.NotCounterReset, 2) },
    ];
    const single = new ChainSampleIterator([new ListSeriesIterator(a), emptyIterator()]);
    expect(single.next()).toBe(ValueType.Histogram);
    expect(single.atHistogram().counterResetHint).toBe(CounterResetHint.CounterReset);
    expect(single.next()).toBe(ValueType.Histogram);
    expect(single.atHistogram().counterResetHint).toBe(CounterResetHint.NotCounterReset);

    const b: Sample[] = [
      { t: 3, h: h(CounterResetHint.NotCounterReset, 3) },
      { t: 4, h: h(CounterResetHint.Gauge, 4) },
      { t: 5, h: h(CounterResetHint.NotCounterReset, 5) },
      { t: 6, h: h(CounterResetHint.CounterReset, 6) },
    ];
    const mixed = new ChainSampleIterator([new ListSeriesIterator(a), new ListSeriesIterator(b)]);
    const hints: number[] = [];
    const counts: number[] = [];
    while (mixed.next() === ValueType.Histogram) {
      hints.push(mixed.atHistogram().counterResetHint);
      counts.push(mixed.atFloatHistogram().count);
    }
    expect(hints).toEqual([
      CounterResetHint.CounterReset,
      CounterResetHint.NotCounterReset,
      CounterResetHint.Unknown, // First sample from b: not consecutive with a's.
      CounterResetHint.Gauge, // Gauge hints always stand.
      CounterResetHint.NotCounterReset, // Consecutive within b again: the hint stands.
      CounterResetHint.CounterReset,
    ]);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    // A seek breaks consecutiveness for the sample it lands on only.
    const sought = new ChainSampleIterator([new ListSeriesIterator(a), new ListSeriesIterator(b)]);
    expect(sought.seek(5)).toBe(ValueType.Histogram);
    expect(sought.atHistogram().counterResetHint).toBe(CounterResetHint.Unknown);
    expect(sought.next()).toBe(ValueType.Histogram);
    expect(sought.atHistogram().counterResetHint).toBe(CounterResetHint.CounterReset);
    // The inputs' objects were not changed.
    expect(b[0]?.h?.counterResetHint).toBe(CounterResetHint.NotCounterReset);
  });

  it('chainedSeriesMerge reuses a previous iterator', () => {
    const lset = Labels.fromStrings('a', 'b');
    const merged = chainedSeriesMerge(new ListSeries(lset, fs(1)), new ListSeries(lset, fs(2)));
    const it = merged.iterator();
    expect(samplesFromIterator(it)).toEqual(fs(1, 2));
    const again = merged.iterator(it);
    expect(again).toBe(it);
    expect(samplesFromIterator(again)).toEqual(fs(1, 2));
    expect(() => chainedSeriesMerge()).toThrow();
  });
});

/** Passes `n` samples of `it` through, then fails with `err`. */
class FailAfter implements SampleIterator {
  #n: number;
  #failed = false;
  constructor(
    readonly it: SampleIterator,
    n: number,
    readonly error: Error,
  ) {
    this.#n = n;
  }
  next(): ValueType {
    if (this.#n-- <= 0) {
      this.#failed = true;
      return ValueType.None;
    }
    return this.it.next();
  }
  seek(t: number): ValueType {
    return this.it.seek(t);
  }
  at(): [number, number] {
    return this.it.at();
  }
  atT(): number {
    return this.it.atT();
  }
  atV(): number {
    return this.it.atV();
  }
  atHistogram(): Histogram {
    return this.it.atHistogram();
  }
  atFloatHistogram() {
    return this.it.atFloatHistogram();
  }
  atST(): number {
    return this.it.atST();
  }
  err(): Error | undefined {
    return this.#failed ? this.error : undefined;
  }
}
