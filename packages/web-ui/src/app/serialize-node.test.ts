import { parseExpr, translateAST } from '@tsprom/promql';
import { describe, expect, it } from 'vitest';
import { type ASTNode, children, serializeNode } from './serialize-node.js';

// Each node written back parses to the same tree: what the Explain tab runs is that node.
const QUERIES = [
  'up',
  'sum(up) + count(up)',
  'sum by (job, instance) (rate(http_requests_total{code=~"5..", method!="GET"}[5m] offset 1m))',
  'avg without (cpu) (node_cpu_seconds_total)',
  'topk(3, up)',
  'count_values("v", up)',
  'quantile(0.9, x)',
  'a / on (job) group_left (instance) b',
  'a * ignoring (x) b',
  'a and on (job) b',
  'a > bool 1',
  '-(up)',
  'max_over_time(rate(x[1m])[1h:5m])',
  'max_over_time(x[1h:] offset -5m)',
  'x @ 1700000000.5',
  'rate(x[5m] @ start())',
  'label_replace(up, "a", "$1", "job", "(.*)")',
  '{__name__=~"up|x", job="p"}',
  '1.5 * 2',
];

function all(n: ASTNode): ASTNode[] {
  return [n, ...children(n).flatMap(all)];
}

describe('serializeNode', () => {
  it.each(QUERIES)('writes every node of %s back as PromQL that parses to it', (q) => {
    const tree = translateAST(parseExpr(q)) as ASTNode;
    for (const node of all(tree)) {
      const text = serializeNode(node);
      expect(translateAST(parseExpr(text)), text).toEqual(node);
    }
  });

  it('writes aggregations as Prometheus does', () => {
    const tree = translateAST(parseExpr('sum by (job) (up) + count(up)')) as ASTNode;
    expect(all(tree).map(serializeNode)).toEqual([
      'sum by (job) (up) + count(up)',
      'sum by (job) (up)',
      'up',
      'count(up)',
      'up',
    ]);
  });
});
