import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { TestStorage } from './storage/test-storage.js';

async function instant(values: number[], q: string) {
  const s = new TestStorage();
  values.forEach((v, i) => {
    s.append(Labels.fromStrings('__name__', 'x', 'i', String(i)), 0, v);
  });
  const res = await new Engine().newInstantQuery(s, q, 0).exec();
  if (res.err !== null) throw res.err;
  if (res.value?.type !== 'vector') throw new Error('expected a vector');
  return res.value.vector;
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });

// 0 and -0 compare equal, so which one min, max, topk or sort yield depends on the order of the
// series (by labels, not by index): compare them as one value.
const unsigned = (v: number) => (v === 0 ? 0 : v);

describe('aggregations (properties)', () => {
  it('topk returns the k largest values in descending order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(finite, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        async (vs, k) => {
          const got = (await instant(vs, `topk(${k}, x)`)).map((s) => unsigned(s.f));
          const want = [...vs]
            .sort((a, b) => b - a)
            .slice(0, k)
            .map(unsigned);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });
  it('min, max and count agree with the input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(finite, { minLength: 1, maxLength: 30 }), async (vs) => {
        expect(unsigned((await instant(vs, 'min(x)'))[0]!.f)).toBe(unsigned(Math.min(...vs)));
        expect(unsigned((await instant(vs, 'max(x)'))[0]!.f)).toBe(unsigned(Math.max(...vs)));
        expect((await instant(vs, 'count(x)'))[0]!.f).toBe(vs.length);
      }),
      { numRuns: 30 },
    );
  });
  it('sort orders ascending', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(finite, { minLength: 1, maxLength: 30 }), async (vs) => {
        const got = (await instant(vs, 'sort(x)')).map((s) => unsigned(s.f));
        expect(got).toEqual([...vs].sort((a, b) => a - b).map(unsigned));
      }),
      { numRuns: 30 },
    );
  });
});
