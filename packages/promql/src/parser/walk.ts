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
 * it returns false the node's children are skipped. Iterative: any depth is fine.
 */
export function inspect(e: Expr, fn: (node: Expr, path: readonly Expr[]) => boolean | undefined): void {
  const path: Expr[] = [];
  // Per open node: its children and the next one to visit.
  const pending: Expr[][] = [];
  const next: number[] = [];
  if (fn(e, path) === false) return;
  path.push(e);
  pending.push(children(e));
  next.push(0);
  while (pending.length > 0) {
    const top = pending.length - 1;
    const kids = pending[top] as Expr[];
    const i = next[top] as number;
    if (i === kids.length) {
      pending.pop();
      next.pop();
      path.pop();
      continue;
    }
    next[top] = i + 1;
    const n = kids[i] as Expr;
    if (fn(n, path) === false) continue;
    path.push(n);
    pending.push(children(n));
    next.push(0);
  }
}

/**
 * Computes a value for `root` bottom-up without recursion: `combine` gets each node and the
 * values of the nodes `kids` lists for it (in that order), after all of them were computed.
 * Nodes are combined in post-order, children left to right.
 */
export function foldExpr<T>(root: Expr, kids: (e: Expr) => readonly Expr[], combine: (e: Expr, vals: T[]) => T): T {
  const nodes: Expr[] = [root];
  const kidLists: (readonly Expr[])[] = [kids(root)];
  const next: number[] = [0];
  const vals: T[] = [];
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const ks = kidLists[top] as readonly Expr[];
    const i = next[top] as number;
    if (i < ks.length) {
      next[top] = i + 1;
      const k = ks[i] as Expr;
      nodes.push(k);
      kidLists.push(kids(k));
      next.push(0);
      continue;
    }
    const n = nodes.pop() as Expr;
    kidLists.pop();
    next.pop();
    const args = ks.length === 0 ? [] : vals.splice(vals.length - ks.length, ks.length);
    vals.push(combine(n, args));
  }
  return vals[0] as T;
}
