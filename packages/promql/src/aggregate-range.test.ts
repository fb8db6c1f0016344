import { Labels } from '@tsprom/labels';
import { CounterResetHint, CustomBucketsSchema, type FloatHistogram, StaleNaN } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { TestStorage } from './storage/test-storage.js';

const STEP = 15_000;

/** Float bits, so NaN payloads, -0 and the stale marker are told apart. */
function bits(v: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16);
}

interface Outcome {
  series: string[];
  err: string | null;
  warnings: string[];
  infos: string[];
  samplesLoaded: number;
  peakSamples: number;
}

async function run(st: TestStorage, q: string, opts: { delayed: boolean; maxSamples: number; steps: number }) {
  const eng = new Engine({ enableDelayedNameRemoval: opts.delayed, maxSamples: opts.maxSamples });
  const res = await eng.newRangeQuery(st, q, 0, opts.steps * STEP, STEP).exec();
  const out: Outcome = {
    series: [],
    err: res.err === null ? null : `${res.err.constructor.name}: ${res.err.message}`,
    ...res.warnings.asStrings(),
    samplesLoaded: res.stats.samplesLoaded,
    peakSamples: res.stats.peakSamples,
  };
  if (res.value?.type === 'matrix') {
    for (const s of res.value.matrix) {
      const pts: string[] = [];
      for (let i = 0; i < s.length; i++) pts.push(`${s.ts[i]}=${bits(s.vs[i]!)}`);
      out.series.push(`${s.metric.toString()} ${pts.join(' ')}`);
    }
  }
  return out;
}

const value = fc.oneof(
  { weight: 10, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, StaleNaN),
  },
);

const seriesArb = fc.record({
  name: fc.constantFrom('x', 'x', 'x', 'x_total'),
  g: fc.constantFrom('a', 'b', 'c'),
  // Sample offsets from the step grid (gaps where a step is skipped).
  samples: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 14_999 }), value), {
    maxLength: 40,
  }),
});

function storageOf(series: { name: string; g: string; samples: [number, number, number][] }[]): TestStorage {
  const st = new TestStorage();
  series.forEach((s, i) => {
    const l = Labels.fromStrings('__name__', s.name, 'g', s.g, 'i', String(i));
    const byT = new Map<number, number>();
    for (const [k, off, v] of s.samples) byT.set(k * STEP + off, v);
    for (const t of [...byT.keys()].sort((a, b) => a - b)) st.append(l, t, byT.get(t)!);
  });
  return st;
}

const ops = ['sum', 'avg', 'count', 'group', 'min', 'max', 'stddev', 'stdvar'];
const fns = ['rate', 'increase', 'delta', 'irate', 'idelta', 'deriv', 'sum_over_time', 'avg_over_time', 'changes'];

describe('aggregation fused over a range function', () => {
  it('gives what the unfused evaluation gives, bit for bit, with the same errors, annotations and stats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(seriesArb, { minLength: 0, maxLength: 8 }),
        fc.constantFrom(...ops),
        fc.constantFrom(...fns),
        fc.constantFrom('by (g)', 'without (i)', '', 'by (__name__)', 'without (g)'),
        fc.constantFrom('x[1m]', 'x[2m]', 'x[5m]', 'x[3m:30s]', 'rate(x[1m])[5m:1m]', '(-x)[2m:15s]'),
        fc.constantFrom('', ' offset 1m', ' @ 300', ' @ 300 offset -1m'),
        fc.boolean(),
        fc.constantFrom(50_000_000, 60, 200, 400),
        async (series, op, fn, grouping, arg, offset, delayed, maxSamples) => {
          const st = storageOf(series);
          const opts = { delayed, maxSamples, steps: 40 };
          const fused = await run(st, `${op} ${grouping} (${fn}(${arg}${offset}))`, opts);
          // Unary minus twice is exact and keeps the aggregation from seeing a range function.
          const plain = await run(st, `${op} ${grouping} (-(-${fn}(${arg}${offset})))`, opts);
          expect(fused).toEqual(plain);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('falls back to the unfused evaluation when a window holds a histogram', async () => {
    const st = new TestStorage();
    const h = (n: number): FloatHistogram => ({
      counterResetHint: CounterResetHint.Unknown,
      schema: CustomBucketsSchema,
      zeroThreshold: 0,
      zeroCount: 0,
      count: n,
      sum: n,
      positiveSpans: [{ offset: 0, length: 1 }],
      negativeSpans: [],
      positiveBuckets: [n],
      negativeBuckets: [],
      customValues: [1],
    });
    for (let k = 0; k < 40; k++) {
      st.append(Labels.fromStrings('__name__', 'x', 'g', 'a'), k * STEP, k * 3);
      if (k > 20) st.appendHistogram(Labels.fromStrings('__name__', 'x', 'g', 'b'), k * STEP, h(k));
      st.append(Labels.fromStrings('__name__', 'x', 'g', 'c'), k * STEP, k);
    }
    for (const op of ['sum', 'max', 'count']) {
      for (const arg of ['x[1m]', 'x[1m:15s]']) {
        const opts = { delayed: false, maxSamples: 50_000_000, steps: 40 };
        const fused = await run(st, `${op} (rate(${arg}))`, opts);
        const plain = await run(st, `${op} (-(-rate(${arg})))`, opts);
        expect(fused.series.length).toBe(1);
        expect(fused).toEqual(plain);
      }
    }
  });

  it('falls back when dropping the names leaves equal label sets', async () => {
    const st = new TestStorage();
    for (let k = 0; k < 40; k++) {
      st.append(Labels.fromStrings('__name__', 'x', 'g', 'a'), k * STEP, k);
      st.append(Labels.fromStrings('__name__', 'y', 'g', 'a'), k * STEP, 2 * k);
    }
    const opts = { delayed: false, maxSamples: 50_000_000, steps: 40 };
    for (const arg of ['{g="a"}[1m]', '{g="a"}[1m:15s]']) {
      const fused = await run(st, `sum(rate(${arg}))`, opts);
      const plain = await run(st, `sum(-(-rate(${arg})))`, opts);
      expect(fused.err).toContain('same labelset');
      expect(fused).toEqual(plain);
    }
  });
});
