import { bench, describe } from 'vitest';
import { parseExpr } from './parser.js';
import { exprToString, prettify } from './printer.js';

const queries = {
  rate: 'sum by (job) (rate(http_requests_total[5m]))',
  histogram: 'histogram_quantile(0.9, sum by (le) (rate(x_bucket{job="api", instance=~"web.*"}[5m])))',
  long: Array.from({ length: 50 }, (_, i) => `rate(m${i}{a="b",c=~"d.*"}[5m]) * on(x) group_left(y) z${i}`).join(' + '),
};

describe('parseExpr', () => {
  for (const [name, q] of Object.entries(queries)) {
    bench(name, () => {
      parseExpr(q);
    });
  }
});

describe('print', () => {
  const e = parseExpr(queries.long);
  bench('exprToString (long)', () => {
    exprToString(e);
  });
  bench('prettify (long)', () => {
    prettify(e);
  });
});
