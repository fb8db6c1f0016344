// Prometheus: promql/engine.go vectorElemBinop, shouldDropMetricName
import { goPow } from './go-float.js';
import { PromQLEvalError } from './errors.js';
import type { BinaryOp } from './parser/index.js';

/** The comparison operators: they filter (or, with `bool`, give 0/1) rather than compute. */
export const comparisonOps: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);

/** Whether the operator drops `__name__` from its result (arithmetic ones do). */
// Prometheus: promql/engine.go shouldDropMetricName
export function shouldDropMetricName(op: BinaryOp): boolean {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
    case 'atan2':
      return true;
    default:
      return false;
  }
}

/**
 * The result of the last {@link elemBinop}: the value, and whether a comparison keeps the
 * element. One shared object, so that the per-point calls allocate nothing; read it right after
 * the call.
 */
export const elem = { v: 0, keep: true };

/** Applies `op` to two floats; the outcome is in {@link elem}. */
// Prometheus: promql/engine.go vectorElemBinop (floats)
export function elemBinop(op: BinaryOp, l: number, r: number): void {
  elem.keep = true;
  switch (op) {
    case '+':
      elem.v = l + r;
      return;
    case '-':
      elem.v = l - r;
      return;
    case '*':
      elem.v = l * r;
      return;
    case '/':
      elem.v = l / r;
      return;
    case '^':
      elem.v = goPow(l, r);
      return;
    case '%':
      elem.v = l % r;
      return;
    case 'atan2':
      elem.v = Math.atan2(l, r);
      return;
    case '==':
      elem.v = l;
      elem.keep = l === r;
      return;
    case '!=':
      elem.v = l;
      elem.keep = l !== r;
      return;
    case '>':
      elem.v = l;
      elem.keep = l > r;
      return;
    case '<':
      elem.v = l;
      elem.keep = l < r;
      return;
    case '>=':
      elem.v = l;
      elem.keep = l >= r;
      return;
    case '<=':
      elem.v = l;
      elem.keep = l <= r;
      return;
    default:
      throw new PromQLEvalError(`operator "${op}" not allowed for float operations`);
  }
}
