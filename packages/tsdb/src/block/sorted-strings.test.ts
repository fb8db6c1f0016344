import { compareStrings } from '@tsprom/labels';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { TimeSlicer } from '../time-slicer.js';
import { mergeSortedStrings, sortStringsSliced } from './sorted-strings.js';

it('sorts any strings in Go byte order, in slices', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 4 }), { maxLength: 20_000 }), async (xs) => {
      const want = [...xs].sort(compareStrings);
      // A zero-length slice yields at every chance: the merge passes must survive it.
      expect(await sortStringsSliced([...xs], new TimeSlicer(0))).toEqual(want);
    }),
    { numRuns: 15 },
  );
});

it('merges sorted sequences into their sorted union, each string once', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.string({ maxLength: 3 }))), (lists) => {
      const sorted = lists.map((l) => [...new Set(l)].sort(compareStrings));
      const want = [...new Set(lists.flat())].sort(compareStrings);
      expect([...mergeSortedStrings(sorted)]).toEqual(want);
    }),
  );
});
