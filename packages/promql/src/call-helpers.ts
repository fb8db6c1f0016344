// Small helpers shared by the function evaluators.
import { Labels, MatchType } from '@tsprom/labels';
import type { EvalHost } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import type { Expr } from './parser/index.js';

/** The expression inside parentheses and step-invariant wrappers. */
export function unwrap(e: Expr): Expr {
  while (e.type === 'ParenExpr' || e.type === 'StepInvariantExpr') e = e.expr;
  return e;
}

/** The value of a string-literal argument. */
export function stringArg(e: Expr): string {
  const u = unwrap(e);
  if (u.type !== 'StringLiteral') throw new PromQLEvalError('expected a string literal argument');
  return u.val;
}

/** The step index of a time `t` (ms) of the evaluator's range. */
export function stepIndex(ev: EvalHost, t: number): number {
  return Math.round((t - ev.start) / ev.interval);
}

/** Labels of `absent(…)`'s result: the equality matchers of a selector argument. */
// Prometheus: promql/functions.go createLabelsForAbsentFunction
export function absentLabels(arg: Expr): Labels {
  const u = arg.type === 'MatrixSelector' ? arg.vectorSelector : arg;
  if (u.type !== 'VectorSelector') return Labels.EMPTY;
  const has = new Set<string>();
  const vals = new Map<string, string>();
  for (const m of u.labelMatchers) {
    if (m.name === '__name__') continue;
    if (m.type === MatchType.Equal && !has.has(m.name)) {
      vals.set(m.name, m.value);
      has.add(m.name);
    } else {
      vals.delete(m.name);
    }
  }
  return Labels.fromMap(vals);
}
