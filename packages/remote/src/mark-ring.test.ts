import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarkRing } from './mark-ring.js';

describe('MarkRing', () => {
  it('commits a record only when it and every record before it are released', () => {
    const r = new MarkRing();
    const a = r.begin({ segment: 0, offset: 10 });
    r.retain(a, 2);
    r.release(a); // guard
    const b = r.begin({ segment: 0, offset: 20 });
    r.retain(b, 1);
    r.release(b);
    r.release(b); // b done, a not yet
    expect(r.committed).toBeUndefined();
    r.release(a);
    expect(r.committed).toBeUndefined();
    r.release(a); // a done: a and b commit together.
    expect(r.committed).toEqual({ segment: 0, offset: 20 });
    const c = r.begin({ segment: 1, offset: 5 });
    r.retain(c, 1);
    r.release(c);
    r.release(c);
    expect(r.committed).toEqual({ segment: 1, offset: 5 });
    expect(r.open).toBe(0);
  });

  it('commits the highest fully released prefix for any release order (many records: grows and compacts)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(3), { minLength: 1, maxLength: 700 }), fc.nat(), (counts, seed) => {
        const r = new MarkRing({ segment: -1, offset: 0 });
        const releases: number[] = [];
        counts.forEach((c, i) => {
          const m = r.begin({ segment: 0, offset: i });
          r.retain(m, c);
          r.release(m);
          for (let k = 0; k < c; k++) releases.push(m);
        });
        // Shuffle deterministically.
        let s = seed;
        for (let i = releases.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) >>> 0;
          const j = s % (i + 1);
          [releases[i], releases[j]] = [releases[j]!, releases[i]!];
        }
        const left = counts.slice();
        for (const m of releases) {
          r.release(m);
          left[m]!--;
          let prefix = 0;
          while (prefix < left.length && left[prefix] === 0) prefix++;
          const want = prefix === 0 ? { segment: -1, offset: 0 } : { segment: 0, offset: prefix - 1 };
          expect(r.committed).toEqual(want);
        }
        expect(r.committed).toEqual({ segment: 0, offset: counts.length - 1 });
      }),
      { numRuns: 50 },
    );
  });
});
