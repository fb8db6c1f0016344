// Rendering checked against real Prometheus: each template below is the annotation of an alerting
// rule; we expand it with our Expander (data as Prometheus's alerting rule builds it, `query`
// answered by our PromQL engine over the same input series), write the results as the rule's
// `exp_annotations` in a promtool unit-test file, and real `promtool test rules` (2.42) must pass
// it: then Prometheus rendered exactly what we did. Where Prometheus 2.42 differs from 3.x (which
// this package follows), the case states 2.42's output and ours separately.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, unquoteString } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { TestStorage } from '@tsprom/promql/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { alertTemplateData, Expander, parseTemplate, TemplateError, type TemplateSample } from './index.js';

const PROMTOOL = process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool'; // Debian's prometheus package.
const havePromtool = existsSync(PROMTOOL);
if (!havePromtool && process.env.CI) throw new Error(`${PROMTOOL} is missing (required when CI is set)`);
const title = havePromtool
  ? 'templates rendered as real promtool test rules renders them'
  : `SKIPPED: ${PROMTOOL} not installed (templates rendered as real promtool renders them)`;

const EXTERNAL_LABELS = { env: 'prod', region: 'eu-1' };
const EXTERNAL_URL = 'http://prom.example.com:9090/prom';
const EVAL_MS = 120_000;
const INTERVAL_MS = 60_000;

/** Input series (labels, one value per minute from 0). The alert fires on `m`. */
const SERIES: { labels: Record<string, string>; values: number[] }[] = [
  {
    labels: { __name__: 'm', instance: 'db1.example.com:9100', job: 'node' },
    values: [1234567.5, 1234567.5, 1234567.5],
  },
  // promtool loads input series in random order, so templates sort query results (sortByLabel).
  { labels: { __name__: 'disk_bytes', device: 'md1', instance: 'b' }, values: [0.25, 0.5, 0.125] },
  { labels: { __name__: 'disk_bytes', device: 'nvme0', instance: 'a' }, values: [512, 1024, 2048] },
  { labels: { __name__: 'disk_bytes', device: 'sda', instance: 'a' }, values: [1e9, 2e9, 3.5e9] },
  { labels: { __name__: 'ratio', instance: 'x' }, values: [0.0512, 0.0512, 0.98765] },
];

/** [template, 2.42's output where it differs from 3.x (ours)]. */
const CASES: [string, string?][] = [
  // Values and variables.
  ['{{ $value }} {{ .Value }} {{ $labels.instance }} {{ .Labels.job }} {{ $externalLabels.env }} {{ $externalURL }}'],
  ['{{ $labels.missing }}|{{ index $labels "missing" }}|{{ .Labels.missing.deeper }}'],
  ['{{ .Labels }} {{ .ExternalLabels }}'],
  ['{{ . }}'],
  [
    '{{ .Foo }}',
    // Prometheus 3's .Value is interface {} (a float or a native histogram); 2.42's was float64.
    '<error expanding template: error executing template __alert_T4: template: __alert_T4:1:115: executing "__alert_T4" at <.Foo>: can\'t evaluate field Foo in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>',
  ],
  ['{{ $x := 1 }}{{ $x }}{{ $x = "two" }} {{ $x }} {{ $ }}'],
  [
    '{{ 1 }} {{ 1.0 }} {{ 1e3 }} {{ 1e6 }} {{ 123456789.0 }} {{ 0.0001 }} {{ 0.00001 }} {{ -0.0 }} {{ 0x1F }} {{ 0o17 }} {{ 1_000 }} {{ \'a\' }} {{ true }} {{ "s" }} {{ `raw` }}',
  ],
  ['{{ 1 | printf "%d" }} {{ nil }}'],
  // Control structures.
  ['{{ if gt $value 1e6 }}big{{ else if gt $value 1e3 }}medium{{ else }}small{{ end }}'],
  [
    '{{ if .Labels.missing }}yes{{ else }}no{{ end }} {{ if 0 }}zero{{ end }}{{ if "" }}empty{{ end }}{{ if .Labels }}labels{{ end }}',
  ],
  ['{{ with .Labels.job }}job={{ . }}{{ end }}{{ with .Labels.missing }}never{{ else }} none{{ end }}'],
  ['{{ range $k, $v := .Labels }}{{ $k }}={{ $v }};{{ end }}'],
  [
    '{{ range .Labels }}{{ . }},{{ end }} {{ range $i, $e := (query "disk_bytes" | sortByLabel "device") }}{{ $i }}:{{ $e.Labels.device }} {{ end }}',
  ],
  ['{{ range query "nothing_here" }}x{{ else }}no results{{ end }}'],
  [
    '{{ range $i, $e := query "disk_bytes" | sortByLabel "device" }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $e.Labels.device }}{{ end }}',
  ],
  [
    '{{ define "dev" }}[{{ .Labels.device }}={{ .Value | humanize1024 }}B]{{ end }}{{ range query "disk_bytes" | sortByLabel "device" }}{{ template "dev" . }}{{ end }}',
  ],
  [
    '{{ define "args" }}{{ .arg0 }}-{{ .arg1 }}-{{ .arg2 }}{{ end }}{{ template "args" (args 1 "b" $value) }} {{ args 1 2 }}',
  ],
  ['{{ block "blk" .Labels.job }}block:{{ . }}{{ end }}'],
  ['a {{- /* a comment */ -}} b {{- " c " -}} d {{/* another */}}e\n  {{- "f" }}'],
  ['{{ template "nope" }}'],
  // Builtins.
  ['{{ and 1 0 "x" }} {{ or 0 "" "x" }} {{ not 0 }} {{ and }}'],
  [
    '{{ len .Labels }} {{ len "héllo" }} {{ len (query "disk_bytes") }} {{ index (query "disk_bytes" | sortByLabel "device") 1 }}',
  ],
  ['{{ index "abc" 1 }} {{ slice "abcdef" 1 3 }} {{ index (query "disk_bytes") 9 }}'],
  ['{{ print 1 2 "a" "b" 3 }} {{ println "x" 1 }}{{ print nil }}'],
  [
    '{{ printf "%s|%q|%v|%d|%5.2f|%-6s|%06.1f|%x|%X|%e|%g|%t|%c|%U|%o|%b|%%" "s" "q" 1.5 42 3.14159 "ab" 2.5 255 "hi" 1234.5678 0.000012345 true 65 9731 8 5 }}',
  ],
  ['{{ printf "%d" $value }} {{ printf "%s" 1 }} {{ printf "%d %d" 1 }} {{ printf "%d" 1 2 }} {{ printf "%!" }}'],
  ['{{ printf "%.2f %.0f %.0f %.1f %.3g %.4g %g %v" 0.125 0.5 2.5 0.05 1234567.0 0.00001234 100000.0 1e21 }}'],
  ['{{ printf "%+d %+.1e % d %#x %#o %8.3s|%-8d|%08d" 5 12345.678 3 255 8 "abcdef" 7 -42 }}'],
  ['{{ printf "%T %T %T %T %T" 1 1.5 "s" .Labels (query "m") }}'],
  ['{{ printf "%v %v" .Labels (first (query "m")) }}'],
  ['{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne 1.5 2.5 }} {{ lt "a" "b" }} {{ le 2 2 }} {{ gt 3.5 1.5 }} {{ ge 1 2 }}'],
  ['{{ eq $value 5 }}'],
  ['{{ lt .Labels.missing 1 }}'],
  ['{{ html "<a href=\'x\'>&</a>" }} {{ js "it\'s \\"q\\" <b>" }} {{ urlquery "a b&c=d/é" }}'],
  // Prometheus's functions.
  [
    '{{ humanize 0 }} {{ humanize 1 }} {{ humanize 999.9 }} {{ humanize 1000 }} {{ humanize 1234567.5 }} {{ humanize 0.001234 }} {{ humanize -12345 }} {{ humanize 1e30 }} {{ humanize 1e-30 }}',
  ],
  [
    '{{ humanize "1e3" }} {{ humanize "NaN" }} {{ humanize "+Inf" }} {{ humanize "-Inf" }} {{ humanize 0.5 }} {{ humanize "0x10" }}',
  ],
  ['{{ humanize "1,5" }}'],
  ['{{ humanize .Labels }}'],
  [
    '{{ humanize1024 0 }} {{ humanize1024 1 }} {{ humanize1024 1023 }} {{ humanize1024 1024 }} {{ humanize1024 1536 }} {{ humanize1024 1e12 }} {{ humanize1024 -2048 }} {{ humanize1024 0.5 }} {{ humanize1024 "NaN" }}',
  ],
  [
    '{{ humanizeDuration 0 }} {{ humanizeDuration 1 }} {{ humanizeDuration 59.99 }} {{ humanizeDuration 60 }} {{ humanizeDuration 3661.5 }} {{ humanizeDuration 90061 }} {{ humanizeDuration 0.25 }} {{ humanizeDuration 0.00001 }} {{ humanizeDuration -3661 }} {{ humanizeDuration "NaN" }} {{ humanizeDuration "Inf" }}',
  ],
  [
    '{{ humanizePercentage 0.0512 }} {{ humanizePercentage 1 }} {{ humanizePercentage 0.123456 }} {{ humanizePercentage "0.5" }} {{ humanizePercentage 0 }}',
  ],
  [
    '{{ humanizeTimestamp 0 }} {{ humanizeTimestamp 1435065584.128 }} {{ humanizeTimestamp 1435065584.1281 }} {{ humanizeTimestamp -1.5 }} {{ humanizeTimestamp "NaN" }} {{ humanizeTimestamp 1e20 }}',
  ],
  [
    '{{ toTime 1435065584.5 }} {{ (toTime 86400).Unix }} {{ (toTime 1435065584).Format "2006-01-02T15:04:05Z07:00 Mon Jan _2 3PM" }}',
  ],
  // promtool gives the rule manager no external URL: both functions fail on the nil URL.
  ['{{ externalURL }}'],
  ['{{ pathPrefix }}'],
  ['{{ parseDuration "1h30m" }} {{ parseDuration "0" }} {{ parseDuration "1d2ms" }} {{ parseDuration "1y" }}'],
  ['{{ parseDuration "1x" }}'],
  ['{{ match "^db[0-9]" .Labels.instance }} {{ match "x+" "abc" }} {{ match "(" "a" }}'],
  [
    `{{ reReplaceAll "(.*?)\\\\.(.*)" "$2/$1" .Labels.instance }} {{ reReplaceAll "a*" "-" "baaac" }} {{ reReplaceAll "(?P<h>[a-z]+)[0-9]" "\${h}_$1x$$" "db1 web2" }}`,
  ],
  ['{{ reReplaceAll "(" "x" "y" }}'],
  ['{{ toUpper "héllo ß" }} {{ toLower "HÉLLO" }} {{ .Labels.instance | toUpper }}'],
  ['{{ title "hello world" }} {{ title "hELLO wORLD" }} {{ title "a-b c_d" }}'],
  ['{{ title "don\'t stop example.com" }}', "Don'T Stop Example.Com"],
  ['{{ graphLink "rate(x[5m]) > 1" }} {{ tableLink "up{job=\\"a b\\"}" }}'],
  ['{{ stripPort "db1:9100" }} {{ stripPort "db1" }} {{ stripPort "[::1]:80" }} {{ stripPort "::1" }}'],
  [
    '{{ with query "m" }}{{ . | first | value | humanize }} {{ . | first | label "instance" }} {{ (index . 0).Labels.job }}{{ end }}',
  ],
  ['{{ range query "disk_bytes" | sortByLabel "device" }}{{ .Labels.device }}={{ .Value }} {{ end }}'],
  [
    '{{ with printf "disk_bytes{device=%q}" "sda" | query }}{{ . | first | value | humanize1024 }}B{{ end }} {{ query "vector(7)" | first | value }} {{ query "scalar(vector(3))" | first | value }}',
  ],
  ['{{ first (query "nothing_here") }}'],
  ['{{ query "m{" }}'],
  [
    '{{ label "instance" (first (query "m")) }} {{ label "nope" (first (query "m")) }} {{ strvalue (first (query "m")) }}',
  ],
  ['{{ safeHtml "<b>" }}'],
  // More combinations.
  [
    '{{ $value | printf "%.2f" }} {{ .Value | humanize }} {{ printf "%6.2f%%" 12.3456 }} {{ printf "%v|%+v" (first (query "m")) (first (query "m")) }}',
  ],
  ['{{ with $x := .Labels.job }}{{ $x }}-{{ . }}{{ end }} {{ range $i, $e := .Labels }}{{ $i }}{{ end }}'],
  [
    '{{ define "a" }}<{{ template "b" . }}>{{ end }}{{ define "b" }}{{ .job | toUpper }}{{ end }}{{ template "a" .Labels }}',
  ],
  ['{{ $n := 0 }}{{ range query "disk_bytes" | sortByLabel "device" }}{{ $n = .Value }}{{ end }}{{ $n }}'],
  ['{{ len "" }} {{ slice (query "disk_bytes" | sortByLabel "device") 1 | len }} {{ index (slice "abcdef" 1 4) 0 }}'],
  ['{{ js 1 "a" }} {{ html 1 2 }} {{ urlquery "a" 1 }} {{ print nil 1 }}'],
  ['{{ toUpper (label "device" (first (query "disk_bytes{device=\'sda\'}"))) }}'],
  ['line1\r\n  {{- " two" }}\n{{ " three" -}}\n\n  four'],
  [
    '{{ if and (gt $value 1.0) (eq .Labels.job "node") }}both{{ end }} {{ if or (lt $value 1.0) (ne .Labels.job "x") }}either{{ end }}',
  ],
  [
    '{{ if not (match "^web" .Labels.instance) }}not web{{ end }} {{ with query "ratio" }}{{ range . }}{{ .Value | humanizePercentage }}{{ end }}{{ end }}',
  ],
  ['{{ printf "%s %d %v" "a" }} {{ printf "%q %x %X %o" 10 "é" 3.5 9 }}'],
  ['{{ printf "%5.1e|%-7.3g|%+.0f|%#v|%#x" 123456.789 0.000123456 -2.5 1.5 "ab" }}'],
  [
    '{{ humanize 1e15 }} {{ humanize 999999 }} {{ humanize 0.0009999 }} {{ humanize1024 1125899906842624 }} {{ humanizeDuration 86399.999 }} {{ humanizeDuration 0.9999 }}',
  ],
  ['{{ "x" | printf "%s-%s" "y" }} {{ 3 | printf "%d-%d" 4 }} {{ "a" | eq "a" }}'],
  [
    '{{ $labels.instance | reReplaceAll "\\\\..*" "" | title }}: {{ .Value | humanize }} ({{ humanizeTimestamp 1700000000.5 }})',
  ],
  // Parse and execution errors.
  ['{{ .Labels.job 1 }}'],
  ['{{ "x" 1 }}'],
  ['{{ 1 | printf }}'],
  ['{{ toUpper 1 }}'],
  ['{{ toUpper $value }}'],
  ['{{ humanize }}'],
  ['{{ printf }}'],
  ['{{ (1).x }}'],
  ['line one\n{{ "ok" }}\n  {{ .Labels.job.x }}'],
];

/** Templates that do not parse: `promtool check rules` must report what parseTemplate throws. */
const PARSE_ERRORS: string[] = [
  '{{ nosuchfunc 1 }}',
  '{{ if 1 }}unclosed',
  '{{ end }}',
  '{{ $undefined }}',
  '{{ break }}',
  '{{ "unterminated }}',
  '{{ /* not a comment */ }}',
  '{{ range $i, $j, $k := . }}{{ end }}',
  '{{ $x := 1 2 }}',
  '{{ 1 | 2 }}',
  '{{ ( }}',
  '{{ ) }}',
  '{{ .x. }}',
  '{{ 1x }}',
  '{{ "a".b }}',
  '{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}',
  '{{ else }}',
  '{{ if 1 }}{{ else }}{{ else }}{{ end }}',
  '{{ template x }}',
  '{{ with }}{{ end }}',
  '{{ $x = 1 }}',
  '{{ 99999999999999999999 }}',
  '{{ @ }}',
  'a\nb\n{{ if }}',
  '{{/* unclosed comment }}',
  '{{ printf "%d" 1 }',
  '{{ .Labels.job | }}',
  '{{ | toUpper }}',
  '{{ $x := }}',
  '{{ range }}{{ end }}',
  '{{ if 1 }}{{ end }}{{ end }}',
  '{{ with 1 }}{{ else if 2 }}{{ end }}',
  '{{ continue }}',
  '{{ template "x" 1 2 }}',
  '{{ $ := 1 }}',
  '{{ 1.2.3 }}',
  "{{ 'ab' }}",
  '{{ "\\q" }}',
  String.raw`{{ "\'" }}`,
  String.raw`{{ '\"' }}`,
  '{{- -}}',
  '{{ define "x" }}{{ end }}{{ define }}',
];

/** What Prometheus's alerting rule prepends to every label and annotation text. */
const DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

async function expandAnnotation(text: string, name: string, storage: TestStorage, engine: Engine): Promise<string> {
  const series = SERIES[0]!;
  const value = series.values[EVAL_MS / INTERVAL_MS]!;
  const data = alertTemplateData(series.labels, EXTERNAL_LABELS, EXTERNAL_URL, value);
  const queryFunc = async (q: string, ts: number): Promise<TemplateSample[]> => {
    const res = await engine.newInstantQuery(storage, q, ts).exec();
    if (res.err) throw res.err;
    const v = res.value!;
    if (v.type === 'vector') return v.vector.map((s) => ({ labels: s.metric.toMap(), value: s.f }));
    if (v.type === 'scalar') return [{ labels: {}, value: v.scalar.v }];
    throw new Error('rule result is not a vector or scalar');
  };
  try {
    return await new Expander(DEFS + text, `__alert_${name}`, data, {
      timestampMs: EVAL_MS,
      queryFunc,
      // promtool gives the rule manager no external URL (only $externalURL): see T43, T44.
      options: ['missingkey=zero'], // As Prometheus's alerting rule expands its templates.
    }).expand();
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return `<error expanding template: ${err.message}>`;
  }
}

function goValues(vs: number[]): string {
  return vs.join(' ');
}

describe.skipIf(!havePromtool)(title, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsprom-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('promtool test rules passes with the annotations our Expander rendered', async () => {
    const storage = new TestStorage();
    for (const s of SERIES) {
      for (let i = 0; i < s.values.length; i++) storage.append(Labels.fromMap(s.labels), i * INTERVAL_MS, s.values[i]!);
    }
    const engine = new Engine();
    const rules = [];
    const alertTests = [];
    const ours: string[] = [];
    for (let i = 0; i < CASES.length; i++) {
      const [text, v242] = CASES[i]!;
      const name = `T${i}`;
      const got = await expandAnnotation(text, name, storage, engine);
      ours.push(got);
      rules.push({ alert: name, expr: 'm', annotations: { a: text } });
      const { __name__: _, ...alertLabels } = SERIES[0]!.labels;
      alertTests.push({
        eval_time: `${EVAL_MS / 1000}s`,
        alertname: name,
        exp_alerts: [{ exp_labels: alertLabels, exp_annotations: { a: v242 ?? got } }],
      });
    }
    writeFileSync(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'templates', rules }] }));
    writeFileSync(
      join(dir, 'test.yml'),
      stringify({
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            external_labels: EXTERNAL_LABELS,
            external_url: EXTERNAL_URL,
            input_series: SERIES.map((s) => ({
              series: Labels.fromMap(s.labels).toString(),
              values: goValues(s.values),
            })),
            alert_rule_test: alertTests,
          },
        ],
      }),
    );
    let output = '';
    let ok = true;
    try {
      output = execFileSync(PROMTOOL, ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      ok = false;
      const e = err as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    // On failure, show each case whose rendering differs: ours, then promtool's.
    const diffs: string[] = [];
    for (const m of output.matchAll(
      /alertname: (T\d+), time:[\s\S]*?got:\[\s*0:\s*Labels:\{[^\n]*\}\s*Annotations:\{a=("(?:[^"\\]|\\.)*")\}/g,
    )) {
      const i = Number(m[1]!.slice(1));
      diffs.push(`${m[1]} ${CASES[i]![0]}\n  ours:     ${ours[i]}\n  promtool: ${unquoteString(m[2]!)}`);
    }
    expect(diffs.join('\n')).toBe('');
    expect(ok, output).toBe(true);
  });

  it('promtool check rules reports the parse errors parseTemplate throws', () => {
    const rules = PARSE_ERRORS.map((text, i) => ({ alert: `P${i}`, expr: 'm', annotations: { a: text } }));
    writeFileSync(join(dir, 'bad.yml'), stringify({ groups: [{ name: 'bad', rules }] }));
    let output = '';
    try {
      execFileSync(PROMTOOL, ['check', 'rules', 'bad.yml'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      output = String((err as { stderr?: string }).stderr ?? '') + String((err as { stdout?: string }).stdout ?? '');
    }
    const theirs = new Map<string, string>();
    for (const m of output.matchAll(/"(P\d+)": annotation "a": (.*)/g)) theirs.set(m[1]!, m[2]!);
    const diffs: string[] = [];
    PARSE_ERRORS.forEach((text, i) => {
      let ours = 'parsed';
      try {
        parseTemplate(DEFS + text, `__alert_P${i}`);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        ours = err.message;
      }
      const t = theirs.get(`P${i}`) ?? 'parsed';
      if (ours !== t) diffs.push(`P${i} ${JSON.stringify(text)}\n  ours:     ${ours}\n  promtool: ${t}`);
    });
    expect(diffs.join('\n')).toBe('');
    expect(theirs.size).toBeGreaterThan(PARSE_ERRORS.length / 2); // promtool did check them.
  });
});
