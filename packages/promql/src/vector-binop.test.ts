// Vector matching taken in blocks of steps (a lookup table per block, each series walked once) gives
// what taking every step one by one in Prometheus's order gives: the same series, points and
// errors, for any block size, whatever collides, merges or fails.
import { Labels } from '@tsprom/labels';
import { Annotations } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvalBudget } from './eval-budget.js';
import { type EvalShared, Evaluator } from './evaluator.js';
import { type BinaryExpr, parseExpr } from './parser/index.js';
import { SampleCounter } from './sample-counter.js';
import { Series } from './value.js';
import { type VectorBinopOptions, vectorBinop } from './vector-binop.js';

const stepMs = 1000;

function evaluator(numSteps: number, delayedNameRemoval: boolean): Evaluator {
  const shared: EvalShared = {
    data: new Map(),
    annos: new Annotations(),
    lookbackDeltaMs: 300_000,
    delayedNameRemoval,
    noStepSubqueryIntervalFn: () => 60_000,
    budget: new EvalBudget(Number.POSITIVE_INFINITY, undefined),
    samples: new SampleCounter(50_000_000),
    queryStart: 0,
    queryEnd: (numSteps - 1) * stepMs,
    queryStepMs: stepMs,
    topLevelRange: numSteps > 1,
    perStep: null,
    histogramSamples: 0,
    depth: 0,
  };
  return new Evaluator(shared, 0, (numSteps - 1) * stepMs, stepMs);
}

interface SeriesSpec {
  name: string;
  x: string;
  y: string;
  dropName: boolean;
  /** A value per step, null where the series has no point. */
  values: (number | null)[];
}

function toSeries(specs: SeriesSpec[]): Series[] {
  const seen = new Set<string>();
  const out: Series[] = [];
  for (const sp of specs) {
    const l = Labels.fromStrings('__name__', sp.name, 'x', sp.x, 'y', sp.y);
    // A side of a binary operation never holds one label set twice.
    if (seen.has(l.key())) continue;
    seen.add(l.key());
    const s = new Series(l, sp.values.length, sp.dropName);
    sp.values.forEach((v, k) => {
      if (v !== null) s.push(k * stepMs, v);
    });
    out.push(s);
  }
  return out;
}

/** The outcome as text: sorted series with their points, or the error. */
async function outcome(
  query: string,
  lhs: SeriesSpec[],
  rhs: SeriesSpec[],
  numSteps: number,
  delayed: boolean,
  opts: VectorBinopOptions,
): Promise<string[]> {
  const e = parseExpr(query, { enableBinopFillModifiers: true }) as BinaryExpr;
  const ev = evaluator(numSteps, delayed);
  let res: Series[];
  try {
    res = await vectorBinop(ev, e, toSeries(lhs), toSeries(rhs), e.vectorMatching!, opts);
  } catch (err) {
    return [`error: ${(err as Error).message}`];
  }
  // The points of the result are counted against maxSamples, once.
  expect(ev.samples.current).toBe(res.reduce((n, s) => n + s.length, 0));
  return res
    .map((s) => {
      const pts: string[] = [];
      for (let i = 0; i < s.length; i++) pts.push(`${s.vs[i]}@${s.ts[i]! / stepMs}`);
      return `${s.metric.toString()}${s.dropName ? ' (drop)' : ''}: ${pts.join(' ')}`;
    })
    .sort();
}

const queries = [
  'a + b',
  'a - on(x) b',
  'a / ignoring(y) b',
  'a * on() b',
  'a > on(x) b',
  'a >= bool ignoring(y) b',
  'a + on(x) group_left b',
  'a + on(x) group_left(y) b',
  'a == ignoring(y) group_left b',
  'a - on(x) group_right b',
  'a < bool on(x) group_right(y) b',
  'a + on(__name__) b',
  'a + fill(0) b',
  'a + on(x) fill_left(1) b',
  'a > ignoring(y) fill_right(2) b',
  'a + on(x) group_left fill(0) b',
  'a * on(x) group_right fill_left(3) fill_right(4) b',
  'a == bool on(x) group_left(y) fill(1) b',
];

function seriesSpec(numSteps: number): fc.Arbitrary<SeriesSpec> {
  return fc.record({
    name: fc.constantFrom('a', 'b'),
    x: fc.constantFrom('1', '2', '3'),
    y: fc.constantFrom('1', '2'),
    dropName: fc.boolean(),
    values: fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 3 }), {
      minLength: numSteps,
      maxLength: numSteps,
    }),
  });
}

describe('vector matching in blocks of steps', { timeout: 120_000 }, () => {
  it('gives what step-by-step evaluation gives, for any block size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }).chain((numSteps) =>
          fc.record({
            numSteps: fc.constant(numSteps),
            query: fc.constantFrom(...queries),
            lhs: fc.array(seriesSpec(numSteps), { maxLength: 6 }),
            rhs: fc.array(seriesSpec(numSteps), { maxLength: 6 }),
            blockSteps: fc.integer({ min: 1, max: numSteps }),
            delayed: fc.boolean(),
          }),
        ),
        async ({ numSteps, query, lhs, rhs, blockSteps, delayed }) => {
          const reference = await outcome(query, lhs, rhs, numSteps, delayed, { stepByStep: true });
          const blocked = await outcome(query, lhs, rhs, numSteps, delayed, { blockSteps });
          expect(blocked).toEqual(reference);
        },
      ),
      { numRuns: 1500 },
    );
  });

  // The cases the property above must reach: each is a block falling back to the steps.
  const cases: { name: string; query: string; lhs: SeriesSpec[]; rhs: SeriesSpec[]; want: string[] }[] = [
    {
      name: 'one-to-one over two steps',
      query: 'a + on(x) b',
      lhs: [{ name: 'a', x: '1', y: '1', dropName: false, values: [1, 2] }],
      rhs: [{ name: 'b', x: '1', y: '2', dropName: false, values: [10, null] }],
      want: ['{x="1"} (drop): 11@0'],
    },
    {
      name: 'two right series with one signature',
      query: 'a + on(x) b',
      lhs: [{ name: 'a', x: '1', y: '1', dropName: false, values: [null, 1] }],
      rhs: [
        { name: 'b', x: '1', y: '1', dropName: false, values: [1, 1] },
        { name: 'b', x: '1', y: '2', dropName: false, values: [1, 1] },
      ],
      // Nothing on the left at step 0: Prometheus returns early there; the error is at step 1.
      want: [
        'error: found duplicate series for the match group {x="1"} on the right hand-side of the operation: [{__name__="b", x="1", y="1"}, {__name__="b", x="1", y="2"}];many-to-many matching not allowed: matching labels must be unique on one side',
      ],
    },
    {
      name: 'two right series with one signature, never with a left point',
      query: 'a + on(x) b',
      lhs: [{ name: 'a', x: '1', y: '1', dropName: false, values: [1, null] }],
      rhs: [
        { name: 'b', x: '1', y: '1', dropName: false, values: [null, 1] },
        { name: 'b', x: '1', y: '2', dropName: false, values: [null, 1] },
      ],
      want: [],
    },
    {
      name: 'two left series matching one right series',
      query: 'a + on(x) b',
      lhs: [
        { name: 'a', x: '1', y: '1', dropName: false, values: [1] },
        { name: 'a', x: '1', y: '2', dropName: false, values: [1] },
      ],
      rhs: [{ name: 'b', x: '1', y: '1', dropName: false, values: [1] }],
      want: ['error: multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'],
    },
    {
      name: 'two left series writing one output at different steps',
      query: 'a + on(x) b',
      lhs: [
        { name: 'a', x: '1', y: '2', dropName: false, values: [null, null, 5] },
        { name: 'a', x: '1', y: '1', dropName: false, values: [1, 2, null] },
      ],
      rhs: [{ name: 'b', x: '1', y: '1', dropName: false, values: [10, 10, 10] }],
      want: ['{x="1"} (drop): 11@0 12@1 15@2'],
    },
    {
      name: 'group_left whose outputs collide',
      query: 'a + on(x) group_left b',
      lhs: [
        { name: 'a', x: '1', y: '1', dropName: false, values: [1] },
        { name: 'c', x: '1', y: '1', dropName: false, values: [1] },
      ],
      rhs: [{ name: 'b', x: '1', y: '1', dropName: false, values: [1] }],
      want: ['error: multiple matches for labels: grouping labels must ensure unique matches'],
    },
    {
      name: 'outputs of different signatures colliding',
      query: 'a + on(__name__) b',
      lhs: [
        { name: 'a', x: '1', y: '1', dropName: false, values: [1] },
        { name: 'b', x: '1', y: '1', dropName: false, values: [2] },
      ],
      rhs: [
        { name: 'a', x: '1', y: '2', dropName: false, values: [1] },
        { name: 'b', x: '1', y: '2', dropName: false, values: [1] },
      ],
      want: ['error: vector cannot contain metrics with the same labelset'],
    },
  ];

  it.each(cases)('$name', async ({ query, lhs, rhs, want }) => {
    const numSteps = lhs[0]!.values.length;
    for (const opts of [{ stepByStep: true }, { blockSteps: 1 }, { blockSteps: numSteps }]) {
      expect(await outcome(query, lhs, rhs, numSteps, false, opts)).toEqual(want);
    }
  });
});
