import { describe, expect, it } from 'vitest';
import { ParseErrors } from './errors.js';
import { type ParserOptions, parseExpr } from './parser.js';

const all: ParserOptions = {
  enableExperimentalFunctions: true,
  experimentalDurationExpr: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

// Queries Prometheus rejects, with the position and message of the (first) error.
const rejected: [string, string][] = [
  ['', 'unknown position: parse error: no expression found in input'],
  ['  # only a comment', '1:1: parse error: no expression found in input'],
  ['1 +', '1:4: parse error: unexpected end of input'],
  ['*1', '1:1: parse error: unexpected <op:*>'],
  ['1 !~ 1', "1:3: parse error: unexpected character after '!': '~'"],
  ['!foo', "1:1: parse error: unexpected character after '!': 'f'"],
  ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
  ['1 2', '1:3: parse error: unexpected number "2"'],
  ['sum(x) by (a) by (b)', '1:15: parse error: unexpected <by>'],
  ['(1', '1:3: parse error: unclosed left parenthesis'],
  ['1)', "1:3: parse error: unexpected right parenthesis ')'"],
  ['foo]', "1:4: parse error: unexpected right bracket ']'"],
  ['foo}', "1:4: parse error: unexpected character: '}'"],
  ['foo[5m::]', "1:8: parse error: unexpected colon ':'"],
  ['foo{a!}', "1:6: parse error: unexpected character after '!' inside braces: '}'"],
  ['1e+', '1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e+": invalid syntax'],
  ['0x', '1:1: parse error: error parsing number: strconv.ParseFloat: parsing "0x": invalid syntax'],
  ['.e3', "1:1: parse error: unexpected character: '.'"],
  ['foo[5m', '1:7: parse error: unclosed left bracket'],
  ['foo{', '1:5: parse error: unexpected end of input inside braces'],
  ['foo{a="b"', '1:10: parse error: unexpected end of input inside braces'],
  ['foo{1}', "1:5: parse error: unexpected character inside braces: '1'"],
  ['foo{a}', '1:6: parse error: unexpected "}" in label matching, expected label matching operator'],
  ['foo{a=}', '1:7: parse error: unexpected "}" in label matching, expected string'],
  ['foo{a="b" c="d"}', '1:11: parse error: unexpected identifier "c" in label matching, expected "," or "}"'],
  ['foo{,}', '1:5: parse error: unexpected "," in label matching, expected identifier or "}"'],
  ['"foo', '1:1: parse error: unterminated quoted string'],
  ['`foo', '1:1: parse error: unterminated raw string'],
  ['foo $', "1:5: parse error: unexpected character: '$'"],
  ['"a\\q"', "1:1: parse error: unknown escape sequence U+0071 'q'"],
  ["'\\x4'", "1:1: parse error: illegal character U+0027 ''' in escape sequence"],
  ['foo[5mm]', '1:5: parse error: bad number or duration syntax: "5mm"'],
  ['foo[1m30h]', '1:5: parse error: not a valid duration string: "1m30h"'],
  ['rate(foo)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
  ['abs(foo[5m])', '1:5: parse error: expected type instant vector in call to function "abs", got range vector'],
  ['rate()', '1:1: parse error: expected 1 argument(s) in call to "rate", got 0'],
  ['rate(x[5m], 1)', '1:1: parse error: expected 1 argument(s) in call to "rate", got 2'],
  ['round()', '1:1: parse error: expected at least 1 argument(s) in call to "round", got 0'],
  ['round(x, 1, 2)', '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
  ['label_join(x, "a")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
  ['rate(x[5m],)', '1:11: parse error: trailing commas not allowed in function call args'],
  ['foo(x)', '1:1: parse error: unknown function with name "foo"'],
  ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
  ['topk(x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
  ['sum(1, x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2'],
  ['count_values(1, x)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
  ['topk("a", x)', '1:6: parse error: expected type scalar in aggregation parameter, got string'],
  ['sum(x[5m])', '1:5: parse error: expected type instant vector in aggregation expression, got range vector'],
  ['1 > 2', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
  ['a + bool b', '1:3: parse error: bool modifier can only be used on comparison operators'],
  ['a and 1', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
  ['a + on(x) 1', '1:1: parse error: vector matching only allowed between instant vectors'],
  ['a and on(x) group_left b', '1:1: parse error: no grouping allowed for "and" operation'],
  ['a * on(x) group_left(x) b', '1:3: parse error: label "x" must not occur in ON and GROUP clause at once'],
  ['a + "b"', '1:5: parse error: binary expression must contain only scalar and instant vector types'],
  ['a[5m] + b', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
  ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['{a=""}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['{a=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
  ['foo{a=~"("}', '1:5: parse error: error parsing regexp: missing closing ): `^(?s:()$`'],
  ['(foo)[5m]', '1:6: parse error: ranges only allowed for vector selectors'],
  ['foo offset 5m[5m]', '1:14: parse error: no offset modifiers allowed before range'],
  ['foo @ 1 [5m]', '1:9: parse error: no @ modifiers allowed before range'],
  [
    '1 offset 5m',
    '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
  ],
  [
    'sum(x) @ 5',
    '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
  ],
  ['foo offset 1m offset 2m', '1:1: parse error: offset may not be set multiple times'],
  ['foo @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
  ['foo @ start() @ end()', '1:1: parse error: @ <timestamp> may not be set multiple times'],
  ['foo @ Inf', '1:1: parse error: timestamp out of bounds for @ modifier: +Inf'],
  ['"a"[5m:]', '1:1: parse error: subquery is only allowed on instant vector, got string instead'],
  ['foo[5m][5m:]', '1:1: parse error: subquery is only allowed on instant vector, got matrix instead'],
  [
    '-"a"',
    '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"',
  ],
  ['foo[0s]', '1:5: parse error: duration must be greater than 0'],
  ['foo[5m:0s]', '1:8: parse error: duration must be greater than 0'],
  ['foo offset', '1:11: parse error: unexpected end of input in offset, expected duration'],
  ['foo offset bar', '1:12: parse error: unexpected identifier "bar" in offset, expected duration'],
  ['foo @', '1:6: parse error: unexpected end of input in @, expected timestamp'],
  ['foo @ start(1)', '1:13: parse error: unexpected number "1" in @, expected timestamp'],
  ['foo + on', '1:9: parse error: unexpected end of input in grouping opts, expected "("'],
  ['sum by(a:b)(x)', '1:8: parse error: unexpected metric identifier "a:b" in grouping opts, expected label'],
  ['foo * on (a b) bar', '1:13: parse error: unexpected identifier "b" in grouping opts, expected "," or ")"'],
  ['sum(a b)', '1:7: parse error: unexpected identifier "b" in aggregation'],
  ['sum some_metric by (test)', '1:5: parse error: unexpected identifier "some_metric"'],
  ['sum by (a) m', '1:12: parse error: unexpected identifier "m" in aggregation'],
  ['1__0', '1:1: parse error: bad number or duration syntax: "1__0"'],
  ['1_', '1:1: parse error: bad number or duration syntax: "1_"'],
  ['info(x, y)', '1:9: parse error: expected label selectors only, got vector selector instead'],
  ['a and fill(0) b', '1:7: parse error: fill modifiers are not supported for set operator "and"'],
];

describe('parseExpr rejects what Prometheus rejects', () => {
  it.each(rejected)('%j', (q, msg) => {
    let err: unknown;
    try {
      parseExpr(q, all);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseErrors);
    expect((err as ParseErrors).message).toBe(msg);
  });
});

describe('feature flags', () => {
  it.each([
    ['sort_by_label(x, "a")', 'function "sort_by_label" is not enabled'],
    ['limitk(1, x)', 'limitk() and limit_ratio() are experimental'],
    ['x[5m+1m]', 'experimental duration expression is not enabled'],
    ['x offset (1m)', ''],
    ['x anchored', 'anchored modifier is experimental'],
    ['a + fill(0) b', 'binop fill modifiers are experimental'],
  ])('%s needs its option', (q, msg) => {
    if (msg === '') {
      expect(parseExpr(q).type).toBe('VectorSelector');
      return;
    }
    expect(() => parseExpr(q)).toThrow(msg);
    expect(() => parseExpr(q, all)).not.toThrow();
  });
});
