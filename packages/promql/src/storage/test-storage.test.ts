import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestStorage } from './test-storage.js';

describe('TestStorage', () => {
  it('selects by matchers and iterates samples in time order', async () => {
    const s = new TestStorage();
    const a = Labels.fromStrings('__name__', 'm', 'job', 'a');
    s.append(a, 2000, 2);
    s.append(a, 1000, 1);
    s.append(a, 2000, 3); // replaces the sample at 2000
    s.append(Labels.fromStrings('__name__', 'm', 'job', 'b'), 1000, 9);
    const q = s.querier(0, 10_000);
    const set = await q.select(true, undefined, [new Matcher(MatchType.Equal, 'job', 'a')]);
    expect(set.next()).toBe(true);
    const it = set.at().iterator();
    const got: [number, number][] = [];
    while (it.next() === ValueType.Float) got.push([it.atT(), it.atV()]);
    expect(got).toEqual([
      [1000, 1],
      [2000, 3],
    ]);
    expect(set.next()).toBe(false);
    expect((await q.labelValues('job', undefined, [])).values).toEqual(['a', 'b']);
  });

  it('seek finds the first sample at or after t', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: -10, max: 10_010 }),
        (ts, t) => {
          const s = new TestStorage();
          const l = Labels.fromStrings('__name__', 'x');
          for (const x of ts) s.append(l, x, x);
          const it = s.series(l).iterator();
          const want = [...ts].sort((a, b) => a - b).find((x) => x >= t);
          const vt = it.seek(t);
          if (want === undefined) expect(vt).toBe(ValueType.None);
          else expect(it.atT()).toBe(want);
        },
      ),
    );
  });

  it('keeps start timestamps', () => {
    const s = new TestStorage();
    const l = Labels.fromStrings('__name__', 'x');
    s.append(l, 1000, 1, 500);
    s.append(l, 2000, 2);
    const it = s.series(l).iterator();
    it.next();
    expect(it.atST()).toBe(500);
    it.next();
    expect(it.atST()).toBe(0);
  });
});
