import { describe, expect, it } from 'vitest';
import { Entry, NormalNaN, ParseError, PromParser } from './index.js';
import { collect, f64Bits, thrown } from './testing/collect.js';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string) => collect(new PromParser(enc(s)));

describe('PromParser: valid bodies', () => {
  it('reads the format specification example', () => {
    const body = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045
`;
    expect(parse(body)).toEqual([
      { help: ['http_requests_total', 'The total number of HTTP requests.'] },
      { type: ['http_requests_total', 'counter'] },
      {
        series: 'http_requests_total{method="post",code="200"}',
        labels: '{__name__="http_requests_total", code="200", method="post"}',
        value: 1027,
        t: 1395066363000,
      },
      {
        series: 'http_requests_total{method="post",code="400"}',
        labels: '{__name__="http_requests_total", code="400", method="post"}',
        value: 3,
        t: 1395066363000,
      },
      { comment: '# Escaping in label values:' },
      {
        series:
          'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""}',
        labels:
          '{__name__="msdos_file_access_time_seconds", error="Cannot find file:\\n\\"FILE.TXT\\"", path="C:\\\\DIR\\\\FILE.TXT"}',
        value: 1.458255915e9,
      },
      { comment: '# Minimalistic line:' },
      {
        series: 'metric_without_timestamp_and_labels',
        labels: '{__name__="metric_without_timestamp_and_labels"}',
        value: 12.47,
      },
      { comment: '# A weird metric from before the epoch:' },
      {
        series: 'something_weird{problem="division by zero"}',
        labels: '{__name__="something_weird", problem="division by zero"}',
        value: Number.POSITIVE_INFINITY,
        t: -3982045,
      },
    ]);
  });

  it('resolves \\\\, \\" and \\n in label values and keeps other escapes as written', () => {
    const p = new PromParser(enc('m{a="x\\\\y",b="q\\"q",c="l\\nl",d="t\\tt"} 1\n'));
    expect(p.next()).toBe(Entry.Series);
    const ls = p.labels();
    expect(ls.get('a')).toBe('x\\y');
    expect(ls.get('b')).toBe('q"q');
    expect(ls.get('c')).toBe('l\nl');
    expect(ls.get('d')).toBe('t\\tt');
  });

  it('reads UTF-8 metric and label names in quotes', () => {
    expect(
      parse('{"my.dotted.metric", "error.message"="Not Found"} 1\n{"a\\"q", b="c"} 2\nfoo{"ü.x"="ä",} 3\n'),
    ).toEqual([
      {
        series: '{"my.dotted.metric", "error.message"="Not Found"}',
        labels: '{__name__="my.dotted.metric", "error.message"="Not Found"}',
        value: 1,
      },
      { series: '{"a\\"q", b="c"}', labels: '{__name__="a\\"q", b="c"}', value: 2 },
      { series: 'foo{"ü.x"="ä",}', labels: '{__name__="foo", "ü.x"="ä"}', value: 3 },
    ]);
    // Metadata may name a quoted metric too.
    expect(parse('# TYPE "my.metric" gauge\n# HELP "my.metric" help\n')).toEqual([
      { type: ['my.metric', 'gauge'] },
      { help: ['my.metric', 'help'] },
    ]);
  });

  it('allows blanks and tabs between tokens, trailing commas, and blank lines', () => {
    expect(parse('\n \t\nfoo { a = "1" , b="2", }\t 3 \t 4\n  bar 5\n\n')).toEqual([
      { series: 'foo { a = "1" , b="2", }', labels: '{__name__="foo", a="1", b="2"}', value: 3, t: 4 },
      { series: '  bar', labels: '{__name__="bar"}', value: 5 },
    ]);
  });

  it('reads NaN, ±Inf and Go float forms', () => {
    const got = parse(
      'a NaN\nb nan\nc +Inf\nd -inf\ne Infinity\nf 1e3\ng .5\nh 5.\ni -0\nj 0x1\n'.replace('j 0x1\n', ''),
    );
    const vals = got.map((e) => ('value' in e ? e.value : undefined));
    expect(f64Bits(vals[0]!)).toBe(f64Bits(NormalNaN));
    expect(f64Bits(vals[1]!)).toBe(0x7ff8000000000001n);
    expect(vals.slice(2)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      1000,
      0.5,
      5,
      -0,
    ]);
    expect(Object.is(vals[8], -0)).toBe(true);
  });

  it('normalizes le of histograms and quantile of summaries (Prometheus 3)', () => {
    const body = `# TYPE h histogram
h_bucket{le="1"} 1
h_bucket{le="0.5e1"} 2
h_bucket{le="1000000"} 3
h_bucket{le="+inf"} 4
h_bucket{le="x"} 5
# TYPE s summary
s{quantile="0.50"} 1
s{quantile="1"} 2
# TYPE g gauge
g{le="1",quantile="1"} 3
`;
    const labels = parse(body).flatMap((e) => ('labels' in e ? [e.labels] : []));
    expect(labels).toEqual([
      '{__name__="h_bucket", le="1.0"}',
      '{__name__="h_bucket", le="5.0"}',
      '{__name__="h_bucket", le="1e+06"}',
      '{__name__="h_bucket", le="+Inf"}',
      '{__name__="h_bucket", le="x"}',
      '{__name__="s", quantile="0.5"}',
      '{__name__="s", quantile="1.0"}',
      '{__name__="g", le="1", quantile="1"}',
    ]);
  });

  it('reads every TYPE and keeps the last declared type for the series after it', () => {
    const p = new PromParser(enc('# TYPE a untyped\n# TYPE b counter\nb 1\n'));
    expect(p.next()).toBe(Entry.Type);
    expect(p.type()).toBe('unknown');
    expect(p.next()).toBe(Entry.Type);
    expect(p.type()).toBe('counter');
    expect(p.next()).toBe(Entry.Series);
    expect(p.type()).toBe('counter');
    expect(p.next()).toBe(Entry.EOF);
  });

  it('keeps HELP escapes of the text format (\\\\ and \\n only) and one blank of spacing', () => {
    expect(parse('# HELP a x\\\\y\\nz \\"q\\"\n# HELP b  two\n# HELP c\n#\tHELP\td\tt\n')).toEqual([
      { help: ['a', 'x\\y\nz \\"q\\"'] },
      { help: ['b', ' two'] },
      { help: ['c', ''] },
      { help: ['d', 't'] },
    ]);
  });

  it('treats other # lines as comments, also at the end without a newline', () => {
    expect(parse('#no space\n# HELPER x\n# TYPE\n# random words\n#')).toEqual([
      { comment: '#no space' },
      { comment: '# HELPER x' },
      { comment: '# TYPE' },
      { comment: '# random words' },
    ]);
  });

  it('reports a label name given twice', () => {
    const p = new PromParser(enc('a{b="1",c="2",b="3"} 1\nd{__name__="x"} 1\ne{f="1"} 1\n'));
    p.next();
    p.labels();
    expect(p.duplicateLabelName()).toBe('b');
    p.next();
    p.labels();
    expect(p.duplicateLabelName()).toBe('__name__');
    p.next();
    p.labels();
    expect(p.duplicateLabelName()).toBeUndefined();
  });

  it('drops labels with empty values', () => {
    expect(parse('a{b="",c="1"} 1\n')[0]).toMatchObject({ labels: '{__name__="a", c="1"}' });
  });

  it('series() is the key of the line: equal text, equal key', () => {
    const p = new PromParser(enc('a{b="1"} 1\na{b="1"} 2 3\n'));
    p.next();
    const k1 = p.series();
    p.next();
    expect(p.series()).toBe(k1);
  });

  it('accepts a string body as well as bytes, and invalid UTF-8 outside names and values', () => {
    expect(parse('a 1\n')).toEqual(collect(new PromParser('a 1\n')));
    const bytes = new Uint8Array([...enc('# comment '), 0xff, 0xfe, ...enc('\na 1\n')]);
    expect(collect(new PromParser(bytes))).toMatchObject([{ comment: '# comment \udcff\udcfe' }, { value: 1 }]);
  });

  it('reads an empty body and ends at a NUL byte as Prometheus does', () => {
    expect(parse('')).toEqual([]);
    expect(parse('a 1\n\0b 2\n')).toEqual([{ series: 'a', labels: '{__name__="a"}', value: 1 }]);
  });
});

describe('PromParser: malformed bodies', () => {
  // Each with Prometheus's message (model/textparse/promparse_test.go) and where it is.
  const cases: [string, string, string][] = [
    ['a', 'expected value after metric, got "" ("EOF") while parsing: "a"', '1:2'],
    ["a{b='c'} 1\n", `expected label value, got "'" ("INVALID") while parsing: "a{b='"`, '1:5'],
    ['a{b=\n', 'expected label value, got "\\n" ("INVALID") while parsing: "a{b=\\n"', '1:5'],
    ['a{\xff="foo"} 1\n', 'expected label name, got "ÿ" ("INVALID") while parsing: "a{ÿ"', '1:3'],
    ['a{b="\\xff"} 1\n', 'invalid UTF-8 label value: "\\"\\xff\\""', '1:5'],
    ['a true\n', 'strconv.ParseFloat: parsing "true": invalid syntax while parsing: "a true"', '1:3'],
    [
      'something_weird{problem="',
      'expected label value, got "\\"" ("INVALID") while parsing: "something_weird{problem=\\""',
      '1:25',
    ],
    [
      'empty_label_name{=""} 0',
      'expected label name, got "=\\"" ("EQUAL") while parsing: "empty_label_name{=\\""',
      '1:18',
    ],
    ['foo 1_2\n', 'unsupported character in float while parsing: "foo 1_2"', '1:5'],
    ['foo 0x1p-3\n', 'unsupported character in float while parsing: "foo 0x1p-3"', '1:5'],
    ['foo 0x1P-3\n', 'unsupported character in float while parsing: "foo 0x1P-3"', '1:5'],
    ['foo 0 1_2\n', 'expected next entry after timestamp, got "_" ("INVALID") while parsing: "foo 0 1_"', '1:8'],
    ['{a="ok"} 1\n', 'metric name not set while parsing: "{a=\\"ok\\"} 1"', '1:1'],
    ['# TYPE #\n#EOF\n', 'expected metric name after TYPE, got "#" ("INVALID") while parsing: "# TYPE #"', '1:8'],
    ['# TYPE foo bar\n', 'invalid metric type "bar"', '1:12'],
    ['# TYPE foo counter \n', 'invalid metric type "counter "', '1:12'],
    ['# TYPE foo\n', 'invalid metric type ""', '1:11'],
    ['foo 1\nbar 2 x\n', 'expected timestamp or new record, got "x" ("INVALID") while parsing: "bar 2 x"', '2:7'],
    [
      'foo 1 2 3\n',
      'expected next entry after timestamp, got "3\\n" ("TIMESTAMP") while parsing: "foo 1 2 3\\n"',
      '1:9',
    ],
    ['foo 1e400\n', 'strconv.ParseFloat: parsing "1e400": value out of range while parsing: "foo 1e400"', '1:5'],
    [
      'foo 1 99999999999999999999\n',
      'strconv.ParseInt: parsing "99999999999999999999": value out of range while parsing: "foo 1 99999999999999999999"',
      '1:7',
    ],
    // A quoted string followed by `,` or `}` is a metric name, so a second one is an error.
    ['{"a", "b"} 1\n', 'metric name already set while parsing: "{\\"a\\", \\"b\\"}"', '1:7'],
    ['{"a", "b"="c", "d"} 1\n', 'metric name already set while parsing: "{\\"a\\", \\"b\\"=\\"c\\", \\"d\\"}"', '1:16'],
    ['1a 1\n', 'expected a valid start token, got "1" ("INVALID") while parsing: "1"', '1:1'],
    ['foo{a="1"}\n', 'expected value after metric, got "\\n" ("INVALID") while parsing: "foo{a=\\"1\\"}\\n"', '1:11'],
    ['foo 1\r\n', 'strconv.ParseFloat: parsing "1\\r": invalid syntax while parsing: "foo 1\\r"', '1:5'],
    ['\ufefffoo 1\n', 'expected a valid start token, got "\ufeff" ("INVALID") while parsing: "\ufeff"', '1:1'],
    ['# HELP foo \\xff\n', 'help text "\\xff" is not a valid utf8 string', '1:12'],
  ];

  it.each(cases)('%j', (input, reason, where) => {
    const bytes = enc(input).map((b) => b);
    // Bytes written as \xff in the table stand for that raw byte (invalid UTF-8).
    const raw =
      input.includes('\\xff') && !input.startsWith('#')
        ? rawBytes(input)
        : input.startsWith('# HELP')
          ? rawBytes(input)
          : bytes;
    const err = thrown(() => collect(new PromParser(raw)));
    expect(err).toBeInstanceOf(ParseError);
    const pe = err as ParseError;
    expect(pe.reason).toBe(reason);
    expect(`${pe.line}:${pe.column}`).toBe(where);
    expect(pe.message).toBe(`line ${pe.line}, column ${pe.column} (byte ${pe.offset}): ${reason}`);
  });

  it('gives the byte offset of the problem, counting UTF-8 bytes', () => {
    const err = thrown(() => collect(new PromParser(enc('ä{"ö"="ü"} 1\n')))) as ParseError;
    expect(err.column).toBe(1);
    const err2 = thrown(() => collect(new PromParser(enc('{"ö", "ü"="x"} y\n')))) as ParseError;
    expect(err2.reason).toBe(
      'strconv.ParseFloat: parsing "y": invalid syntax while parsing: "{\\"ö\\", \\"ü\\"=\\"x\\"} y"',
    );
    expect(err2.column).toBe(16);
    expect(err2.offset).toBe(17);
  });
});

/** `input` with each `\xHH` written in it turned into that raw byte. */
function rawBytes(input: string): Uint8Array {
  const parts = input.split(/\\x([0-9a-f]{2})/);
  const out: number[] = [];
  parts.forEach((p, i) => {
    if (i % 2 === 1) out.push(Number.parseInt(p, 16));
    else out.push(...new TextEncoder().encode(p));
  });
  return new Uint8Array(out);
}
