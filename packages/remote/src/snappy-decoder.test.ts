import fc from 'fast-check';
import snappyjs from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { SnappyDecodeError, snappyBlockDecode } from './snappy-decoder.js';
import { snappyEncode } from './snappy.js';

// Inputs with repeats (what snappy finds copies in), and random bytes.
const data = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc
    .array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 200 })), {
      maxLength: 30,
    })
    .map((parts) => {
      const out: number[] = [];
      for (const [p, times] of parts) for (let i = 0; i < times; i++) out.push(...p);
      return Uint8Array.from(out);
    }),
);

describe('snappyBlockDecode', () => {
  it('decodes what Go’s encoder and snappyjs’s encoder give back to the input', () => {
    fc.assert(
      fc.property(data, (d) => {
        expect(snappyBlockDecode(snappyEncode(d), 1 << 24)).toEqual(d);
        expect(snappyBlockDecode(snappyjs.compress(d), 1 << 24)).toEqual(d);
      }),
    );
  });

  it('into a scratch buffer: a view of it', () => {
    const d = new TextEncoder().encode('abcabcabcabcabcabcabcabc-xyz');
    const scratch = new Uint8Array(1024);
    const out = snappyBlockDecode(snappyEncode(d), 1 << 20, scratch);
    expect(out.buffer).toBe(scratch.buffer);
    expect(out).toEqual(d);
  });

  it('on a damaged block: refuses it, or decodes what snappyjs decodes', () => {
    fc.assert(
      fc.property(data, fc.nat(), fc.nat(255), fc.boolean(), (d, at, byte, cut) => {
        let b = snappyEncode(d).slice();
        if (b.length === 0) return;
        if (cut) b = b.subarray(0, at % b.length);
        else b[at % b.length] = byte;
        let mine: Uint8Array | undefined;
        try {
          mine = snappyBlockDecode(b, 1 << 24);
        } catch (err) {
          expect(err).toBeInstanceOf(SnappyDecodeError);
          return;
        }
        expect(snappyjs.uncompress(b, 1 << 24)).toEqual(mine);
      }),
    );
  });

  it('refuses what Go refuses: short output, copies before the start, too large', () => {
    // Announces 5 bytes, holds a 3-byte literal.
    expect(() => snappyBlockDecode(Uint8Array.of(5, 0x08, 1, 2, 3), 100)).toThrow(/3 bytes decoded of 5/);
    // A copy of offset 4 with 1 byte decoded.
    expect(() => snappyBlockDecode(Uint8Array.of(6, 0x00, 7, 0x01, 0x04), 100)).toThrow(/bad copy/);
    expect(() => snappyBlockDecode(Uint8Array.of(200, 1), 100)).toThrow(/exceeds limit 100/);
    expect(() => snappyBlockDecode(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 1e12)).toThrow(
      /bad length header/,
    );
  });
});
