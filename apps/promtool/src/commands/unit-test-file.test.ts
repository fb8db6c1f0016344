// The unit-test file decoder: yaml.v2's unmarshal errors as promtool 2.42 prints them for the same
// text (taken from its output).
import { describe, expect, it } from 'vitest';
import { parseUnitTestFile, UnitTestFileError } from './unit-test-file.js';

function decodeError(text: string): string {
  try {
    parseUnitTestFile(text);
  } catch (err) {
    if (err instanceof UnitTestFileError) return err.message;
    throw err;
  }
  throw new Error('decoded without error');
}

describe('parseUnitTestFile', () => {
  it('reads every field', () => {
    const f = parseUnitTestFile(
      [
        'rule_files: [a.yml, "b/*.yml"]',
        'evaluation_interval: 30s',
        'group_eval_order: [g2, g1]',
        'fuzzy_compare: true',
        'tests:',
        '  - name: t',
        '    interval: 1m',
        '    start_timestamp: "2021-01-01T00:00:00Z"',
        '    external_labels: {env: prod}',
        '    external_url: http://x',
        '    input_series: [{series: up, values: 1x3}]',
        '    alert_rule_test:',
        '      - {eval_time: 2m, alertname: A, exp_alerts: [{exp_labels: {a: b}, exp_annotations: {s: t}}]}',
        '    promql_expr_test:',
        '      - {expr: up, eval_time: 1h, exp_samples: [{labels: up, value: .inf}, {labels: x, value: 2}]}',
        '  - start_timestamp: 1609459200',
      ].join('\n'),
    );
    expect(f).toEqual({
      ruleFiles: ['a.yml', 'b/*.yml'],
      evaluationIntervalMs: 30_000,
      groupEvalOrder: ['g2', 'g1'],
      fuzzyCompare: true,
      tests: [
        {
          name: 't',
          intervalMs: 60_000,
          startTimestampMs: 1609459200_000,
          externalLabels: { env: 'prod' },
          externalURL: 'http://x',
          inputSeries: [{ series: 'up', values: '1x3' }],
          alertRuleTests: [
            { evalTimeMs: 120_000, alertname: 'A', expAlerts: [{ expLabels: { a: 'b' }, expAnnotations: { s: 't' } }] },
          ],
          promqlExprTests: [
            {
              expr: 'up',
              evalTimeMs: 3_600_000,
              expSamples: [
                { labels: 'up', value: Number.POSITIVE_INFINITY },
                { labels: 'x', value: 2 },
              ],
            },
          ],
        },
        {
          name: '',
          intervalMs: 0,
          startTimestampMs: 1609459200_000,
          externalLabels: {},
          externalURL: '',
          inputSeries: [],
          alertRuleTests: [],
          promqlExprTests: [],
        },
      ],
    });
  });

  it.each([
    [
      'rule_files: [x.yml]\ntests: 5\n',
      'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!int `5` into []main.testGroup',
    ],
    [
      'tests:\n  - interval: 1m\n    promql_expr_test:\n      - expr: up\n        eval_time: 1m\n        exp_samples:\n          - labels: up\n            value: abcdefghijkl\n          - value: [1]\n    external_labels: [a]\n',
      'yaml: unmarshal errors:\n  line 8: cannot unmarshal !!str `abcdefg...` into float64\n  line 9: cannot unmarshal !!seq into float64\n  line 10: cannot unmarshal !!seq into map[string]string',
    ],
    [
      'tests:\n  - alert_rule_test:\n      - eval_time: 1m\n        alertname: A\n        exp_alerts:\n          - exp_labels: {a: [1]}\n',
      'yaml: unmarshal errors:\n  line 6: cannot unmarshal !!seq into string',
    ],
    [
      'rule_files: []\ntests:\n  - interval: 1m\n    input_seriess: []\n    alert_rule_test: [{evaltime: 1m}]\n',
      'yaml: unmarshal errors:\n  line 4: field input_seriess not found in type main.testGroup\n  line 5: field evaltime not found in type main.alertTestCase',
    ],
  ])('refuses %j as yaml.v2 does', (text, msg) => {
    expect(decodeError(text)).toBe(msg);
  });

  it('stops at a bad duration with its parse error', () => {
    expect(decodeError('tests:\n  - interval: 5x\n')).toMatch(/"5x"/);
  });

  it('refuses malformed YAML naming the line', () => {
    expect(decodeError('tests:\n  - interval: 1m\n   foo: 2\n')).toMatch(/^yaml: line \d+: /);
  });
});
