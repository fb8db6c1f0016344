// Prometheus: promql/engine.go PreprocessExpr, preprocessExprHelper, AtModifierUnsafeFunctions;
// promql/durations.go durationVisitor.
import type { DurationExpr, Expr } from './ast.js';
import { DurationExprError, evalDurationExpr } from './duration-expr.js';

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

/** Evaluates every duration expression in the tree (Prometheus's durationVisitor), in place. */
function resolveDurations(e: Expr, stepSec: number, rangeSec: number): void {
  switch (e.type) {
    case 'VectorSelector':
      if (e.offsetExpr !== null) {
        e.originalOffset = duration(e.offsetExpr, stepSec, rangeSec, true);
        e.offset = e.originalOffset;
      }
      return;
    case 'MatrixSelector':
      if (e.rangeExpr !== null) e.range = duration(e.rangeExpr, stepSec, rangeSec, false);
      resolveDurations(e.vectorSelector, stepSec, rangeSec);
      return;
    case 'SubqueryExpr':
      if (e.offsetExpr !== null) {
        e.originalOffset = duration(e.offsetExpr, stepSec, rangeSec, true);
        e.offset = e.originalOffset;
      }
      if (e.stepExpr !== null) e.step = duration(e.stepExpr, stepSec, rangeSec, false);
      if (e.rangeExpr !== null) e.range = duration(e.rangeExpr, stepSec, rangeSec, false);
      resolveDurations(e.expr, stepSec, rangeSec);
      return;
    case 'AggregateExpr':
      resolveDurations(e.expr, stepSec, rangeSec);
      if (e.param !== null) resolveDurations(e.param, stepSec, rangeSec);
      return;
    case 'BinaryExpr':
      resolveDurations(e.lhs, stepSec, rangeSec);
      resolveDurations(e.rhs, stepSec, rangeSec);
      return;
    case 'Call':
      for (const a of e.args) resolveDurations(a, stepSec, rangeSec);
      return;
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      resolveDurations(e.expr, stepSec, rangeSec);
      return;
    default:
      return;
  }
}

function helper(e: Expr, startMs: number, endMs: number): boolean {
  switch (e.type) {
    case 'VectorSelector':
      if (e.startOrEnd === 'start') e.timestamp = startMs;
      else if (e.startOrEnd === 'end') e.timestamp = endMs;
      return e.timestamp !== null;
    case 'AggregateExpr':
      return helper(e.expr, startMs, endMs);
    case 'BinaryExpr': {
      const l = helper(e.lhs, startMs, endMs);
      const r = helper(e.rhs, startMs, endMs);
      if (l && r) return true;
      if (l) e.lhs = wrap(e.lhs);
      if (r) e.rhs = wrap(e.rhs);
      return false;
    }
    case 'Call': {
      let invariant = !AtModifierUnsafeFunctions.has(e.func.name);
      const each = e.args.map((a) => helper(a, startMs, endMs));
      for (const x of each) invariant = invariant && x;
      if (invariant) return true;
      for (let i = 0; i < each.length; i++) if (each[i]) e.args[i] = wrap(e.args[i] as Expr);
      return false;
    }
    case 'MatrixSelector':
      return helper(e.vectorSelector, startMs, endMs);
    case 'SubqueryExpr': {
      if (helper(e.expr, startMs, endMs)) e.expr = wrap(e.expr);
      if (e.startOrEnd === 'start') e.timestamp = startMs;
      else if (e.startOrEnd === 'end') e.timestamp = endMs;
      return e.timestamp !== null;
    }
    case 'ParenExpr':
    case 'UnaryExpr':
      return helper(e.expr, startMs, endMs);
    case 'StepInvariantExpr':
      return true;
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'DurationExpr':
      return true;
  }
}

/**
 * Prepares a parsed expression for evaluation as Prometheus's `PreprocessExpr` does, mutating it
 * in place: evaluates duration expressions (`step()` = `stepMs`, `range()` = `endMs - startMs`;
 * throws {@link DurationExprError} for a range or step that is not positive), resolves
 * `@ start()` / `@ end()` into `timestamp`, and wraps step-invariant subtrees in
 * StepInvariantExpr. Returns the (possibly wrapped) root. Times in ms; `stepMs` 0 for instant queries.
 */
export function preprocessExpr(expr: Expr, startMs: number, endMs: number, stepMs = 0): Expr {
  resolveDurations(expr, stepMs / 1000, (endMs - startMs) / 1000);
  return helper(expr, startMs, endMs) ? wrap(expr) : expr;
}
