// Prometheus: promql/engine.go detectHistogramStatsDecoding
import type { Expr } from './ast.js';
import { children } from './walk.js';

/** What the nearest enclosing histogram call says: none, count and sum only, or whole. */
const None = 0;
const Skip = 1;
const Keep = 2;

/**
 * Marks the vector selectors whose histograms only need their count and sum
 * (`skipHistogramBuckets`): those whose nearest enclosing call among histogram_count,
 * histogram_sum, histogram_avg, histogram_quantile and histogram_fraction is one of the first three.
 * Each side of a binary expression, and the inside of a subquery, is looked at on its own (calls
 * around it do not count: a subquery's histograms go through counter-reset detection with their
 * buckets). Iterative: any depth is fine.
 */
export function detectHistogramStatsDecoding(expr: Expr): void {
  const nodes: Expr[] = [expr];
  const states: number[] = [None];
  while (nodes.length > 0) {
    const n = nodes.pop()!;
    let st = states.pop()!;
    if (n.type === 'VectorSelector') {
      n.skipHistogramBuckets = st === Skip;
      continue;
    }
    if (n.type === 'BinaryExpr' || n.type === 'SubqueryExpr') st = None;
    else if (n.type === 'Call') {
      const name = n.func.name;
      if (name === 'histogram_count' || name === 'histogram_sum' || name === 'histogram_avg') st = Skip;
      else if (name === 'histogram_quantile' || name === 'histogram_fraction') st = Keep;
    }
    for (const c of children(n)) {
      nodes.push(c);
      states.push(st);
    }
  }
}
