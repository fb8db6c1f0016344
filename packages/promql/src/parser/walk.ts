// Prometheus: promql/parser/ast.go Children, Inspect
import type { Expr } from './ast.js';

/**
 * The direct child expressions of `e`, in evaluation order (Prometheus `Children`). Duration
 * expressions in range/offset/step positions are not children; a MatrixSelector's child is its
 * VectorSelector. The returned array is fresh; the nodes are the tree's own.
 */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'AggregateExpr':
      return e.param === null ? [e.expr] : [e.param, e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return [...e.args];
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return [e.expr];
    case 'DurationExpr': {
      const out: Expr[] = [];
      if (e.lhs !== null) out.push(e.lhs);
      if (e.rhs !== null) out.push(e.rhs);
      return out;
    }
    default:
      return [];
  }
}

/**
 * Visits `e` and its descendants depth-first, pre-order (Prometheus `Inspect`). `fn` gets each node
 * and the path of its ancestors (outermost first; the array is reused, copy it to keep it); when
 * it returns false the node's children are skipped.
 */
export function inspect(e: Expr, fn: (node: Expr, path: readonly Expr[]) => boolean | undefined): void {
  const path: Expr[] = [];
  const visit = (n: Expr): void => {
    if (fn(n, path) === false) return;
    path.push(n);
    for (const c of children(n)) visit(c);
    path.pop();
  };
  visit(e);
}
