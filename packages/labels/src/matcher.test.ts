import { describe, expect, it } from 'vitest';
import { RegexSyntaxError } from './errors.js';
import { Labels } from './labels.js';
import { Matcher, MatchType, matchTypeToString } from './matcher.js';

const { Equal, NotEqual, Regexp, NotRegexp } = MatchType;

/** Matches a label set as a querier does: an absent label is the empty value. */
function selects(m: Matcher, ls: Labels): boolean {
  return m.matches(ls.get(m.name));
}

describe('Matcher', () => {
  it('inverse flips the operator and matches exactly the other values', () => {
    const values = ['', 'api', 'API', 'web', 'a\nb', 'apiserver'];
    for (const [type, value] of [
      [Equal, 'api'],
      [NotEqual, 'api'],
      [Regexp, '(?i)api|web'],
      [NotRegexp, 'api.*'],
      [Regexp, ''],
    ] as const) {
      const m = new Matcher(type, 'job', value);
      const inv = m.inverse();
      expect(inv.name).toBe('job');
      expect(inv.value).toBe(value);
      expect(inv.inverse().type).toBe(type);
      for (const v of values) expect(inv.matches(v), `${m} on ${JSON.stringify(v)}`).toBe(!m.matches(v));
    }
    expect(new Matcher(Regexp, 'a', 'x|y').inverse().toString()).toBe('a!~"x|y"');
  });

  // Each row cites the rule in Prometheus's documentation (../shared/reference) it checks.
  it.each([
    // querying/basics.md: `=` exact, `!=` not equal.
    [Equal, 'job', 'api', 'api', true],
    [Equal, 'job', 'api', 'API', false],
    [NotEqual, 'method', 'GET', 'POST', true],
    [NotEqual, 'method', 'GET', 'GET', false],
    // basics.md: "Regex matches are fully anchored. A match of env=~"foo" is treated as env=~"^foo$"".
    [Regexp, 'env', 'foo', 'foo', true],
    [Regexp, 'env', 'foo', 'foobar', false],
    [Regexp, 'env', 'foo', 'xfoo', false],
    [Regexp, 'env', '^foo$', 'foo', true],
    [Regexp, 'env', 'foo|bar', 'foobar', false],
    // basics.md example: environment=~"staging|testing|development".
    [Regexp, 'environment', 'staging|testing|development', 'testing', true],
    [Regexp, 'environment', 'staging|testing|development', 'production', false],
    // basics.md: replica=~"rep.*"; {__name__=~"job:.*"}.
    [Regexp, 'replica', 'rep.*', 'rep-b', true],
    [Regexp, '__name__', 'job:.*', 'job:http_requests:rate5m', true],
    [Regexp, '__name__', 'job:.*', 'http_requests_total', false],
    // basics.md: `.*` matches the empty value, `.+` does not ({job=~".*"} vs {job=~".+"}).
    [Regexp, 'job', '.*', '', true],
    [Regexp, 'job', '.+', '', false],
    [NotRegexp, 'job', '.+', '', true],
    // basics.md "Regular expressions": RE2 syntax, so (?i) flags, \pL classes, \z, named groups.
    [Regexp, 'env', '(?i)PROD', 'prod', true],
    [Regexp, 'env', '(?i)prod|dev', 'DEV', true],
    [Regexp, 'name', '\\pL+', 'héllo', true],
    [Regexp, 'name', '\\p{Greek}+', 'λόγος', true],
    [Regexp, 'name', '[[:alpha:]]+', 'abc', true],
    [Regexp, 'name', '[[:alpha:]]+', 'ab1', false],
    [Regexp, 'name', '(?P<x>a)b', 'ab', true],
    [Regexp, 'name', 'a\\z', 'a', true],
    // Prometheus 3 compiles ^(?s:…)$: `.` matches a newline in a value.
    [Regexp, 'msg', 'a.b', 'a\nb', true],
    [Regexp, 'msg', '.*', 'line1\nline2', true],
    [Regexp, 'msg', '(?-s)a.b', 'a\nb', false],
    // data_model.md: values may hold any UTF-8; `.` is one code point, not one UTF-16 unit.
    [Regexp, 'emoji', '.', '😀', true],
    [Regexp, 'emoji', '..', '😀', false],
    [NotRegexp, 'env', 'prod|dev', 'staging', true],
    [NotRegexp, 'env', 'prod|dev', 'dev', false],
  ] as const)('%s %s %j on %j -> %s', (type, name, value, input, want) => {
    expect(new Matcher(type, name, value).matches(input)).toBe(want);
  });

  it('basics.md: matchers that match the empty value select series without the label', () => {
    // Dataset from basics.md: http_requests_total{environment=""} selects the first three only.
    const series = [
      Labels.fromStrings('__name__', 'http_requests_total'),
      Labels.fromStrings('__name__', 'http_requests_total', 'replica', 'rep-a'),
      Labels.fromStrings('__name__', 'http_requests_total', 'replica', 'rep-b'),
      Labels.fromStrings('__name__', 'http_requests_total', 'environment', 'development'),
    ];
    const m = new Matcher(Equal, 'environment', '');
    expect(series.map((s) => selects(m, s))).toEqual([true, true, true, false]);
    // replica!="rep-a",replica=~"rep.*" selects only rep-b.
    const both = [new Matcher(NotEqual, 'replica', 'rep-a'), new Matcher(Regexp, 'replica', 'rep.*')];
    expect(series.map((s) => both.every((x) => selects(x, s)))).toEqual([false, false, true, false]);
  });

  it.each([
    [Equal, 'job', 'api', 'job="api"'],
    [NotEqual, 'job', 'api', 'job!="api"'],
    [Regexp, 'job', 'a|b', 'job=~"a|b"'],
    [NotRegexp, 'job', 'a\\.b', 'job!~"a\\\\.b"'],
    [Equal, 'my.label', 'x', '"my.label"="x"'],
    [Equal, 'a:b', 'x', '"a:b"="x"'],
    [Equal, '', 'x', '""="x"'],
    [Equal, '__name__', 'up', '__name__="up"'],
    [Equal, 'msg', 'a"b\n', 'msg="a\\"b\\n"'],
    [Equal, 'ünï', '😀', '"ünï"="😀"'],
  ] as const)('toString(%s %j %j) = %s', (type, name, value, want) => {
    expect(new Matcher(type, name, value).toString()).toBe(want);
  });

  it('matchTypeToString', () => {
    expect([Equal, NotEqual, Regexp, NotRegexp].map(matchTypeToString)).toEqual(['=', '!=', '=~', '!~']);
    expect(() => matchTypeToString(7 as MatchType)).toThrow();
  });

  it("rejects invalid regexes with a typed error carrying Go's message", () => {
    expect(() => new Matcher(Regexp, 'a', 'x(')).toThrow(RegexSyntaxError);
    expect(() => new Matcher(NotRegexp, 'a', '(a)\\1')).toThrow('error parsing regexp: invalid escape sequence: `\\1`');
    expect(() => new Matcher(Equal, 'a', 'x(')).not.toThrow(); // Only regex matchers compile their value.
  });

  it('exposes the regex analysis', () => {
    expect(new Matcher(Regexp, 'a', 'x|y').setMatches()).toEqual(['x', 'y']);
    expect(new Matcher(Equal, 'a', 'x|y').setMatches()).toBeUndefined();
    expect(new Matcher(Regexp, 'a', 'foo.*').prefix()).toBe('foo');
    expect(new Matcher(Equal, 'a', 'foo').prefix()).toBe('');
    expect(new Matcher(Regexp, 'a', 'foo').prefix()).toBe(''); // As Prometheus: set matches instead.
    expect(new Matcher(Regexp, 'a', 'foo').setMatches()).toEqual(['foo']);
    expect(new Matcher(Regexp, 'a', '').isRegexOptimized()).toBe(true); // Prometheus emptyStringMatcher.
    expect(new Matcher(Regexp, 'a', '').matches('')).toBe(true);
    expect(new Matcher(Regexp, 'a', '').matches('x')).toBe(false);
    expect(new Matcher(Regexp, 'a', '.*foo.*').isRegexOptimized()).toBe(true);
    expect(new Matcher(Equal, 'a', 'foo').isRegexOptimized()).toBe(false);
  });
});
