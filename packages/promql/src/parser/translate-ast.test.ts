import { describe, expect, it } from 'vitest';
import { parseExpr } from './parser.js';
import { translateAST } from './translate-ast.js';

describe('translateAST', () => {
  it('matches the parse_query example of the API docs byte for byte', () => {
    expect(JSON.stringify(translateAST(parseExpr('foo/bar')))).toBe(
      JSON.stringify({
        bool: false,
        lhs: {
          matchers: [{ name: '__name__', type: '=', value: 'foo' }],
          name: 'foo',
          offset: 0,
          startOrEnd: null,
          timestamp: null,
          type: 'vectorSelector',
        },
        matching: { card: 'one-to-one', include: [], labels: [], on: false },
        op: '/',
        rhs: {
          matchers: [{ name: '__name__', type: '=', value: 'bar' }],
          name: 'bar',
          offset: 0,
          startOrEnd: null,
          timestamp: null,
          type: 'vectorSelector',
        },
        type: 'binaryExpr',
      }),
    );
  });

  it('translates every node kind', () => {
    const j = translateAST(
      parseExpr(
        '-sum by (a) (rate(x{b=~"c"}[5m] offset 1m)) + max_over_time((y @ 10)[1h:1m]) * "s"'.replace(' * "s"', ' * 2'),
      ),
    );
    const s = JSON.stringify(j);
    for (const part of [
      '"type":"unaryExpr"',
      '"type":"aggregation"',
      '"grouping":["a"]',
      '"type":"call"',
      '"argTypes":["matrix"]',
      '"type":"matrixSelector"',
      '"range":300000',
      '"offset":60000',
      '"type":"=~"',
      '"type":"subquery"',
      '"step":60000',
      '"type":"parenExpr"',
      '"timestamp":10000',
      '"type":"numberLiteral","val":"2"',
      '"matching":null',
    ]) {
      expect(s).toContain(part);
    }
    expect(translateAST(parseExpr('"x"'))).toEqual({ type: 'stringLiteral', val: 'x' });
  });
});
