import { Matcher, MatchType } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import type { VectorSelector } from './ast.js';
import { parseExpr } from './parser.js';
import { regexMatcher } from './regex-matchers.js';

function firstMatcher(q: string): Matcher {
  const e = parseExpr(q);
  if (e.type !== 'VectorSelector') throw new Error('VectorSelector expected');
  return (e as VectorSelector).labelMatchers[0] as Matcher;
}

describe('regexMatcher', () => {
  it('compiles a regex once for every query and branch that writes it', () => {
    const a = firstMatcher('x{instance=~"host-1\\\\.example|host-2\\\\.example"}');
    const b = firstMatcher('y{instance=~"host-1\\\\.example|host-2\\\\.example"}');
    expect(b).toBe(a);
    const or = parseExpr('x{job=~"a|b"} or y{job=~"a|b"}');
    if (or.type !== 'BinaryExpr' || or.lhs.type !== 'VectorSelector' || or.rhs.type !== 'VectorSelector') {
      throw new Error('x or y expected');
    }
    expect(or.rhs.labelMatchers[0]).toBe(or.lhs.labelMatchers[0]);
    expect(a.matches('host-1.example')).toBe(true);
    expect(a.matches('host-1xexample')).toBe(false);
  });

  it('keeps name and operator apart, and derives !~ from a cached =~', () => {
    const re = regexMatcher(MatchType.Regexp, 'a', 'x.*');
    expect(regexMatcher(MatchType.Regexp, 'b', 'x.*')).not.toBe(re);
    const not = regexMatcher(MatchType.NotRegexp, 'a', 'x.*');
    expect(not).not.toBe(re);
    expect(not.type).toBe(MatchType.NotRegexp);
    expect(not.name).toBe('a');
    expect(not.matches('xy')).toBe(false);
    expect(not.matches('yx')).toBe(true);
    expect(regexMatcher(MatchType.NotRegexp, 'a', 'x.*')).toBe(not);
    expect(String(not)).toBe(String(new Matcher(MatchType.NotRegexp, 'a', 'x.*')));
  });

  it('still reports an invalid regex, each time it is written', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => parseExpr('foo{a=~"("}')).toThrow(
        '1:5: parse error: error parsing regexp: missing closing ): `^(?s:()$`',
      );
    }
  });
});
