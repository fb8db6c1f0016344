// A deep copy of an expression tree, so that one parse can be prepared for several queries.
import type { DurationExpr, Expr, VectorSelector } from './ast.js';
import { foldExpr } from './walk.js';

// Every expression-valued field of a node, duration expressions included, in a fixed order.
function fields(e: Expr): Expr[] {
  switch (e.type) {
    case 'AggregateExpr':
      return e.param === null ? [e.expr] : [e.expr, e.param];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'MatrixSelector':
      return e.rangeExpr === null ? [e.vectorSelector] : [e.vectorSelector, e.rangeExpr];
    case 'SubqueryExpr': {
      const out: Expr[] = [e.expr];
      for (const d of [e.rangeExpr, e.stepExpr, e.offsetExpr]) if (d !== null) out.push(d);
      return out;
    }
    case 'VectorSelector':
      return e.offsetExpr === null ? [] : [e.offsetExpr];
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
 * A copy of `root` that shares no node, array or position with it (label matchers and function
 * definitions, which are immutable, are shared). Iterative: any depth is fine.
 */
export function cloneExpr(root: Expr): Expr {
  return foldExpr<Expr>(root, fields, (e, k) => {
    const posRange = { start: e.posRange.start, end: e.posRange.end };
    switch (e.type) {
      case 'AggregateExpr':
        return {
          ...e,
          expr: k[0] as Expr,
          param: e.param === null ? null : (k[1] as Expr),
          grouping: [...e.grouping],
          posRange,
        };
      case 'BinaryExpr': {
        const vm = e.vectorMatching;
        return {
          ...e,
          lhs: k[0] as Expr,
          rhs: k[1] as Expr,
          vectorMatching:
            vm === null
              ? null
              : {
                  ...vm,
                  matchingLabels: [...vm.matchingLabels],
                  include: [...vm.include],
                  fillValues: { ...vm.fillValues },
                },
          posRange,
        };
      }
      case 'Call':
        return { ...e, args: k, posRange };
      case 'MatrixSelector':
        return {
          ...e,
          vectorSelector: k[0] as VectorSelector,
          rangeExpr: e.rangeExpr === null ? null : (k[1] as DurationExpr),
          posRange,
        };
      case 'SubqueryExpr': {
        let i = 1;
        const next = (d: DurationExpr | null): DurationExpr | null => (d === null ? null : (k[i++] as DurationExpr));
        const rangeExpr = next(e.rangeExpr);
        const stepExpr = next(e.stepExpr);
        const offsetExpr = next(e.offsetExpr);
        return { ...e, expr: k[0] as Expr, rangeExpr, stepExpr, offsetExpr, posRange };
      }
      case 'VectorSelector':
        return {
          ...e,
          labelMatchers: [...e.labelMatchers],
          offsetExpr: e.offsetExpr === null ? null : (k[0] as DurationExpr),
          posRange,
        };
      case 'ParenExpr':
      case 'UnaryExpr':
      case 'StepInvariantExpr':
        return { ...e, expr: k[0] as Expr, posRange };
      case 'DurationExpr': {
        let i = 0;
        const lhs = e.lhs === null ? null : (k[i++] as Expr);
        const rhs = e.rhs === null ? null : (k[i] as Expr);
        return { ...e, lhs, rhs, posRange };
      }
      default:
        return { ...e, posRange };
    }
  });
}
