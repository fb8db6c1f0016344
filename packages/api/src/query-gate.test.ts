import { describe, expect, it } from 'vitest';
import { QueryGate } from './query-gate.js';

describe('QueryGate', () => {
  it('lets max holders in and the next waiter in as one leaves, in arrival order', async () => {
    const g = new QueryGate(2);
    const r1 = await g.acquire();
    const r2 = await g.acquire();
    const order: number[] = [];
    const p3 = g.acquire().then((r) => {
      order.push(3);
      return r;
    });
    const p4 = g.acquire().then((r) => {
      order.push(4);
      return r;
    });
    expect([g.active, g.waiting]).toEqual([2, 2]);
    r1();
    r1(); // A second release of the same slot is ignored.
    const r3 = await p3;
    expect([g.active, g.waiting, order]).toEqual([2, 1, [3]]);
    r2();
    const r4 = await p4;
    expect(order).toEqual([3, 4]);
    r3();
    r4();
    expect([g.active, g.waiting]).toEqual([0, 0]);
  });

  it('drops a waiter whose signal aborts, with the signal reason', async () => {
    const g = new QueryGate(1);
    const r1 = await g.acquire();
    const ctrl = new AbortController();
    const p = g.acquire(ctrl.signal);
    ctrl.abort(new Error('gone'));
    await expect(p).rejects.toThrow('gone');
    expect(g.waiting).toBe(0);
    r1();
    expect(g.active).toBe(0);
  });
});
