import { describe, expect, it } from 'vitest';
import { calculateDesiredShards, EwmaRate, type ShardRates } from './desired-shards.js';

const limits = { numShards: 4, minShards: 1, maxShards: 50 };
const base: ShardRates = {
  dataInRate: 10_000,
  dataOutRate: 10_000,
  dataDroppedRate: 0,
  dataOutDuration: 4, // 4 s of sending per second: 0.4 ms per sample.
  highestRecv: 1000,
  highestSent: 1000,
};

describe('calculateDesiredShards (Prometheus queue_manager.go)', () => {
  it.each([
    ['keeps the shards when nothing was sent', { dataOutRate: 0 }, 4, 4],
    ['keeps the shards within ±30%', {}, 4, 4],
    ['scales up with the time per sample × input rate', { dataOutDuration: 10 }, 10, 10],
    ['adds 5% of the backlog per second', { highestRecv: 1010, dataOutDuration: 4 }, 6, 6],
    ['scales down when ahead', { dataOutDuration: 1 }, 1, 1],
    [
      'does not scale down more than 10 s behind',
      { dataOutDuration: 0.5, highestRecv: 1011, dataInRate: 1000 },
      4,
      (0.5 / 10_000) * (1000 + 0.05 * 11 * 1000),
    ],
    ['stops at max_shards', { dataOutDuration: 100 }, 50, 100],
    ['counts dropped samples out of the work', { dataDroppedRate: 10_000, dataOutDuration: 20 }, 10, 10],
  ] as [string, Partial<ShardRates>, number, number][])('%s', (_name, over, want, desired) => {
    const [n, d] = calculateDesiredShards({ ...base, ...over }, limits);
    expect(n).toBe(want);
    expect(d).toBeCloseTo(desired, 9);
  });

  it('stays at min_shards at least', () => {
    expect(
      calculateDesiredShards({ ...base, dataOutDuration: 0.01 }, { numShards: 10, minShards: 3, maxShards: 50 })[0],
    ).toBe(3);
  });
});

describe('EwmaRate', () => {
  it('starts at the first non-zero rate, then moves 20% towards each new one', () => {
    const r = new EwmaRate(10_000);
    r.tick();
    expect(r.rate()).toBe(0);
    r.incr(1000);
    r.tick();
    expect(r.rate()).toBe(100);
    r.incr(2000);
    r.tick();
    expect(r.rate()).toBeCloseTo(120, 9);
    r.tick();
    expect(r.rate()).toBeCloseTo(96, 9);
  });
});
