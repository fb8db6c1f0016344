import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeInterval } from './record/ref-types.js';
import { addInterval, intervalContains, isSubrange, MemTombstones, overlapsAny } from './tombstones.js';

describe('addInterval (Prometheus Intervals.Add)', () => {
  it.each([
    ['into empty', [], { mint: 1, maxt: 2 }, [{ mint: 1, maxt: 2 }]],
    [
      'after, apart',
      [{ mint: 1, maxt: 2 }],
      { mint: 5, maxt: 6 },
      [
        { mint: 1, maxt: 2 },
        { mint: 5, maxt: 6 },
      ],
    ],
    [
      'before, apart',
      [{ mint: 5, maxt: 6 }],
      { mint: 1, maxt: 2 },
      [
        { mint: 1, maxt: 2 },
        { mint: 5, maxt: 6 },
      ],
    ],
    ['adjacent after', [{ mint: 1, maxt: 2 }], { mint: 3, maxt: 4 }, [{ mint: 1, maxt: 4 }]],
    ['adjacent before', [{ mint: 3, maxt: 4 }], { mint: 1, maxt: 2 }, [{ mint: 1, maxt: 4 }]],
    ['overlapping', [{ mint: 1, maxt: 5 }], { mint: 3, maxt: 8 }, [{ mint: 1, maxt: 8 }]],
    ['inside', [{ mint: 1, maxt: 10 }], { mint: 3, maxt: 4 }, [{ mint: 1, maxt: 10 }]],
    [
      'bridging two',
      [
        { mint: 1, maxt: 2 },
        { mint: 6, maxt: 7 },
        { mint: 20, maxt: 30 },
      ],
      { mint: 3, maxt: 5 },
      [
        { mint: 1, maxt: 7 },
        { mint: 20, maxt: 30 },
      ],
    ],
    ['unbounded', [{ mint: 5, maxt: 6 }], { mint: -Infinity, maxt: Infinity }, [{ mint: -Infinity, maxt: Infinity }]],
    [
      'between, apart',
      [
        { mint: 1, maxt: 2 },
        { mint: 10, maxt: 12 },
      ],
      { mint: 5, maxt: 6 },
      [
        { mint: 1, maxt: 2 },
        { mint: 5, maxt: 6 },
        { mint: 10, maxt: 12 },
      ],
    ],
  ] as [string, TimeInterval[], TimeInterval, TimeInterval[]][])('%s', (_name, ivs, n, want) => {
    expect(
      addInterval(
        ivs.map((iv) => ({ ...iv })),
        n,
      ),
    ).toEqual(want);
  });

  it('gives the same covered set as a model, sorted, disjoint and not adjacent', () => {
    const iv = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 8 }));
    fc.assert(
      fc.property(fc.array(iv, { maxLength: 12 }), (adds) => {
        const ivs: TimeInterval[] = [];
        const model = new Set<number>();
        for (const [a, w] of adds) {
          addInterval(ivs, { mint: a, maxt: a + w });
          for (let t = a; t <= a + w; t++) model.add(t);
        }
        for (let i = 1; i < ivs.length; i++) expect(ivs[i]!.mint).toBeGreaterThan(ivs[i - 1]!.maxt + 1);
        for (let t = -1; t <= 70; t++) {
          expect(ivs.some((x) => intervalContains(x, t))).toBe(model.has(t));
          expect(overlapsAny(t, t, ivs)).toBe(model.has(t));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('isSubrange / overlapsAny', () => {
  const ivs = [
    { mint: 10, maxt: 20 },
    { mint: 30, maxt: 40 },
  ];
  it('is a subrange only inside one interval', () => {
    expect(isSubrange(10, 20, ivs)).toBe(true);
    expect(isSubrange(12, 18, ivs)).toBe(true);
    expect(isSubrange(15, 35, ivs)).toBe(false);
    expect(isSubrange(9, 12, ivs)).toBe(false);
    expect(isSubrange(1, 2, [])).toBe(false);
  });
  it('overlaps when sharing any time', () => {
    expect(overlapsAny(0, 10, ivs)).toBe(true);
    expect(overlapsAny(21, 29, ivs)).toBe(false);
    expect(overlapsAny(40, 50, ivs)).toBe(true);
    expect(overlapsAny(41, 50, ivs)).toBe(false);
  });
});

describe('MemTombstones', () => {
  it('adds, merges, truncates and deletes per series', () => {
    const t = new MemTombstones();
    t.addInterval(1, { mint: 10, maxt: 20 }, { mint: 21, maxt: 25 });
    t.addInterval(2, { mint: 0, maxt: 5 });
    t.addInterval(2, { mint: 50, maxt: 60 });
    expect(t.get(1)).toEqual([{ mint: 10, maxt: 25 }]);
    expect(t.get(2)).toEqual([
      { mint: 0, maxt: 5 },
      { mint: 50, maxt: 60 },
    ]);
    expect(t.total()).toBe(3);
    expect(t.size).toBe(2);
    // Intervals reaching the cut stay whole, as in Prometheus.
    t.truncateBefore(22);
    expect(t.get(1)).toEqual([{ mint: 10, maxt: 25 }]);
    expect(t.get(2)).toEqual([{ mint: 50, maxt: 60 }]);
    t.truncateBefore(30);
    expect(t.get(1)).toBeUndefined();
    expect(t.stones()).toEqual([{ ref: 2, intervals: [{ mint: 50, maxt: 60 }] }]);
    t.deleteTombstones([2]);
    expect(t.size).toBe(0);
    expect(t.total()).toBe(0);
  });
});
