// The WebAssembly decode kernel (xor-decode-kernel.wat): its committed bytes are what wabt makes of
// its source, and XORIterator's batch paths that run on it (decodeInto, long seeks) yield exactly what
// the plain next()/atT()/atV() iteration in JavaScript yields, value bits and errors included.
import { readFileSync } from 'node:fs';
import { STALE_NAN_BITS, ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import wabt from 'wabt';
import { describe, expect, it } from 'vitest';
import { float64Bits } from './float-bits.js';
import { encode, plain, type Series } from './testing/xor-series.js';
import { XORChunk } from './xor-chunk.js';
import { XOR_DECODE_KERNEL_HEX } from './xor-decode-kernel.js';
import type { XORIterator } from './xor-iterator.js';
import { K_READ, xorDecodeKernel } from './xor-kernel.js';

function bitsOf(vs: Float64Array, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(float64Bits(vs[i]!));
  return out;
}

// Runs `f` and returns its result and whether the kernel decoded anything meanwhile (it always
// writes its `read` slot).
function withKernelCheck<T>(f: () => T): [T, boolean] {
  const k = xorDecodeKernel();
  if (k === null) return [f(), false];
  k.i32[K_READ] = -1;
  const result = f();
  return [result, k.i32[K_READ] !== -1];
}

// Value changes of every kind: unchanged, XORs that fit the previous window (10) or open a new one
// (11) of any width (1..64 significant bits, 57..64 being read in two parts), NaN payloads.
const valueBits = fc.oneof(
  fc.double().map(float64Bits),
  fc.constantFrom(STALE_NAN_BITS, 0x7ff8000000000001n, 0xfff0000000000000n, 0x8000000000000000n, 0n, 1n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.integer({ min: 0, max: 64 }).map((w) => (w === 0 ? 0n : (1n << BigInt(w)) - 1n)),
  fc.integer({ min: 0, max: 1000 }).map((n) => float64Bits(n)),
  fc.integer({ min: 0, max: 100_000 }).map((n) => float64Bits(n / 1000)),
);
// Deltas of delta of every width: 0, 14, 17, 20 bits and the 64-bit one the kernel hands back.
const gap = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 14_990, max: 15_010 }) },
  { weight: 2, arbitrary: fc.constant(15_000) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 600_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 36 }) },
);
// Long enough for the kernel (16 samples and more), sometimes longer than one kernel call stores.
const series = fc
  .tuple(
    // Start times whose varint the kernel reads (7 bytes at most) and longer ones it leaves.
    fc.oneof(
      fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
      fc.integer({ min: 2 ** 47, max: 2 ** 52 }),
      fc.integer({ min: -(2 ** 52), max: -(2 ** 47) }),
    ),
    fc.oneof(
      fc.array(fc.tuple(gap, valueBits), { minLength: 18, maxLength: 300 }),
      fc.array(fc.tuple(gap, valueBits), { minLength: 1000, maxLength: 2500 }),
    ),
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

describe('XOR decode kernel', () => {
  it('is the bytes wabt makes of xor-decode-kernel.wat', async () => {
    const w = await wabt();
    const wat = readFileSync(new URL('./xor-decode-kernel.wat', import.meta.url), 'utf8');
    const mod = w.parseWat('xor-decode-kernel.wat', wat);
    mod.validate();
    const bytes = mod.toBinary({}).buffer;
    mod.destroy();
    expect(Buffer.from(bytes).toString('hex')).toBe(XOR_DECODE_KERNEL_HEX);
    // Small enough to compile synchronously on a browser's main thread (4 KiB at most there).
    expect(bytes.length).toBeLessThan(4096);
  });

  it('runs here (Node has WebAssembly, and this is a little-endian machine)', () => {
    expect(xorDecodeKernel()).not.toBeNull();
    const c = encode({ ts: Array.from({ length: 40 }, (_, i) => i * 15_000), bits: Array(40).fill(0n) });
    const [n, ran] = withKernelCheck(() => c.iterator().decodeInto(new Float64Array(40), new Float64Array(40)));
    expect([n, ran]).toEqual([40, true]);
  });

  it('decodes whole chunks as next/atT/atV do, value bits included', () => {
    fc.assert(
      fc.property(series, (s) => {
        const c = encode(s);
        const want = plain(c);
        const ts = new Float64Array(s.ts.length);
        const vs = new Float64Array(s.ts.length);
        const it = c.iterator();
        const [n, ran] = withKernelCheck(() => it.decodeInto(ts, vs));
        expect(ran).toBe(true);
        expect(n).toBe(want.ts.length);
        expect(Array.from(ts.subarray(0, n))).toEqual(want.ts);
        expect(bitsOf(vs, n)).toEqual(want.bits);
        expect(it.err()).toBeUndefined();
        expect(it.next()).toBe(ValueType.None);
      }),
      { numRuns: 200 },
    );
  });

  it('stops where the bytes end inside a sample, with the error next() reports', () => {
    fc.assert(
      fc.property(series, fc.nat(), (s, cut) => {
        const bytes = encode(s).bytes();
        const len = 2 + (cut % Math.max(1, bytes.length - 2));
        const c = XORChunk.fromBytes(bytes.slice(0, len), { validate: false });
        const want = plain(c);
        const it = c.iterator();
        const ts = new Float64Array(s.ts.length);
        const vs = new Float64Array(s.ts.length);
        const n = it.decodeInto(ts, vs);
        expect(Array.from(ts.subarray(0, n))).toEqual(want.ts);
        expect(bitsOf(vs, n)).toEqual(want.bits);
        expect(it.err()?.message).toBe(want.err);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes arbitrary bits after two samples (any window state, shifts past 64 bits) as next() does', () => {
    let ran = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 18, max: 0xffff }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.uint8Array({ minLength: 8, maxLength: 600 }),
        (num, t0, delta, body) => {
          // Two samples as the encoder writes them (a small exact time delta), then random bits.
          const head = encode({ ts: [t0, t0 + delta], bits: [0x3ff0000000000000n, 0x4000000000000000n] }).bytes();
          const bytes = new Uint8Array(head.length + body.length);
          bytes.set(head);
          bytes.set(body, head.length);
          bytes[0] = num >>> 8;
          bytes[1] = num & 0xff;
          const c = XORChunk.fromBytes(bytes, { validate: false });
          const want = plain(c);
          const it = c.iterator();
          const ts = new Float64Array(num);
          const vs = new Float64Array(num);
          const [n, kernel] = withKernelCheck(() => it.decodeInto(ts, vs));
          if (kernel) ran++;
          expect(Array.from(ts.subarray(0, n))).toEqual(want.ts);
          expect(bitsOf(vs, n)).toEqual(want.bits);
          expect(it.err()?.message).toBe(want.err);
        },
      ),
      { numRuns: 300 },
    );
    expect(ran).toBeGreaterThan(200);
  });

  it('stops at maxT and at full arrays, and next() continues where it stopped', () => {
    fc.assert(
      fc.property(
        series,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 600 }), fc.nat()), { maxLength: 8 }),
        (s, calls) => {
          const c = encode(s);
          const want = plain(c);
          const it = c.iterator();
          const gotT: number[] = [];
          const gotBits: bigint[] = [];
          for (const [cap, at] of calls) {
            const k = at % want.ts.length;
            const maxT = at % 3 === 0 ? Number.POSITIVE_INFINITY : want.ts[k]! + (at % 2) * 0.5;
            const ts = new Float64Array(cap);
            const vs = new Float64Array(cap);
            const before = gotT.length;
            const n = it.decodeInto(ts, vs, 0, maxT);
            gotT.push(...ts.subarray(0, n));
            gotBits.push(...bitsOf(vs, n));
            if (n < cap && before + n < want.ts.length) {
              // Stopped on a sample past maxT: it is the current one, not written.
              expect(it.atT()).toBeGreaterThan(maxT);
              gotT.push(it.atT());
              gotBits.push(float64Bits(it.atV()));
            }
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
        },
      ),
      { numRuns: 200 },
    );
  });

  it('continues where it stopped at maxT while iterators over different chunks take turns with it', () => {
    fc.assert(
      fc.property(
        series,
        series,
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2600 }), fc.boolean()), { maxLength: 20 }),
        (s1, s2, calls) => {
          const chunks = [encode(s1), encode(s2)];
          const other = (c: XORChunk): XORChunk => (c === chunks[0] ? chunks[1]! : chunks[0]!);
          const over = [chunks[0]!, chunks[1]!];
          const fast = over.map((c) => c.iterator());
          const ref = over.map((c) => c.iterator());
          const ts = new Float64Array(2600);
          const vs = new Float64Array(2600);
          for (const [second, at, reset] of calls) {
            const i = second ? 1 : 0;
            if (reset) {
              // A reused iterator over the other chunk: the kernel's copy of the bytes is stale.
              over[i] = other(over[i]!);
              fast[i] = over[i]!.iterator(fast[i]);
              ref[i] = over[i]!.iterator(ref[i]);
            }
            const times = plain(over[i]!).ts;
            const maxT = at >= times.length ? Number.POSITIVE_INFINITY : times[at]!;
            const want = decodeByNext(ref[i]!, maxT);
            const n = fast[i]!.decodeInto(ts, vs, 0, maxT);
            expect(Array.from(ts.subarray(0, n))).toEqual(want.ts);
            expect(bitsOf(vs, n)).toEqual(want.bits);
            expect(fast[i]!.atT()).toBe(ref[i]!.atT());
            expect(float64Bits(fast[i]!.atV())).toBe(float64Bits(ref[i]!.atV()));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('seeks as next() does while iterators over different chunks take turns with the kernel', () => {
    let ran = 0;
    fc.assert(
      fc.property(
        series,
        series,
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2600 }), fc.boolean()), { maxLength: 20 }),
        (s1, s2, seeks) => {
          const chunks = [encode(s1), encode(s2)];
          const other = (c: XORChunk): XORChunk => (c === chunks[0] ? chunks[1]! : chunks[0]!);
          const over = [chunks[0]!, chunks[1]!];
          const sample = [s1, s2];
          const fast = over.map((c) => c.iterator());
          const ref = over.map((c) => c.iterator());
          const started = [false, false];
          for (const [second, at, reset] of seeks) {
            const i = second ? 1 : 0;
            if (reset) {
              // A reused iterator over the other chunk: the kernel's copy of the bytes is stale.
              over[i] = other(over[i]!);
              fast[i] = over[i]!.iterator(fast[i]);
              ref[i] = over[i]!.iterator(ref[i]);
              sample[i] = sample[i] === s1 ? s2 : s1;
              started[i] = false;
            }
            const ts = sample[i]!.ts;
            const t = at >= ts.length ? ts[ts.length - 1]! + 1 : ts[at]!;
            const want = seekByNext(ref[i]!, t, started[i]!);
            started[i] = true;
            const [got, kernel] = withKernelCheck(() => fast[i]!.seek(t));
            if (kernel) ran++;
            expect(got).toBe(want);
            if (want === ValueType.Float) {
              expect(fast[i]!.atT()).toBe(ref[i]!.atT());
              expect(float64Bits(fast[i]!.atV())).toBe(float64Bits(ref[i]!.atV()));
            }
          }
          // Both continue identically after the last seek.
          for (const i of [0, 1]) {
            for (;;) {
              const a = fast[i]!.next();
              expect(a).toBe(ref[i]!.next());
              if (a === ValueType.None) break;
              expect(fast[i]!.atT()).toBe(ref[i]!.atT());
              expect(float64Bits(fast[i]!.atV())).toBe(float64Bits(ref[i]!.atV()));
            }
            expect(fast[i]!.err()?.message).toBe(ref[i]!.err()?.message);
          }
        },
      ),
      { numRuns: 100 },
    );
    expect(ran).toBeGreaterThan(20);
  });

  it('seeks on cut bytes as next() does, ending with the error next() reports', () => {
    let ran = 0;
    fc.assert(
      fc.property(series, fc.nat(), fc.integer({ min: 0, max: 2600 }), (s, cut, at) => {
        const bytes = encode(s).bytes();
        const len = 2 + (cut % Math.max(1, bytes.length - 2));
        const c = XORChunk.fromBytes(bytes.slice(0, len), { validate: false });
        const t = at >= s.ts.length ? s.ts[s.ts.length - 1]! + 1 : s.ts[at]!;
        const ref = c.iterator();
        const want = seekByNext(ref, t, false);
        const fast = c.iterator();
        const [got, kernel] = withKernelCheck(() => fast.seek(t));
        if (kernel) ran++;
        expect(got).toBe(want);
        if (want === ValueType.Float) {
          expect(fast.atT()).toBe(ref.atT());
          expect(float64Bits(fast.atV())).toBe(float64Bits(ref.atV()));
        }
        expect(fast.next()).toBe(ref.next());
        expect(fast.err()?.message).toBe(ref.err()?.message);
      }),
      { numRuns: 200 },
    );
    expect(ran).toBeGreaterThan(20);
  });

  it('leaves chunks of more than 32 KiB to JavaScript, with the same result', () => {
    const n = 4000;
    const s: Series = { ts: [], bits: [] };
    for (let i = 0; i < n; i++) {
      s.ts.push(i * 1_000_003 + (i % 2) * 700_000);
      s.bits.push(BigInt.asUintN(64, BigInt(i) * 0x9e3779b97f4a7c15n));
    }
    const c = encode(s);
    expect(c.bytes().length).toBeGreaterThan(32768);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    expect(withKernelCheck(() => c.iterator().decodeInto(ts, vs))).toEqual([n, false]);
    expect(Array.from(ts)).toEqual(s.ts);
    expect(bitsOf(vs, n)).toEqual(s.bits);
  });
});

// decodeInto on next() alone: the samples up to maxT; the first one past it becomes the current one.
function decodeByNext(it: XORIterator, maxT: number): { ts: number[]; bits: bigint[] } {
  const ts: number[] = [];
  const bits: bigint[] = [];
  while (it.next() === ValueType.Float && it.atT() <= maxT) {
    ts.push(it.atT());
    bits.push(float64Bits(it.atV()));
  }
  return { ts, bits };
}

// Prometheus's seek on next() alone: stays on the current sample when it is at or after t.
function seekByNext(it: XORIterator, t: number, started: boolean): ValueType {
  if (it.err() !== undefined) return ValueType.None;
  if (started && it.atT() >= t) return ValueType.Float;
  for (;;) {
    if (it.next() === ValueType.None) return ValueType.None;
    if (it.atT() >= t) return ValueType.Float;
  }
}
