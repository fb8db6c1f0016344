import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { parseExpr } from './parser.js';
import { children, inspect } from './walk.js';

describe('children / inspect', () => {
  it('visits every node pre-order with its ancestors', () => {
    const seen: string[] = [];
    inspect(parseExpr('sum by (a) (rate(x[5m])) / on(a) topk(1, y)'), (n, path) => {
      seen.push(`${path.length}:${n.type}`);
      return true;
    });
    expect(seen).toEqual([
      '0:BinaryExpr',
      '1:AggregateExpr',
      '2:Call',
      '3:MatrixSelector',
      '4:VectorSelector',
      '1:AggregateExpr',
      '2:NumberLiteral',
      '2:VectorSelector',
    ]);
  });

  it('skips the children of a node when fn returns false', () => {
    const seen: Expr['type'][] = [];
    inspect(parseExpr('abs(x) + abs(y)'), (n) => {
      seen.push(n.type);
      return n.type !== 'Call';
    });
    expect(seen).toEqual(['BinaryExpr', 'Call', 'Call']);
  });

  it('lists the children of each node kind', () => {
    expect(children(parseExpr('(x)[5m:]')).map((c) => c.type)).toEqual(['ParenExpr']);
    expect(children(parseExpr('-x')).map((c) => c.type)).toEqual(['VectorSelector']);
    expect(children(parseExpr('1'))).toEqual([]);
  });
});
