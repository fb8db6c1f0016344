import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';

// Bit-at-a-time CRC-32C: the definition, as an oracle for the table-driven version.
function slowCrc32c(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it.each([
    ['', 0x00000000],
    ['a', 0xc1d04330],
    ['123456789', 0xe3069283], // The CRC-32C check value.
    ['The quick brown fox jumps over the lazy dog', 0x22620404],
  ])('%j', (s, want) => {
    expect(crc32c(new TextEncoder().encode(s))).toBe(want);
  });

  it('matches iSCSI test vectors (RFC 3720 B.4)', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it('matches the bitwise definition on any input, offset and running value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(16), fc.nat(), (data, off, crc) => {
        const view = data.subarray(Math.min(off, data.length));
        expect(crc32c(view, crc)).toBe(slowCrc32c(view, crc));
      }),
    );
  });

  it('continues across buffers like crc32.Update', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(100), (data, cut) => {
        const k = Math.min(cut, data.length);
        expect(crc32c(data.subarray(k), crc32c(data.subarray(0, k)))).toBe(crc32c(data));
      }),
    );
  });
});
