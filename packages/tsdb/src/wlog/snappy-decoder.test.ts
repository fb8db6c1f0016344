import fc from 'fast-check';
import snappyjs from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { RecordEncoder } from '../record/record-encoder.js';
import { newRefSamples } from '../record/ref-types.js';
import { SnappyDecodeError, snappyBlockDecode, snappyHeader } from './snappy-decoder.js';
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

/** One element of a snappy block: a literal, or a copy of `len` bytes `back` bytes back (tag 1, 2 or 4-byte offset). */
type Element = { lit: Uint8Array } | { kind: 1 | 2 | 3; back: number; len: number };

const elements = fc.array(
  fc.oneof(
    fc.record({ lit: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
    fc.record({
      kind: fc.constant(1 as const),
      back: fc.integer({ min: 1, max: 2047 }),
      len: fc.integer({ min: 4, max: 11 }),
    }),
    fc.record({
      kind: fc.constantFrom(2 as const, 3 as const),
      back: fc.integer({ min: 1, max: 5000 }),
      len: fc.integer({ min: 1, max: 64 }),
    }),
  ),
  { maxLength: 80 },
);

/**
 * A block of `els` (copies reaching before the start are dropped), written with every literal
 * length form (1 to 4 extra length bytes) and every copy tag, and what it decodes to, by a plain
 * reading of the format.
 */
function buildBlock(els: Element[]): { block: Uint8Array; decoded: Uint8Array } {
  const out: number[] = [];
  const body: number[] = [];
  let lits = 0;
  for (const e of els) {
    if ('lit' in e) {
      const n = e.lit.length - 1;
      const form = lits++ % 5;
      if (n < 60 && form === 0) body.push(n << 2);
      else {
        const extra = Math.max(form, n < 256 ? 1 : 2);
        body.push((59 + extra) << 2);
        for (let k = 0; k < extra; k++) body.push((n >>> (8 * k)) & 255);
      }
      body.push(...e.lit);
      out.push(...e.lit);
      continue;
    }
    if (e.back > out.length) continue;
    const back = e.back;
    if (e.kind === 1) body.push(1 | ((e.len - 4) << 2) | ((back >> 8) << 5), back & 255);
    else if (e.kind === 2) body.push(2 | ((e.len - 1) << 2), back & 255, back >> 8);
    else body.push(3 | ((e.len - 1) << 2), back & 255, (back >> 8) & 255, (back >> 16) & 255, back >>> 24);
    for (let k = 0; k < e.len; k++) out.push(out[out.length - back]!);
  }
  const header: number[] = [];
  let v = out.length;
  while (v >= 0x80) {
    header.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  header.push(v);
  return { block: Uint8Array.from([...header, ...body]), decoded: Uint8Array.from(out) };
}

describe('snappyBlockDecode', () => {
  it('decodes what Go’s encoder and snappyjs’s encoder give back to the input', () => {
    fc.assert(
      fc.property(data, (d) => {
        expect(snappyBlockDecode(snappyEncode(d), 1 << 24)).toEqual(d);
        expect(snappyBlockDecode(snappyjs.compress(d), 1 << 24)).toEqual(d);
      }),
    );
  });

  it('into a scratch buffer: a view of it, whatever it held before', () => {
    const d = new TextEncoder().encode('abcabcabcabcabcabcabcabc-xyz');
    const scratch = new Uint8Array(1024).fill(0xee);
    const out = snappyBlockDecode(snappyEncode(d), 1 << 20, scratch);
    expect(out.buffer).toBe(scratch.buffer);
    expect(out).toEqual(d);
    const exact = new Uint8Array(d.length);
    expect(snappyBlockDecode(snappyEncode(d), 1 << 20, exact)).toBe(exact);
    expect(exact).toEqual(d);
    // Too small: a new array, the scratch untouched.
    const small = new Uint8Array(4);
    expect(snappyBlockDecode(snappyEncode(d), 1 << 20, small)).toEqual(d);
    expect(small).toEqual(new Uint8Array(4));
  });

  it('decodes blocks of every element kind as a plain reading of the format does', () => {
    fc.assert(
      fc.property(elements, fc.boolean(), (els, withScratch) => {
        const { block, decoded } = buildBlock(els);
        const scratch = withScratch ? new Uint8Array(decoded.length + 7).fill(0xaa) : undefined;
        expect(snappyBlockDecode(block, 1 << 24, scratch)).toEqual(decoded);
        expect(snappyHeader(block).length).toBe(decoded.length);
      }),
    );
  });

  it('decodes WAL samples records (stale markers, 64-bit deltas) back to their bytes', () => {
    const enc = new RecordEncoder();
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 2000 }),
            fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -(2 ** 52), max: 2 ** 52 })),
            fc.oneof(fc.double(), fc.constant(Number.NaN), fc.integer({ min: 0, max: 100 })),
          ),
          { minLength: 1, maxLength: 400 },
        ),
        (rows) => {
          const sc = newRefSamples(rows.length);
          for (const [ref, t, v] of rows) {
            sc.refs[sc.length] = ref;
            sc.ts[sc.length] = t;
            sc.vs[sc.length++] = v;
          }
          const rec = enc.samplesColumnar(sc).slice();
          const scratch = new Uint8Array(16);
          expect(snappyBlockDecode(snappyEncode(rec), 1 << 24, scratch)).toEqual(rec);
        },
      ),
    );
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
