import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricParseError } from './errors.js';
import { Labels } from './labels.js';
import { formatMetric, parseMetric } from './parse-metric.js';

// Any Unicode scalar value (a code point but a surrogate), printable ASCII weighted up: what
// fast-check's 'binary' unit draws, without the table of 1.1M code points it builds on first use
// (10-20 s of CPU on a loaded machine, in every test file).
const codePoint = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 0x10ffff - 0x800 }))
  .map((c) => String.fromCodePoint(c < 0xd800 ? c : c + 0x800));

describe('parseMetric', () => {
  // data_model.md: `<metric name>{<label name>="<label value>", ...}`, the quoted form
  // `{"<metric name>", <label name>="<label value>", ...}` and `{__name__="<metric name>", ...}`.
  it.each([
    ['up', ['__name__', 'up']],
    ['up{}', ['__name__', 'up']],
    [
      'api_http_requests_total{method="POST", handler="/messages"}',
      ['__name__', 'api_http_requests_total', 'method', 'POST', 'handler', '/messages'],
    ],
    ['{__name__="up", job="api"}', ['__name__', 'up', 'job', 'api']],
    ['{"my.metric", "my.label"="v"}', ['__name__', 'my.metric', 'my.label', 'v']],
    ['{a="b", "my.metric"}', ['__name__', 'my.metric', 'a', 'b']],
    ['job:rate5m{a="b",}', ['__name__', 'job:rate5m', 'a', 'b']],
    [' up { a = "b" , c = \'d\' , e = `f\\n` } ', ['__name__', 'up', 'a', 'b', 'c', 'd', 'e', 'f\\n']],
    ['{a="\\"q\\" \\\\ \\n \\t \\x41 \\101 \\u00e9 \\U0001F600"}', ['a', '"q" \\ \n \t A A é 😀']],
    ['{a="", b="x"}', ['b', 'x']],
  ])('%j', (input, want) => {
    expect(parseMetric(input).equals(Labels.fromStrings(...want))).toBe(true);
  });

  it.each([
    ['', 0],
    ['{', 1],
    ['up{a="b"', 8],
    ['up{a=b}', 5],
    ['up{a="b" c="d"}', 9],
    ['up{a="b"}x', 9],
    ['up{"x"}', 3],
    ['{__name__="a", __name__="b"}', 15],
    ['{a="1", a="2"}', 0],
    ['{a="\\q"}', 4],
    ['{a="x\ny"}', 5],
    ['{1a="x"}', 1],
  ])('rejects %j at position %d', (input, pos) => {
    let caught: unknown;
    try {
      parseMetric(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MetricParseError);
    expect((caught as MetricParseError).position).toBe(pos);
    expect((caught as MetricParseError).message).toMatch(/position/);
  });

  it('formatMetric puts a legacy metric name in front and quotes the others', () => {
    expect(formatMetric(Labels.fromStrings('__name__', 'up', 'job', 'api'))).toBe('up{job="api"}');
    expect(formatMetric(Labels.fromStrings('__name__', 'up'))).toBe('up');
    expect(formatMetric(Labels.fromStrings('__name__', 'my.metric', 'a.b', 'c'))).toBe('{"my.metric", "a.b"="c"}');
    expect(formatMetric(Labels.fromStrings('a', 'b'))).toBe('{a="b"}');
  });

  it('round-trips toString and formatMetric over arbitrary Unicode names and values', () => {
    const str = fc.string({ unit: codePoint, minLength: 1, maxLength: 12 });
    const special = fc.constantFrom('__name__', 'a', 'a:b', 'é', '"', '\\', '\n', '\u00a0', '\x7f', '😀', '`', "'");
    const name = fc.oneof(str, special);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.oneof(str, special)), { minLength: 1, maxLength: 6 }), (pairs) => {
        const ls = Labels.fromStrings(...pairs.flat());
        if (ls.isEmpty()) return;
        expect(parseMetric(ls.toString()).equals(ls)).toBe(true);
        expect(parseMetric(formatMetric(ls)).equals(ls)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
