import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PEERS, requirePeer, runPromtool } from '@tsprom/test-support';
import { RuleFileErrors, RuleFileSyntaxError, RuleValidationError } from './errors.js';
import { loadRuleFiles } from './load-rule-files.js';
import { parseRuleFile, parseRules } from './rulefmt.js';

const testdata = new URL('../../testdata/', import.meta.url).pathname;
const read = (f: string) => readFileSync(testdata + f, 'utf8');

function messages(text: string, scheme: 'legacy' | 'utf8' = 'utf8'): string[] {
  try {
    parseRuleFile(text, 'rules.yml', { nameValidationScheme: scheme });
    return [];
  } catch (err) {
    if (!(err instanceof RuleFileErrors)) throw err;
    return err.errors.map((e) => e.message);
  }
}

const BAD_LEGACY = [
  'bad-rules.yml: 5:15: group "g", rule 1, "job:up": could not parse expression: 1:7: parse error: unclosed left parenthesis',
  'bad-rules.yml: group "g", rule 2, "A": invalid label name: 0bad',
  'bad-rules.yml: group "g", rule 2, "A": annotation "s": template: __alert_A:1: unclosed action',
  `bad-rules.yml: 13:17: group "g", rule 3, "bad name": invalid field 'annotations' in recording rule`,
  `bad-rules.yml: 13:17: group "g", rule 3, "bad name": invalid field 'for' in recording rule`,
  `bad-rules.yml: 13:17: group "g", rule 3, "bad name": invalid field 'keep_firing_for' in recording rule`,
  'bad-rules.yml: 13:17: group "g", rule 3, "bad name": invalid recording rule name: bad name',
  `bad-rules.yml: 19:17: 20:16: group "g", rule 4, "a": only one of 'record' and 'alert' must be set`,
  `bad-rules.yml: 0:0: group "g", rule 5, "": one of 'record' or 'alert' must be set`,
  `bad-rules.yml: 0:0: group "g", rule 6, "NoExpr": field 'expr' must be set in rule`,
  'bad-rules.yml: 24:5: groupname: "g" is repeated in the same file',
  'bad-rules.yml: 26:5: Groupname must not be empty',
];

describe('parseRuleFile', () => {
  it('decodes a good file', () => {
    const rgs = parseRuleFile(read('good-rules.yml'), 'good-rules.yml');
    expect(rgs.groups.map((g) => g.name)).toEqual(['example', 'empty']);
    const g = rgs.groups[0]!;
    expect(g.intervalMs).toBe(30_000);
    expect(g.queryOffsetMs).toBeUndefined();
    expect(g.limit).toBe(0);
    expect(g.rules[0]).toMatchObject({
      record: 'job:http_requests:rate5m',
      expr: 'sum by (job) (rate(http_requests_total[5m]))',
      labels: { team: 'a' },
      forMs: 0,
    });
    expect(g.rules[1]).toMatchObject({
      alert: 'HighErrors',
      forMs: 600_000,
      keepFiringForMs: 300_000,
      labels: { severity: 'page' },
      annotations: { summary: 'High errors on {{ $labels.job }}' },
    });
    expect(g.rules[1]!.pos.expr).toEqual({ line: 10, column: 15 });
  });

  it('reads query_offset, limit and group labels (Prometheus 3 fields)', () => {
    const rgs = parseRuleFile(
      'groups:\n- name: g\n  query_offset: 1m\n  limit: 10\n  labels: {team: x}\n  rules:\n  - record: a\n    expr: "1"\n',
      'f.yml',
    );
    expect(rgs.groups[0]).toMatchObject({ queryOffsetMs: 60_000, limit: 10, labels: { team: 'x' } });
  });

  it('accepts an empty file', () => {
    expect(parseRuleFile('', 'f.yml').groups).toEqual([]);
    expect(parseRuleFile('# nothing\n', 'f.yml').groups).toEqual([]);
  });

  it('reports every validation error as Prometheus 2 words it (legacy names)', () => {
    expect(messages(read('bad-rules.yml'), 'legacy').map((m) => m.replace('rules.yml', 'bad-rules.yml'))).toEqual(
      BAD_LEGACY,
    );
  });

  it('accepts UTF-8 recording rule names by default (Prometheus 3) but not braces', () => {
    const ms = messages(read('bad-rules.yml'));
    expect(ms.some((m) => m.includes('invalid recording rule name'))).toBe(false);
    expect(messages('groups:\n- name: g\n  rules:\n  - record: up{job="a"}\n    expr: up\n')).toEqual([
      'rules.yml: 4:13: group "g", rule 1, "up{job=\\"a\\"}": braces present in the recording rule name; should it be in expr?: up{job="a"}',
    ]);
  });

  it('gives typed errors with group, rule and line', () => {
    try {
      parseRuleFile(read('bad-rules.yml'), 'x.yml');
      expect.unreachable();
    } catch (err) {
      const e = (err as RuleFileErrors).errors[0] as RuleValidationError;
      expect(e).toBeInstanceOf(RuleValidationError);
      expect([e.file, e.group, e.rule, e.ruleName, e.line]).toEqual(['x.yml', 'g', 1, 'job:up', 5]);
      expect(e.reason).toMatch(/^could not parse expression: /);
    }
  });

  it.each([
    [
      'groups:\n  - name: g\n    foo: 1\n    rules: []\n',
      'yaml: unmarshal errors:\n  line 3: field foo not found in type rulefmt.RuleGroup',
    ],
    [
      'groups:\n- name: g\n  rules:\n  - record: x\n    expr: up\n    labels: {a: [1]}\n',
      'yaml: unmarshal errors:\n  line 6: cannot unmarshal !!seq into string',
    ],
    [
      'groups:\n- name: g\n  limit: abc\n  rules: []\n',
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int',
    ],
    [
      'groups:\n- name: g\n  limit: abcdefghijkl\n  rules: []\n',
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abcdefg...` into int',
    ],
    ['groups: 5\n', 'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into []rulefmt.RuleGroup'],
    [
      'groups:\n- name: g\n  rules:\n  - record: x\n    expr: up\n    record: y\n',
      'yaml: unmarshal errors:\n  line 6: mapping key "record" already defined at line 4',
    ],
    ['groups:\n- name: g\n  interval: abc\n  rules: []\n', 'not a valid duration string: "abc"'],
  ])('rejects %j as yaml.v3 does', (text, want) => {
    expect(messages(text)).toEqual([`rules.yml: ${want}`]);
  });

  it('names the line of malformed YAML', () => {
    const { errors } = parseRules('groups:\n  - name: g\n    rules: [\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RuleFileSyntaxError);
    expect(errors[0]!.message).toMatch(/^yaml: line \d+: /);
  });
});

describe('loadRuleFiles', () => {
  it('loads files and reports all problems of all files', async () => {
    const m = await loadRuleFiles([`${testdata}good-rules.yml`]);
    expect(m.get(`${testdata}good-rules.yml`)?.groups).toHaveLength(2);
    const err = await loadRuleFiles([`${testdata}bad-rules.yml`, `${testdata}missing.yml`], {
      nameValidationScheme: 'legacy',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleFileErrors);
    const ms = (err as RuleFileErrors).errors.map((e) => e.message);
    expect(ms.slice(0, BAD_LEGACY.length)).toEqual(BAD_LEGACY.map((m) => `${testdata}${m}`));
    expect(ms[BAD_LEGACY.length]).toMatch(/missing\.yml: ENOENT/);
  });
});

describe.runIf(requirePeer(PEERS.promtool))('promtool 2.42 check rules agrees', () => {
  it('on the bad file: the same messages in the same order', () => {
    const r = runPromtool(['check', 'rules', 'bad-rules.yml'], testdata);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('bad-rules.yml'));
    expect(lines).toEqual(BAD_LEGACY);
  });
  it('on the good file', () => {
    const r = runPromtool(['check', 'rules', 'good-rules.yml'], testdata);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 2 rules found');
    expect(parseRuleFile(read('good-rules.yml'), 'good-rules.yml').groups.flatMap((g) => g.rules)).toHaveLength(2);
  });
});
