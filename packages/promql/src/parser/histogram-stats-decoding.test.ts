// Which selectors read histograms as count and sum only (Prometheus detectHistogramStatsDecoding).
import { describe, expect, it } from 'vitest';
import type { Expr, VectorSelector } from './ast.js';
import { parseExpr } from './parser.js';
import { preprocessExpr } from './preprocess.js';
import { inspect } from './walk.js';

/** `name=flag` of every vector selector, in walk order. */
function flags(q: string): string[] {
  const out: string[] = [];
  inspect(preprocessExpr(parseExpr(q), 0, 0), (n: Expr) => {
    if (n.type === 'VectorSelector') out.push(`${(n as VectorSelector).name}=${n.skipHistogramBuckets === true}`);
    return undefined;
  });
  return out;
}

describe('detectHistogramStatsDecoding', () => {
  it('marks selectors under histogram_count, histogram_sum and histogram_avg', () => {
    expect(flags('histogram_count(sum(rate(a[5m])))')).toEqual(['a=true']);
    expect(flags('histogram_sum(a)')).toEqual(['a=true']);
    expect(flags('histogram_avg(avg_over_time(a[5m]))')).toEqual(['a=true']);
  });

  it('leaves selectors whose buckets are needed, or that no such call encloses', () => {
    expect(flags('histogram_quantile(0.9, rate(a[5m]))')).toEqual(['a=false']);
    expect(flags('histogram_fraction(0, 1, a)')).toEqual(['a=false']);
    expect(flags('sum(rate(a[5m]))')).toEqual(['a=false']);
  });

  it('looks at each side of a binary expression, and inside a subquery, on its own', () => {
    expect(flags('histogram_count(a + b)')).toEqual(['a=false', 'b=false']);
    expect(flags('histogram_count(a) / histogram_sum(b)')).toEqual(['a=true', 'b=true']);
    expect(flags('histogram_count(increase(a[40m:9m]))')).toEqual(['a=false']);
    expect(flags('max_over_time(histogram_count(a)[40m:9m])')).toEqual(['a=true']);
  });
});
