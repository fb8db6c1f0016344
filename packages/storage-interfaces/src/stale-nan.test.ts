import { describe, expect, it } from 'vitest';
import { isStaleNaN, STALE_NAN_BITS, StaleNaN } from './stale-nan.js';

function bits(v: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0);
}

function fromBits(b: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, b);
  return view.getFloat64(0);
}

describe('StaleNaN', () => {
  it('has the bits of Prometheus value.StaleNaN', () => {
    expect(STALE_NAN_BITS).toBe(0x7ff0000000000002n);
    expect(bits(StaleNaN)).toBe(STALE_NAN_BITS);
  });

  it('is told apart from other NaNs and from numbers by its bits', () => {
    expect(isStaleNaN(StaleNaN)).toBe(true);
    expect(isStaleNaN(fromBits(STALE_NAN_BITS))).toBe(true);
    for (const v of [Number.NaN, fromBits(0x7ff0000000000001n), fromBits(0xfff0000000000002n), 0, -0, 1, Infinity]) {
      expect(isStaleNaN(v), String(bits(v))).toBe(false);
    }
  });
});
