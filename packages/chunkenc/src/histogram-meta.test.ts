import type { Span } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adjustForInserts,
  BucketIterator,
  ExpandResult,
  expandSpansAndBuckets,
  expandSpansBothWays,
  insertBuckets,
} from './histogram-meta.js';
import { spansArb, toDeltas } from './testing/histogram-gen.js';

function indexes(spans: Span[]): number[] {
  const it = new BucketIterator().reset(spans);
  const out: number[] = [];
  while (it.next()) out.push(it.idx);
  return out;
}

// The example of Prometheus's expandIntSpansAndBuckets doc comment.
const a: Span[] = [
  { offset: 0, length: 2 },
  { offset: 2, length: 1 },
  { offset: 3, length: 2 },
  { offset: 3, length: 1 },
  { offset: 1, length: 1 },
];
const b: Span[] = [
  { offset: 0, length: 3 },
  { offset: 1, length: 1 },
  { offset: 1, length: 4 },
  { offset: 3, length: 3 },
];

describe('histogram span helpers', () => {
  it('iterates bucket indexes, skipping empty spans', () => {
    expect(indexes(a)).toEqual([0, 1, 4, 8, 9, 13, 15]);
    expect(indexes(b)).toEqual([0, 1, 2, 4, 6, 7, 8, 9, 13, 14, 15]);
    expect(
      indexes([
        { offset: -3, length: 0 },
        { offset: 2, length: 2 },
        { offset: 0, length: 0 },
        { offset: 1, length: 1 },
      ]),
    ).toEqual([-1, 0, 2]);
    expect(indexes([])).toEqual([]);
  });

  it("finds the forward inserts of Prometheus's example and recodes the deltas as it documents", () => {
    const out = new ExpandResult();
    const aDeltas = [6, -3, 0, -1, 2, 1, -4]; // Raw 6 3 3 2 4 5 1.
    const bDeltas = [6, -3, -3, 3, -3, 0, 2, 2, 1, -5, 1]; // Raw 6 3 0 3 0 0 2 4 5 0 1.
    expect(expandSpansAndBuckets(a, b, aDeltas, bDeltas, true, out)).toBe(true);
    expect(out.forward).toEqual([
      { pos: 2, num: 1, bucketIdx: 2 },
      { pos: 3, num: 2, bucketIdx: 6 },
      { pos: 6, num: 1, bucketIdx: 14 },
    ]);
    expect(out.backward).toEqual([]);
    expect(insertBuckets(aDeltas, new Array<number>(11), out.forward, true)).toEqual([
      6, -3, -3, 3, -3, 0, 2, 2, 1, -5, 1,
    ]);
    expect(insertBuckets([6, 3, 3, 2, 4, 5, 1], new Array<number>(11), out.forward, false)).toEqual([
      6, 3, 0, 3, 0, 0, 2, 4, 5, 0, 1,
    ]);
  });

  it('sees a counter reset in a dropped bucket or a vanished populated one, not in a vanished empty one', () => {
    const out = new ExpandResult();
    expect(
      expandSpansAndBuckets(a, b, [6, -3, 0, -1, 2, 1, -4], toDeltas([6, 3, 0, 2, 0, 0, 2, 4, 5, 0, 1]), true, out),
    ).toBe(false);
    expect(
      expandSpansAndBuckets([{ offset: 0, length: 3 }], [{ offset: 0, length: 2 }], [1, 2, 3], [1, 2], false, out),
    ).toBe(false);
    expect(
      expandSpansAndBuckets(
        [{ offset: 0, length: 3 }],
        [
          { offset: 0, length: 1 },
          { offset: 1, length: 1 },
        ],
        [1, 0, 3],
        [1, 3],
        false,
        out,
      ),
    ).toBe(true);
    expect(out.backward).toEqual([{ pos: 1, num: 1, bucketIdx: 1 }]);
    expect(
      adjustForInserts(
        [
          { offset: 0, length: 1 },
          { offset: 1, length: 1 },
        ],
        out.backward,
      ),
    ).toEqual([{ offset: 0, length: 3 }]);
  });

  it('merges two layouts both ways (gauges): the union, with inserts that expand each to it (property)', () => {
    fc.assert(
      fc.property(spansArb, spansArb, (x, y) => {
        const out = new ExpandResult();
        const merged = expandSpansBothWays(x, y, out);
        const union = [...new Set([...indexes(x), ...indexes(y)])].sort((p, q) => p - q);
        expect(indexes(merged)).toEqual(union);
        // Inserting the forward inserts into x's buckets gives the union's layout, x's values kept.
        const xv = indexes(x).map((i) => i * 10 + 1);
        const fx = insertBuckets(xv, new Array<number>(union.length), out.forward, false);
        expect(fx).toEqual(union.map((i) => (indexes(x).includes(i) ? i * 10 + 1 : 0)));
        const yv = indexes(y).map((i) => i * 10 + 1);
        const by = insertBuckets(yv, new Array<number>(union.length), out.backward, false);
        expect(by).toEqual(union.map((i) => (indexes(y).includes(i) ? i * 10 + 1 : 0)));
      }),
      { numRuns: 500 },
    );
  });
});
