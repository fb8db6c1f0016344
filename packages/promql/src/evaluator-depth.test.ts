// Deeply nested expressions evaluate without running out of call stack: the evaluator continues
// on a fresh stack every few levels. (Built as trees here: the parser has its own nesting tests.)
import { Annotations } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { EvalBudget } from './eval-budget.js';
import { type EvalShared, Evaluator } from './evaluator.js';
import { type Expr, parseExpr } from './parser/index.js';
import { SampleCounter } from './sample-counter.js';

function shared(): EvalShared {
  return {
    data: new Map(),
    annos: new Annotations(),
    lookbackDeltaMs: 300_000,
    delayedNameRemoval: false,
    noStepSubqueryIntervalFn: () => 60_000,
    budget: new EvalBudget(Number.POSITIVE_INFINITY, undefined),
    samples: new SampleCounter(50_000_000),
    queryStart: 0,
    queryEnd: 0,
    queryStepMs: 0,
    topLevelRange: false,
    perStep: null,
    histogramSamples: 0,
    depth: 0,
  };
}

/** Evaluates `e` at t=0 and returns the value of its only point. */
async function pointValue(e: Expr): Promise<number> {
  const res = await new Evaluator(shared(), 0, 0, 1).eval(e);
  expect(res).toHaveLength(1);
  return res[0]!.vs[0]!;
}

const pos = { start: 0, end: 0 };

describe('deep nesting', () => {
  it('evaluates 1,000 nested parentheses', async () => {
    let e: Expr = parseExpr('1');
    for (let i = 0; i < 1000; i++) e = { type: 'ParenExpr', expr: e, posRange: pos };
    expect(await pointValue(e)).toBe(1);
  });

  it('evaluates 2,000 unary minuses', async () => {
    let e: Expr = parseExpr('vector(3)');
    for (let i = 0; i < 2001; i++) e = { type: 'UnaryExpr', op: '-', expr: e, posRange: pos };
    expect(await pointValue(e)).toBe(-3);
  });

  it('evaluates sum( nested 1,000 deep', async () => {
    let e: Expr = parseExpr('vector(2)');
    for (let i = 0; i < 1000; i++) {
      e = { type: 'AggregateExpr', op: 'sum', expr: e, param: null, grouping: [], without: false, posRange: pos };
    }
    expect(await pointValue(e)).toBe(2);
  });

  it('evaluates 1 + 1 + … with 5,000 terms', async () => {
    const one = parseExpr('1');
    let e: Expr = one;
    for (let i = 1; i < 5000; i++) {
      e = { type: 'BinaryExpr', op: '+', lhs: e, rhs: one, vectorMatching: null, returnBool: false, posRange: pos };
    }
    expect(await pointValue(e)).toBe(5000);
  });
});
