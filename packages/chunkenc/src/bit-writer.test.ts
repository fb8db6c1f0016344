import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peek32 } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';

describe('BitWriter / peek32', () => {
  it('writes and reads back any sequence of fields', () => {
    const field = fc.tuple(fc.integer({ min: 1, max: 32 }), fc.nat({ max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(field, { maxLength: 60 }), (fields) => {
        const w = new BitWriter(new Uint8Array(4));
        for (const [n, u] of fields) {
          w.reserve(5);
          w.writeBits(u, n);
        }
        const buf = w.bytes();
        const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        let pos = 0;
        for (const [n, u] of fields) {
          expect(peek32(buf, dv, pos) >>> (32 - n)).toBe(u % 2 ** n);
          pos += n;
        }
        // Go's layout: the data plus at most one (empty) trailing byte.
        expect(buf.length * 8 - pos).toBeLessThanOrEqual(8);
        expect(buf.length * 8 - pos).toBe(w.count);
      }),
    );
  });

  it('leaves an empty trailing byte after a whole-byte write on a byte boundary, as Go does', () => {
    const w = new BitWriter();
    w.reserve(8);
    w.writeByte(0xab);
    expect(Array.from(w.bytes())).toEqual([0xab, 0]);
    expect(w.count).toBe(8);
    w.writeBit(1);
    expect(Array.from(w.bytes())).toEqual([0xab, 0x80]);
    w.putBits(0b1111111, 7);
    expect(w.count).toBe(0);
    w.putBits(0xff, 8); // putBits never leaves one.
    expect(Array.from(w.bytes())).toEqual([0xab, 0xff, 0xff]);
  });

  it('reads zeros past the end', () => {
    const b = Uint8Array.of(0xff, 0xff);
    const dv = new DataView(b.buffer);
    expect(peek32(b, dv, 4) >>> 0).toBe(0xfff00000);
    expect(peek32(b, dv, 16)).toBe(0);
  });
});
