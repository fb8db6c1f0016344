// The memos a storage window keeps across steps (counter drops, histogram resets) must give what
// comparing every window afresh gives: a range function over a matrix selector (memo) against the
// same function over an equivalent subquery (a window over evaluated points, no memo). Samples sit
// on the subquery's 15 s grid and no step lies past the last one, so both windows hold the same points.
import { Labels } from '@tsprom/labels';
import { CounterResetHint, CustomBucketsSchema, type FloatHistogram } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { TestStorage } from './storage/test-storage.js';
import type { Series } from './value.js';

const STEP = 15_000;

function histogram(counts: number[], hint: CounterResetHint): FloatHistogram {
  return {
    counterResetHint: hint,
    schema: CustomBucketsSchema,
    zeroThreshold: 0,
    zeroCount: 0,
    count: counts.reduce((a, b) => a + b, 0),
    sum: counts[0]!,
    positiveSpans: [{ offset: 0, length: counts.length }],
    negativeSpans: [],
    positiveBuckets: counts,
    negativeBuckets: [],
    customValues: counts.slice(1).map((_, i) => i + 1),
  };
}

function points(s: Series): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const h = s.histogramAt(i);
    out.push(
      h === undefined ? `${s.ts[i]} ${s.vs[i]}` : `${s.ts[i]} ${h.count} ${h.sum} ${h.positiveBuckets.join(',')}`,
    );
  }
  return out;
}

async function same(st: TestStorage, fn: string, range: string, end: number): Promise<void> {
  const engine = new Engine();
  const a = await engine.newRangeQuery(st, `${fn}(x[${range}])`, 0, end, STEP).exec();
  const b = await engine.newRangeQuery(st, `${fn}(x[${range}:15s])`, 0, end, STEP).exec();
  expect(a.err).toBeNull();
  expect(b.err).toBeNull();
  if (a.value?.type !== 'matrix' || b.value?.type !== 'matrix') throw new Error('expected matrices');
  expect(a.value.matrix.map(points)).toEqual(b.value.matrix.map(points));
}

describe('window memos', () => {
  const hint = fc.constantFrom(
    CounterResetHint.Unknown,
    CounterResetHint.CounterReset,
    CounterResetHint.NotCounterReset,
  );

  it('histogram rate and resets match a fresh comparison of every window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 }), hint), {
          minLength: 2,
          maxLength: 80,
        }),
        fc.constantFrom('1m', '2m', '5m'),
        async (samples, range) => {
          const st = new TestStorage();
          const l = Labels.fromStrings('__name__', 'x');
          for (let i = 0; i < samples.length; i++) st.appendHistogram(l, i * STEP, histogram(...samples[i]!));
          for (const fn of ['rate', 'increase', 'resets']) await same(st, fn, range, (samples.length - 1) * STEP);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('float rate matches a fresh scan of every window for resets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 2, maxLength: 120 }),
        fc.constantFrom('1m', '2m', '5m'),
        async (vals, range) => {
          const st = new TestStorage();
          const l = Labels.fromStrings('__name__', 'x');
          for (let i = 0; i < vals.length; i++) st.append(l, i * STEP, vals[i]!);
          for (const fn of ['rate', 'increase', 'resets']) await same(st, fn, range, (vals.length - 1) * STEP);
        },
      ),
      { numRuns: 40 },
    );
  });
});
