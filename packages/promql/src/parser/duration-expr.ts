// Prometheus: promql/durations.go (durationVisitor.evaluateDurationExpr)
import type { Expr } from './ast.js';
import { foldExpr } from './walk.js';

/** A duration expression that cannot be evaluated (division by zero, non-finite result). */
export class DurationExprError extends Error {
  override readonly name = 'DurationExprError';
}

// The operands of a duration expression node, in the order they are evaluated (right first).
function operands(e: Expr): Expr[] {
  if (e.type === 'ParenExpr') return [e.expr];
  if (e.type !== 'DurationExpr') return [];
  const out: Expr[] = [];
  if (e.rhs !== null) out.push(e.rhs);
  if (e.lhs !== null) out.push(e.lhs);
  return out;
}

/**
 * Evaluates a duration expression (or a NumberLiteral / ParenExpr leaf) to seconds. `stepSec` and
 * `rangeSec` are what `step()` and `range()` return (the query step and `end - start`, in seconds;
 * 0 for instant queries). When one of them is needed but null, returns undefined: the expression
 * depends on the query. Throws {@link DurationExprError} for division or modulo by zero.
 * Iterative: any depth is fine.
 */
export function evalDurationExpr(root: Expr, stepSec: number | null, rangeSec: number | null): number | undefined {
  return foldExpr<number | undefined>(root, operands, (e, vals) => {
    switch (e.type) {
      case 'NumberLiteral':
        return e.val;
      case 'ParenExpr':
        return vals[0];
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
    const r = e.rhs === null ? undefined : vals[0];
    if (e.lhs === null) {
      if (r === undefined) return undefined;
      return e.op === '-' ? -r : r;
    }
    const l = vals[e.rhs === null ? 0 : 1];
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
  });
}
