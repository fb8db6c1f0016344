// Prometheus: promql/engine.go PreprocessExpr, preprocessExprHelper, AtModifierUnsafeFunctions;
// promql/durations.go durationVisitor.
import type { DurationExpr, Expr } from './ast.js';
import { detectHistogramStatsDecoding } from './histogram-stats-decoding.js';
import { cloneExpr } from './clone.js';
import { DurationExprError, evalDurationExpr } from './duration-expr.js';
import { foldExpr } from './walk.js';

/**
 * Functions whose value depends on the evaluation time even when all their arguments are step
 * invariant, so they are never wrapped in a StepInvariantExpr.
 */
export const AtModifierUnsafeFunctions: ReadonlySet<string> = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
  'start_timestamp',
]);

function wrap(e: Expr): Expr {
  return { type: 'StepInvariantExpr', expr: e, posRange: e.posRange };
}

function duration(d: DurationExpr, stepSec: number, rangeSec: number, allowNegative: boolean): number {
  const sec = evalDurationExpr(d, stepSec, rangeSec) as number;
  if (!Number.isFinite(sec)) {
    throw new DurationExprError(`${d.posRange.start}:${d.posRange.end}: duration is out of range`);
  }
  const ms = Math.round(sec * 1000);
  if (ms <= 0 && !allowNegative) {
    throw new DurationExprError(`${d.posRange.start}:${d.posRange.end}: duration must be greater than 0`);
  }
  return ms;
}

// The children whose durations are resolved, in the order they are (Prometheus's walk order).
function durationKids(e: Expr): readonly Expr[] {
  switch (e.type) {
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'AggregateExpr':
      return e.param === null ? [e.expr] : [e.expr, e.param];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return [e.expr];
    default:
      return [];
  }
}

/** Evaluates every duration expression in the tree (Prometheus's durationVisitor), in place. */
function resolveDurations(root: Expr, stepSec: number, rangeSec: number): void {
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    switch (e.type) {
      case 'VectorSelector':
        if (e.offsetExpr !== null) {
          e.originalOffset = duration(e.offsetExpr, stepSec, rangeSec, true);
          e.offset = e.originalOffset;
        }
        break;
      case 'MatrixSelector':
        if (e.rangeExpr !== null) e.range = duration(e.rangeExpr, stepSec, rangeSec, false);
        break;
      case 'SubqueryExpr':
        if (e.offsetExpr !== null) {
          e.originalOffset = duration(e.offsetExpr, stepSec, rangeSec, true);
          e.offset = e.originalOffset;
        }
        if (e.stepExpr !== null) e.step = duration(e.stepExpr, stepSec, rangeSec, false);
        if (e.rangeExpr !== null) e.range = duration(e.rangeExpr, stepSec, rangeSec, false);
        break;
      default:
        break;
    }
    const kids = durationKids(e);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Expr);
  }
}

// The children the step-invariance analysis looks into (not an aggregation's parameter, as in
// Prometheus, and nothing under a StepInvariantExpr).
function invarianceKids(e: Expr): readonly Expr[] {
  switch (e.type) {
    case 'AggregateExpr':
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'MatrixSelector':
      return [e.vectorSelector];
    default:
      return [];
  }
}

// Prometheus preprocessExprHelper, given what it returned for the invarianceKids of `e`: resolves
// `@ start()`/`@ end()`, wraps step-invariant operands, and says whether `e` is step invariant.
function markInvariant(e: Expr, kids: boolean[], startMs: number, endMs: number): boolean {
  switch (e.type) {
    case 'VectorSelector':
      if (e.startOrEnd === 'start') e.timestamp = startMs;
      else if (e.startOrEnd === 'end') e.timestamp = endMs;
      return e.timestamp !== null;
    case 'AggregateExpr':
    case 'MatrixSelector':
    case 'ParenExpr':
    case 'UnaryExpr':
      return kids[0] as boolean;
    case 'BinaryExpr': {
      const l = kids[0] as boolean;
      const r = kids[1] as boolean;
      if (l && r) return true;
      if (l) e.lhs = wrap(e.lhs);
      if (r) e.rhs = wrap(e.rhs);
      return false;
    }
    case 'Call': {
      let invariant = !AtModifierUnsafeFunctions.has(e.func.name);
      for (const x of kids) invariant = invariant && x;
      if (invariant) return true;
      for (let i = 0; i < kids.length; i++) if (kids[i]) e.args[i] = wrap(e.args[i] as Expr);
      return false;
    }
    case 'SubqueryExpr':
      if (kids[0]) e.expr = wrap(e.expr);
      if (e.startOrEnd === 'start') e.timestamp = startMs;
      else if (e.startOrEnd === 'end') e.timestamp = endMs;
      return e.timestamp !== null;
    case 'StepInvariantExpr':
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'DurationExpr':
      return true;
  }
}

/**
 * Prepares a parsed expression for evaluation as Prometheus's `PreprocessExpr` does: evaluates
 * duration expressions (`step()` = `stepMs`, `range()` = `endMs - startMs`; throws
 * {@link DurationExprError} for a range or step that is not positive), resolves `@ start()` /
 * `@ end()` into `timestamp`, and wraps step-invariant subtrees in StepInvariantExpr. Times in ms;
 * `stepMs` 0 for instant queries. Returns a new tree: `expr` is left as it was, so one parse can be
 * prepared for several queries. Iterative: any depth is fine.
 */
export function preprocessExpr(expr: Expr, startMs: number, endMs: number, stepMs = 0): Expr {
  const e = cloneExpr(expr);
  detectHistogramStatsDecoding(e);
  resolveDurations(e, stepMs / 1000, (endMs - startMs) / 1000);
  const invariant = foldExpr<boolean>(e, invarianceKids, (n, kids) => markInvariant(n, kids, startMs, endMs));
  return invariant ? wrap(e) : e;
}
