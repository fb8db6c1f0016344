import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SampleCounter } from './sample-counter.js';
import { StorageWindow } from './sample-window.js';
import { MemorySeries } from './storage/memory-series.js';

/** Drops among the window's points, counted the way rate's reset scan counts them. */
function scanDrops(vs: Float64Array, lo: number, hi: number): number {
  let n = 0;
  for (let i = lo + 1; i < hi; i++) if (vs[i]! < vs[i - 1]!) n++;
  return n;
}

describe('StorageWindow', () => {
  it('keeps drop counts that match a scan of every window as it slides, shifts and grows', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Number.NaN));
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 50 }),
        (vals, rangeSteps, stepEvery) => {
          const s = new MemorySeries(Labels.fromStrings('__name__', 'x'));
          for (let i = 0; i < vals.length; i++) s.append(i * 1000, vals[i]!);
          const win = new StorageWindow(new SampleCounter(1e9));
          win.reset(s, 0, vals.length * 1000);
          for (let t = 0; t <= vals.length * 1000; t += stepEvery * 1000) {
            win.advance(t - rangeSteps * 1000, t);
            if (win.hi === win.lo) continue;
            const drops = win.dropCounts()!;
            expect(drops[win.hi - 1]! - drops[win.lo]!).toBe(scanDrops(win.vs, win.lo, win.hi));
          }
        },
      ),
    );
  });
});
