import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeUtf8 } from './utf8.js';

const enc = new TextEncoder();

describe('writeUtf8', () => {
  it('writes what TextEncoder writes, lone surrogates as U+FFFD, at any position', () => {
    const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), anyUnits), fc.nat(7), (s, at) => {
        const buf = new Uint8Array(at + 3 * s.length).fill(0xee);
        const end = writeUtf8(buf, at, s);
        expect(Array.from(buf.subarray(at, end))).toEqual(Array.from(enc.encode(s)));
        expect(Array.from(buf.subarray(0, at))).toEqual(new Array<number>(at).fill(0xee));
      }),
      { numRuns: 500 },
    );
  });

  it('encodes ASCII, then a non-ASCII tail, byte for byte', () => {
    const buf = new Uint8Array(32);
    const end = writeUtf8(buf, 1, 'job€x');
    expect(Array.from(buf.subarray(1, end))).toEqual([0x6a, 0x6f, 0x62, 0xe2, 0x82, 0xac, 0x78]);
  });
});
