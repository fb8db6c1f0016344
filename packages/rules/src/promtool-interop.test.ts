// Evaluation interop with Prometheus 2.42: the same rules over the same input series, evaluated
// every minute from 0 as `promtool test rules` does. (Ranges are not multiples of the sample
// interval: Prometheus 3 selects `(t - range, t]`, 2.42 `[t - range, t]`; that is the engine's business.) What tsprom yields (firing alerts with their
// expanded labels and annotations, recorded series, ALERTS) is written as the expectations of a
// promtool unit test file, which real promtool must then pass; a tampered copy must fail.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Label, Labels } from '@tsprom/labels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manager } from './manager.js';
import { PEERS, requirePeer, runPromtool } from '@tsprom/test-support';
import { openTestStore, type TestStore } from './testing/storage.js';

const MIN = 60_000;
const RULES = `groups:
  - name: rec
    rules:
      - record: job:req:rate2m
        expr: sum by (job) (rate(req_total[150s]))
        labels:
          src: rec
  - name: alerts
    rules:
      - alert: Down
        expr: up == 0
        for: 3m
        labels:
          severity: '{{ if eq $labels.instance "i1" }}page{{ else }}ticket{{ end }}'
        annotations:
          summary: '{{ $labels.instance }} of {{ $labels.job }} down ({{ $value }})'
      - alert: HighRate
        expr: job:req:rate2m > 0.5
        keep_firing_for: 3m
        annotations:
          rate: '{{ $value | humanize }}/s in {{ $externalLabels.dc }}'
      - alert: Instant
        expr: up{instance="i2"} == 0
`;

// One value per minute from 0; null is a gap.
const INPUT: Record<string, (number | null)[]> = {
  'up{job="api",instance="i1"}': [1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
  'up{job="api",instance="i2"}': [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  'req_total{job="api",instance="i1"}': [
    0,
    10,
    20,
    30,
    100,
    200,
    300,
    310,
    320,
    330,
    340,
    350,
    360,
    null,
    null,
    400,
    450,
  ],
  'req_total{job="api",instance="i2"}': [0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 660, 720, 780, 840, 900],
};
const CHECK_AT = [0, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19];
const LAST = 19;

function seriesValues(vs: (number | null)[]): string {
  return vs.map((v) => (v === null ? '_' : String(v))).join(' ');
}

function yamlLabels(ls: Iterable<Label>, drop: string[] = []): string {
  const parts: string[] = [];
  for (const l of ls) if (!drop.includes(l.name)) parts.push(`${l.name}: ${JSON.stringify(l.value)}`);
  return `{${parts.join(', ')}}`;
}

function promqlLabels(ls: Labels): string {
  const name = ls.get('__name__');
  const parts: string[] = [];
  for (const l of ls) if (l.name !== '__name__') parts.push(`${l.name}=${JSON.stringify(l.value)}`);
  return `${name}{${parts.join(',')}}`;
}

const have = requirePeer(PEERS.promtool);

describe.runIf(have)('promtool 2.42 test rules accepts what tsprom evaluates', () => {
  let dir: string;
  let store: TestStore;
  let unitTest: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-rules-interop-'));
    writeFileSync(join(dir, 'rules.yml'), RULES);
    store = await openTestStore();
    for (const [series, vs] of Object.entries(INPUT)) {
      await store.add(
        series,
        vs.flatMap((v, i): [number, number][] => (v === null ? [] : [[i * MIN, v]])),
      );
    }
    const m = new Manager({ queryFunc: store.queryFunc, appendable: store.db, queryable: store.db });
    const groups = [
      ...(
        await m.loadGroups(MIN, Labels.fromStrings('dc', 'eu1'), 'http://prom.example', [join(dir, 'rules.yml')])
      ).values(),
    ];
    for (const g of groups) for (const r of g.alertingRules()) r.restored = true;
    const alertTests: string[] = [];
    const exprTests: string[] = [];
    for (let step = 0; step <= LAST; step++) {
      const t = step * MIN;
      for (const g of groups) await g.eval(t);
      if (!CHECK_AT.includes(step)) continue;
      for (const r of groups.flatMap((g) => g.alertingRules())) {
        const firing = r.activeAlerts().filter((a) => a.state === 'firing');
        const exp = firing
          .map(
            (a) =>
              `          - exp_labels: ${yamlLabels(a.labels, ['alertname'])}\n            exp_annotations: ${yamlLabels(a.annotations)}`,
          )
          .join('\n');
        alertTests.push(
          `      - eval_time: ${step}m\n        alertname: ${r.name}\n        exp_alerts:${exp === '' ? ' []' : `\n${exp}`}`,
        );
      }
      for (const expr of ['job:req:rate2m', 'ALERTS', 'ALERTS_FOR_STATE']) {
        const v = await store.queryFunc(expr, t);
        const exp = v
          .map((s) => `          - labels: '${promqlLabels(s.metric)}'\n            value: ${s.f}`)
          .join('\n');
        exprTests.push(
          `      - expr: ${expr}\n        eval_time: ${step}m\n        exp_samples:${exp === '' ? ' []' : `\n${exp}`}`,
        );
      }
    }
    const inputs = Object.entries(INPUT)
      .map(([s, vs]) => `      - series: '${s}'\n        values: '${seriesValues(vs)}'`)
      .join('\n');
    // Without group_eval_order, promtool evaluates the groups in Go's map iteration order, which is
    // random: now and then it took alerts before rec, and HighRate saw the previous minute's recorded
    // value. Name the order tsprom evaluated them in.
    unitTest = `rule_files: [rules.yml]
evaluation_interval: 1m
group_eval_order: [rec, alerts]
tests:
  - interval: 1m
    external_labels: {dc: eu1}
    external_url: http://prom.example
    input_series:
${inputs}
    alert_rule_test:
${alertTests.join('\n')}
    promql_expr_test:
${exprTests.join('\n')}
`;
  });

  afterAll(async () => {
    await store?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('passes with what tsprom yields', () => {
    writeFileSync(join(dir, 'test.yml'), unitTest);
    const r = runPromtool(['test', 'rules', 'test.yml'], dir);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.code).toBe(0);
    // The expectations are not empty: alerts fired and series were recorded.
    expect(unitTest).toMatch(/alertname: Down\n {8}exp_alerts:\n/);
    expect(unitTest).toMatch(/alertname: HighRate\n {8}exp_alerts:\n/);
    expect(unitTest).toContain('alertstate="pending"');
    expect(unitTest).toContain('labels: \'job:req:rate2m{job="api",src="rec"}\'');
  });

  it('fails when an expectation is changed (the comparison is real)', () => {
    writeFileSync(join(dir, 'tampered.yml'), unitTest.replace('severity: "page"', 'severity: "ticket"'));
    const r = runPromtool(['test', 'rules', 'tampered.yml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('FAILED');
  });
});
