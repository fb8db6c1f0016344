import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Annotations } from './annotations.js';
import { chainedSeriesMerge } from './chain-sample-iterator.js';
import { ListSeries } from './list-series.js';
import { mergeSeriesSets } from './merge-series-set.js';
import type { Sample } from './sample.js';
import { expandSeriesSet, samplesFromIterator } from './sample-iterators.js';
import { errorSeriesSet, ListSeriesSet, seriesSetFromList } from './series-set.js';
import type { Series, SeriesSet } from './series.js';

const series = (name: string, ...ts: number[]) =>
  new ListSeries(
    Labels.fromStrings('__name__', name),
    ts.map((t) => ({ t, v: t })),
  );

function dump(set: SeriesSet): [string, Sample[]][] {
  return expandSeriesSet(set).map((s) => [s.labels().toString(), samplesFromIterator(s.iterator())]);
}

describe('mergeSeriesSets', () => {
  it('merges sorted sets, combining equal labels with the merge function', () => {
    const set = mergeSeriesSets(
      [
        seriesSetFromList([series('a', 1, 2), series('c', 5)]),
        seriesSetFromList([series('a', 2, 3), series('b', 4)]),
        seriesSetFromList([]),
      ],
      chainedSeriesMerge,
    );
    expect(dump(set).map(([l, s]) => [l, s.map((x) => x.t)])).toEqual([
      ['{__name__="a"}', [1, 2, 3]],
      ['{__name__="b"}', [4]],
      ['{__name__="c"}', [5]],
    ]);
    expect(set.err()).toBeUndefined();
  });

  it('hands equal series to the merge function in the order of the sets', () => {
    const calls: string[][] = [];
    const tag = (name: string, who: string) => {
      const s = new ListSeries(Labels.fromStrings('__name__', name, 'who', 'x'), [{ t: 1, v: 0 }]);
      return Object.assign(s, { who });
    };
    const mergeFn = (...ss: Series[]) => {
      calls.push(ss.map((s) => (s as unknown as { who: string }).who));
      return ss[0]!;
    };
    const sets = ['s0', 's1', 's2', 's3'].map((w) => seriesSetFromList([tag('m', w)]));
    expandSeriesSet(mergeSeriesSets(sets, mergeFn));
    expect(calls).toEqual([['s0', 's1', 's2', 's3']]);
  });

  it('honours the limit', () => {
    const set = mergeSeriesSets(
      [seriesSetFromList([series('a'), series('c')]), seriesSetFromList([series('b'), series('d')])],
      chainedSeriesMerge,
      3,
    );
    expect(dump(set).map(([l]) => l)).toEqual(['{__name__="a"}', '{__name__="b"}', '{__name__="c"}']);
  });

  it('returns the error of a set that fails at once, with all warnings', () => {
    const ws = new Annotations().add(new Error('warn1'));
    const set = mergeSeriesSets(
      [new ListSeriesSet([series('a')], ws), errorSeriesSet(new Error('select failed'))],
      chainedSeriesMerge,
    );
    expect(set.next()).toBe(false);
    expect(set.err()?.message).toBe('select failed');
    expect([...set.warnings()].map((w) => w.message)).toEqual(['warn1']);
  });

  it('merges the warnings of all sets', () => {
    const set = mergeSeriesSets(
      [
        new ListSeriesSet([series('a')], new Annotations().add(new Error('w1'))),
        new ListSeriesSet([series('b')], new Annotations().add(new Error('w2'))),
      ],
      chainedSeriesMerge,
    );
    expandSeriesSet(set);
    expect([...set.warnings()].map((w) => w.message).sort()).toEqual(['w1', 'w2']);
  });

  it('passes a single set through', () => {
    const only = seriesSetFromList([series('a')]);
    expect(mergeSeriesSets([only], chainedSeriesMerge)).toBe(only);
    expect(mergeSeriesSets([], chainedSeriesMerge).next()).toBe(false);
  });

  it('equals the sorted union of random sorted sets with de-duplicated timestamps', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    const ts = fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 10 }).map((t) => t.sort((x, y) => x - y));
    const oneSet = fc.uniqueArray(fc.tuple(name, fc.constantFrom('', '1', '2'), ts), {
      maxLength: 8,
      selector: ([n, j]) => `${n}/${j}`,
    });
    fc.assert(
      fc.property(fc.array(oneSet, { maxLength: 5 }), (raw) => {
        const setsData = raw.map((set, si) =>
          set.map(([n, j, tss]) => ({
            labels: j === '' ? Labels.fromStrings('__name__', n) : Labels.fromStrings('__name__', n, 'j', j),
            samples: tss.map((t) => ({ t, v: si })),
          })),
        );
        // Reference: group by labels in set order, then union samples (earliest set wins).
        const want = new Map<string, { labels: Labels; byT: Map<number, number> }>();
        for (const set of setsData) {
          for (const s of set) {
            const key = s.labels.toString();
            const e = want.get(key) ?? { labels: s.labels, byT: new Map() };
            want.set(key, e);
            for (const x of s.samples) if (!e.byT.has(x.t)) e.byT.set(x.t, x.v);
          }
        }
        const wantList = [...want.values()]
          .sort((a, b) => Labels.compare(a.labels, b.labels))
          .map((e) => [
            e.labels.toString(),
            [...e.byT.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v })),
          ]);
        const sets = setsData.map((set) =>
          seriesSetFromList(
            set.map((s) => new ListSeries(s.labels, s.samples)),
            true,
          ),
        );
        expect(dump(mergeSeriesSets(sets, chainedSeriesMerge))).toEqual(wantList);
      }),
      { numRuns: 200 },
    );
  });
});
