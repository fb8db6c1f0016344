import { XORChunk } from '@tsprom/chunkenc';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Head } from './head.js';
import { appendToSlot, resetSlotState, SLOT_BYTES, SLOT_COLS } from './head-xor-slot.js';

/** A deterministic PRNG (mulberry32), so that a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const staleNaN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

/** Samples of one of several shapes: constant, counters, gauges, random bits, odd floats, gaps. */
function samples(seed: number, n: number): [number, number][] {
  const r = rng(seed);
  const shape = seed % 6;
  let t = Math.floor(r() * 2e12);
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    t += shape === 5 ? 1 + Math.floor(r() * 2 ** 40) : 15_000 + (r() < 0.1 ? Math.floor(r() * 5000) - 2500 : 0);
    let v: number;
    if (shape === 0) v = 42;
    else if (shape === 1) v = i * 3;
    else if (shape === 2) v = Math.round(r() * 1000) / 10;
    else if (shape === 3)
      v = new Float64Array(new Uint32Array([(r() * 2 ** 32) >>> 0, (r() * 2 ** 32) >>> 0]).buffer)[0]!;
    else v = [staleNaN, -0, 0, Number.POSITIVE_INFINITY, 1e-300, Number.NaN][i % 6]!;
    out.push([t, v]);
  }
  return out;
}

describe('an open XOR chunk in a slot', () => {
  it('writes the bytes XORChunk writes, and an XORChunk over the slot continues them', () => {
    // The last case: a first delta beyond 2^53, which takes XORChunk's 64-bit path.
    const far: [number, number][] = [
      [-(2 ** 52), 1],
      [2 ** 52 + 5, 2],
      [2 ** 52 + 10, 3],
    ];
    for (let seed = 1; seed <= 61; seed++) {
      const xs = seed === 61 ? far : samples(seed, 1 + ((seed * 37) % 300));
      const want = new XORChunk();
      for (const [t, v] of xs) want.append(t, v);
      const slab = new Uint8Array(SLOT_BYTES * 3);
      const cols = new Float64Array(SLOT_COLS * 2);
      const base = SLOT_COLS; // The second series' columns, the middle slot: neighbours untouched.
      resetSlotState(cols, base, SLOT_BYTES, 1);
      let moved: XORChunk | undefined;
      let prevT = 0;
      for (let i = 0; i < xs.length; i++) {
        const [t, v] = xs[i]!;
        if (moved === undefined && !appendToSlot(slab, cols, base, i, prevT, t, v)) {
          moved = XORChunk.fromBytes(slab.subarray(SLOT_BYTES, SLOT_BYTES + cols[base + 1]!), { validate: false });
        }
        moved?.append(t, v);
        prevT = t;
      }
      const got = moved?.bytes() ?? slab.subarray(SLOT_BYTES, SLOT_BYTES + cols[base + 1]!);
      expect(Buffer.from(got).toString('hex'), `seed ${seed}`).toBe(Buffer.from(want.bytes()).toString('hex'));
      expect(slab.subarray(0, SLOT_BYTES).every((b) => b === 0)).toBe(true);
      expect(slab.subarray(2 * SLOT_BYTES).every((b) => b === 0)).toBe(true);
    }
  });

  it('writes XORChunk bytes for any values and deltas of delta (property)', () => {
    // Deltas of delta of every width class (0, 14, 17, 20 bits, beyond), values of any bits,
    // repeated values (the one-bit path) and values sharing bits with the previous one.
    const dod = fc.oneof(
      fc.constant(0),
      fc.integer({ min: -0x1fff, max: 0x2000 }),
      fc.integer({ min: -0xffff, max: 0x10000 }),
      fc.integer({ min: -0x7ffff, max: 0x80000 }),
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    );
    const value = fc.oneof(fc.double(), fc.constant(0), fc.integer({ min: -1000, max: 1000 }), fc.constant(-1));
    const samplesArb = fc.record({
      t0: fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
      d0: fc.integer({ min: 1, max: 2 ** 40 }),
      steps: fc.array(fc.tuple(dod, value, fc.boolean()), { minLength: 1, maxLength: 200 }),
    });
    fc.assert(
      fc.property(samplesArb, ({ t0, d0, steps }) => {
        const xs: [number, number][] = [];
        let t = t0;
        let delta = d0;
        let v = 0;
        for (const [dd, nv, repeat] of steps) {
          // Time must go forward: a step that would not is taken as a delta of 1.
          delta = delta + dd > 0 ? delta + dd : 1;
          t += delta;
          if (!repeat) v = nv;
          xs.push([t, v]);
        }
        const want = new XORChunk();
        for (const [st, sv] of xs) want.append(st, sv);
        const slab = new Uint8Array(SLOT_BYTES * 3);
        const cols = new Float64Array(SLOT_COLS * 2);
        resetSlotState(cols, SLOT_COLS, SLOT_BYTES, 1);
        let moved: XORChunk | undefined;
        for (let i = 0; i < xs.length; i++) {
          const [st, sv] = xs[i]!;
          if (moved === undefined && !appendToSlot(slab, cols, SLOT_COLS, i, i === 0 ? 0 : xs[i - 1]![0], st, sv)) {
            moved = XORChunk.fromBytes(slab.subarray(SLOT_BYTES, SLOT_BYTES + cols[SLOT_COLS + 1]!), {
              validate: false,
            });
          }
          moved?.append(st, sv);
        }
        const got = moved?.bytes() ?? slab.subarray(SLOT_BYTES, SLOT_BYTES + cols[SLOT_COLS + 1]!);
        expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(want.bytes()).toString('hex'));
        // The neighbouring slots stay untouched (the 4-byte window never reaches past the slot).
        expect(slab.subarray(0, SLOT_BYTES).every((b) => b === 0)).toBe(true);
        expect(slab.subarray(2 * SLOT_BYTES).every((b) => b === 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a select the samples committed before it while the series appends, cuts and moves on', async () => {
    const head = new Head({ chunkRangeMs: 3_600_000 });
    const ls = Labels.fromStrings('__name__', 'x');
    const xs = samples(2, 900); // Gauges, ~7 bytes a sample: a chunk leaves its slot after ~30.
    const key = (t: number, v: number): string => `${t} ${Buffer.from(new Float64Array([v]).buffer).toString('hex')}`;
    const select = (q: ReturnType<Head['querier']>) =>
      q.select(false, undefined, [new Matcher(MatchType.Equal, '__name__', 'x')]);
    const drain = (set: Awaited<ReturnType<typeof select>>): string[] => {
      const out: string[] = [];
      while (set.next()) {
        const it = set.at().iterator();
        while (it.next() !== ValueType.None) out.push(key(...it.at()));
        expect(it.err()).toBeUndefined();
      }
      return out;
    };
    // Selected after each commit, read after all of them: the series appended to the same slot (or
    // left it, or cut) meanwhile.
    const selects: { q: ReturnType<Head['querier']>; set: Awaited<ReturnType<typeof select>>; n: number }[] = [];
    for (let i = 0; i < xs.length; i += 7) {
      const app = head.appender();
      for (const [t, v] of xs.slice(i, i + 7)) app.append(0, ls, t, v);
      await app.commit();
      const q = head.querier(-Infinity, Infinity);
      selects.push({ q, set: await select(q), n: Math.min(xs.length, i + 7) });
    }
    for (const { q, set, n } of selects) {
      expect(drain(set)).toEqual(xs.slice(0, n).map(([t, v]) => key(t, v)));
      await q.close();
    }
  });
});
