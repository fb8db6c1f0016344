// Prometheus: promql/durations.go (durationVisitor.evaluateDurationExpr)
import type { Expr } from './ast.js';

/** A duration expression that cannot be evaluated (division by zero, non-finite result). */
export class DurationExprError extends Error {
  override readonly name = 'DurationExprError';
}

/**
 * Evaluates a duration expression (or a NumberLiteral / ParenExpr leaf) to seconds. `stepSec` and
 * `rangeSec` are what `step()` and `range()` return (the query step and `end - start`, in seconds;
 * 0 for instant queries). When one of them is needed but null, returns undefined: the expression
 * depends on the query. Throws {@link DurationExprError} for division or modulo by zero.
 */
export function evalDurationExpr(e: Expr, stepSec: number | null, rangeSec: number | null): number | undefined {
  switch (e.type) {
    case 'NumberLiteral':
      return e.val;
    case 'ParenExpr':
      return evalDurationExpr(e.expr, stepSec, rangeSec);
    case 'DurationExpr':
      break;
    default:
      throw new DurationExprError(`unexpected ${e.type} in duration expression`);
  }
  switch (e.op) {
    case 'step':
      return stepSec ?? undefined;
    case 'range':
      return rangeSec ?? undefined;
  }
  const r = e.rhs === null ? undefined : evalDurationExpr(e.rhs, stepSec, rangeSec);
  if (e.lhs === null) {
    if (r === undefined) return undefined;
    return e.op === '-' ? -r : r;
  }
  const l = evalDurationExpr(e.lhs, stepSec, rangeSec);
  if (l === undefined || r === undefined) return undefined;
  switch (e.op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      if (r === 0) throw new DurationExprError('division by zero');
      return l / r;
    case '%':
      if (r === 0) throw new DurationExprError('modulo by zero');
      return l % r;
    case '^':
      return l ** r;
    case 'min_of':
      return Math.min(l, r);
    case 'max_of':
      return Math.max(l, r);
  }
}
