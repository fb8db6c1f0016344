import { isStaleNaN, STALE_NAN_BITS, StaleNaN } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { float64Bits, float64FromBits } from './float-bits.js';

describe('stale marker', () => {
  it('float64Bits reads the exact bits of Prometheus value.StaleNaN', () => {
    expect(float64Bits(StaleNaN)).toBe(STALE_NAN_BITS);
    expect(isStaleNaN(float64FromBits(STALE_NAN_BITS))).toBe(true);
    expect(isStaleNaN(float64FromBits(0x7ff8000000000001n))).toBe(false); // Go's math.NaN()
  });

  it('survives typed arrays, object fields and function calls', () => {
    const f = new Float64Array(1);
    f[0] = StaleNaN;
    const o = { v: f[0]! };
    const pass = (v: number): number => v;
    expect(isStaleNaN(pass(o.v))).toBe(true);
  });

  it('documents the hazard: a plain JS number array quiets it (V8 double elements)', () => {
    // Not something this package relies on; this pins down why values are kept in typed arrays.
    const arr = [1.5, 2.5];
    arr[0] = StaleNaN;
    const bits = float64Bits(arr[0]!);
    expect(bits === STALE_NAN_BITS || bits === 0x7ff8000000000002n).toBe(true);
  });
});

describe('float64Bits / float64FromBits', () => {
  it.each([
    [0, 0n],
    [-0, 0x8000000000000000n],
    [1, 0x3ff0000000000000n],
    [-Infinity, 0xfff0000000000000n],
    [5e-324, 1n],
  ])('%d', (v, bits) => {
    expect(float64Bits(v)).toBe(bits);
    expect(Object.is(float64FromBits(bits), v)).toBe(true);
  });

  it('keeps NaN payloads', () => {
    for (const b of [0x7ff8000000000001n, 0xfff0000000000001n, 0x7fffffffffffffffn]) {
      expect(float64Bits(float64FromBits(b))).toBe(b);
    }
  });
});
