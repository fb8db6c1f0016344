import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardedStringMap } from './sharded-string-map.js';

describe('ShardedStringMap', () => {
  it('behaves as a Map before and after it splits into shards', () => {
    const op = fc.oneof(
      fc.record({ set: fc.string({ maxLength: 6 }), v: fc.integer() }),
      fc.record({ del: fc.string({ maxLength: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (ops, limit) => {
        const m = new ShardedStringMap<number>(limit);
        const want = new Map<string, number>();
        for (const o of ops) {
          if ('set' in o) {
            m.set(o.set, o.v);
            want.set(o.set, o.v);
          } else {
            expect(m.delete(o.del)).toBe(want.delete(o.del));
          }
          expect(m.size).toBe(want.size);
        }
        for (const [k, v] of want) expect(m.get(k)).toBe(v);
        expect(m.get('\u0000absent')).toBeUndefined();
        const sortEntries = (es: Iterable<[string, number]>) => [...es].sort((a, b) => (a[0] < b[0] ? -1 : 1));
        expect(sortEntries(m.entries())).toEqual(sortEntries(want.entries()));
        expect([...m.keys()].sort()).toEqual([...want.keys()].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('keeps insertion order until it splits', () => {
    const m = new ShardedStringMap<number>(10);
    for (const k of ['c', 'a', 'b']) m.set(k, 1);
    expect([...m.keys()]).toEqual(['c', 'a', 'b']);
  });
});
