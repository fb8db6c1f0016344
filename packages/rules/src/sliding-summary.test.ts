import { describe, expect, it } from 'vitest';
import { SlidingSummary } from './sliding-summary.js';

describe('SlidingSummary', () => {
  it('gives quantiles over the last 10 minutes and sum and count since the start', () => {
    let now = 0;
    const s = new SlidingSummary([0.5, 0.9, 0.99], () => now);
    expect(s.quantiles().every((q) => Number.isNaN(q))).toBe(true);
    for (let i = 1; i <= 100; i++) s.observe(i);
    expect(s.quantiles()).toEqual([51, 91, 100]);
    now = 5 * 60_000;
    for (let i = 0; i < 100; i++) s.observe(1000);
    expect(s.quantiles()[0]).toBe(1000);
    expect([s.sum, s.count]).toEqual([5050 + 100_000, 200]);
    // Past 10 minutes the first observations are out of the window, the second ones not yet.
    now = 10 * 60_000 + 1;
    expect(s.quantiles()).toEqual([1000, 1000, 1000]);
    now = 30 * 60_000;
    expect(Number.isNaN(s.quantiles()[0])).toBe(true);
    expect(s.count).toBe(200);
  });
});
