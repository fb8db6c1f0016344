// Prometheus: promql/promqltest/test.go atModifierTestCases
import { AtModifierUnsafeFunctions, type Expr, exprToString } from '../parser/index.js';

/** An instant query the harness also runs: the expression with `@` set, at another time. */
export interface AtModifierCase {
  expr: string;
  evalTime: number;
}

const queryBoundFunctions = new Set(['start', 'end', 'range', 'step']);

function visit(e: Expr, ts: number, underAt: boolean, state: { unsafe: boolean }): void {
  switch (e.type) {
    case 'VectorSelector':
      // As in Prometheus, `@ start()`/`@ end()` (no timestamp yet) become `@ ts` as well.
      if (!underAt && e.timestamp === null) {
        e.timestamp = ts;
        e.startOrEnd = null;
      }
      return;
    case 'MatrixSelector':
      visit(e.vectorSelector, ts, underAt, state);
      return;
    case 'SubqueryExpr': {
      if (!underAt && e.timestamp === null) {
        e.timestamp = ts;
        e.startOrEnd = null;
      }
      // Selectors inside a subquery with @ keep their own times.
      visit(e.expr, ts, true, state);
      return;
    }
    case 'AggregateExpr':
      if (e.param !== null) visit(e.param, ts, underAt, state);
      visit(e.expr, ts, underAt, state);
      return;
    case 'BinaryExpr':
      visit(e.lhs, ts, underAt, state);
      visit(e.rhs, ts, underAt, state);
      return;
    case 'Call':
      // start(), end(), range() and step() read the query's bounds, which differ between the runs.
      if (AtModifierUnsafeFunctions.has(e.func.name) || queryBoundFunctions.has(e.func.name)) state.unsafe = true;
      for (const a of e.args) visit(a, ts, underAt, state);
      return;
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      visit(e.expr, ts, underAt, state);
      return;
    case 'DurationExpr':
      if (e.op === 'step' || e.op === 'range') state.unsafe = true;
      if (e.lhs !== null) visit(e.lhs, ts, underAt, state);
      if (e.rhs !== null) visit(e.rhs, ts, underAt, state);
      return;
    default:
      return;
  }
}

/**
 * The step-invariance checks Prometheus's harness adds to an instant eval at `ts` (ms): every
 * selector and subquery without `@` gets `@ ts`, and the query must give the same result at other
 * evaluation times. None when the expression uses a function that depends on the evaluation time.
 * Mutates `expr` (pass a fresh parse).
 */
export function atModifierCases(expr: Expr, ts: number): AtModifierCase[] {
  const state = { unsafe: false };
  visit(expr, ts, false, state);
  if (state.unsafe) return [];
  const s = exprToString(expr);
  const times = ts === 0 ? [-1000, -ts, 1000] : [-10 * ts, 0, Math.trunc(ts / 5), ts, 10 * ts];
  return times.map((evalTime) => ({ expr: s, evalTime }));
}
