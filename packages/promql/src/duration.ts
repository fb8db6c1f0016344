// Prometheus: promql/durations.go durationVisitor (resolving duration expressions per query)
import { PromQLEvalError } from './errors.js';
import { type DurationExpr, type Expr, evalDurationExpr as evalDurationSeconds } from './parser/index.js';

/** Value of a duration expression in seconds, given the query step and range in ms. */
export function evalDurationExpr(e: DurationExpr | Expr, stepMs: number, rangeMs: number): number {
  const v = evalDurationSeconds(e, stepMs / 1000, rangeMs / 1000);
  if (v === undefined || Number.isNaN(v)) throw new PromQLEvalError('invalid duration expression');
  return v;
}
