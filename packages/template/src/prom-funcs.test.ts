// Prometheus's template functions through the public API. Outputs are Prometheus's (promtool 2.42
// for the functions it has; Prometheus 3's template_test.go semantics for the later ones).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertTemplateData, Expander, type ExpanderOptions, TemplateError, type TemplateSample } from './index.js';

const DATA = alertTemplateData({ instance: 'db1.example.com:9100', job: 'node' }, {}, '', 0.0512);

async function run(text: string, opts: Partial<ExpanderOptions> = {}): Promise<string> {
  return new Expander(text, 't', DATA, { timestampMs: 1_435_065_584_128, ...opts }).expand();
}

async function runErr(text: string, opts: Partial<ExpanderOptions> = {}): Promise<string> {
  try {
    await run(text, opts);
  } catch (err) {
    if (err instanceof TemplateError) return err.goMessage;
    throw err;
  }
  throw new Error(`${text} expanded without error`);
}

describe('humanize family', () => {
  it.each([
    [
      '{{ humanize 0 }} {{ humanize 1 }} {{ humanize 999.9 }} {{ humanize 1000 }} {{ humanize 1234567.5 }}',
      '0 1 999.9 1k 1.235M',
    ],
    [
      '{{ humanize 0.001234 }} {{ humanize -12345 }} {{ humanize 1e30 }} {{ humanize 1e-30 }} {{ humanize 0.5 }}',
      '1.234m -12.35k 1e+06Y 1e-06y 500m',
    ],
    [
      '{{ humanize "1e3" }} {{ humanize "NaN" }} {{ humanize "+Inf" }} {{ humanize "-Inf" }} {{ humanize "0x1p4" }}',
      '1k NaN +Inf -Inf 16',
    ],
    [
      '{{ humanize1024 0 }} {{ humanize1024 1023 }} {{ humanize1024 1024 }} {{ humanize1024 1536 }} {{ humanize1024 1e12 }}',
      '0 1023 1ki 1.5ki 931.3Gi',
    ],
    ['{{ humanize1024 -2048 }} {{ humanize1024 0.5 }} {{ humanize1024 "NaN" }}', '-2ki 0.5 NaN'],
    [
      '{{ humanizeDuration 0 }} {{ humanizeDuration 1 }} {{ humanizeDuration 59.99 }} {{ humanizeDuration 60 }}',
      '0s 1s 59.99s 1m 0s',
    ],
    [
      '{{ humanizeDuration 3661.5 }} {{ humanizeDuration 90061 }} {{ humanizeDuration 0.25 }} {{ humanizeDuration 0.00001 }}',
      '1h 1m 1s 1d 1h 1m 1s 250ms 10us',
    ],
    ['{{ humanizeDuration -3661 }} {{ humanizeDuration "NaN" }} {{ humanizeDuration "Inf" }}', '-1h 1m 1s NaN +Inf'],
    [
      '{{ humanizePercentage 0.0512 }} {{ humanizePercentage 1 }} {{ humanizePercentage 0.123456 }} {{ humanizePercentage "0.5" }}',
      '5.12% 100% 12.35% 50%',
    ],
    [
      '{{ humanizeTimestamp 0 }} {{ humanizeTimestamp 1435065584.128 }}',
      '1970-01-01 00:00:00 +0000 UTC 2015-06-23 13:19:44.128 +0000 UTC',
    ],
    [
      '{{ humanizeTimestamp 1435065584.1281 }} {{ humanizeTimestamp -1.5 }} {{ humanizeTimestamp "NaN" }}',
      '2015-06-23 13:19:44.128 +0000 UTC 1969-12-31 23:59:58.5 +0000 UTC NaN',
    ],
    ['{{ .Value | humanizePercentage }}', '5.12%'],
  ])('%s', async (text, want) => {
    expect(await run(text)).toBe(want);
  });

  it.each([
    ['{{ humanize "1,5" }}', 'error calling humanize: strconv.ParseFloat: parsing "1,5": invalid syntax'],
    ['{{ humanize "1e400" }}', 'error calling humanize: strconv.ParseFloat: parsing "1e400": value out of range'],
    ['{{ humanize "0x10" }}', 'error calling humanize: strconv.ParseFloat: parsing "0x10": invalid syntax'],
    ['{{ humanize .Labels }}', "error calling humanize: can't convert map[string]string to float"],
    [
      '{{ humanizeTimestamp 1e20 }}',
      'error calling humanizeTimestamp: 1e+20 cannot be represented as a nanoseconds timestamp since it overflows int64',
    ],
    ['{{ toTime "NaN" }}', 'error calling toTime: value is NaN or Inf'],
  ])('%s fails', async (text, want) => {
    expect(await runErr(text)).toContain(want);
  });

  it('humanize keeps 4 significant digits of any value (read back within rounding)', async () => {
    const prefixes: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Z: 1e21, Y: 1e24 };
    const small: Record<string, number> = {
      m: 1e-3,
      u: 1e-6,
      n: 1e-9,
      p: 1e-12,
      f: 1e-15,
      a: 1e-18,
      z: 1e-21,
      y: 1e-24,
    };
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 1e-20, max: 1e20, noNaN: true }), fc.boolean(), async (x, neg) => {
        const v = neg ? -x : x;
        const out = await run(`{{ humanize ${JSON.stringify(String(v))} }}`);
        const m = /^(-?[0-9.]+(?:e[+-]\d+)?)([a-zA-Z]?)$/.exec(out);
        expect(m, out).not.toBeNull();
        const mult = m![2] === '' ? 1 : (prefixes[m![2]!] ?? small[m![2]!]!);
        const back = Number(m![1]) * mult;
        expect(Math.abs(back - v) / Math.abs(v)).toBeLessThan(5.001e-4);
      }),
    );
  });
});

describe('time and duration', () => {
  it.each([
    ['{{ toTime 1435065584.5 }} {{ (toTime 86400).Unix }}', '2015-06-23 13:19:44.5 +0000 UTC 86400'],
    [
      '{{ (toTime 1435065584).Format "2006-01-02T15:04:05Z07:00 Mon Jan _2 3PM .000" }}',
      '2015-06-23T13:19:44Z Tue Jun 23 1PM .000',
    ],
    // Milliseconds of the float product seconds × 1e9, truncated, as Prometheus's floatToTime.
    [
      '{{ (toTime 1435065584.25).Format "15:04:05.999 Monday January 2 2006 -0700 MST" }}',
      '13:19:44.249 Tuesday June 23 2015 +0000 UTC',
    ],
    [
      '{{ toDuration 5400.25 }} {{ toDuration 0.0015 }} {{ toDuration 0 }} {{ toDuration -90 }} {{ toDuration 0.000001 }}',
      '1h30m0.25s 1.5ms 0s -1m30s 1µs',
    ],
    ['{{ (toDuration 90).Seconds }} {{ (toDuration 5400).Hours }} {{ (toDuration 1.5).Milliseconds }}', '90 1.5 1500'],
    ['{{ now }} {{ now | humanizeTimestamp }}', '1.435065584128e+09 2015-06-23 13:19:44.128 +0000 UTC'],
    [
      '{{ parseDuration "1h30m" }} {{ parseDuration "0" }} {{ parseDuration "1d2ms" }} {{ parseDuration "1y" }}',
      '5400 0 86400.002 3.1536e+07',
    ],
  ])('%s', async (text, want) => {
    expect(await run(text)).toBe(want);
  });

  it.each([
    ['{{ parseDuration "1x" }}', 'error calling parseDuration: not a valid duration string: "1x"'],
    ['{{ parseDuration "" }}', 'error calling parseDuration: empty duration string'],
    ['{{ parseDuration "300000000y" }}', 'error calling parseDuration: duration out of range'],
  ])('%s fails', async (text, want) => {
    expect(await runErr(text)).toContain(want);
  });
});

describe('strings', () => {
  it.each([
    ['{{ match "^db[0-9]" .Labels.instance }} {{ match "x+" "abc" }}', 'true false'],
    [`{{ reReplaceAll "(.*?)\\\\.(.*)" "$2/$1" .Labels.instance }}`, 'example.com:9100/db1'],
    [
      '{{ reReplaceAll "a*" "-" "baaac" }} {{ reReplaceAll "" "-" "ab" }} {{ reReplaceAll "x*" "-" "é" }}',
      '-b-c- -a-b- -é-',
    ],
    [`{{ reReplaceAll "(?P<h>[a-z]+)[0-9]" "\${h}_$1x$$" "db1 web2" }}`, 'db_$ web_$'],
    ['{{ toUpper "héllo ß" }} {{ toLower "HÉLLO İ" }}', 'HÉLLO ß héllo i'],
    // Prometheus 3: cases.Title (2.42's strings.Title gave "Don'T Stop Example.Com").
    [
      '{{ title "hello world" }} {{ title "hELLO wORLD" }} {{ title "don\'t stop example.com a-b c_d" }}',
      "Hello World HELLO WORLD Don't Stop Example.com A-B C_d",
    ],
    ['{{ graphLink "rate(x[5m]) > 1" }}', '/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+1&g0.tab=0'],
    ['{{ tableLink "up" }} {{ urlQueryEscape "a b/é" }}', '/graph?g0.expr=up&g0.tab=1 a+b%2F%C3%A9'],
    [
      '{{ stripPort "db1:9100" }} {{ stripPort "db1" }} {{ stripPort "[::1]:80" }} {{ stripPort "::1" }}',
      'db1 db1 ::1 ::1',
    ],
    [
      '{{ stripDomain "db1.example.com:9100" }} {{ stripDomain "db1.example.com" }} {{ stripDomain "10.0.0.1:80" }}',
      'db1:9100 db1 10.0.0.1:80',
    ],
    [
      '{{ stripDomain "[2001:db8::1]:80" }} {{ stripDomain "[host.dom]:80" }} {{ stripDomain "" }}',
      '[2001:db8::1]:80 host:80 ',
    ],
    ['{{ safeHtml "<b>" }} {{ printf "%T" (safeHtml "x") }}', '<b> template.HTML'],
  ])('%s', async (text, want) => {
    expect(await run(text)).toBe(want);
  });

  it.each([
    ['{{ match "(" "a" }}', 'error calling match: error parsing regexp: missing closing ): `(`'],
    [
      '{{ reReplaceAll "(" "x" "y" }}',
      'error calling reReplaceAll: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`',
    ],
  ])('%s fails', async (text, want) => {
    expect(await runErr(text)).toContain(want);
  });
});

describe('queries and samples', () => {
  const samples: TemplateSample[] = [
    { labels: { __name__: 'disk', device: 'sda', __value__: 'v' }, value: 3.5e9 },
    { labels: { __name__: 'disk', device: 'md1' }, value: 0.25 },
    { labels: { __name__: 'disk', device: 'md1', n: '2' }, value: 1 },
  ];
  const seen: [string, number][] = [];
  const queryFunc = async (q: string, ts: number): Promise<TemplateSample[]> => {
    seen.push([q, ts]);
    if (q.startsWith('bad')) throw new Error('parse error: unexpected end of input');
    return q === 'none' ? [] : samples;
  };

  it.each([
    [
      '{{ with query "disk" }}{{ . | first | value | humanize }} {{ . | first | label "device" }} {{ (index . 0).Labels.__name__ }}{{ end }}',
      '3.5G sda disk',
    ],
    [
      '{{ range query "disk" | sortByLabel "device" }}{{ .Labels.device }}{{ index .Labels "n" }}={{ .Value }} {{ end }}',
      'md1=0.25 md12=1 sda=3.5e+09 ',
    ],
    [
      '{{ label "nope" (first (query "disk")) }}|{{ strvalue (first (query "disk")) }}|{{ strvalue (index (query "disk") 1) }}',
      '|v|',
    ],
    ['{{ first (query "disk") }}', '{map[__name__:disk __value__:v device:sda] 3.5e+09}'],
    [
      '{{ printf "%v %T" (first (query "disk")) (query "disk") }}',
      '&{map[__name__:disk __value__:v device:sda] 3.5e+09} template.queryResult',
    ],
    ['{{ len (query "none") }} {{ range query "none" }}x{{ else }}empty{{ end }}', '0 empty'],
    ['{{ args 1 "b" }} {{ (args).arg0 }}', 'map[arg0:1 arg1:b] <no value>'],
  ])('%s', async (text, want) => {
    expect(await run(text, { queryFunc })).toBe(want);
  });

  it('runs queries at the evaluation time and reports their errors', async () => {
    seen.length = 0;
    await run('{{ query "disk" }}', { queryFunc, timestampMs: 42_000 });
    expect(seen).toEqual([['disk', 42_000]]);
    expect(await runErr('{{ query "bad{" }}', { queryFunc })).toContain(
      'at <query "bad{">: error calling query: parse error: unexpected end of input',
    );
    expect(await runErr('{{ first (query "none") }}', { queryFunc })).toContain(
      'error calling first: first() called on vector with no elements',
    );
  });

  it('fails query, externalURL and pathPrefix as Prometheus does on a nil function or URL', async () => {
    const nilDeref = 'runtime error: invalid memory address or nil pointer dereference';
    expect(await runErr('{{ query "up" }}')).toContain(`error calling query: ${nilDeref}`);
    expect(await runErr('{{ externalURL }}')).toContain(`error calling externalURL: ${nilDeref}`);
    expect(await run('{{ externalURL }} {{ pathPrefix }}', { externalURL: 'https://x.example/a%20b/' })).toBe(
      'https://x.example/a%20b/ /a b/',
    );
  });
});
