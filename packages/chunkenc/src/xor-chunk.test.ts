import { Encoding, ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkEncodingError } from './errors.js';
import { STALE_NAN_BITS, StaleNaN } from '@tsprom/storage-interfaces';
import { float64Bits, float64FromBits } from './float-bits.js';
import { referenceXOR } from './testing/reference-xor.js';
import { XORChunk } from './xor-chunk.js';
import { XORIterator } from './xor-iterator.js';
import { expectDecodeFailure, hex } from './testing/test-helpers.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// Values travel as bits (bigint) and become floats only at the append call: storing a signalling
// NaN such as the stale marker in a plain JS array would let V8 quiet it.
function encode(ts: readonly number[], bits: readonly bigint[]): XORChunk {
  const c = new XORChunk();
  const app = c.appender();
  for (let i = 0; i < ts.length; i++) app.append(ts[i]!, float64FromBits(bits[i]!));
  return c;
}

function decode(c: XORChunk | XORIterator): { ts: number[]; bits: bigint[] } {
  const it = c instanceof XORIterator ? c : c.iterator();
  const ts: number[] = [];
  const bits: bigint[] = [];
  while (it.next() === ValueType.Float) {
    const [t, v] = it.at();
    expect(t).toBe(it.atT());
    expect(float64Bits(v)).toBe(float64Bits(it.atV()));
    ts.push(it.atT());
    bits.push(float64Bits(it.atV()));
  }
  expect(it.err()).toBeUndefined();
  expect(it.next()).toBe(ValueType.None);
  return { ts, bits };
}

const specialBits = fc.constantFrom(
  STALE_NAN_BITS,
  0x7ff8000000000001n, // Go's math.NaN()
  0x7ff8000000000000n, // JS NaN
  0xfff8000000000000n,
  0xffffffffffffffffn, // NaN with every payload bit set
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x8000000000000000n, // -0
  0n,
  1n, // smallest subnormal
  0x7fefffffffffffffn, // MAX_VALUE
);
const valueBits = fc.oneof(
  fc.double().map(float64Bits),
  specialBits,
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.integer({ min: 0, max: 1000 }).map((n) => float64Bits(n)),
  fc.integer({ min: 0, max: 100_000 }).map((n) => float64Bits(n / 1000)),
);

// Scrape-like timestamps: regular, jittered, equal, large and huge gaps (64-bit dods), any start.
const gap = fc.oneof(
  fc.constant(15_000),
  fc.integer({ min: 14_990, max: 15_010 }),
  fc.constant(0),
  fc.integer({ min: 0, max: 600_000 }),
  fc.integer({ min: 0, max: 2 ** 36 }),
);
const scrapeSeries = fc
  .tuple(
    fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
    fc.array(fc.tuple(gap, valueBits), { minLength: 1, maxLength: 240 }),
  )
  .map(([start, steps]) => {
    const ts: number[] = [];
    const bits: bigint[] = [];
    let t = start;
    for (const [g, b] of steps) {
      t += g;
      ts.push(t);
      bits.push(b);
    }
    return { ts, bits };
  });
// Any safe integers in any order: deltas and dods far beyond 2^53 (the exact bigint paths).
const extremeT = fc.oneof(
  fc.maxSafeInteger(),
  fc.constantFrom(MAX_SAFE, -MAX_SAFE, 0, -1, 1, 2 ** 53 - 2, -(2 ** 53) + 2, 2 ** 31, -(2 ** 32)),
);
const wildSeries = fc
  .array(fc.tuple(extremeT, valueBits), { minLength: 1, maxLength: 60 })
  .map((s) => ({ ts: s.map(([t]) => t), bits: s.map(([, b]) => b) }));
const anySeries = fc.oneof(scrapeSeries, wildSeries);

describe('XORChunk bytes (hand-checked vectors)', () => {
  it.each([
    ['empty chunk', [], [], '0000'],
    // t0 varint(1000) = d00f; v0 raw; Go leaves an empty trailing byte after whole-byte writes.
    ['one sample', [1000], [1], '0001d00f3ff000000000000000'],
    // tDelta uvarint(1000) = e807, then a 0 bit (value unchanged).
    ['two equal values', [1000, 2000], [1, 1], '0002d00f3ff0000000000000e80700'],
    ['dod 0 and value unchanged', [1000, 2000, 3000], [1, 1, 1], '0003d00f3ff0000000000000e80700'],
    // 0 | 10 00000000000001 | 0 -> 40 00 80
    ['14-bit dod of 1', [1000, 2000, 3001], [1, 1, 1], '0003d00f3ff0000000000000e807400080'],
    // 1 XOR 2 = 0x7ff0...: 11 00001 001011 11111111111 -> c2 5f ff
    ['new XOR window', [0, 1], [1, 2], '0002003ff000000000000001c25fff'],
    // 0 | 1111 + 64-bit 1000000 | 0 -> 78 00 00 00 00 00 7a 12 00
    ['64-bit dod', [0, 1, 1_000_002], [0, 0, 0], '0003000000000000000000017800000000007a1200'],
    ['negative t0', [-65], [0], '00018101000000000000000000'],
    // Bits, not a float: a JS array would quiet the signalling NaN.
    ['stale marker', [0], [STALE_NAN_BITS], '0001007ff000000000000200'],
  ])('%s', (_name, ts, vs, want) => {
    const bits = vs.map((v) => (typeof v === 'bigint' ? v : float64Bits(v)));
    const c = encode(ts, bits);
    expect(hex(c.bytes())).toBe(want);
    expect(c.numSamples()).toBe(ts.length);
    expect(hex(referenceXOR(ts, bits))).toBe(want);
  });

  it('writes the stale marker given as StaleNaN', () => {
    const c = new XORChunk();
    c.appender().append(0, StaleNaN);
    expect(hex(c.bytes())).toBe('0001007ff000000000000200');
  });
});

describe('XORChunk round trip (property)', () => {
  it('decodes any series to the same timestamps and value bits', () => {
    fc.assert(
      fc.property(anySeries, ({ ts, bits }) => {
        const c = encode(ts, bits);
        expect(c.numSamples()).toBe(ts.length);
        expect(c.encoding()).toBe(Encoding.XOR);
        const got = decode(c);
        expect(got.ts).toEqual(ts);
        expect(got.bits).toEqual(bits);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the bytes a literal port of the Go encoder writes', () => {
    fc.assert(
      fc.property(anySeries, ({ ts, bits }) => {
        expect(hex(encode(ts, bits).bytes())).toBe(hex(referenceXOR(ts, bits)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps fc.double values (NaN, ±Inf, -0 included) bit-exact', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 240 }), (vs) => {
        const c = new XORChunk();
        const app = c.appender();
        for (let i = 0; i < vs.length; i++) app.append(i * 15_000, vs[i]!);
        const it = c.iterator();
        for (const v of vs) {
          expect(it.next()).toBe(ValueType.Float);
          expect(float64Bits(it.atV())).toBe(float64Bits(v));
        }
        expect(it.next()).toBe(ValueType.None);
      }),
    );
  });

  it('keeps the stale marker bits through atV() and at()', () => {
    const c = new XORChunk();
    const app = c.appender();
    app.append(1, 1);
    app.append(2, StaleNaN);
    app.append(3, 2);
    app.append(4, StaleNaN);
    const it = c.iterator();
    const seen: bigint[] = [];
    while (it.next() === ValueType.Float) {
      seen.push(float64Bits(it.atV()), float64Bits(it.at()[1]));
    }
    expect(seen.filter((b) => b === STALE_NAN_BITS)).toHaveLength(4);
  });
});

// Steady-state samples that reach every branch of the encoder: delta of delta at and around each
// bucket's bounds, and value XORs of every width (1..64 significant bits) at every offset, so that
// windows are reused, replaced, and end on byte boundaries (Go's empty trailing byte).
const bucketDod = fc.oneof(
  fc.constantFrom(0, 1, -1, 0x2000, -0x1fff, 0x2001, -0x2000, 0x10000, -0xffff, 0x10001, -0x10000),
  fc.constantFrom(0x80000, -0x7ffff, 0x80001, -0x80000),
  fc.integer({ min: -0x90000, max: 0x90000 }),
);
const xorDelta = fc
  .tuple(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 63 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))
  .map(([width, shift, fill]) => {
    const w = Math.min(width, 64 - shift);
    const mask = ((1n << BigInt(w)) - 1n) << BigInt(shift);
    // The window's end bits set, so that it has exactly this width and offset.
    return ((fill & mask) | (1n << BigInt(shift)) | (1n << BigInt(shift + w - 1))) & (2n ** 64n - 1n);
  });
const steadySeries = fc
  .tuple(
    fc.array(fc.tuple(bucketDod, fc.oneof(xorDelta, fc.constant(0n))), { minLength: 1, maxLength: 200 }),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  )
  .map(([steps, first]) => {
    const ts = [1_700_000_000_000, 1_700_000_015_000];
    const bits = [first, first];
    let delta = 15_000;
    for (const [dod, x] of steps) {
      delta += dod;
      ts.push(ts[ts.length - 1]! + delta);
      bits.push(bits[bits.length - 1]! ^ x);
    }
    return { ts, bits };
  });

describe('XORChunk steady-state encoder (property)', () => {
  it('writes the bytes of a literal port of the Go encoder for every dod bucket and XOR width', () => {
    fc.assert(
      fc.property(steadySeries, ({ ts, bits }) => {
        const c = encode(ts, bits);
        expect(hex(c.bytes())).toBe(hex(referenceXOR(ts, bits)));
        expect(decode(c)).toEqual({ ts, bits });
      }),
      { numRuns: 500 },
    );
  });
});

describe('XORChunk appender continuation', () => {
  it('continues a chunk from fromBytes with the bytes of one uninterrupted appender', () => {
    fc.assert(
      fc.property(anySeries, fc.nat(), ({ ts, bits }, k0) => {
        const k = k0 % (ts.length + 1);
        const full = encode(ts, bits);
        const part = encode(ts.slice(0, k), bits.slice(0, k));
        const borrowed = part.bytes().slice();
        const snapshot = borrowed.slice();
        const c = XORChunk.fromBytes(borrowed);
        const app = c.appender();
        for (let i = k; i < ts.length; i++) app.append(ts[i]!, float64FromBits(bits[i]!));
        expect(hex(c.bytes())).toBe(hex(full.bytes()));
        expect(hex(borrowed)).toBe(hex(snapshot)); // The borrowed bytes were not written to.
      }),
      { numRuns: 300 },
    );
  });

  it('continues a compacted chunk whose bytes were a view of a larger buffer', () => {
    const ts = [1000, 16_000, 31_005, 46_000];
    const bits = [1.5, 2.25, 2.25, 7].map(float64Bits);
    const part = encode(ts.slice(0, 3), bits.slice(0, 3)).bytes();
    const file = new Uint8Array(4096);
    file.set(part, 100);
    file[100 + part.length] = 0xff; // Whatever follows in the file.
    const c = XORChunk.fromBytes(file.subarray(100, 100 + part.length));
    c.compact();
    expect(c.bytes().buffer.byteLength).toBe(part.length);
    c.appender().append(ts[3]!, 7);
    expect(hex(c.bytes())).toBe(hex(referenceXOR(ts, bits)));
    expect(file[100 + part.length]).toBe(0xff);
  });

  it('ignores garbage in the padding bits of borrowed bytes', () => {
    const ts = [1000, 16_000, 31_005, 46_000];
    const bits = [1.5, 2.25, 2.25, 7].map(float64Bits);
    const part = encode(ts.slice(0, 3), bits.slice(0, 3)).bytes();
    let tried = 0;
    for (let mask = 1; mask < 0x80; mask = (mask << 1) | 1) {
      const dirty = part.slice();
      dirty[dirty.length - 1]! |= mask;
      let c: XORChunk;
      try {
        c = XORChunk.fromBytes(dirty);
      } catch {
        break; // The bit was data after all.
      }
      const got = decode(c);
      if (got.ts.join() !== ts.slice(0, 3).join() || got.bits.join() !== bits.slice(0, 3).join()) break;
      tried++; // The set bits were padding: decoding ignored them.
      c.appender().append(ts[3]!, 7);
      expect(hex(c.bytes())).toBe(hex(referenceXOR(ts, bits)));
    }
    expect(tried).toBeGreaterThan(0);
  });

  it('continues with a new appender on the same chunk', () => {
    fc.assert(
      fc.property(anySeries, fc.integer({ min: 1, max: 20 }), ({ ts, bits }, every) => {
        const c = new XORChunk();
        let app = c.appender();
        for (let i = 0; i < ts.length; i++) {
          if (i % every === 0) app = c.appender();
          app.append(ts[i]!, float64FromBits(bits[i]!));
        }
        expect(hex(c.bytes())).toBe(hex(encode(ts, bits).bytes()));
      }),
      { numRuns: 200 },
    );
  });

  it('continues after a constant run (no XOR window yet) like a fresh appender', () => {
    const ts = [0, 15_000, 30_000, 45_000];
    const bits = [1, 1, 1, 2.5].map(float64Bits);
    const c = XORChunk.fromBytes(encode(ts.slice(0, 3), bits.slice(0, 3)).bytes().slice());
    c.appender().append(ts[3]!, 2.5);
    expect(hex(c.bytes())).toBe(hex(referenceXOR(ts, bits)));
  });
});

describe('XORIterator seek', () => {
  it('stays on the current sample when it is at or after t', () => {
    const c = encode([10, 20, 30, 40], [1, 2, 3, 4].map(float64Bits));
    const it = c.iterator();
    expect(it.seek(15)).toBe(ValueType.Float);
    expect(it.atT()).toBe(20);
    expect(it.seek(5)).toBe(ValueType.Float);
    expect(it.atT()).toBe(20);
    expect(it.seek(20)).toBe(ValueType.Float);
    expect(it.atT()).toBe(20);
    expect(it.seek(40)).toBe(ValueType.Float);
    expect(it.atV()).toBe(4);
    expect(it.seek(41)).toBe(ValueType.None);
    expect(it.next()).toBe(ValueType.None);
    expect(it.next()).toBe(ValueType.None);
    expect(it.err()).toBeUndefined();
  });

  it('seeks from a fresh iterator onto the first sample', () => {
    const it = encode([10, 20], [1, 2].map(float64Bits)).iterator();
    expect(it.seek(-1000)).toBe(ValueType.Float);
    expect(it.atT()).toBe(10);
  });

  it('ends at a NaN time, fresh or part way, short chunk or long, without an error', () => {
    for (const n of [1, 2, 5, 40, 300]) {
      const ts = Array.from({ length: n }, (_, i) => 1000 + 15 * i);
      const c = encode(
        ts,
        ts.map((_, i) => float64Bits(i % 5 === 0 ? Number.NaN : i)),
      );
      for (const before of [0, 1, 3]) {
        const it = c.iterator();
        for (let i = 0; i < before; i++) it.next();
        expect(it.seek(Number.NaN)).toBe(ValueType.None);
        expect(it.next()).toBe(ValueType.None);
        expect(it.err()).toBeUndefined();
      }
    }
  });

  it('returns None on an empty chunk', () => {
    const it = new XORChunk().iterator();
    expect(it.seek(0)).toBe(ValueType.None);
    expect(it.next()).toBe(ValueType.None);
    expect(it.err()).toBeUndefined();
  });

  it('matches a model of Prometheus semantics for any seek/next sequence', () => {
    const op = fc.oneof(fc.constant<null>(null), fc.integer({ min: -100, max: 3_000_000 }));
    fc.assert(
      fc.property(scrapeSeries, fc.array(op, { maxLength: 40 }), ({ ts, bits }, ops) => {
        const it = encode(ts, bits).iterator();
        let i = -1; // Model: index of the current sample; ts.length once exhausted.
        for (const o of ops) {
          let want: ValueType;
          if (o === null) {
            if (i < ts.length) i++;
            want = i < ts.length ? ValueType.Float : ValueType.None;
            expect(it.next()).toBe(want);
          } else {
            // Prometheus: for t > it.t || numRead == 0 { if Next() == None { return None } }.
            const cur = (): number => ts[Math.min(i, ts.length - 1)]!;
            want = ValueType.Float;
            while (i < 0 || (i < ts.length && o > cur())) {
              i++;
              if (i >= ts.length) break;
            }
            if (i >= ts.length) want = o > ts[ts.length - 1]! ? ValueType.None : ValueType.Float;
            expect(it.seek(o)).toBe(want);
          }
          if (want === ValueType.Float && i < ts.length) {
            expect(it.atT()).toBe(ts[i]);
            expect(float64Bits(it.atV())).toBe(bits[i]);
          }
        }
      }),
    );
  });
});

describe('XORChunk malformed input', () => {
  const good = encode(
    Array.from({ length: 50 }, (_, i) => 1_000 + i * 15_000 + (i % 3)),
    Array.from({ length: 50 }, (_, i) => float64Bits(i * 1.25)),
  ).bytes();

  it('rejects input shorter than the header', () => {
    expect(() => XORChunk.fromBytes(new Uint8Array(1))).toThrow(ChunkEncodingError);
    expect(new XORIterator(new Uint8Array(0)).err()).toBeInstanceOf(ChunkEncodingError);
  });

  it('rejects every truncation', () => {
    for (let len = 2; len < good.length - 1; len++) {
      expect(() => XORChunk.fromBytes(good.subarray(0, len))).toThrow(ChunkEncodingError);
    }
  });

  it('rejects a header that claims more or fewer samples than the data holds', () => {
    const more = good.slice();
    more[1] = 51;
    expect(() => XORChunk.fromBytes(more)).toThrow(ChunkEncodingError);
    const fewer = good.slice();
    fewer[1] = 40;
    expect(() => XORChunk.fromBytes(fewer)).toThrow(/trailing bytes/);
  });

  it('reports truncation through err() when validation is skipped', () => {
    expect(expectDecodeFailure(XORChunk.fromBytes(good.subarray(0, 30), { validate: false }))).toBeLessThan(50);
  });

  it('never throws anything but ChunkEncodingError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (b) => {
        try {
          const c = XORChunk.fromBytes(b);
          expect(decode(c).ts).toHaveLength(c.numSamples());
        } catch (err) {
          expect(err).toBeInstanceOf(ChunkEncodingError);
        }
        const it = new XORIterator(b);
        let guard = 0;
        while (it.next() !== ValueType.None) guard++;
        expect(guard).toBeLessThanOrEqual(0xffff);
      }),
    );
  });
});

describe('XORChunk housekeeping', () => {
  it('reset empties the chunk in place: what follows is written as in a new chunk', () => {
    fc.assert(
      fc.property(anySeries, anySeries, fc.boolean(), (a, b, borrowed) => {
        let c = encode(a.ts, a.bits);
        const original = c.bytes().slice();
        if (borrowed) c = XORChunk.fromBytes(original);
        const buf = c.bytes().buffer;
        c.reset();
        expect(c.numSamples()).toBe(0);
        if (!borrowed) expect(c.bytes().buffer).toBe(buf); // The same buffer.
        for (let i = 0; i < b.ts.length; i++) c.append(b.ts[i]!, float64FromBits(b.bits[i]!));
        expect(hex(c.bytes())).toBe(hex(encode(b.ts, b.bits).bytes()));
        if (borrowed) expect(hex(original)).toBe(hex(encode(a.ts, a.bits).bytes())); // Not written to.
      }),
      { numRuns: 200 },
    );
  });

  it('reuses an iterator across chunks', () => {
    const a = encode([1, 2], [1, 2].map(float64Bits));
    const b = encode([5], [7].map(float64Bits));
    const it = a.iterator();
    expect(decode(it).ts).toEqual([1, 2]);
    expect(b.iterator(it)).toBe(it);
    expect(decode(it).ts).toEqual([5]);
  });

  it('compact drops spare capacity and keeps the bytes', () => {
    const c = encode([1, 2, 3], [1, 2, 3].map(float64Bits));
    const before = hex(c.bytes());
    expect(c.bytes().buffer.byteLength).toBeGreaterThan(c.bytes().length); // Shared with other new chunks.
    c.compact();
    expect(hex(c.bytes())).toBe(before);
    expect(c.bytes().buffer.byteLength).toBe(c.bytes().length);
    c.appender().append(4, 4);
    expect(decode(c).ts).toEqual([1, 2, 3, 4]);
  });

  it('iterates only the samples present when the iterator was created', () => {
    const c = new XORChunk();
    const app = c.appender();
    app.append(1, 1);
    app.append(2, 2);
    const it = c.iterator();
    app.append(3, 3);
    expect(decode(it).ts).toEqual([1, 2]);
  });

  it('rejects non-integer timestamps and a 65536th sample', () => {
    const c = new XORChunk();
    const app = c.appender();
    expect(() => app.append(1.5, 0)).toThrow(RangeError);
    expect(() => app.append(2 ** 53, 0)).toThrow(RangeError);
    for (let i = 0; i < 0xffff; i++) app.append(i * 1000, i);
    expect(c.numSamples()).toBe(0xffff);
    expect(() => app.append(0x10000 * 1000, 0)).toThrow(RangeError);
    const it = c.iterator();
    let n = 0;
    while (it.next() === ValueType.Float) n++;
    expect(n).toBe(0xffff);
    expect(it.atT()).toBe(0xfffe * 1000);
  });

  it('throws on atHistogram and reports no start timestamps', () => {
    const it = encode([1], [1].map(float64Bits)).iterator();
    it.next();
    expect(() => it.atHistogram()).toThrow();
    expect(() => it.atFloatHistogram()).toThrow();
    expect(it.atST()).toBe(0);
  });
});

describe('XORChunk bytes in shared slabs', () => {
  it('writes the reference bytes for chunks appended to in any interleaving, before and after compact', () => {
    fc.assert(
      fc.property(
        fc.array(anySeries, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 1500 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        (series, schedule, compactEarly) => {
          const chunks = series.map(() => new XORChunk());
          const done = series.map(() => 0);
          const append = (k: number): void => {
            const { ts, bits } = series[k]!;
            const i = done[k]!;
            if (i === ts.length) return;
            chunks[k]!.append(ts[i]!, float64FromBits(bits[i]!));
            done[k] = i + 1;
            // A chunk compacted half-way continues in its own buffer.
            if (compactEarly[k] && i + 1 === ts.length >> 1) chunks[k]!.compact();
          };
          // Appends in the scheduled order (regions grow in place or move), then the rest.
          for (const x of schedule) append(x % series.length);
          for (let k = 0; k < series.length; k++) while (done[k]! < series[k]!.ts.length) append(k);
          for (let k = 0; k < series.length; k++) {
            const { ts, bits } = series[k]!;
            const want = hex(referenceXOR(ts, bits));
            expect(hex(chunks[k]!.bytes())).toBe(want);
          }
          // No two chunks' bytes overlap in a buffer they share.
          const views = chunks.map((c) => c.bytes());
          for (const a of views) {
            for (const b of views) {
              if (a === b || a.buffer !== b.buffer) continue;
              const disjoint = a.byteOffset + a.length <= b.byteOffset || b.byteOffset + b.length <= a.byteOffset;
              expect(disjoint).toBe(true);
            }
          }
          for (let k = 0; k < series.length; k++) {
            const c = chunks[k]!;
            const want = hex(referenceXOR(series[k]!.ts, series[k]!.bits));
            c.compact();
            expect(c.bytes().buffer.byteLength).toBe(c.bytes().length); // Its own, exact buffer.
            expect(hex(c.bytes())).toBe(want);
            expect(decode(c)).toEqual({ ts: [...series[k]!.ts], bits: [...series[k]!.bits] });
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps the bytes of a chunk when the chunks after it in the slab are written', () => {
    const a = encode([1000, 2000, 3000], [1, 2, 3].map(float64Bits));
    const before = hex(a.bytes());
    // Enough new chunks to fill the rest of the slab and start another.
    for (let k = 0; k < 600; k++) encode([1, 2, 3, 4], [k, k + 1, k + 2, k + 3].map(float64Bits));
    expect(hex(a.bytes())).toBe(before);
    expect(decode(a).ts).toEqual([1000, 2000, 3000]);
  });
});

describe('XORChunk.inBuffer', () => {
  it('writes the bytes of a fresh chunk into a slice of a shared buffer, and leaves it once full', () => {
    fc.assert(
      fc.property(anySeries, fc.integer({ min: 2, max: 200 }), ({ ts, bits }, size) => {
        const slab = new Uint8Array(3 * size).fill(0xa5); // Dirty: inBuffer zeroes its slice.
        const c = XORChunk.inBuffer(slab.subarray(size, 2 * size));
        for (let i = 0; i < ts.length; i++) c.append(ts[i]!, float64FromBits(bits[i]!));
        expect(hex(c.bytes())).toBe(hex(encode(ts, bits).bytes()));
        // The neighbours (other chunks' slices) are never written to.
        expect(slab.subarray(0, size).every((b) => b === 0xa5)).toBe(true);
        expect(slab.subarray(2 * size).every((b) => b === 0xa5)).toBe(true);
        // The chunk writes in place while an append has room (20 bytes: see append), and moves to
        // a buffer of its own before it would write past its slice.
        if (c.byteLength() + 20 <= size) expect(c.bytes().buffer).toBe(slab.buffer);
        if (c.byteLength() > size) expect(c.bytes().buffer).not.toBe(slab.buffer);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a buffer shorter than the header', () => {
    expect(() => XORChunk.inBuffer(new Uint8Array(1))).toThrow(RangeError);
  });
});
