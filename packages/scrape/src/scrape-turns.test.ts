import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireFetchSlot, waitForTurn } from './scrape-turns.js';

/** Lets pending promise callbacks and immediates run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('acquireFetchSlot', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets 64 young requests out at once; the next waits for an answer, or for one to grow old', async () => {
    const signal = new AbortController().signal;
    const releases: (() => void)[] = [];
    for (let i = 0; i < 64; i++) releases.push(await acquireFetchSlot(signal));
    let granted: (() => void) | undefined;
    void acquireFetchSlot(signal).then((r) => {
      granted = r;
    });
    await settle();
    expect(granted).toBeUndefined();
    releases[0]!();
    releases[0]!(); // Twice: frees one slot only.
    await settle();
    expect(granted).toBeDefined();

    let third: (() => void) | undefined;
    void acquireFetchSlot(signal).then((r) => {
      third = r;
    });
    await settle();
    expect(third).toBeUndefined();
    vi.advanceTimersByTime(50); // Every slot grows old: a hanging target holds up no one longer.
    await settle();
    expect(third).toBeDefined();
    for (const r of releases) r();
    granted?.();
    third?.();
  });

  it('rejects a waiter whose signal aborts with its reason, and gives its place to the next', async () => {
    const signal = new AbortController().signal;
    const releases: (() => void)[] = [];
    for (let i = 0; i < 64; i++) releases.push(await acquireFetchSlot(signal));
    const ac = new AbortController();
    const waiting = acquireFetchSlot(ac.signal);
    let next: (() => void) | undefined;
    void acquireFetchSlot(signal).then((r) => {
      next = r;
    });
    const reason = new Error('deadline');
    ac.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    releases[0]!();
    await settle();
    expect(next).toBeDefined();
    await expect(acquireFetchSlot(ac.signal)).rejects.toBe(reason);
    for (const r of releases) r();
    next?.();
  });
});

describe('waitForTurn', () => {
  it('lets waiters go in a later turn, first in first out', async () => {
    const order: number[] = [];
    const all = [0, 1, 2].map((i) => waitForTurn().then(() => order.push(i)));
    expect(order).toEqual([]);
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2]);
  });
});
