import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex } from './testing/test-helpers.js';
import {
  type BigVarintResult,
  MAX_VARINT_LEN64,
  putUvarint,
  putUvarintBig,
  putVarint,
  putVarintBig,
  uvarint,
  uvarintBig,
  uvarintSize,
  type VarintResult,
  varint,
  varintBig,
  varintSize,
} from './varint.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// Go's encoding/binary.PutUvarint, literally, on uint64 (the oracle).
function goUvarint(x: bigint): string {
  x = BigInt.asUintN(64, x);
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0xffn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return hex(Uint8Array.from(out, (b) => b & 0xff));
}
const goVarint = (x: bigint): string => {
  let ux = BigInt.asUintN(64, x << 1n);
  if (x < 0n) ux = BigInt.asUintN(64, ~ux);
  return goUvarint(ux);
};

function put(f: (dst: Uint8Array, off: number, x: never) => number, x: number | bigint): string {
  const buf = new Uint8Array(MAX_VARINT_LEN64 + 3);
  const n = f(buf, 3, x as never);
  return hex(buf.subarray(3, 3 + n));
}

describe('varint encoding (Go encoding/binary)', () => {
  it.each([
    [0, '00', '00'],
    [1, '01', '02'],
    [-1, null, '01'],
    [63, '3f', '7e'],
    [-64, null, '7f'],
    [64, '40', '8001'],
    [127, '7f', 'fe01'],
    [128, '8001', '8002'],
    [300, 'ac02', 'd804'],
    [MAX_SAFE, 'ffffffffffffff0f', 'feffffffffffff1f'],
    [-MAX_SAFE, null, 'fdffffffffffff1f'],
  ])('%d', (x, u, s) => {
    if (u !== null) {
      expect(put(putUvarint, x)).toBe(u);
      expect(uvarintSize(x)).toBe(u.length / 2);
    }
    expect(put(putVarint, x)).toBe(s);
    expect(varintSize(x)).toBe(s.length / 2);
  });

  it('covers the whole 64-bit range with bigints', () => {
    expect(put(putUvarintBig, 2n ** 64n - 1n)).toBe('ffffffffffffffffff01');
    expect(put(putVarintBig, 2n ** 63n - 1n)).toBe('feffffffffffffffff01');
    expect(put(putVarintBig, -(2n ** 63n))).toBe('ffffffffffffffffff01');
    expect(put(putUvarintBig, -1n)).toBe('ffffffffffffffffff01'); // taken modulo 2^64
  });

  it('matches Go for any safe integer and any 64-bit integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (x) => {
        expect(put(putVarint, x)).toBe(goVarint(BigInt(x)));
        if (x >= 0) expect(put(putUvarint, x)).toBe(goUvarint(BigInt(x)));
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (x) => {
        expect(put(putVarintBig, x)).toBe(goVarint(x));
        expect(put(putUvarintBig, x)).toBe(goUvarint(x));
      }),
    );
  });

  it('rejects numbers it cannot encode exactly', () => {
    const b = new Uint8Array(10);
    expect(() => putUvarint(b, 0, -1)).toThrow(RangeError);
    expect(() => putUvarint(b, 0, 1.5)).toThrow(RangeError);
    expect(() => putVarint(b, 0, 2 ** 53)).toThrow(RangeError);
  });
});

describe('varint decoding (Go encoding/binary)', () => {
  const r: VarintResult = { value: 0, n: 0 };
  const rb: BigVarintResult = { value: 0n, n: 0 };

  it('round-trips safe integers and 64-bit integers', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.nat(4), (x, off) => {
        const b = new Uint8Array(off + MAX_VARINT_LEN64);
        const n = putVarint(b, off, x);
        expect(varint(b, off, r)).toEqual({ value: x, n });
        if (x >= 0) {
          const m = putUvarint(b, off, x);
          expect(uvarint(b, off, r)).toEqual({ value: x, n: m });
        }
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (x) => {
        const b = new Uint8Array(MAX_VARINT_LEN64);
        const n = putVarintBig(b, 0, x);
        expect(varintBig(b, 0, rb)).toEqual({ value: x, n });
        const m = putUvarintBig(b, 0, x);
        expect(uvarintBig(b, 0, rb)).toEqual({ value: BigInt.asUintN(64, x), n: m });
      }),
    );
  });

  it('reports truncated input as n = 0 and overflow as n < 0, like Go', () => {
    expect(uvarint(Uint8Array.of(), 0, r)).toEqual({ value: 0, n: 0 });
    expect(uvarint(Uint8Array.of(0x80, 0x80), 0, r)).toEqual({ value: 0, n: 0 });
    expect(varint(Uint8Array.of(0xff), 0, r)).toEqual({ value: 0, n: 0 });
    const over10 = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
    expect(uvarint(over10, 0, r).n).toBe(-10);
    expect(varint(over10, 0, r).n).toBe(-10);
    expect(uvarintBig(over10, 0, rb).n).toBe(-10);
    const eleven = new Uint8Array(11).fill(0x80);
    expect(uvarint(eleven, 0, r).n).toBe(-11);
    expect(uvarintBig(eleven, 0, rb).n).toBe(-11);
  });

  it('decodes non-minimal encodings as Go does', () => {
    expect(uvarint(Uint8Array.of(0x80, 0x00), 0, r)).toEqual({ value: 0, n: 2 });
    expect(varint(Uint8Array.of(0x81, 0x00), 0, r)).toEqual({ value: -1, n: 2 });
  });
});
