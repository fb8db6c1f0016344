// XORIterator.decodeInto and seek run a decode loop of their own: these tests hold them to the
// plain next()/atT()/atV() iteration, sample by sample and bit for bit, on random sample streams.
import { STALE_NAN_BITS, ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64Bits, float64FromBits } from './float-bits.js';
import { encode, plain, type Series } from './testing/xor-series.js';
import { XORChunk } from './xor-chunk.js';
import type { XORIterator } from './xor-iterator.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// The seek Prometheus specifies, on next() alone.
function plainSeek(it: XORIterator, t: number, started: boolean): ValueType {
  if (it.err() !== undefined) return ValueType.None;
  if (started && it.atT() >= t) return ValueType.Float;
  for (;;) {
    if (it.next() === ValueType.None) return ValueType.None;
    if (it.atT() >= t) return ValueType.Float;
  }
}

const valueBits = fc.oneof(
  fc.double().map(float64Bits),
  fc.constantFrom(STALE_NAN_BITS, 0x7ff8000000000001n, 0xfff0000000000000n, 0x8000000000000000n, 0n, 1n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.integer({ min: 0, max: 1000 }).map((n) => float64Bits(n)),
  fc.integer({ min: 0, max: 100_000 }).map((n) => float64Bits(n / 1000)),
);
// Scrape-like gaps, and gaps whose delta of delta needs each width up to 64 bits.
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
    fc.array(fc.tuple(gap, valueBits), { minLength: 1, maxLength: 300 }),
  )
  .map(([start, steps]): Series => {
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
// Safe integers in any order: deltas beyond 2^53, which the loop hands to next().
const wildSeries = fc
  .array(
    fc.tuple(
      fc.oneof(fc.maxSafeInteger(), fc.constantFrom(MAX_SAFE, -MAX_SAFE, 0, 2 ** 53 - 2, -(2 ** 32))),
      valueBits,
    ),
    { minLength: 1, maxLength: 60 },
  )
  .map((s): Series => ({ ts: s.map(([t]) => t), bits: s.map(([, b]) => b) }));
// Time deltas about 2^52 and 2^53 (up or down), where the batch loop stops adding deltas of delta
// unchecked: a few samples from one end of the safe range towards the other, deltas of delta up to
// 2^20.
const nearLimitSeries = fc
  .tuple(
    fc.boolean(),
    fc.constantFrom(2 ** 52, 2 ** 53 - 2 ** 20),
    fc.integer({ min: -(2 ** 22), max: 2 ** 22 }),
    fc.array(fc.tuple(fc.integer({ min: -(2 ** 19), max: 2 ** 19 }), valueBits), { minLength: 1, maxLength: 4 }),
  )
  .map(([down, base, off, steps]): Series => {
    const sign = down ? -1 : 1;
    const ts: number[] = [];
    const bits: bigint[] = [];
    let t = -sign * (MAX_SAFE - 2 ** 21);
    let gap = base + off;
    for (const [dod, b] of steps) {
      ts.push(t);
      bits.push(b);
      t += sign * gap;
      gap += dod;
      if (Math.abs(t) > MAX_SAFE) break;
    }
    return { ts, bits };
  });
const anySeries = fc.oneof(
  { weight: 4, arbitrary: scrapeSeries },
  { weight: 1, arbitrary: wildSeries },
  { weight: 1, arbitrary: nearLimitSeries },
);

function bitsOf(vs: Float64Array, from: number, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = from; i < from + n; i++) out.push(float64Bits(vs[i]!));
  return out;
}

describe('XORIterator.decodeInto', () => {
  it('decodes a whole chunk exactly as next/atT/atV do', () => {
    fc.assert(
      fc.property(anySeries, (s) => {
        const c = encode(s);
        const want = plain(c);
        const ts = new Float64Array(s.ts.length + 3);
        const vs = new Float64Array(s.ts.length + 3);
        const it = c.iterator();
        const n = it.decodeInto(ts, vs, 3);
        expect(n).toBe(want.ts.length);
        expect(Array.from(ts.subarray(3, 3 + n))).toEqual(want.ts);
        expect(bitsOf(vs, 3, n)).toEqual(want.bits);
        expect(it.err()).toBeUndefined();
        expect(it.next()).toBe(ValueType.None);
        expect(it.decodeInto(ts, vs)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the samples present when the iterator was made, while the chunk grows on', () => {
    fc.assert(
      fc.property(anySeries, fc.nat(), (s, at) => {
        const k = at % (s.ts.length + 1);
        const c = encode({ ts: s.ts.slice(0, k), bits: s.bits.slice(0, k) });
        const batch = c.iterator();
        const single = c.iterator();
        // Written into the same buffer (or a new one) after the iterators were made.
        for (let i = k; i < s.ts.length; i++) c.append(s.ts[i]!, float64FromBits(s.bits[i]!));
        const ts = new Float64Array(s.ts.length);
        const vs = new Float64Array(s.ts.length);
        const n = batch.decodeInto(ts, vs);
        expect(Array.from(ts.subarray(0, n))).toEqual(s.ts.slice(0, k));
        expect(bitsOf(vs, 0, n)).toEqual(s.bits.slice(0, k));
        expect(batch.err()).toBeUndefined();
        for (let i = 0; i < k; i++) {
          expect(single.next()).toBe(ValueType.Float);
          expect(single.atT()).toBe(s.ts[i]);
        }
        expect(single.next()).toBe(ValueType.None);
        expect(single.err()).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('stops at full arrays and at maxT, and next() continues where it stopped', () => {
    fc.assert(
      fc.property(
        anySeries,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -5, max: 320 })), { maxLength: 12 }),
        (s, calls) => {
          const c = encode(s);
          const want = plain(c);
          const it = c.iterator();
          const gotT: number[] = [];
          const gotBits: bigint[] = [];
          for (const [cap, at] of calls) {
            // maxT: a sample's time (or one between samples) somewhere ahead.
            const k = Math.min(Math.max(at, 0), want.ts.length - 1);
            const maxT = at < 0 ? Number.POSITIVE_INFINITY : want.ts[k]! + (at % 2) * 0.5;
            const ts = new Float64Array(cap);
            const vs = new Float64Array(cap);
            const before = gotT.length;
            const n = it.decodeInto(ts, vs, 0, maxT);
            gotT.push(...ts.subarray(0, n));
            gotBits.push(...bitsOf(vs, 0, n));
            for (let i = 0; i < n; i++) expect(ts[i]!).toBeLessThanOrEqual(maxT);
            if (n < cap && before + n < want.ts.length) {
              // Stopped on a sample past maxT: it is the current one, not written.
              expect(it.atT()).toBe(want.ts[before + n]!);
              expect(it.atT()).toBeGreaterThan(maxT);
              expect(float64Bits(it.atV())).toBe(want.bits[before + n]!);
              gotT.push(it.atT());
              gotBits.push(float64Bits(it.atV()));
            }
            // One plain step in between.
            if (it.next() === ValueType.Float) {
              gotT.push(it.atT());
              gotBits.push(float64Bits(it.atV()));
            }
          }
          while (it.next() === ValueType.Float) {
            gotT.push(it.atT());
            gotBits.push(float64Bits(it.atV()));
          }
          expect(gotT).toEqual(want.ts);
          expect(gotBits).toEqual(want.bits);
          expect(it.err()).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the bits of NaN payloads, the stale marker among them', () => {
    const s: Series = {
      ts: [0, 15_000, 30_000, 45_000],
      bits: [STALE_NAN_BITS, 0x7ff8000000000001n, 0n, STALE_NAN_BITS],
    };
    const ts = new Float64Array(4);
    const vs = new Float64Array(4);
    expect(encode(s).iterator().decodeInto(ts, vs)).toBe(4);
    expect(bitsOf(vs, 0, 4)).toEqual(s.bits);
  });

  it('reports truncated bytes through err() after the same samples as next()', () => {
    fc.assert(
      fc.property(scrapeSeries, fc.nat(), (s, cut) => {
        const bytes = encode(s).bytes();
        const len = 2 + (cut % Math.max(1, bytes.length - 2));
        const c = XORChunk.fromBytes(bytes.slice(0, len), { validate: false });
        const want = plain(c);
        const it = c.iterator();
        const ts = new Float64Array(s.ts.length);
        const vs = new Float64Array(s.ts.length);
        const n = it.decodeInto(ts, vs);
        expect(Array.from(ts.subarray(0, n))).toEqual(want.ts);
        expect(bitsOf(vs, 0, n)).toEqual(want.bits);
        expect(it.err()?.message).toBe(want.err);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects an offset outside the arrays', () => {
    const it = encode({ ts: [0], bits: [0n] }).iterator();
    expect(() => it.decodeInto(new Float64Array(2), new Float64Array(2), 3)).toThrow(/offset 3/);
    expect(() => it.decodeInto(new Float64Array(2), new Float64Array(2), -1)).toThrow(RangeError);
  });
});

describe('XORIterator.seek', () => {
  it('lands where a seek built on next() lands, for any sequence of targets', () => {
    fc.assert(
      fc.property(
        anySeries,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -20_000, max: 20_000 }), fc.boolean()), {
          maxLength: 15,
        }),
        (s, seeks) => {
          const c = encode(s);
          const fast = c.iterator();
          const ref = c.iterator();
          let started = false;
          for (const [k, jitter, thenNext] of seeks) {
            // Targets near samples (before, on, after), fractional ones, and beyond the end.
            const base = s.ts[Math.min(k, s.ts.length - 1)]!;
            const t = k >= s.ts.length ? base + 1 : jitter % 3 === 0 ? base : base + jitter / 7;
            const want = plainSeek(ref, t, started);
            expect(fast.seek(t)).toBe(want);
            started = true;
            if (want === ValueType.Float) {
              expect(fast.atT()).toBe(ref.atT());
              expect(float64Bits(fast.atV())).toBe(float64Bits(ref.atV()));
            }
            if (thenNext) expect(fast.next()).toBe(ref.next());
          }
          // Both continue identically.
          for (;;) {
            const a = fast.next();
            expect(a).toBe(ref.next());
            if (a === ValueType.None) break;
            expect(fast.atT()).toBe(ref.atT());
            expect(float64Bits(fast.atV())).toBe(float64Bits(ref.atV()));
          }
          expect(fast.err()).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips to the last sample of a long chunk and reports the end past it', () => {
    const ts: number[] = [];
    const bits: bigint[] = [];
    for (let i = 0; i < 1000; i++) {
      ts.push(1_700_000_000_000 + i * 15_000 + (i % 7));
      bits.push(float64Bits(i * 0.25));
    }
    const c = encode({ ts, bits });
    const it = c.iterator();
    expect(it.seek(ts[999]!)).toBe(ValueType.Float);
    expect(it.atT()).toBe(ts[999]!);
    expect(it.atV()).toBe(999 * 0.25);
    expect(it.seek(ts[999]! + 1)).toBe(ValueType.None);
    expect(c.iterator().seek(ts[999]! + 1)).toBe(ValueType.None);
  });
});
