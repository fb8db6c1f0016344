import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortSliced } from './sort-sliced.js';
import { TimeSlicer } from './time-slicer.js';

describe('sortSliced', () => {
  it('orders as the native stable sort does, ties kept in their order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 12_000, size: 'max' }), async (keys) => {
        // Items with equal keys differ by their position: stability shows.
        const xs = keys.map((k, i) => ({ k, i }));
        const want = xs.slice().sort((a, b) => a.k - b.k);
        // A 0 ms slice is always used up: the sort yields wherever it may.
        const slicer = new TimeSlicer(0);
        await sortSliced(xs, (a, b) => a.k - b.k, slicer);
        expect(xs).toEqual(want);
        if (keys.length > 2048) expect(slicer.yields).toBeGreaterThan(0);
      }),
      { numRuns: 20 },
    );
  });

  it('gives up with the reason of an aborted signal', async () => {
    const xs = Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 20_000);
    const ac = new AbortController();
    const slicer = new TimeSlicer(0);
    const sorting = sortSliced(xs, (a, b) => a - b, slicer, ac.signal);
    ac.abort(new Error('stop'));
    await expect(sorting).rejects.toThrow('stop');
  });
});
