import fc from 'fast-check';
import snappyjs from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { RecordEncoder } from '../record/record-encoder.js';
import { newRefSamples } from '../record/ref-types.js';
import { SnappyEncoder, snappyMaxEncodedLength } from './snappy-encoder.js';

// Inputs with repeats at every distance class (short and long copies, offsets below and above
// 2048, runs longer than 64 bytes) and blocks of any size around the 64 KiB block boundary.
const repetitive = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.record({ byte: fc.integer({ min: 0, max: 255 }), n: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ back: fc.integer({ min: 1, max: 5000 }), n: fc.integer({ min: 1, max: 200 }) }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => {
    const out: number[] = [];
    for (const p of parts) {
      if (p instanceof Uint8Array) out.push(...p);
      else if ('byte' in p) for (let i = 0; i < p.n; i++) out.push(p.byte);
      else for (let i = 0; i < p.n; i++) out.push(out.length >= p.back ? out[out.length - p.back]! : i & 0xff);
    }
    return Uint8Array.from(out);
  });

describe('SnappyEncoder', () => {
  it('encodes what snappyjs decodes back to the input, within the bound', () => {
    const enc = new SnappyEncoder(16);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), repetitive), (data) => {
        const block = enc.encode(data);
        expect(block.length).toBeLessThanOrEqual(snappyMaxEncodedLength(data.length));
        expect(snappyjs.uncompress(block)).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes inputs of several 64 KiB blocks, the last one of any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 1, max: 3 }), (extra, blocks) => {
        const data = new Uint8Array(blocks * 65_536 + extra - 65_536);
        let x = extra + 1;
        for (let i = 0; i < data.length; i++) {
          x = (Math.imul(x, 1103515245) + 12345) | 0;
          data[i] = i % 3 === 0 ? (x >>> 24) & 0xff : i & 0x3f; // Half random, half repeating.
        }
        // Compared as Buffers: toEqual on 200k elements takes seconds.
        expect(Buffer.from(snappyjs.uncompress(new SnappyEncoder().encode(data))).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('reuses its buffer: a result stays right until the next encode, encodeInto gives the same bytes', () => {
    const enc = new SnappyEncoder(8);
    const a = new Uint8Array(5000).fill(1);
    const b = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
    const ea = enc.encode(a).slice();
    const eb = enc.encode(b);
    expect(snappyjs.uncompress(eb)).toEqual(b);
    expect(enc.encode(a)).toEqual(ea);
    const into = new Uint8Array(snappyMaxEncodedLength(b.length) + 10);
    expect(new SnappyEncoder().encodeInto(b, into)).toEqual(enc.encode(b));
    expect(() => enc.encodeInto(b, new Uint8Array(10))).toThrow(RangeError);
  });

  it('compresses a samples record (constant timestamps, close refs) to well under its size', () => {
    const cols = newRefSamples(5000);
    for (let i = 0; i < 5000; i++) {
      cols.refs[i] = i + 1;
      cols.ts[i] = 1_700_000_000_000;
      cols.vs[i] = i * 0.5;
    }
    cols.length = 5000;
    const rec = new RecordEncoder().samplesColumnar(cols);
    const block = new SnappyEncoder().encode(rec);
    expect(block.length).toBeLessThan(rec.length * 0.7);
    expect(snappyjs.uncompress(block)).toEqual(rec);
  });

  // Worked by hand through Go's encodeBlock (the interop test compares with Prometheus's bytes).
  it("emits the elements Go's algorithm emits", () => {
    const enc = new SnappyEncoder();
    expect(Array.from(enc.encode(new Uint8Array(0)))).toEqual([0]);
    // Below minNonLiteralBlockSize (17 bytes): one literal.
    expect(Array.from(enc.encode(new TextEncoder().encode('abc')))).toEqual([3, 2 << 2, 97, 98, 99]);
    // 20 zeros: the probe at s=1 matches s=0: a literal of 1 byte, then one copy of 19 bytes at
    // offset 1 (3-byte form, as length >= 12).
    expect(Array.from(enc.encode(new Uint8Array(20)))).toEqual([20, 0 << 2, 0, ((19 - 1) << 2) | 2, 1, 0]);
    // 8 bytes repeated 3 times (24): literal of 8, then a copy of 16 at offset 8 (3-byte form).
    const abc = new TextEncoder().encode('abcdefghabcdefghabcdefgh');
    expect(Array.from(enc.encode(abc))).toEqual([24, 7 << 2, ...abc.subarray(0, 8), ((16 - 1) << 2) | 2, 8, 0]);
  });
});
