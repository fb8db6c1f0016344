import { Labels, Matcher, MatchType } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemPostings } from './mem-postings.js';
import { intersectPostings, mergePostings, withoutPostings } from './postings.js';
import { postingsForMatchers } from './postings-for-matchers.js';

const sortedSet = fc.uniqueArray(fc.integer({ min: 1, max: 300 })).map((xs) => xs.sort((a, b) => a - b));

describe('postings operations', () => {
  it('intersect, merge and without agree with set arithmetic', () => {
    fc.assert(
      fc.property(fc.array(sortedSet, { minLength: 1, maxLength: 5 }), sortedSet, (lists, drop) => {
        const sets = lists.map((l) => new Set(l));
        const inter = [...sets[0]!].filter((x) => sets.every((s) => s.has(x)));
        expect(Array.from(intersectPostings(lists))).toEqual(inter);
        const union = [...new Set(lists.flat())].sort((a, b) => a - b);
        expect(Array.from(mergePostings(lists))).toEqual(union);
        const d = new Set(drop);
        expect(Array.from(withoutPostings(union, drop))).toEqual(union.filter((x) => !d.has(x)));
      }),
    );
  });
});

describe('postingsForMatchers', () => {
  const values = ['', 'a', 'b', 'ab', 'foo', 'bar'];
  const seriesArb = fc.uniqueArray(
    fc.record({ x: fc.constantFrom(...values), y: fc.constantFrom(...values), z: fc.constantFrom(...values) }),
    { minLength: 1, maxLength: 30, selector: (r) => `${r.x}|${r.y}|${r.z}` },
  );
  const matcherArb = fc.record({
    type: fc.constantFrom(MatchType.Equal, MatchType.NotEqual, MatchType.Regexp, MatchType.NotRegexp),
    name: fc.constantFrom('x', 'y', 'z', 'missing'),
    value: fc.constantFrom('', 'a', 'b', 'a|b', '.*', '.+', 'a.*', 'foo|', 'f.o|bar', 'x'),
  });

  it('selects exactly the series a brute-force scan selects', () => {
    fc.assert(
      fc.property(seriesArb, fc.array(matcherArb, { minLength: 1, maxLength: 3 }), (series, ms) => {
        const p = new MemPostings();
        const all: Labels[] = [];
        series.forEach((r, i) => {
          const l = Labels.fromStrings('n', 'm', 'x', r.x, 'y', r.y, 'z', r.z);
          all.push(l);
          p.add(i + 1, l);
        });
        const matchers = ms.map((m) => new Matcher(m.type, m.name, m.value));
        const got = postingsForMatchers(
          {
            allPostings: () => p.get('', ''),
            postings: (n, vs) => p.postings(n, vs),
            postingsForLabelMatching: (n, f) => p.postingsForLabelMatching(n, f),
            postingsForAllLabelValues: (n) => p.postingsForAllLabelValues(n),
          },
          matchers,
        );
        const want = all.flatMap((l, i) => (matchers.every((m) => m.matches(l.get(m.name))) ? [i + 1] : []));
        expect(Array.from(got)).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the series with a label: the all-postings list when every series has it', () => {
    const p = new MemPostings();
    p.add(1, Labels.fromStrings('__name__', 'a', 'job', 'x'));
    p.add(2, Labels.fromStrings('__name__', 'b'));
    p.add(3, Labels.fromStrings('__name__', 'a', 'job', 'y'));
    p.add(4, Labels.fromStrings('__name__', 'c', 'job', 'x'));
    expect(p.postingsForAllLabelValues('__name__')).toBe(p.get('', ''));
    expect(Array.from(p.postingsForAllLabelValues('job'))).toEqual([1, 3, 4]);
    expect(Array.from(p.postingsForAllLabelValues('absent'))).toEqual([]);
    // Once the series without `job` is gone, every series has it.
    p.delete(new Set([2]), new Set(['__name__\xffb']));
    expect(Array.from(p.postingsForAllLabelValues('job'))).toEqual([1, 3, 4]);
    expect(p.postingsForAllLabelValues('job')).toBe(p.get('', ''));
  });

  it('drops deleted refs from every list', () => {
    const p = new MemPostings();
    p.add(1, Labels.fromStrings('a', '1'));
    p.add(2, Labels.fromStrings('a', '1', 'b', '2'));
    p.add(3, Labels.fromStrings('a', '3'));
    p.delete(new Set([2, 3]), new Set(['a\xff1', 'b\xff2', 'a\xff3']));
    expect(Array.from(p.get('a', '1'))).toEqual([1]);
    expect(p.labelNames()).toEqual(['a']);
    expect(p.labelValues('a')).toEqual(['1']);
    expect(Array.from(p.get('', ''))).toEqual([1]);
  });
});
