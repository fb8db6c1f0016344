import { describe, expect, it } from 'vitest';
import { Entry, OpenMetricsParser, ParseError } from './index.js';
import { collect, thrown } from './testing/collect.js';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string, skipCreatedSeries = false) => collect(new OpenMetricsParser(enc(s), { skipCreatedSeries }));

describe('OpenMetricsParser: valid bodies', () => {
  it('reads every metric type with metadata, units, timestamps and exemplars', () => {
    const body = `# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# TYPE go_gc_duration_seconds summary
# UNIT go_gc_duration_seconds seconds
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.25"} 7.424100000000001e-05
go_gc_duration_seconds_sum 0.025
go_gc_duration_seconds_count 12
# TYPE rpc counter
rpc_total{a="1"} 10 1520879607.789 # {id="counter-test"} 5
rpc_created{a="1"} 1520872607.123
# TYPE hh histogram
hh_bucket{le="+Inf"} 1 # {} 4
hh_count 1
hh_sum 4
# TYPE gh gaugehistogram
gh_gbucket{le="+Inf"} 1
gh_gcount 1
gh_gsum 2
# TYPE ii info
ii_info{foo="bar"} 1
# TYPE ss stateset
ss{ss="a"} 1
ss{ss="b"} 0
# TYPE un unknown
un 1.5
# TYPE g gauge
# HELP g Escaped \\" \\\\ \\n done
g{"dotted.label"="a\\"b\\\\c\\nd"} -1 -2.5
{"my.metric",x="y"} 3
# EOF
`;
    expect(parse(body)).toEqual([
      { help: ['go_gc_duration_seconds', 'A summary of the GC invocation durations.'] },
      { type: ['go_gc_duration_seconds', 'summary'] },
      { unit: ['go_gc_duration_seconds', 'seconds'] },
      {
        series: 'go_gc_duration_seconds{quantile="0"}',
        labels: '{__name__="go_gc_duration_seconds", quantile="0.0"}',
        value: 4.9351e-5,
      },
      {
        series: 'go_gc_duration_seconds{quantile="0.25"}',
        labels: '{__name__="go_gc_duration_seconds", quantile="0.25"}',
        value: 7.424100000000001e-5,
      },
      { series: 'go_gc_duration_seconds_sum', labels: '{__name__="go_gc_duration_seconds_sum"}', value: 0.025 },
      { series: 'go_gc_duration_seconds_count', labels: '{__name__="go_gc_duration_seconds_count"}', value: 12 },
      { type: ['rpc', 'counter'] },
      {
        series: 'rpc_total{a="1"}',
        labels: '{__name__="rpc_total", a="1"}',
        value: 10,
        t: 1520879607789,
        ct: 1520872607123,
        exemplar: { labels: '{id="counter-test"}', value: 5 },
      },
      {
        series: 'rpc_created{a="1"}',
        labels: '{__name__="rpc_created", a="1"}',
        value: 1520872607.123,
      },
      { type: ['hh', 'histogram'] },
      {
        series: 'hh_bucket{le="+Inf"}',
        labels: '{__name__="hh_bucket", le="+Inf"}',
        value: 1,
        exemplar: { labels: '{}', value: 4 },
      },
      { series: 'hh_count', labels: '{__name__="hh_count"}', value: 1 },
      { series: 'hh_sum', labels: '{__name__="hh_sum"}', value: 4 },
      { type: ['gh', 'gaugehistogram'] },
      { series: 'gh_gbucket{le="+Inf"}', labels: '{__name__="gh_gbucket", le="+Inf"}', value: 1 },
      { series: 'gh_gcount', labels: '{__name__="gh_gcount"}', value: 1 },
      { series: 'gh_gsum', labels: '{__name__="gh_gsum"}', value: 2 },
      { type: ['ii', 'info'] },
      { series: 'ii_info{foo="bar"}', labels: '{__name__="ii_info", foo="bar"}', value: 1 },
      { type: ['ss', 'stateset'] },
      { series: 'ss{ss="a"}', labels: '{__name__="ss", ss="a"}', value: 1 },
      { series: 'ss{ss="b"}', labels: '{__name__="ss", ss="b"}', value: 0 },
      { type: ['un', 'unknown'] },
      { series: 'un', labels: '{__name__="un"}', value: 1.5 },
      { type: ['g', 'gauge'] },
      { help: ['g', 'Escaped " \\ \n done'] },
      {
        series: 'g{"dotted.label"="a\\"b\\\\c\\nd"}',
        labels: '{__name__="g", "dotted.label"="a\\"b\\\\c\\nd"}',
        value: -1,
        t: -2500,
      },
      { series: '{"my.metric",x="y"}', labels: '{__name__="my.metric", x="y"}', value: 3 },
    ]);
  });

  it('gives series of a histogram the created timestamp of the `_created` line after them', () => {
    const body = `# TYPE foo histogram
foo_bucket{le="0.1",a="b"} 1
foo_bucket{le="+Inf",a="b"} 2
foo_count{a="b"} 2
foo_sum{a="b"} 3
foo_created{a="b"} 1000.5
foo_bucket{le="+Inf",a="c"} 1
foo_count{a="c"} 1
foo_sum{a="c"} 1
foo_created{a="c"} 2000
# TYPE bar counter
bar_total 1
# TYPE baz summary
baz_count 1
baz_sum 2
# EOF
`;
    const cts = parse(body).flatMap((e) => ('series' in e ? [[e.series, e.ct]] : []));
    expect(cts).toEqual([
      ['foo_bucket{le="0.1",a="b"}', 1000500],
      ['foo_bucket{le="+Inf",a="b"}', 1000500],
      ['foo_count{a="b"}', 1000500],
      ['foo_sum{a="b"}', 1000500],
      // A `_created` line looks for the next one, which is for other labels.
      ['foo_created{a="b"}', undefined],
      ['foo_bucket{le="+Inf",a="c"}', 2000000],
      ['foo_count{a="c"}', 2000000],
      ['foo_sum{a="c"}', 2000000],
      ['foo_created{a="c"}', undefined],
      ['bar_total', undefined],
      ['baz_count', undefined],
      ['baz_sum', undefined],
    ]);
  });

  it('finds no created timestamp when the next `_created` line is for other labels', () => {
    const body = '# TYPE c counter\nc_total{a="1"} 1\nc_total{a="2"} 1\nc_created{a="2"} 5\n# EOF\n';
    const cts = parse(body).flatMap((e) => ('series' in e ? [e.ct] : []));
    expect(cts).toEqual([undefined, 5000, undefined]);
  });

  it('skips `_created` series when asked, keeping their timestamps', () => {
    const body = '# TYPE c counter\nc_total 1\nc_created 5\n# TYPE g gauge\ng_created 1\n# EOF\n';
    expect(parse(body, true)).toEqual([
      { type: ['c', 'counter'] },
      { series: 'c_total', labels: '{__name__="c_total"}', value: 1, ct: 5000 },
      { type: ['g', 'gauge'] },
      { series: 'g_created', labels: '{__name__="g_created"}', value: 1 },
    ]);
  });

  it('reads exemplars with timestamps and quoted names', () => {
    const p = new OpenMetricsParser(enc('a_total 1 # {"trace.id"="x\\"y",b="2"} 0.5 123.456\n# EOF'));
    expect(p.next()).toBe(Entry.Series);
    const ex = p.exemplar()!;
    expect(ex.labels.toString()).toBe('{b="2", "trace.id"="x\\"y"}');
    expect(ex).toMatchObject({ value: 0.5, ts: 123456, hasTs: true });
    expect(p.exemplar()).toBeUndefined();
    expect(p.next()).toBe(Entry.EOF);
  });

  it('accepts # EOF with or without a final newline', () => {
    expect(parse('a 1\n# EOF')).toHaveLength(1);
    expect(parse('# EOF\n')).toEqual([]);
  });
});

describe('OpenMetricsParser: malformed bodies', () => {
  const cases: [string, string, string][] = [
    ['a 1\n', 'data does not end with # EOF', '2:1'],
    ['', 'data does not end with # EOF', '1:1'],
    ['# EOF\na 1\n', 'unexpected data after # EOF', '2:1'],
    ['# EOF\n\n', 'unexpected data after # EOF', '2:1'],
    ['a  1\n# EOF\n', 'expected value after metric, got " " ("INVALID") while parsing: "a "', '1:2'],
    ['\na 1\n# EOF\n', 'expected a valid start token, got "\\n" ("INVALID") while parsing: "\\n"', '1:1'],
    ['  a 1\n# EOF\n', 'expected a valid start token, got " " ("INVALID") while parsing: " "', '1:1'],
    ['a{b="c", d="e"} 1\n# EOF\n', 'expected label name, got " " ("INVALID") while parsing: "a{b=\\"c\\", "', '1:9'],
    [
      'a{b="c"d="e"} 1\n# EOF\n',
      'expected comma or brace close, got "d=" ("LNAME") while parsing: "a{b=\\"c\\"d="',
      '1:8',
    ],
    [
      'a 1 # {b="c"}\n# EOF\n',
      'expected value after exemplar labels, got "\\n" ("INVALID") while parsing: "a 1 # {b=\\"c\\"}\\n"',
      '1:14',
    ],
    [
      'a 1 # {b="c"} 1 2 3\n# EOF\n',
      'expected next entry after exemplar timestamp, got " 3\\n" ("TIMESTAMP") while parsing: "a 1 # {b=\\"c\\"} 1 2 3\\n"',
      '1:18',
    ],
    [
      'a 1 2 3\n# EOF\n',
      'expected next entry after timestamp, got " 3\\n" ("TIMESTAMP") while parsing: "a 1 2 3\\n"',
      '1:6',
    ],
    ['a 1 NaN\n# EOF\n', 'invalid timestamp NaN', '1:5'],
    ['a 1 # {b="c"} 1 Inf\n# EOF\n', 'invalid exemplar timestamp +Inf', '1:17'],
    ['a 1 x\n# EOF\n', 'strconv.ParseFloat: parsing "x": invalid syntax while parsing: "a 1 x"', '1:5'],
    ['a{"b"} 1\n# EOF\n', 'metric name already set while parsing: "a{\\"b\\"}"', '1:3'],
    ['a 1 # {"b"} 2\n# EOF\n', 'expected equal, got "} " ("BCLOSE") while parsing: "a 1 # {\\"b\\"} "', '1:11'],
    ['# TYPE a foo\n# EOF\n', 'invalid metric type "foo"', '1:10'],
    ['# HELP a\n# EOF\n', 'expected text in HELP', '1:9'],
    ['# UNIT a_seconds bytes\n# EOF\n', 'unit "bytes" not a suffix of metric "a_seconds"', '1:18'],
    ['# UNIT seconds seconds\n# EOF\n', 'unit "seconds" not a suffix of metric "seconds"', '1:16'],
    ['# random comment\n# EOF\n', 'expected a valid start token, got "r" ("INVALID") while parsing: "# r"', '1:3'],
    ['a{b="c\nd"} 1\n# EOF\n', 'expected label value, got "\\"" ("INVALID") while parsing: "a{b=\\""', '1:5'],
    [
      'a{b="c"} 1\r\n# EOF\n',
      'strconv.ParseFloat: parsing "1\\r": invalid syntax while parsing: "a{b=\\"c\\"} 1\\r"',
      '1:10',
    ],
  ];

  it.each(cases)('%j', (input, reason, where) => {
    const err = thrown(() => collect(new OpenMetricsParser(enc(input))));
    expect(err).toBeInstanceOf(ParseError);
    const pe = err as ParseError;
    expect(pe.reason).toBe(reason);
    expect(`${pe.line}:${pe.column}`).toBe(where);
  });
});
