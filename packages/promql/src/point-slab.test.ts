import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { PointSlab } from './point-slab.js';
import { Series } from './value.js';

describe('PointSlab', () => {
  it('gives each series its own points, also when one outgrows its view', () => {
    const slab = new PointSlab(3, 2);
    const a = new Series(Labels.EMPTY, 2, false, slab);
    const b = new Series(Labels.EMPTY, 2, false, slab);
    const c = new Series(Labels.EMPTY, 2, false, slab); // Past the expected demand: a new buffer.
    for (let i = 0; i < 5; i++) a.push(i, 10 + i); // Outgrows its view after 2 points.
    b.push(100, 1);
    b.push(101, 2);
    c.push(200, 3);
    expect(a.floats()).toEqual([0, 1, 2, 3, 4].map((t) => ({ t, f: 10 + t })));
    expect(b.floats()).toEqual([
      { t: 100, f: 1 },
      { t: 101, f: 2 },
    ]);
    expect(c.floats()).toEqual([{ t: 200, f: 3 }]);
  });

  it('hands out views of one buffer while it has room', () => {
    const slab = new PointSlab(10, 4);
    slab.take(4);
    const first = slab.ts;
    slab.take(4);
    expect(slab.ts.buffer).toBe(first.buffer);
    expect(slab.ts.byteOffset).toBe(first.byteOffset + 4 * 8);
    expect(slab.vs.length).toBe(4);
  });
});
