import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BinaryExpr, type Expr, exprType, type VectorSelector } from './ast.js';
import { ParseErrors } from './errors.js';
import { parseMetricSelector, parseMetricSelectors } from './metric-selector.js';
import { type ParserOptions, parseExpr } from './parser.js';
import { exprToString } from './printer.js';

const all: ParserOptions = {
  enableExperimentalFunctions: true,
  experimentalDurationExpr: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

/** A compact rendering of the tree shape with explicit parentheses. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'BinaryExpr':
      return `(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
    case 'UnaryExpr':
      return `(${e.op}${shape(e.expr)})`;
    case 'ParenExpr':
      return `[${shape(e.expr)}]`;
    case 'NumberLiteral':
      return String(e.val);
    case 'VectorSelector':
      return e.name;
    default:
      return exprToString(e);
  }
}

describe('parseExpr: precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '(-(2 ^ 2))'],
    ['-a * b', '((-a) * b)'],
    ['a * -b', '(a * (-b))'],
    ['a ^ -b', '(a ^ (-b))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b % c', '((a / b) % c)'],
    ['a atan2 b * c', '((a atan2 b) * c)'],
    ['a + b == c', '((a + b) == c)'],
    ['a and b or c unless d', '((a and b) or (c unless d))'],
    ['a or b and c', '(a or (b and c))'],
    ['a == b and c', '((a == b) and c)'],
    ['(1 + 2) * 3', '([(1 + 2)] * 3)'],
    ['-1', '-1'],
    ['+1', '1'],
    ['- -1', '1'],
    ['a </ b + c', '((a </ b) + c)'],
    ['a >/ 2', '(a >/ 2)'],
  ])('%s', (q, want) => {
    expect(shape(parseExpr(q, all))).toBe(want);
  });
});

describe('parseExpr: literals', () => {
  it.each([
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1.5E-2', 0.015],
    ['0x1F', 31],
    ['1_000_000', 1_000_000],
    ['.123_456_789', 0.123456789],
    ['1_0.5e1_0', 10.5e10],
    ['0_755', 0o755],
    ['0X1f', 31],
    ['0755', 493],
    ['08', 8],
    ['Inf', Number.POSITIVE_INFINITY],
    ['+inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['5m', 300],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['1d', 86400],
    ['1w', 604800],
    ['1y', 31536000],
  ])('%s', (q, v) => {
    const e = parseExpr(q);
    expect(e.type).toBe('NumberLiteral');
    if (e.type === 'NumberLiteral') expect(e.val).toBe(v);
  });

  it('parses NaN', () => {
    const e = parseExpr('NaN');
    expect(e.type === 'NumberLiteral' && Number.isNaN(e.val)).toBe(true);
  });

  it.each([
    ['"foo"', 'foo'],
    ["'foo'", 'foo'],
    ['`a\\nb`', 'a\\nb'],
    ['"a\\nb\\t\\"c\\\\"', 'a\nb\t"c\\'],
    ["'it\\'s'", "it's"],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"ünïcödé"', 'ünïcödé'],
    ['"\\xc5"', '\udcc5'],
    ['"\\xc3\\xa9"', 'é'],
  ])('string %s', (q, v) => {
    const e = parseExpr(q);
    expect(e).toMatchObject({ type: 'StringLiteral', val: v });
  });
});

describe('parseExpr: selectors', () => {
  it('builds matchers with the metric name last', () => {
    const e = parseExpr('foo{a="b", c!="d", e=~"f.*", g!~"h",}') as VectorSelector;
    expect(e.name).toBe('foo');
    expect(e.labelMatchers.map(String)).toEqual(['a="b"', 'c!="d"', 'e=~"f.*"', 'g!~"h"', '__name__="foo"']);
    expect(e.posRange).toEqual({ start: 0, end: 37 });
  });

  it('accepts quoted metric and label names', () => {
    const e = parseExpr('{"my.metric", "my.label"="x"}') as VectorSelector;
    expect(e.name).toBe('');
    expect(e.labelMatchers.map((m) => [m.name, m.value])).toEqual([
      ['__name__', 'my.metric'],
      ['my.label', 'x'],
    ]);
  });

  it('accepts keywords as metric and label names', () => {
    for (const q of ['sum', 'by', 'offset', 'start', 'anchored', 'foo{on="a", by="b"}', 'and:metric']) {
      expect(parseExpr(q).type).toBe('VectorSelector');
    }
    expect(parseExpr('sum by (and, by, "a.b") (x)')).toMatchObject({ grouping: ['and', 'by', 'a.b'] });
  });

  it('parses range selectors, offset and @', () => {
    const e = parseExpr('foo[5m] offset -1h @ 100');
    expect(e).toMatchObject({
      type: 'MatrixSelector',
      range: 300_000,
      posRange: { start: 0, end: 24 },
      vectorSelector: { originalOffset: -3_600_000, offset: -3_600_000, timestamp: 100_000 },
    });
    expect(parseExpr('foo @ end() offset 5m')).toMatchObject({ startOrEnd: 'end', originalOffset: 300_000 });
    expect(parseExpr('foo[1800]')).toMatchObject({ range: 1_800_000 });
    expect(parseExpr('foo @ 1.2345')).toMatchObject({ timestamp: 1235 });
  });

  it('parses subqueries', () => {
    expect(parseExpr('rate(foo[1m])[1h:5m] offset 10m')).toMatchObject({
      type: 'SubqueryExpr',
      range: 3_600_000,
      step: 300_000,
      originalOffset: 600_000,
    });
    expect(parseExpr('foo[1h:]')).toMatchObject({ type: 'SubqueryExpr', step: 0, stepExpr: null });
    expect(parseExpr('(foo)[5m:1m] @ start()')).toMatchObject({ type: 'SubqueryExpr', startOrEnd: 'start' });
  });
});

describe('parseExpr: operators and modifiers', () => {
  it('parses vector matching', () => {
    const e = parseExpr('a * on(x, y) group_left(z) b') as BinaryExpr;
    expect(e.vectorMatching).toEqual({
      card: 'many-to-one',
      matchingLabels: ['x', 'y'],
      on: true,
      include: ['z'],
      fillValues: { lhs: null, rhs: null },
    });
    expect((parseExpr('a / ignoring(x) group_right b') as BinaryExpr).vectorMatching).toMatchObject({
      card: 'one-to-many',
      on: false,
      matchingLabels: ['x'],
      include: [],
    });
    expect((parseExpr('a and b') as BinaryExpr).vectorMatching?.card).toBe('many-to-many');
    expect((parseExpr('a + 1') as BinaryExpr).vectorMatching).toBeNull();
  });

  it('parses bool', () => {
    expect(parseExpr('1 > bool 2')).toMatchObject({ returnBool: true });
    expect(exprType(parseExpr('1 > bool 2'))).toBe('scalar');
    expect(parseExpr('a == bool on(x) b')).toMatchObject({ returnBool: true, vectorMatching: { on: true } });
  });

  it('parses fill modifiers', () => {
    expect((parseExpr('a + fill(0) b', all) as BinaryExpr).vectorMatching?.fillValues).toEqual({ lhs: 0, rhs: 0 });
    expect(
      (parseExpr('a + on(x) fill_left(1) fill_right(-2) b', all) as BinaryExpr).vectorMatching?.fillValues,
    ).toEqual({
      lhs: 1,
      rhs: -2,
    });
    expect((parseExpr('a + fill_right(NaN) b', all) as BinaryExpr).vectorMatching?.fillValues.lhs).toBeNull();
  });

  it('parses keywords case-insensitively', () => {
    expect(parseExpr('SUM BY (a) (x) AND ON(b) y OFFSET 5M'.replace('5M', '5m'))).toMatchObject({ op: 'and' });
    expect(parseExpr('Sum(x)')).toMatchObject({ type: 'AggregateExpr', op: 'sum' });
  });

  it('parses comments and newlines', () => {
    expect(shape(parseExpr('a # first\n  + # second\n b'))).toBe('(a + b)');
  });
});

describe('parseExpr: aggregations and calls', () => {
  it.each([
    ['sum by (a) (x)', { op: 'sum', grouping: ['a'], without: false, param: null }],
    ['sum(x) by (a)', { op: 'sum', grouping: ['a'], without: false }],
    ['avg without (a, b) (x)', { op: 'avg', grouping: ['a', 'b'], without: true }],
    ['count(x) without ()', { op: 'count', grouping: [], without: true }],
    ['topk(3, x)', { op: 'topk', param: { type: 'NumberLiteral', val: 3 } }],
    ['bottomk by (a) (3, x)', { op: 'bottomk', grouping: ['a'] }],
    ['quantile(0.9, x)', { op: 'quantile' }],
    ['count_values("v", x)', { op: 'count_values', param: { type: 'StringLiteral', val: 'v' } }],
    ['limitk(2, x)', { op: 'limitk' }],
    ['limit_ratio(0.5, x)', { op: 'limit_ratio' }],
    ['group(x)', { op: 'group' }],
    ['stddev(x)', { op: 'stddev' }],
    ['stdvar(x)', { op: 'stdvar' }],
    ['min(x)', { op: 'min' }],
    ['max(x)', { op: 'max' }],
  ])('%s', (q, want) => {
    expect(parseExpr(q, all)).toMatchObject({ type: 'AggregateExpr', ...want });
  });

  it('parses calls with optional and variadic args', () => {
    expect(parseExpr('time()')).toMatchObject({ type: 'Call', func: { name: 'time' }, args: [] });
    expect(parseExpr('round(x)')).toMatchObject({ args: [{}] });
    expect(parseExpr('round(x, 5)')).toMatchObject({ args: [{}, {}] });
    expect(parseExpr('label_join(x, "d", ",", "a", "b", "c")')).toMatchObject({ args: { length: 6 } });
    expect(parseExpr('hour()')).toMatchObject({ args: [] });
    expect(exprType(parseExpr('scalar(x)'))).toBe('scalar');
  });

  it('parses experimental syntax when enabled', () => {
    expect(parseExpr('info(x, {k="v"})', all)).toMatchObject({ type: 'Call', func: { name: 'info' } });
    expect(parseExpr('increase(x[1m] anchored)', all)).toMatchObject({
      args: [{ vectorSelector: { anchored: true, smoothed: false } }],
    });
    expect(parseExpr('x smoothed', all)).toMatchObject({ type: 'VectorSelector', smoothed: true });
    // Prometheus rejects these at evaluation, not when parsing.
    expect(parseExpr('deriv(x[5m] anchored)', all).type).toBe('Call');
    expect(parseExpr('max_over_time(x[5m] smoothed)', all).type).toBe('Call');
    expect(parseExpr('x[5m+step()]', all)).toMatchObject({
      type: 'MatrixSelector',
      range: 0,
      rangeExpr: { type: 'DurationExpr', op: '+' },
    });
    expect(parseExpr('x[1h/2]', all)).toMatchObject({ range: 1_800_000 });
    expect(parseExpr('x offset (2 ^ 2)', all)).toMatchObject({ originalOffset: 4000 });
    expect(parseExpr('x offset -min_of(step(), 1s)', all)).toMatchObject({
      offsetExpr: { op: '-', lhs: null, rhs: { op: 'min_of' } },
    });
    expect(shape(parseExpr('x offset 2 ^ 2', all))).toBe('(x ^ 2)');
  });
});

describe('parseExpr: errors are typed', () => {
  it('throws ParseErrors with ParseError entries', () => {
    try {
      parseExpr('1 +');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ParseErrors);
      const pe = err as ParseErrors;
      expect(pe.errors[0]?.positionRange).toEqual({ start: 3, end: 3 });
      expect(pe.errors[0]?.err).toBe('unexpected end of input');
      expect(pe.message).toBe('1:4: parse error: unexpected end of input');
    }
  });
});

describe('parseExpr never fails with anything but ParseErrors (fuzz)', () => {
  const piece = fc.constantFrom(
    'foo',
    'sum',
    'by',
    'on',
    'bool',
    'offset',
    '@',
    'start()',
    'rate(',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    ',',
    ':',
    '5m',
    '1',
    '0x1',
    '.5',
    'Inf',
    '"s"',
    "'\\x'",
    '`r`',
    '=',
    '=~',
    '!',
    '+',
    '-',
    '*',
    '^',
    '==',
    'and',
    'group_left',
    'fill(',
    'step()',
    'anchored',
    '#c\n',
    ' ',
  );
  it('on random token soup', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.boolean(), (parts, flags) => {
        const q = parts.join(flags ? ' ' : '');
        try {
          const e = parseExpr(q, flags ? all : {});
          expect(exprToString(parseExpr(exprToString(e), flags ? all : {}))).toBe(exprToString(e));
        } catch (err) {
          expect(err).toBeInstanceOf(ParseErrors);
          expect((err as ParseErrors).errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('on random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (q) => {
        try {
          parseExpr(q, all);
        } catch (err) {
          expect(err).toBeInstanceOf(ParseErrors);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseMetricSelector', () => {
  it('returns the matchers of a selector', () => {
    expect(parseMetricSelector('up{job="api", a=~"b"}').map(String)).toEqual(['job="api"', 'a=~"b"', '__name__="up"']);
    expect(parseMetricSelector('{"my.metric"}').map(String)).toEqual(['__name__="my.metric"']);
    expect(parseMetricSelectors(['a', 'b']).map((ms) => ms.map((m) => m.value))).toEqual([['a'], ['b']]);
  });

  it('checks the grammar only, as Prometheus ParseMetricSelector does (no empty-matcher check)', () => {
    expect(parseMetricSelector('{}')).toEqual([]);
    expect(parseMetricSelector(`{__name__=~'(?s:.*)'}`).map(String)).toEqual(['__name__=~"(?s:.*)"']);
  });

  it.each([
    ['foo + bar', '1:5: parse error: unexpected <op:+>'],
    ['sum(x)', '1:4: parse error: unexpected "("'],
    ['foo offset 5m', '1:5: parse error: unexpected <offset>'],
    ['foo[5m]', '1:4: parse error: unexpected "["'],
    ['', 'unknown position: parse error: no expression found in input'],
  ])('rejects %j', (q, msg) => {
    expect(() => parseMetricSelector(q)).toThrow(ParseErrors);
    expect(() => parseMetricSelector(q)).toThrow(msg);
  });
});
