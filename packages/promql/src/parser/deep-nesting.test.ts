// Hostile nesting: the parser and everything that walks its AST work at any depth (no call-stack
// limit), as Prometheus's parser does.
import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { exprType } from './ast.js';
import { ParseErrors } from './errors.js';
import { parseExpr } from './parser.js';
import { preprocessExpr } from './preprocess.js';
import { exprToString, prettify } from './printer.js';
import { translateAST } from './translate-ast.js';
import { inspect } from './walk.js';

/** Node count and depth (longest path), walked with inspect. */
function shape(e: Expr): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  inspect(e, (_n, path) => {
    nodes++;
    depth = Math.max(depth, path.length + 1);
    return true;
  });
  return { nodes, depth };
}

/** Parses, prints, prettifies and preprocesses `q`; checks that printing round-trips. */
function roundTrip(q: string): { e: Expr; str: string; pretty: string } {
  const e = parseExpr(q);
  const str = exprToString(e);
  expect(exprToString(parseExpr(str))).toBe(str);
  const pre = preprocessExpr(e, 0, 3_600_000, 15_000);
  expect(exprToString(pre)).toBe(str);
  // preprocessExpr works on a copy: the parsed tree gets no StepInvariantExpr.
  let wrapped = 0;
  inspect(e, (n) => {
    if (n.type === 'StepInvariantExpr') wrapped++;
    return true;
  });
  expect(wrapped).toBe(0);
  expect(translateAST(e)).not.toBeNull();
  return { e, str, pretty: prettify(e) };
}

const lines = (s: string): string[] => s.split('\n');

// Generous timeouts: the machines tests run on may be busy, and some cases build megabytes of output.
describe('deep nesting', { timeout: 60_000 }, () => {
  it('parses 200 nested parentheses (the call stack overflowed at 120)', () => {
    const q = `${'('.repeat(200)}1${')'.repeat(200)}`;
    const { e, str, pretty } = roundTrip(q);
    expect(str).toBe(q);
    expect(shape(e)).toEqual({ nodes: 201, depth: 201 });
    expect(exprType(e)).toBe('scalar');
    // Parentheses break until the rest fits in 100 characters: 49 pairs around the 1 (99 characters).
    const ls = lines(pretty);
    expect(ls).toHaveLength(151 + 1 + 151);
    expect(ls[151]).toBe(`${'  '.repeat(151)}${'('.repeat(49)}1${')'.repeat(49)}`);
    expect(exprToString(parseExpr(pretty))).toBe(q);
    expect(preprocessExpr(e, 0, 0).type).toBe('StepInvariantExpr');
  });

  it('parses sum( nested 200 deep', () => {
    const q = `${'sum('.repeat(200)}x${')'.repeat(200)}`;
    const { e, str, pretty } = roundTrip(q);
    expect(str).toBe(q);
    expect(shape(e)).toEqual({ nodes: 201, depth: 201 });
    // sum(…) breaks until the rest fits in 100 characters: 19 sums around x (96 characters).
    const ls = lines(pretty);
    expect(ls).toHaveLength(181 + 1 + 181);
    expect(ls[181]).toBe(`${'  '.repeat(181)}${'sum('.repeat(19)}x${')'.repeat(19)}`);
    expect(exprToString(parseExpr(pretty))).toBe(q);
  });

  it('folds 2,000 unary minuses on a number, and keeps 2,000 on a selector', () => {
    expect(exprToString(parseExpr(`${'-'.repeat(2000)}1`))).toBe('1');
    expect(exprToString(parseExpr(`${'-'.repeat(2001)}1`))).toBe('-1');
    const q = `${'-'.repeat(2000)}x`;
    const { e, str, pretty } = roundTrip(q);
    expect(str).toBe(q);
    expect(pretty).toBe(q);
    expect(shape(e)).toEqual({ nodes: 2001, depth: 2001 });
    expect(exprType(e)).toBe('vector');
  });

  it('parses 2^2^… 2,000 times, right-associative', () => {
    const q = Array(2000).fill('2').join('^');
    const { e, str, pretty } = roundTrip(q);
    expect(str).toBe(Array(2000).fill('2').join(' ^ '));
    expect(shape(e)).toEqual({ nodes: 3999, depth: 2000 });
    if (e.type !== 'BinaryExpr') throw new Error('BinaryExpr expected');
    expect(e.lhs.type).toBe('NumberLiteral');
    expect(e.rhs.type).toBe('BinaryExpr');
    // Each of the 1,975 levels that do not fit breaks into the base and the operator; the last
    // 25 terms (97 characters) fit on one line.
    const ls = lines(pretty);
    expect(ls).toHaveLength(1975 * 2 + 1);
    expect(ls[0]).toBe('  2');
    expect(ls[1]).toBe('^');
    expect(ls[ls.length - 1]).toBe(`${'  '.repeat(1975)}${Array(25).fill('2').join(' ^ ')}`);
  });

  it('parses 1 + 1 + … 5,000 times, left-associative', () => {
    const q = Array(5000).fill('1').join(' + ');
    const { e, str, pretty } = roundTrip(q);
    expect(str).toBe(q);
    expect(shape(e)).toEqual({ nodes: 9999, depth: 5000 });
    if (e.type !== 'BinaryExpr') throw new Error('BinaryExpr expected');
    expect(e.lhs.type).toBe('BinaryExpr');
    expect(e.rhs.type).toBe('NumberLiteral');
    // Prometheus's format: each level that does not fit puts its left side one level deeper.
    const ls = lines(pretty);
    expect(ls).toHaveLength(4975 * 2 + 1);
    expect(ls[0]).toBe(`${'  '.repeat(4975)}${Array(25).fill('1').join(' + ')}`);
    expect(ls[ls.length - 1]).toBe('  1');
  });

  it('parses 20,000 nested parentheses and a chain of 20,000 or', () => {
    const deep = parseExpr(`${'('.repeat(20_000)}x${')'.repeat(20_000)}`);
    expect(shape(deep)).toEqual({ nodes: 20_001, depth: 20_001 });
    expect(exprToString(preprocessExpr(deep, 0, 0))).toHaveLength(40_001);
    const chain = parseExpr(Array(20_000).fill('x').join(' or '));
    expect(shape(chain).depth).toBe(20_000);
    expect(exprType(chain)).toBe('vector');
    expect(translateAST(chain)).not.toBeNull();
  });

  it('types every level of long sign and parenthesis chains, asked in any order', () => {
    // -(-(…(1 + x)…)) and -(…(1)…): vector and scalar chains of 3,000 signs and parentheses.
    const inner = (n: Expr): Expr | null => (n.type === 'UnaryExpr' || n.type === 'ParenExpr' ? n.expr : null);
    const levels = (q: string): Expr[] => {
      const out: Expr[] = [];
      for (let n: Expr | null = parseExpr(q); n !== null; n = inner(n)) out.push(n);
      return out;
    };
    const vec = levels(`${'-('.repeat(1500)}1 + x${')'.repeat(1500)}`);
    const sc = levels(`${'-('.repeat(1500)}time()${')'.repeat(1500)}`);
    expect(vec).toHaveLength(3001);
    expect(sc).toHaveLength(3001);
    // From the middle first, then from the top: the remembered types are those of each node.
    for (const at of [1500, 0, 2999, 3000]) {
      expect(exprType(vec[at]!)).toBe('vector');
      expect(exprType(sc[at]!)).toBe('scalar');
    }
    expect(vec.every((n) => exprType(n) === 'vector')).toBe(true);
    expect(sc.every((n) => exprType(n) === 'scalar')).toBe(true);
  });

  it('parses nested duration expressions', () => {
    const opts = { experimentalDurationExpr: true };
    const e = parseExpr(`x[${'('.repeat(5000)}5m${')'.repeat(5000)}]`, opts);
    expect(exprToString(e)).toBe('x[5m]');
    const sum = parseExpr(`x[${Array(5000).fill('1s').join(' + ')}]`, opts);
    if (sum.type !== 'MatrixSelector') throw new Error('MatrixSelector expected');
    expect(sum.range).toBe(5_000_000);
    expect(exprToString(sum)).toBe(`x[${Array(5000).fill('1s').join(' + ')}]`);
  });

  it('reports errors at any depth', () => {
    const unclosed = `${'('.repeat(3000)}1 +${')'.repeat(3000)}`;
    expect(() => parseExpr(unclosed)).toThrow(ParseErrors);
    expect(() => parseExpr(unclosed)).toThrow('1:3004: parse error: unexpected ")"');
    const unknown = `${'('.repeat(3000)}foo(1)${')'.repeat(3000)}`;
    expect(() => parseExpr(unknown)).toThrow('1:3001: parse error: unknown function with name "foo"');
    const typeError = `${'abs('.repeat(3000)}x[5m]${')'.repeat(3000)}`;
    expect(() => parseExpr(typeError)).toThrow(
      '1:12001: parse error: expected type instant vector in call to function "abs", got range vector',
    );
  });
});
