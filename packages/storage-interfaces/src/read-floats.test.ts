import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainSampleIterator } from './chain-sample-iterator.js';
import { CounterResetHint, type Histogram } from './histogram.js';
import type { FloatBuffer, SampleIterator } from './iterator.js';
import { ListSeriesIterator } from './list-series.js';
import { readFloats, readFloatsOneByOne } from './read-floats.js';
import type { Sample } from './sample.js';
import { samplesFromIterator } from './sample-iterators.js';
import { ValueType } from './value-type.js';

const hist: Histogram = {
  counterResetHint: CounterResetHint.Unknown,
  schema: 0,
  zeroThreshold: 0,
  zeroCount: 0,
  count: 1,
  sum: 1,
  positiveSpans: [],
  negativeSpans: [],
  positiveBuckets: [],
  negativeBuckets: [],
};

/**
 * Every sample of `it` as `[t, v or 'h', st]`, read with `readFloats` into a buffer of `cap` points
 * at most `stride` ms ahead of the sample it starts from wherever it may, else with `next()`.
 */
function drainBulk(it: SampleIterator, cap: number, stride: number): [number, number | 'h', number][] {
  const out: [number, number | 'h', number][] = [];
  const buf: FloatBuffer = { ts: new Float64Array(cap), vs: new Float64Array(cap), n: 0 };
  let vt = it.next();
  while (vt !== ValueType.None) {
    if (vt === ValueType.Float && it.atST() === 0) {
      buf.n = 0;
      const t0 = it.atT();
      vt = readFloats(it, buf, t0 + stride);
      expect(buf.n).toBeGreaterThan(0);
      for (let i = 0; i < buf.n; i++) {
        expect(buf.ts[i]!).toBeLessThanOrEqual(t0 + stride);
        out.push([buf.ts[i]!, buf.vs[i]!, 0]);
      }
      continue;
    }
    out.push([it.atT(), vt === ValueType.Float ? it.atV() : 'h', it.atST()]);
    vt = it.next();
  }
  expect(it.err()).toBeUndefined();
  return out;
}

function expected(samples: readonly Sample[]): [number, number | 'h', number][] {
  return samples.map((s) => [s.t, 'v' in s && s.v !== undefined ? s.v : 'h', s.st ?? 0]);
}

const sampleArb = fc.record({
  kind: fc.constantFrom('f', 'f', 'f', 'h', 'st'),
  gap: fc.integer({ min: 1, max: 5 }),
  v: fc.double({ noNaN: true }),
});

function build(spec: { kind: string; gap: number; v: number }[]): Sample[] {
  let t = 0;
  return spec.map((s) => {
    t += s.gap;
    if (s.kind === 'h') return { t, h: hist };
    if (s.kind === 'st') return { t, v: s.v, st: t - 1 };
    return { t, v: s.v };
  });
}

describe('readFloats', () => {
  it('stops at a histogram, a start timestamp, maxT and a full buffer, on the first sample not written', () => {
    const it = new ListSeriesIterator([
      { t: 1, v: 1 },
      { t: 2, v: 2 },
      { t: 3, h: hist },
      { t: 4, v: 4 },
      { t: 5, v: 5, st: 4 },
      { t: 6, v: 6 },
      { t: 7, v: 7 },
      { t: 8, v: 8 },
      { t: 9, v: 9 },
    ]);
    const buf: FloatBuffer = { ts: new Float64Array(2), vs: new Float64Array(2), n: 0 };
    expect(it.next()).toBe(ValueType.Float);
    expect(readFloats(it, buf, 100)).toBe(ValueType.Histogram);
    expect([buf.n, it.atT()]).toEqual([2, 3]);
    expect(it.next()).toBe(ValueType.Float);
    buf.n = 0;
    expect(readFloatsOneByOne(it, buf, 100)).toBe(ValueType.Float);
    expect([buf.n, it.atT(), it.atST()]).toEqual([1, 5, 4]);
    expect(it.next()).toBe(ValueType.Float);
    buf.n = 0;
    expect(readFloats(it, buf, 100)).toBe(ValueType.Float);
    expect([buf.n, Array.from(buf.ts), it.atT()]).toEqual([2, [6, 7], 8]);
    buf.n = 0;
    expect(readFloats(it, buf, 8)).toBe(ValueType.Float);
    expect([buf.n, it.atT()]).toEqual([1, 9]);
    buf.n = 0;
    expect(readFloats(it, buf, 9)).toBe(ValueType.None);
    expect([buf.n, buf.ts[0]]).toEqual([1, 9]);
  });

  it('reads what next() reads, on a list and on merged lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(sampleArb, { maxLength: 30 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 20 }),
        (specs, cap, stride) => {
          const lists = specs.map(build);
          const merged = () => new ChainSampleIterator(lists.map((l) => new ListSeriesIterator(l)));
          const want = samplesFromIterator(merged());
          expect(drainBulk(merged(), cap, stride)).toEqual(expected(want));
          expect(drainBulk(new ListSeriesIterator(lists[0]!), cap, stride)).toEqual(expected(lists[0]!));
        },
      ),
    );
  });
});
