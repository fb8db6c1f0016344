import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { ParseErrors } from './errors.js';
import { parseExpr } from './parser.js';
import { exprToString, prettify } from './printer.js';

const all = {
  enableExperimentalFunctions: true,
  experimentalDurationExpr: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

describe('exprToString', () => {
  it.each([
    ['foo', 'foo'],
    ['foo{c=~"d",a="b"}', 'foo{a="b",c=~"d"}'],
    ['{__name__="foo"}', '{__name__="foo"}'],
    ['{__name__=~"foo"}', '{__name__=~"foo"}'],
    ['{"my.metric"}', '{__name__="my.metric"}'],
    ['{"my.label"="x"}', '{"my.label"="x"}'],
    ['foo[5m]', 'foo[5m]'],
    ['foo[90s]', 'foo[1m30s]'],
    ['foo[1800]', 'foo[30m]'],
    ['foo[14d]', 'foo[2w]'],
    ['foo offset 5m', 'foo offset 5m'],
    ['foo offset -5m', 'foo offset -5m'],
    ['foo @ 10', 'foo @ 10.000'],
    ['foo @ start() offset 1m', 'foo @ start() offset 1m'],
    ['foo[5m] offset 1m @ end()', 'foo[5m] @ end() offset 1m'],
    ['rate(foo[5m])[1h:]', 'rate(foo[5m])[1h:]'],
    ['foo[1h:1m] offset 5m', 'foo[1h:1m] offset 5m'],
    ['sum(foo) by (a,b)', 'sum by (a, b) (foo)'],
    ['sum without(a) (foo)', 'sum without (a) (foo)'],
    ['sum without() (foo)', 'sum without () (foo)'],
    ['sum by ("a.b") (foo)', 'sum by ("a.b") (foo)'],
    ['topk(5, foo)', 'topk(5, foo)'],
    ['count_values("v", foo)', 'count_values("v", foo)'],
    ['a+b', 'a + b'],
    ['a > bool 1', 'a > bool 1'],
    ['a * on(x) group_left(y) b', 'a * on (x) group_left (y) b'],
    ['a * on() b', 'a * on () b'],
    ['a * ignoring(x) group_right b', 'a * ignoring (x) group_right () b'],
    ['a and on(x) b', 'a and on (x) b'],
    ['a + fill(0) b', 'a + fill (0) b'],
    ['a + fill_left(1) fill_right(2) b', 'a + fill_left (1) fill_right (2) b'],
    ['-foo', '-foo'],
    ['-2^2', '-2 ^ 2'],
    ['(1 + 2) * 3', '(1 + 2) * 3'],
    ['1e30', '1e+30'],
    ['123456', '123456'],
    ['1234567', '1.234567e+06'],
    ['0.0001', '0.0001'],
    ['-1.5e-7', '-1.5e-07'],
    ['0.000001', '1e-06'],
    ['0x10', '16'],
    ['Inf', '+Inf'],
    ['-Inf', '-Inf'],
    ['NaN', 'NaN'],
    ['5m', '5m'],
    ['-5m', '-5m'],
    ['"a\\"b\\n"', '"a\\"b\\n"'],
    ["'single'", '"single"'],
    ['`raw\\n`', '"raw\\\\n"'],
    ['"\\xff"', '"\\xff"'],
    ['x[5m+step()]', 'x[5m + step()]'],
    ['x[(1h/2):min_of(step(), 1m)]', 'x[(1h / 2):min_of(step(), 1m)]'],
    ['x offset -(5m*2)', 'x offset -(5m * 2)'],
    ['x offset (10)', 'x offset 10s'],
    ['increase(x[5m] anchored)', 'increase(x[5m] anchored)'],
    ['x smoothed', 'x smoothed'],
    ['label_replace(x, "a", "$1", "b", "(.*)")', 'label_replace(x, "a", "$1", "b", "(.*)")'],
  ])('%s', (q, want) => {
    const s = exprToString(parseExpr(q, all));
    expect(s).toBe(want);
    expect(exprToString(parseExpr(s, all))).toBe(s);
  });
});

describe('prettify (format_query)', () => {
  it('keeps short queries on one line', () => {
    expect(prettify(parseExpr('sum by (job) (rate(http_requests_total[5m]))'))).toBe(
      'sum by (job) (rate(http_requests_total[5m]))',
    );
  });

  it('splits long queries like Prometheus', () => {
    const q =
      'sum by (job, instance) (rate(http_requests_total{job="api-server", handler="/api/v1/query/range"}[5m])) / on (job) group_left () sum by (job) (up)';
    expect(prettify(parseExpr(q))).toBe(
      [
        '  sum by (job, instance) (',
        '    rate(http_requests_total{handler="/api/v1/query/range",job="api-server"}[5m])',
        '  )',
        '/ on (job) group_left ()',
        '  sum by (job) (up)',
      ].join('\n'),
    );
  });

  it('splits calls, params, parentheses and unary expressions', () => {
    const e = parseExpr('-(topk(5, histogram_quantile(0.9, rate(x_bucket[5m]))) + 1)');
    expect(prettify(e, 20)).toBe(
      [
        '-(',
        '    topk(',
        '      5,',
        '      histogram_quantile(',
        '        0.9,',
        '        rate(x_bucket[5m])',
        '      )',
        '    )',
        '  +',
        '    1',
        ')',
      ].join('\n'),
    );
  });

  it('prettified output parses back to the same expression', () => {
    const q = 'sum(rate(a{b="c"}[5m])) by (d) > bool on(d) group_left(e) (avg_over_time(f[10m:1m] offset 1h) * 2)';
    const e = parseExpr(q);
    for (const width of [10, 40, 100]) {
      expect(exprToString(parseExpr(prettify(e, width)))).toBe(exprToString(e));
    }
  });
});

// Random well-typed queries: vector and scalar expressions built from the grammar's pieces.
const ident = fc.constantFrom('foo', 'bar', 'http_requests_total', 'up', 'by', 'sum', 'a:b');
const label = fc.constantFrom('job', 'instance', 'le', 'a.b');
const selector = fc
  .tuple(
    ident,
    fc.array(fc.tuple(label, fc.constantFrom('=', '!=', '=~', '!~'), fc.string({ maxLength: 4 })), { maxLength: 2 }),
  )
  .map(([n, ms]) => {
    const parts = ms.map(
      ([l, op, v]) =>
        `${/^[a-z_]+$/.test(l) ? l : JSON.stringify(l)}${op}${JSON.stringify(op.includes('~') ? v.replace(/[^a-z]/g, '') : v)}`,
    );
    return parts.length === 0 ? n : `${n}{${parts.join(', ')}}`;
  });
const duration = fc.constantFrom('1m', '5m', '90s', '1h30m', '2d', '500ms');
const modifiers = fc.tuple(
  fc.option(fc.constantFrom(' offset 5m', ' offset -1h', ' offset 30')),
  fc.option(fc.constantFrom(' @ 100', ' @ start()', ' @ end()')),
);
const scalar = fc.oneof(
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }).map((v) => (v < 0 ? `(${v})` : String(v))),
  fc.constantFrom('time()', 'pi()', '1h', 'Inf'),
);
const vectorExpr: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(selector, modifiers).map(([s, [o, a]]) => s + (o ?? '') + (a ?? '')),
    fc
      .tuple(fc.constantFrom('rate', 'increase', 'max_over_time'), selector, duration)
      .map(([f, s, d]) => `${f}(${s}[${d}])`),
    fc
      .tuple(fc.constantFrom('sum', 'avg', 'max'), fc.constantFrom('', ' by (job)', ' without (le, "a.b")'), tie('v'))
      .map(([op, g, e]) => `${op}${g} (${e})`),
    fc.tuple(fc.constantFrom('topk', 'quantile'), scalar, tie('v')).map(([op, s, e]) => `${op}(${s}, ${e})`),
    fc
      .tuple(
        tie('v'),
        fc.constantFrom('+', '-', '*', '/', '%', '^', 'atan2', '== bool', '> bool', 'and', 'or', 'unless'),
        tie('v'),
      )
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('v'), fc.constantFrom('+', '*', '>'), scalar).map(([a, op, s]) => `${a} ${op} ${s}`),
    fc
      .tuple(tie('v'), fc.constantFrom(' on (job)', ' ignoring (le) group_left (x)', ' on () group_right'))
      .map(([a, m]) => `${a} *${m} ${a}`),
    tie('v').map((e) => `(${e})`),
    tie('v').map((e) => `-${e}`),
    fc.tuple(tie('v'), duration, fc.option(duration)).map(([e, r, s]) => `max_over_time((${e})[${r}:${s ?? ''}])`),
  ),
})).v;

describe('print/parse round trip (property)', () => {
  it('parse(print(parse(q))) prints the same, for random queries', () => {
    fc.assert(
      fc.property(vectorExpr, (q) => {
        let e: Expr;
        try {
          e = parseExpr(q);
        } catch (err) {
          // The generator does not track types (e.g. `0 * on (job) x`); those must be rejected cleanly.
          expect(err).toBeInstanceOf(ParseErrors);
          return;
        }
        const s = exprToString(e);
        expect(exprToString(parseExpr(s))).toBe(s);
        expect(exprToString(parseExpr(prettify(e, 30)))).toBe(s);
      }),
      { numRuns: 400 },
    );
  });
});
