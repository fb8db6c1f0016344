import { Encoding, ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { chunkFromBytes, isSupportedEncoding, newChunk } from './chunk-factory.js';
import { ChunkEncodingError } from './errors.js';
import { STALE_NAN_BITS, StaleNaN } from '@tsprom/storage-interfaces';
import { float64Bits, float64FromBits } from './float-bits.js';
import { XORChunk } from './xor-chunk.js';
import { XOR2Chunk } from './xor2-chunk.js';
import { XOR2Iterator } from './xor2-iterator.js';
import { expectDecodeFailure, hex, unhex } from './testing/test-helpers.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

interface Series {
  ts: number[];
  bits: bigint[]; // Bits, not floats: a plain JS array would quiet the signalling stale NaN.
  sts: number[];
}

function encode({ ts, bits, sts }: Series): XOR2Chunk {
  const c = new XOR2Chunk();
  const app = c.appender();
  for (let i = 0; i < ts.length; i++) app.append(ts[i]!, float64FromBits(bits[i]!), sts[i]);
  return c;
}

function decode(c: XOR2Chunk | XOR2Iterator): Series {
  const it = c instanceof XOR2Iterator ? c : c.iterator();
  const out: Series = { ts: [], bits: [], sts: [] };
  while (it.next() === ValueType.Float) {
    const [t, v] = it.at();
    expect(t).toBe(it.atT());
    expect(float64Bits(v)).toBe(float64Bits(it.atV()));
    out.ts.push(it.atT());
    out.bits.push(float64Bits(it.atV()));
    out.sts.push(it.atST());
  }
  expect(it.err()).toBeUndefined();
  expect(it.next()).toBe(ValueType.None);
  return out;
}

const valueBits = fc.oneof(
  fc.double().map(float64Bits),
  fc.constantFrom(
    STALE_NAN_BITS,
    0x7ff8000000000001n, // Go's math.NaN()
    0xffffffffffffffffn,
    0x7ff0000000000000n, // +Inf
    0x8000000000000000n, // -0
    0n,
    1n,
  ),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.integer({ min: 0, max: 1000 }).map((n) => float64Bits(n)),
);
// Runs of repeats and stale markers exercise the dod-0 prefixes 0, 10 and 11111.
const valueRun = fc.oneof(
  valueBits.map((b) => [b]),
  fc.tuple(valueBits, fc.integer({ min: 1, max: 6 })).map(([b, n]) => Array<bigint>(n).fill(b)),
  fc.integer({ min: 1, max: 3 }).map((n) => Array<bigint>(n).fill(STALE_NAN_BITS)),
);
// Regular, jittered, equal, and every dod width: 13-bit, 20-bit and 64-bit, both signs.
const gap = fc.oneof(
  fc.constant(15_000),
  fc.integer({ min: 14_990, max: 15_010 }),
  fc.constant(0),
  fc.integer({ min: 0, max: 600_000 }),
  fc.integer({ min: 0, max: 2 ** 36 }),
);
// ST behaviours: none; fixed; a counter reset now and then (the ST jumps to near t); anything.
const stMode = fc.constantFrom('none', 'fixed', 'resets', 'random');

const scrapeSeries = fc
  .tuple(
    fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
    fc.array(fc.tuple(gap, valueRun), { minLength: 1, maxLength: 160 }),
    stMode,
    fc.array(fc.oneof(fc.constant(0), fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 })), {
      minLength: 300,
      maxLength: 300,
    }),
    fc.array(fc.boolean(), { minLength: 300, maxLength: 300 }),
  )
  .map(([start, steps, mode, randomST, resets]): Series => {
    const s: Series = { ts: [], bits: [], sts: [] };
    let t = start;
    let st = mode === 'none' ? 0 : start - 1000;
    for (const [g, run] of steps) {
      for (const b of run) {
        t += g;
        if (mode === 'resets' && resets[s.ts.length % 300]! && s.ts.length % 7 === 3) st = t - 1;
        s.ts.push(t);
        s.bits.push(b);
        s.sts.push(mode === 'random' ? randomST[s.ts.length % 300]! : st);
        if (s.ts.length === 400) return s;
      }
    }
    return s;
  });
// Any safe integers in any order: deltas and dods beyond 2^53 (the exact bigint paths), for the
// timestamps and the STs alike.
const extreme = fc.oneof(
  fc.maxSafeInteger(),
  fc.constantFrom(MAX_SAFE, -MAX_SAFE, 0, -1, 1, 2 ** 53 - 2, -(2 ** 53) + 2, 2 ** 31, -(2 ** 32)),
);
const wildSeries = fc
  .array(fc.tuple(extreme, valueBits, extreme), { minLength: 1, maxLength: 60 })
  .map((s): Series => ({ ts: s.map((x) => x[0]), bits: s.map((x) => x[1]), sts: s.map((x) => x[2]) }));
const anySeries = fc.oneof(scrapeSeries, wildSeries);

const ONE = 0x3ff0000000000000n; // 1.0
const TWO = 0x4000000000000000n; // 2.0

describe('XOR2Chunk bytes (hand-checked vectors from reference/tsdb-format/chunks.md)', () => {
  // Header: num_samples as a big-endian uint16, then st_header (bit 7 first_st_known, bits 0-6
  // st_changed_on). Sample 0: ts_0 varint, v_0 as 64 raw bits, st_0 varint if first_st_known.
  // Sample 1: ts_1_delta uvarint, v_1 <varbit_xor2>, st_1 <varbit_ts> if due. Go's bit writer
  // leaves an empty trailing byte after a whole-byte write that starts on a byte boundary, and
  // following bits go into it.
  it.each<[string, number[], bigint[], number[], string]>([
    ['empty chunk', [], [], [], '000000'],
    // 0001 | 00 (no ST) | varint(1000) = zigzag 2000 = 0x7d0 -> d0 0f | 1.0 | empty trailing 00.
    ['one sample', [1000], [ONE], [0], '000100d00f3ff000000000000000'],
    // st_header 80: first_st_known. After v_0, varint(500) = zigzag 1000 = 0x3e8 -> e8 07.
    ['one sample with ST', [1000], [ONE], [500], '000180d00f3ff0000000000000e80700'],
    // uvarint(1000) = e8 07; v_1 <varbit_xor2> '0' (unchanged) fills the trailing byte: 00.
    ['two equal values', [1000, 2000], [ONE, ONE], [0, 0], '000200d00f3ff0000000000000e80700'],
    // Sample 2: joint prefix '0' (dod 0, unchanged): 0|0 still within the 00 byte.
    ['dod 0, value unchanged', [1000, 2000, 3000], [ONE, ONE, ONE], [0, 0, 0], '000300d00f3ff0000000000000e80700'],
    // ST unchanged on sample 1: st_changed_on stays 0 and no ST bits follow.
    ['constant ST', [1000, 2000], [ONE, ONE], [500, 500], '000280d00f3ff0000000000000e807e80700'],
    // st_header 81: st_0 known, STs from sample 1 on. Sample 1: e807, '0' (value), then the ST
    // <varbit_ts> of 600 - 500 = 100: '10' + 14 bits 00000001100100.
    // 0 10 00000001100100 -> 01000000 00110010 0....... -> 40 32 00.
    ['ST changes on sample 1', [1000, 2000], [ONE, ONE], [500, 600], '000281d00f3ff0000000000000e807e807403200'],
    // t0 varint(0) = 00, v0 = 0.0. Sample 2 of t 0,1,2 with ST 0,0,7: st_header 02. Bits after
    // uvarint(1) = 01: '0' (v_1) | '0' (dod 0, unchanged) | ST dod 7 - 0: '10' 00000000000111.
    // 0 0 10 00000000000111 -> 00100000 00000001 11...... -> 20 01 c0.
    ['first ST on sample 2', [0, 1, 2], [0n, 0n, 0n], [0, 0, 7], '00030200000000000000000001' + '2001c0'],
    // v_1 2.0 after 1.0 with dod 0: '0' (v_1 unchanged), then '10' (dod 0, value changed, non-
    // stale) + <varbit_xor2_nn> '1' (new window) + leading 00001 + sigbits 001011 + the 11 bits
    // of 0x7ff (1.0 XOR 2.0 = 0x7ff0000000000000, 1 leading and 52 trailing zeros).
    // 0 10 1 00001 001011 11111111111 -> 01010000 10010111 11111111 11...... -> 50 97 ff c0.
    ['dod 0, value changed', [0, 1, 2], [ONE, ONE, TWO], [0, 0, 0], '000300003ff000000000000001' + '5097ffc0'],
    // Sample 2 is the stale marker with dod 0: '0' (v_1) then '11111'. 0 11111 -> 01111100 -> 7c.
    ['stale marker, dod 0', [0, 1, 2], [ONE, ONE, STALE_NAN_BITS], [0, 0, 0], '000300003ff000000000000001' + '7c'],
    // v_1 is the stale marker: <varbit_xor2> '111' -> 11100000 -> e0.
    ['stale marker as v_1', [0, 1], [ONE, STALE_NAN_BITS], [0, 0], '000200003ff000000000000001' + 'e0'],
    // v_1 2.0 after 1.0: <varbit_xor2> '110' (new window) + 00001 + 001011 + 11111111111.
    // 110 00001 001011 11111111111 -> 11000001 00101111 11111111 1....... -> c1 2f ff 80.
    ['new window in <varbit_xor2>', [0, 1], [ONE, TWO], [0, 0], '000200003ff000000000000001' + 'c12fff80'],
    // Sample 2 dod +1: '110' + 13-bit 0000000000001, then '0' (value unchanged). After v_1's '0':
    // 0 110 0000000000001 0 -> 01100000 00000000 10...... -> 60 00 80.
    [
      '13-bit dod +1',
      [0, 1000, 2001],
      [0n, 0n, 0n],
      [0, 0, 0],
      '000300' + '00' + '0000000000000000' + 'e807' + '600080',
    ],
    // dod -1: 13 bits of two's complement 1111111111111. 0 110 1111111111111 0 -> 6f ff 80.
    [
      '13-bit dod -1',
      [0, 1000, 1999],
      [0n, 0n, 0n],
      [0, 0, 0],
      '000300' + '00' + '0000000000000000' + 'e807' + '6fff80',
    ],
    // dod -4096, the 13-bit minimum: 1000000000000. 0 110 1000000000000 0 -> 01101000 00...-> 68 00 00.
    [
      '13-bit dod -4096',
      [0, 10000, 15904],
      [0n, 0n, 0n],
      [0, 0, 0],
      '000300' + '00' + '0000000000000000' + '904e' + '680000',
    ],
    // dod 4096 is past the 13-bit maximum 4095: '1110' + 20 bits 00000001000000000000, then '0'.
    // 0 1110 00000001000000000000 0 -> 01110000 00001000 00000000 00...... -> 70 08 00 00.
    [
      '20-bit dod 4096',
      [0, 1000, 6096],
      [0n, 0n, 0n],
      [0, 0, 0],
      '000300' + '00' + '0000000000000000' + 'e807' + '70080000',
    ],
    // dod 1000000 is past the 20-bit maximum 524287: '11110' + 64 bits of 0xf4240, then '0'.
    // 0 11110 (64-bit 0x00000000000f4240) 0 + 1 padding bit: 0x7800000000003d0900.
    [
      '64-bit dod',
      [0, 1, 1_000_002],
      [0n, 0n, 0n],
      [0, 0, 0],
      '000300' + '00' + '0000000000000000' + '01' + '7800000000003d0900',
    ],
  ])('%s', (_name, ts, bits, sts, want) => {
    const c = encode({ ts, bits, sts });
    expect(hex(c.bytes())).toBe(want);
    expect(c.numSamples()).toBe(ts.length);
    expect(decode(XOR2Chunk.fromBytes(unhex(want)))).toEqual({ ts, bits, sts });
  });

  it('sets st_changed_on to 127 on the 128th sample, which then carries its ST', () => {
    const s: Series = { ts: [], bits: [], sts: [] };
    for (let i = 0; i < 130; i++) {
      s.ts.push(i * 1000);
      s.bits.push(0n);
      s.sts.push(0);
    }
    const at127 = encode({ ts: s.ts.slice(0, 127), bits: s.bits.slice(0, 127), sts: s.sts.slice(0, 127) });
    expect(at127.bytes()[2]).toBe(0);
    const c = encode(s);
    expect(c.bytes()[2]).toBe(0x7f);
    // Samples 127..129: joint '0' then ST dod '0', 2 bits each, where 127 samples used 1 bit each.
    expect(decode(c)).toEqual(s);
    // An ST change on a later sample is then recorded.
    s.ts.push(200_000);
    s.bits.push(0n);
    s.sts.push(123_456);
    expect(decode(encode(s))).toEqual(s);
  });

  it('writes the stale marker given as StaleNaN', () => {
    const c = new XOR2Chunk();
    const app = c.appender();
    app.append(0, 1);
    app.append(1, StaleNaN);
    expect(hex(c.bytes())).toBe('000200003ff000000000000001e0');
  });
});

describe('XOR2Chunk round trip (property)', () => {
  it('decodes any series to the same timestamps, value bits and STs', () => {
    fc.assert(
      fc.property(anySeries, (s) => {
        const c = encode(s);
        expect(c.numSamples()).toBe(s.ts.length);
        expect(c.encoding()).toBe(Encoding.XOR2);
        expect(decode(c)).toEqual(s);
        // Validated decoding of a copy agrees.
        expect(decode(XOR2Chunk.fromBytes(c.bytes().slice()))).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps fc.double values (NaN, ±Inf, -0 included) bit-exact', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 240 }), (vs) => {
        const c = new XOR2Chunk();
        const app = c.appender();
        for (let i = 0; i < vs.length; i++) app.append(i * 15_000, vs[i]!, 1);
        const it = c.iterator();
        for (const v of vs) {
          expect(it.next()).toBe(ValueType.Float);
          expect(float64Bits(it.atV())).toBe(float64Bits(v));
          expect(it.atST()).toBe(1);
        }
        expect(it.next()).toBe(ValueType.None);
        expect(it.err()).toBeUndefined();
      }),
    );
  });

  it('spends 1 bit per sample on a constant series at a steady interval (XOR spends 2)', () => {
    const x = new XORChunk();
    const y = new XOR2Chunk();
    const xa = x.appender();
    const ya = y.appender();
    for (let i = 0; i < 120; i++) {
      xa.append(1_700_000_000_000 + i * 15_000, 1);
      ya.append(1_700_000_000_000 + i * 15_000, 1, 1_699_999_999_999);
    }
    // Header 3, t0 varint 6, v0 8, st0 varint 6, uvarint(15000) 2, then 119 bits (v_1 '0' and 118
    // joint '0's; the ST never changes): 15 bytes.
    expect(y.bytes().length).toBe(3 + 6 + 8 + 6 + 2 + 15);
    // XOR: header 2, 6, 8, 2, then 1 + 2 * 118 bits: 30 bytes.
    expect(x.bytes().length).toBe(2 + 6 + 8 + 2 + 30);
  });
});

describe('XOR2Chunk appender continuation', () => {
  it('continues a chunk from fromBytes with the bytes of one uninterrupted appender', () => {
    fc.assert(
      fc.property(anySeries, fc.nat(), (s, k0) => {
        const k = k0 % (s.ts.length + 1);
        const full = encode(s);
        const part = encode({ ts: s.ts.slice(0, k), bits: s.bits.slice(0, k), sts: s.sts.slice(0, k) });
        const borrowed = part.bytes().slice();
        const snapshot = borrowed.slice();
        const c = XOR2Chunk.fromBytes(borrowed);
        const app = c.appender();
        for (let i = k; i < s.ts.length; i++) app.append(s.ts[i]!, float64FromBits(s.bits[i]!), s.sts[i]);
        expect(hex(c.bytes())).toBe(hex(full.bytes()));
        expect(hex(borrowed)).toBe(hex(snapshot)); // The borrowed bytes were not written to.
      }),
      { numRuns: 300 },
    );
  });

  it('continues after compact() and after an earlier appender', () => {
    const c = new XOR2Chunk();
    c.appender().append(1000, 1, 10);
    c.compact();
    const app = c.appender();
    app.append(2000, 2, 10);
    app.append(3000, 2, 20);
    expect(decode(c)).toEqual({ ts: [1000, 2000, 3000], bits: [ONE, TWO, TWO], sts: [10, 10, 20] });
  });

  it('rejects an ST change after sample 127 in a chunk that recorded none', () => {
    // Another writer's chunk of 129 samples with st_changed_on 0: t = 1000 i, all values 0.
    // Header 3 bytes, t0 00, v0 8 bytes, uvarint(1000) 2 bytes, then one '0' bit per sample from
    // v_1 on: 128 bits, 16 bytes. Our 127-sample chunk has 126 of those bits in the same bytes.
    const d = new XOR2Chunk();
    const app = d.appender();
    for (let i = 0; i < 127; i++) app.append(i * 1000, 0);
    expect(d.bytes().length).toBe(30);
    const b = d.bytes().slice();
    b[1] = 129;
    const foreign = XOR2Chunk.fromBytes(b);
    expect(decode(foreign).ts).toHaveLength(129);
    const app2 = foreign.appender();
    expect(() => app2.append(129_000, 0, 5)).toThrow(RangeError);
    app2.append(129_000, 0); // Unchanged ST: fine.
    expect(decode(foreign).sts).toEqual(Array(130).fill(0));
  });
});

describe("XOR2Chunk.append and byteLength (the head's per-sample path)", () => {
  it('append writes the bytes of an appender, continuing after fromBytes and compact()', () => {
    fc.assert(
      fc.property(anySeries, fc.nat(), (s, k0) => {
        const k = k0 % (s.ts.length + 1);
        const full = encode(s);
        const c = XOR2Chunk.fromBytes(
          encode({ ts: s.ts.slice(0, k), bits: s.bits.slice(0, k), sts: s.sts.slice(0, k) })
            .bytes()
            .slice(),
        );
        for (let i = k; i < s.ts.length; i++) {
          c.append(s.ts[i]!, float64FromBits(s.bits[i]!), s.sts[i]);
          if (i === k) c.compact();
          expect(c.byteLength()).toBe(c.bytes().length);
        }
        expect(hex(c.bytes())).toBe(hex(full.bytes()));
      }),
      { numRuns: 200 },
    );
  });

  it('reset empties the chunk in place: what follows is written as in a new chunk', () => {
    fc.assert(
      fc.property(anySeries, anySeries, fc.boolean(), (a, b, borrowed) => {
        let c = encode(a);
        const original = c.bytes().slice();
        if (borrowed) c = XOR2Chunk.fromBytes(original);
        c.reset();
        expect(c.numSamples()).toBe(0);
        for (let i = 0; i < b.ts.length; i++) c.append(b.ts[i]!, float64FromBits(b.bits[i]!), b.sts[i]);
        expect(hex(c.bytes())).toBe(hex(encode(b).bytes()));
        if (borrowed) expect(hex(original)).toBe(hex(encode(a).bytes())); // Not written to.
      }),
      { numRuns: 200 },
    );
  });

  it('appends through the appender handed out last', () => {
    const c = new XOR2Chunk();
    c.append(1000, 1, 10);
    const app = c.appender();
    app.append(2000, 2, 10);
    c.append(3000, 2, 20);
    expect(decode(c)).toEqual({ ts: [1000, 2000, 3000], bits: [ONE, TWO, TWO], sts: [10, 10, 20] });
  });

  it('neither makes a view nor allocates an appender per sample', () => {
    // byteLength() used to be bytes().length: a subarray per append of the head's open chunk.
    const c = new XOR2Chunk();
    const bytes = vi.spyOn(c, 'bytes');
    const appender = vi.spyOn(c, 'appender');
    for (let i = 0; i < 500; i++) {
      c.append(i * 15_000, i % 7, 0);
      expect(c.byteLength()).toBeGreaterThan(3);
    }
    expect(bytes).not.toHaveBeenCalled();
    expect(appender).toHaveBeenCalledTimes(1);
    expect(c.byteLength()).toBe(c.bytes().length);
  });
});

describe('XOR2Iterator seek', () => {
  it('follows XORIterator: the first sample at or after t, staying put when already there', () => {
    fc.assert(
      fc.property(
        scrapeSeries,
        fc.array(fc.integer({ min: -(2 ** 46), max: 2 ** 46 }), { maxLength: 8 }),
        (s, seeks) => {
          const x = new XORChunk();
          const app = x.appender();
          for (let i = 0; i < s.ts.length; i++) app.append(s.ts[i]!, float64FromBits(s.bits[i]!));
          const xi = x.iterator();
          const yi = encode(s).iterator();
          const targets = [...seeks, ...s.ts.slice(0, 3)].sort((a, b) => a - b);
          for (const t of targets) {
            const want = xi.seek(t);
            expect(yi.seek(t)).toBe(want);
            if (want === ValueType.Float) {
              expect(yi.atT()).toBe(xi.atT());
              expect(float64Bits(yi.atV())).toBe(float64Bits(xi.atV()));
            }
          }
          expect(yi.err()).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('seeks to the first sample, stays, moves on, and ends', () => {
    const c = encode({ ts: [10, 20, 30], bits: [ONE, ONE, TWO], sts: [5, 5, 25] });
    const it = c.iterator();
    expect(it.seek(0)).toBe(ValueType.Float);
    expect(it.atT()).toBe(10);
    expect(it.seek(10)).toBe(ValueType.Float);
    expect(it.atT()).toBe(10);
    expect(it.seek(21)).toBe(ValueType.Float);
    expect([it.atT(), it.atST()]).toEqual([30, 25]);
    expect(it.seek(5)).toBe(ValueType.Float); // Never goes back.
    expect(it.atT()).toBe(30);
    expect(it.seek(31)).toBe(ValueType.None);
    expect(it.seek(40)).toBe(ValueType.None);
    // As Go's (and XORIterator): once exhausted without error, a target at or before the last
    // timestamp reports that sample again.
    expect(it.seek(0)).toBe(ValueType.Float);
    expect(it.atT()).toBe(30);
    expect(it.err()).toBeUndefined();
  });

  it('stops at the sample count it started with when the chunk grows meanwhile', () => {
    const c = new XOR2Chunk();
    const app = c.appender();
    app.append(1, 1, 1);
    app.append(2, 2, 1);
    const it = c.iterator();
    app.append(3, 3, 2);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.next()).toBe(ValueType.None);
    expect(it.err()).toBeUndefined();
    expect(decode(c).sts).toEqual([1, 1, 2]);
  });

  it('is reused through iterator(reuse)', () => {
    const a = encode({ ts: [1, 2], bits: [ONE, TWO], sts: [0, 0] });
    const b = encode({ ts: [7], bits: [TWO], sts: [3] });
    const it = a.iterator();
    it.next();
    expect(b.iterator(it)).toBe(it);
    expect(decode(it)).toEqual({ ts: [7], bits: [TWO], sts: [3] });
    expect(() => it.atHistogram()).toThrow();
  });
});

describe('XOR2Chunk malformed input', () => {
  const good = '000300003ff000000000000001' + '5097ffc0'; // 'dod 0, value changed' above.
  it.each([
    ['shorter than the header', '0001'],
    ['samples but no data', '000100'],
    ['truncated v_0', '000100003ff000'],
    ['truncated sample 2', good.slice(0, -4)],
    ['trailing bytes', `${good}00`],
    ['trailing garbage', `${good}ff`],
    ['st_0 announced but missing', '000180003ff0000000000000'],
    ['st_changed_on beyond the samples', '000102003ff000000000000001e0'],
    ['st_changed_on on an empty chunk', '000001'],
    ['data in an empty chunk', '00000000'],
    ['varint overflow in ts_0', `000100${'ff'.repeat(11)}`],
    ['64-bit dod cut short', '000300' + '00' + '0000000000000000' + '01' + '780000'],
  ])('%s -> ChunkEncodingError', (_name, h) => {
    expect(() => XOR2Chunk.fromBytes(unhex(h))).toThrow(ChunkEncodingError);
    expect(() => chunkFromBytes(Encoding.XOR2, unhex(h))).toThrow(ChunkEncodingError);
  });

  it('reports truncation through err() when not validated', () => {
    expect(expectDecodeFailure(XOR2Chunk.fromBytes(unhex(good.slice(0, -4)), { validate: false }))).toBe(2);
  });

  it('throws only ChunkEncodingError on arbitrary bytes, and decodes what it accepts', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        fc.nat({ max: 6 }),
        fc.nat({ max: 0xff }),
        (b, n, h) => {
          const bytes = new Uint8Array(b.length + 3);
          bytes.set(b, 3);
          bytes[1] = n;
          bytes[2] = h;
          let c: XOR2Chunk;
          try {
            c = XOR2Chunk.fromBytes(bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(ChunkEncodingError);
            return;
          }
          const got = decode(c);
          expect(got.ts).toHaveLength(n);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('XOR2 through the chunk factory', () => {
  it('makes and reads XOR2 chunks', () => {
    expect(isSupportedEncoding(Encoding.XOR2)).toBe(true);
    const c = newChunk(Encoding.XOR2);
    expect(c).toBeInstanceOf(XOR2Chunk);
    expect(c.encoding()).toBe(4); // Unverified against Prometheus's chunk.go; see XOR2Chunk.
    c.appender().append(1, 2, 1);
    const it = chunkFromBytes(Encoding.XOR2, c.bytes().slice()).iterator();
    expect(it.next()).toBe(ValueType.Float);
    expect([it.at(), it.atST()]).toEqual([[1, 2], 1]);
  });

  it('rejects bad timestamps and start timestamps', () => {
    const app = new XOR2Chunk().appender();
    expect(() => app.append(1.5, 0)).toThrow(RangeError);
    expect(() => app.append(1, 0, 2 ** 60)).toThrow(RangeError);
  });
});
