// Go text/template constructs and builtins through the public API. Expected outputs are Go's
// (checked against promtool 2.42 where 2.42 has the feature; Go 1.22+/1.23+ features, which
// Prometheus 3 has, are marked).
import { describe, expect, it } from 'vitest';
import {
  alertTemplateData,
  Expander,
  type ExpanderOptions,
  TemplateError,
  TemplateExecError,
  TemplateParseError,
  type TemplateSample,
} from './index.js';

const DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';
const LABELS = { __name__: 'm', instance: 'db1.example.com:9100', job: 'node' };
const DATA = alertTemplateData(LABELS, { env: 'prod' }, 'http://prom', 1234567.5);

const SAMPLES: TemplateSample[] = [
  { labels: { __name__: 'disk', device: 'sda' }, value: 3.5e9 },
  { labels: { __name__: 'disk', device: 'md1' }, value: 0.25 },
  { labels: { __name__: 'disk', device: 'nvme0' }, value: 2048 },
];

async function run(text: string, opts: Partial<ExpanderOptions> = {}, data: unknown = DATA): Promise<string> {
  const queryFunc = async (q: string): Promise<readonly TemplateSample[]> => {
    if (q === 'disk') return SAMPLES.map((s) => ({ ...s }));
    if (q === 'none') return [];
    throw new Error(`unknown query ${q}`);
  };
  return new Expander(DEFS + text, '__alert_X', data, { timestampMs: 120_000, queryFunc, ...opts }).expand();
}

async function runErr(text: string, opts: Partial<ExpanderOptions> = {}): Promise<TemplateError> {
  try {
    await run(text, opts);
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error(`${text} expanded without error`);
}

describe('values, variables and fields', () => {
  it.each([
    ['{{ $value }} {{ .Value }}', '1.2345675e+06 1.2345675e+06'],
    [
      '{{ $labels.instance }} {{ .Labels.job }} {{ $externalLabels.env }} {{ $externalURL }}',
      'db1.example.com:9100 node prod http://prom',
    ],
    ['{{ .Labels.missing }}', '<no value>'],
    ['{{ index .Labels "missing" }}|{{ index .Labels "job" }}', '|node'],
    ['{{ .Labels }}', 'map[__name__:m instance:db1.example.com:9100 job:node]'],
    ['{{ . }}', '{map[__name__:m instance:db1.example.com:9100 job:node] map[env:prod] http://prom 1.2345675e+06}'],
    ['{{ $x := 1 }}{{ $x }}{{ $x = "two" }} {{ $x }}', '1 two'],
    ['{{ $ }}', '{map[__name__:m instance:db1.example.com:9100 job:node] map[env:prod] http://prom 1.2345675e+06}'],
    [
      '{{ 1 }} {{ 1.0 }} {{ 1e3 }} {{ 1e6 }} {{ 123456789.0 }} {{ 0.0001 }} {{ 0.00001 }}',
      '1 1 1000 1e+06 1.23456789e+08 0.0001 1e-05',
    ],
    ["{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 1_000 }} {{ 'a' }} {{ -2 }} {{ +3 }} {{ 0x1p4 }}", '31 15 15 1000 97 -2 3 16'],
    ['{{ true }} {{ false }} {{ "s" }} {{ `raw\\n` }}', 'true false s raw\\n'],
    ['{{ (1) }} {{ ("x" | printf "%s!") }}', '1 x!'],
  ])('%s', async (text, want) => {
    expect(await run(text)).toBe(want);
  });

  it('reads plain data as Go maps, slices and scalars', async () => {
    const data = { a: { b: 'c' }, list: ['x', 'y'], n: 2.5, i: 3n, t: true, empty: {} };
    expect(
      await run('{{ .a.b }} {{ index .list 1 }} {{ .n }} {{ .i }} {{ .t }} {{ len .empty }} {{ .list }}', {}, data),
    ).toBe('c y 2.5 3 true 0 [x y]');
  });

  it('follows missingkey', async () => {
    expect(await run('[{{ .Labels.nope }}]', { options: ['missingkey=zero'] })).toBe('[]');
    expect(await run('[{{ .Labels.nope }}]', { options: ['missingkey=default'] })).toBe('[<no value>]');
    expect((await runErr('{{ .Labels.nope }}', { options: ['missingkey=error'] })).message).toContain(
      'map has no entry for key "nope"',
    );
    expect((await runErr('{{ .Labels.nope.x }}', { options: ['missingkey=zero'] })).message).toContain(
      "can't evaluate field x in type string",
    );
    await expect(run('x', { options: ['bogus'] })).rejects.toThrow(
      'panic expanding template __alert_X: unrecognized option: bogus',
    );
  });
});

describe('control structures', () => {
  it.each([
    ['{{ if gt $value 1e6 }}big{{ else if gt $value 1e3 }}medium{{ else }}small{{ end }}', 'big'],
    ['{{ if 0 }}a{{ else if "" }}b{{ else if .Labels.nope }}c{{ else }}d{{ end }}', 'd'],
    ['{{ if $x := .Labels.job }}{{ $x }}{{ end }}', 'node'],
    ['{{ with .Labels.job }}job={{ . }}{{ end }}{{ with .Labels.nope }}never{{ else }} none{{ end }}', 'job=node none'],
    // Go 1.23 (Prometheus 3): {{ else with }}.
    ['{{ with .Labels.nope }}a{{ else with .Labels.job }}b={{ . }}{{ else }}c{{ end }}', 'b=node'],
    ['{{ range $k, $v := .Labels }}{{ $k }}={{ $v }};{{ end }}', '__name__=m;instance=db1.example.com:9100;job=node;'],
    ['{{ range .Labels }}{{ . }},{{ end }}', 'm,db1.example.com:9100,node,'],
    ['{{ range $i, $e := query "disk" }}{{ $i }}:{{ $e.Labels.device }} {{ end }}', '0:sda 1:md1 2:nvme0 '],
    ['{{ range $e := query "disk" }}{{ $e.Value }} {{ end }}', '3.5e+09 0.25 2048 '],
    ['{{ range query "none" }}x{{ else }}no results{{ end }}', 'no results'],
    [
      '{{ range $i, $e := query "disk" }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $e.Labels.device }}{{ end }}',
      'sda',
    ],
    ['{{ $i := 0 }}{{ range $i = query "disk" }}{{ end }}{{ $i.Value }}', '2048'],
    // Go 1.22 (Prometheus 3): range over an integer.
    [
      '{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}|{{ range 0 }}x{{ else }}none{{ end }}',
      '012|01|none',
    ],
    ['{{ range $i, $e := .Labels }}{{ end }}{{ $labels.job }}', 'node'],
    ['{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" 5 }}{{ template "t" }}', '[5][<no value>]'],
    ['{{ define "args" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}{{ template "args" (args 1 "b") }}', '1-b'],
    ['{{ block "blk" .Labels.job }}block:{{ . }}{{ end }}', 'block:node'],
    [
      '{{ define "outer" }}{{ template "inner" . }}{{ end }}{{ define "inner" }}<{{ . }}>{{ end }}{{ template "outer" 7 }}',
      '<7>',
    ],
    ['a {{- /* c */ -}} b {{- " c " -}} d {{/* e */}}e\n  {{- "f" }}', 'ab c d ef'],
    ['{{ "a" }}  {{- "b" -}}  {{ "c" }}', 'abc'],
  ])('%s', async (text, want) => {
    expect(await run(text)).toBe(want);
  });

  it('keeps template calls from seeing the caller’s variables', async () => {
    const err = await runErr('{{ define "t" }}{{ $value }}{{ end }}{{ template "t" }}');
    expect(err).toBeInstanceOf(TemplateParseError);
    expect(err.message).toBe('error parsing template __alert_X: template: __alert_X:1: undefined variable "$value"');
  });

  it('stops runaway recursion', async () => {
    const err = await runErr('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" }}');
    expect(err.message).toContain('exceeded maximum template depth (100000)');
  }, 60_000);
});

describe('builtins', () => {
  it.each([
    ['{{ and 1 0 "x" }} {{ or 0 "" "x" }} {{ not 0 }} {{ and 1 2 }} {{ or 0 "" }}', '0 x true 2 '],
    // and/or stop at the deciding argument: the failing query is never run.
    ['{{ and 0 (query "boom") }} {{ or 1 (query "boom") }}', '0 1'],
    ['{{ len .Labels }} {{ len "héllo" }} {{ len (query "disk") }}', '3 6 3'],
    ['{{ index (query "disk") 1 }}', '{map[__name__:disk device:md1] 0.25}'],
    ['{{ slice "héllo" 1 3 }}|{{ index "é" 0 }}|{{ slice "abcdef" 2 }}', 'é|195|cdef'],
    ['{{ print 1.0 2 }}|{{ print "a" 1 2 "b" }}|{{ println "x" 1 }}', '1 2|a1 2b|x 1\n'],
    [
      '{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne 1.5 2.5 }} {{ lt "a" "b" }} {{ le 2 2 }} {{ gt 3.5 1.5 }} {{ ge 1 2 }}',
      'true true true true true true false',
    ],
    ['{{ eq .Labels.nope "x" }} {{ eq (safeHtml "a") "a" }}', 'false true'],
    ['{{ html "<a href=\'x\'>&</a>" }}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
    ['{{ js "it\'s \\"q\\" <b> a=b\\u0001é\\u2028" }}', 'it\\\'s \\"q\\" \\u003Cb\\u003E a\\u003Db\\u0001é\\u2028'],
    ['{{ urlquery "a b&c=d/é" }} {{ urlquery 1 2 }}', 'a+b%26c%3Dd%2F%C3%A9 1+2'],
  ])('%s', async (text, want) => {
    expect(await run(text)).toBe(want);
  });

  it.each([
    ['{{ eq $value 5 }}', 'error calling eq: incompatible types for comparison'],
    ['{{ lt .Labels.nope 1 }}', 'error calling lt: invalid type for comparison'],
    ['{{ lt true false }}', 'error calling lt: invalid type for comparison'],
    [
      '{{ eq .Labels .Labels }}',
      'error calling eq: non-comparable type map[__name__:m instance:db1.example.com:9100 job:node]: map[string]string',
    ],
    ['{{ eq 1 }}', 'error calling eq: missing argument for comparison'],
    ['{{ len 3 }}', 'error calling len: len of type int'],
    ['{{ index 1 0 }}', "error calling index: can't index item of type int"],
    ['{{ index .Labels 1 }}', 'error calling index: value has type int; should be string'],
    ['{{ index (query "disk") 9 }}', 'error calling index: index out of range: 9'],
    ['{{ slice "abc" 2 1 }}', 'error calling slice: invalid slice index: 2 > 1'],
    ['{{ call 1 }}', 'error calling call: non-function of type int'],
  ])('%s fails: %s', async (text, want) => {
    expect((await runErr(text)).message).toContain(want);
  });
});

describe('errors', () => {
  it('name the template, line, column and node as Go does, wrapped as Prometheus wraps them', async () => {
    const err = await runErr('{{ humanize "abc" }}');
    expect(err).toBeInstanceOf(TemplateExecError);
    expect(err.message).toBe(
      'error executing template __alert_X: template: __alert_X:1:115: executing "__alert_X" at <humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax',
    );
    expect(err.goMessage).toBe(err.message.slice('error executing template __alert_X: '.length));
    expect([err.templateName, err.line, err.column]).toEqual(['__alert_X', 1, 115]);
  });

  it('count lines and UTF-8 byte columns', async () => {
    // A chain of fields is at its second field, as Go's parser places it.
    const err = await runErr('é\n  {{ .Labels.job.x }}');
    expect(err.goMessage).toBe(
      'template: __alert_X:2:12: executing "__alert_X" at <.Labels.job.x>: can\'t evaluate field x in type string',
    );
    expect([err.line, err.column]).toEqual([2, 12]);
    const err2 = await runErr('é{{ $value.x }}');
    expect(err2.column).toBe(123); // DEFS (112 bytes), é (2 bytes), `{{ $value`: at `.x`.
  });

  it.each([
    [
      '{{ .Foo }}',
      "at <.Foo>: can't evaluate field Foo in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }",
    ],
    ['{{ .Labels.job 1 }}', 'at <.Labels.job>: job is not a method but has arguments'],
    ['{{ "x" 1 }}', 'at <"x">: can\'t give argument to non-function "x"'],
    ['{{ 1 | printf }}', 'at <printf>: wrong type for value; expected string; got int'],
    ['{{ printf }}', 'at <printf>: wrong number of args for printf: want at least 1 got 0'],
    ['{{ toUpper 1 }}', 'at <1>: expected string; found 1'],
    ['{{ toUpper $value }}', 'at <$value>: wrong type for value; expected string; got float64'],
    ['{{ humanize }}', 'at <humanize>: wrong number of args for humanize: want 1 got 0'],
    ['{{ nil }}', 'at <nil>: nil is not a command'],
    ['{{ (1).x }}', "at <1>: can't evaluate field x in type int"],
    ['{{ template "nope" }}', 'at <{{template "nope"}}>: template "nope" not defined'],
    ['{{ range $value }}{{ end }}', "at <$value>: range can't iterate over 1.2345675e+06"],
    ['{{ range $i, $e := 3 }}{{ end }}', "can't use 3 to iterate over more than one variable"],
    ['{{ first (query "none") }}', 'error calling first: first() called on vector with no elements'],
    ['{{ query "boom" }}', 'at <query "boom">: error calling query: unknown query boom'],
  ])('%s', async (text, want) => {
    expect((await runErr(text)).goMessage).toContain(want);
  });

  it.each([
    ['{{ nosuchfunc 1 }}', 'template: __alert_X:1: function "nosuchfunc" not defined'],
    ['{{ if 1 }}unclosed', 'template: __alert_X:1: unexpected EOF'],
    ['{{ end }}', 'template: __alert_X:1: unexpected {{end}}'],
    ['\n\n{{ $undefined }}', 'template: __alert_X:3: undefined variable "$undefined"'],
    ['{{ break }}', 'template: __alert_X:1: {{break}} outside {{range}}'],
    ['{{ "unterminated }}', 'template: __alert_X:1: unterminated quoted string'],
    ['{{ ) }}', 'template: __alert_X:1: unexpected ")" in command'],
    ['{{ 1 | 2 }}', 'template: __alert_X:1: non executable command in pipeline stage 2'],
    [
      '{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}',
      'template: __alert_X:1: template: multiple definition of template "x"',
    ],
  ])('%s does not parse', async (text, want) => {
    const err = await runErr(text);
    expect(err).toBeInstanceOf(TemplateError);
    expect(err.message).toBe(`error parsing template __alert_X: ${want}`);
  });
});
