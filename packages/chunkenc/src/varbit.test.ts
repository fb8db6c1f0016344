import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitWriter } from './bit-writer.js';
import { BstreamReader } from './bstream-reader.js';
import { bitRange, RefBStream, U64 } from './testing/reference-bstream.js';
import { hex } from './testing/test-helpers.js';
import { putVarbitInt, putVarbitUint, readVarbitInt, readVarbitUint } from './varbit.js';

// Prometheus's putVarbitInt / putVarbitUint, transcribed call for call over the naive Go bstream.
function refPutVarbitInt(b: RefBStream, v: bigint): void {
  const cases: [number, number, number][] = [
    [3, 0b10, 2],
    [6, 0b110, 3],
    [9, 0b1110, 4],
    [12, 0b11110, 5],
    [18, 0b111110, 6],
    [25, 0b1111110, 7],
    [56, 0b11111110, 8],
  ];
  if (v === 0n) {
    b.writeBit(false);
    return;
  }
  for (const [n, prefix, pn] of cases) {
    if (bitRange(v, n)) {
      b.writeBits(BigInt(prefix), pn);
      b.writeBits(U64(v), n);
      return;
    }
  }
  b.writeBits(0b11111111n, 8);
  b.writeBits(U64(v), 64);
}

function refPutVarbitUint(b: RefBStream, v: bigint): void {
  const cases: [bigint, number, number, number][] = [
    [8n, 3, 0b10, 2],
    [64n, 6, 0b110, 3],
    [512n, 9, 0b1110, 4],
    [4096n, 12, 0b11110, 5],
    [262144n, 18, 0b111110, 6],
    [33554432n, 25, 0b1111110, 7],
    [1n << 56n, 56, 0b11111110, 8],
  ];
  if (v === 0n) {
    b.writeBit(false);
    return;
  }
  for (const [lim, n, prefix, pn] of cases) {
    if (v < lim) {
      b.writeBits(BigInt(prefix), pn);
      b.writeBits(v, n);
      return;
    }
  }
  b.writeBits(0b11111111n, 8);
  b.writeBits(v, 64);
}

// Values around every bucket boundary, and arbitrary safe integers.
const boundaries = [
  0,
  1,
  3,
  4,
  5,
  31,
  32,
  33,
  255,
  256,
  257,
  2047,
  2048,
  2049,
  131071,
  131072,
  131073,
  16777215,
  16777216,
  16777217,
  2 ** 53 - 1,
];
const intArb = fc.oneof(
  fc.constantFrom(...boundaries.flatMap((v) => (v === 0 ? [0] : [v, -v]))),
  fc.integer({ min: -1000, max: 1000 }),
  fc.maxSafeInteger().map((v) => (v % 2 === 0 ? v : -v)),
);

describe('varbit', () => {
  it('writes signed integers as Prometheus does, at any bit offset, and reads them back', () => {
    fc.assert(
      fc.property(fc.nat(15), fc.array(intArb, { minLength: 1, maxLength: 8 }), (skip, vs) => {
        const b = new BitWriter(new Uint8Array(128), 0, 0);
        const ref = new RefBStream(0);
        for (let i = 0; i < skip; i++) {
          b.writeBit(1);
          ref.writeBit(true);
        }
        for (const v of vs) {
          putVarbitInt(b, v);
          refPutVarbitInt(ref, BigInt(v));
        }
        expect(hex(b.bytes())).toBe(hex(Uint8Array.from(ref.stream)));
        const r = new BstreamReader();
        r.reset(b.bytes(), 0);
        r.pos = skip;
        for (const v of vs) expect(readVarbitInt(r)).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes unsigned integers as Prometheus does and reads them back', () => {
    fc.assert(
      fc.property(fc.nat(15), fc.array(intArb.map(Math.abs), { minLength: 1, maxLength: 8 }), (skip, vs) => {
        const b = new BitWriter(new Uint8Array(128), 0, 0);
        const ref = new RefBStream(0);
        for (let i = 0; i < skip; i++) {
          b.writeBit(0);
          ref.writeBit(false);
        }
        for (const v of vs) {
          putVarbitUint(b, v);
          refPutVarbitUint(ref, BigInt(v));
        }
        expect(hex(b.bytes())).toBe(hex(Uint8Array.from(ref.stream)));
        const r = new BstreamReader();
        r.reset(b.bytes(), 0);
        r.pos = skip;
        for (const v of vs) expect(readVarbitUint(r)).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });
});
