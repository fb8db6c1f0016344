import { Labels } from '@tsprom/labels';
import { parseExpr } from '@tsprom/promql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Alert, annotationsOf } from './alert.js';
import { AlertingRule } from './alerting-rule.js';
import { DuplicateLabelsetError, RuleLimitError } from './recording-rule.js';
import type { RuleEvalContext } from './rule.js';
import { openTestStore, type TestStore } from './testing/storage.js';

const MIN = 60_000;
let store: TestStore;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await store.close();
});

function ctx(limit = 0): RuleEvalContext {
  return { queryOffsetMs: 0, queryFunc: store.queryFunc, externalURL: 'http://prom.example', limit };
}

function rule(
  forMs: number,
  keepMs = 0,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
) {
  return new AlertingRule(
    'Down',
    parseExpr('up == 0'),
    forMs,
    keepMs,
    Labels.fromMap(labels),
    annotationsOf(annotations),
    {
      externalLabels: Labels.fromStrings('dc', 'eu1'),
      externalURL: 'http://prom.example',
    },
  );
}

const states = (r: AlertingRule) => [...r.active.values()].map((a) => a.state);
const series = (v: { metric: Labels; t: number; f: number }[]) => v.map((s) => [s.metric.toString(), s.t, s.f]);

describe('AlertingRule', () => {
  it('goes pending, firing, then resolved, and writes ALERTS and ALERTS_FOR_STATE', async () => {
    // Down from 0 to 10m, up again from 12m.
    await store.add('up{job="a",instance="1"}', [
      [0, 0],
      [5 * MIN, 0],
      [10 * MIN, 0],
      [12 * MIN, 1],
    ]);
    const r = rule(10 * MIN);
    const v0 = await r.eval(0, ctx());
    expect(states(r)).toEqual(['pending']);
    expect(series(v0)).toEqual([
      ['{__name__="ALERTS", alertname="Down", alertstate="pending", instance="1", job="a"}', 0, 1],
      ['{__name__="ALERTS_FOR_STATE", alertname="Down", instance="1", job="a"}', 0, 0],
    ]);
    await r.eval(5 * MIN, ctx());
    expect(states(r)).toEqual(['pending']);
    const v10 = await r.eval(10 * MIN, ctx());
    expect(states(r)).toEqual(['firing']);
    expect(r.state()).toBe('firing');
    expect(series(v10)[0]).toEqual([
      '{__name__="ALERTS", alertname="Down", alertstate="firing", instance="1", job="a"}',
      10 * MIN,
      1,
    ]);
    const a = [...r.active.values()][0]!;
    expect([a.activeAt, a.firedAt, a.resolvedAt]).toEqual([0, 10 * MIN, 0]);
    const v15 = await r.eval(15 * MIN, ctx());
    expect(v15).toEqual([]);
    expect(states(r)).toEqual(['inactive']);
    expect(a.resolvedAt).toBe(15 * MIN);
    expect(r.activeAlerts()).toEqual([]);
    // Kept for 15 minutes after resolving, then dropped.
    await r.eval(30 * MIN, ctx());
    expect(r.active.size).toBe(1);
    await r.eval(30 * MIN + 1, ctx());
    expect(r.active.size).toBe(0);
  });

  it('drops a pending alert whose condition clears', async () => {
    await store.add('up{job="a"}', [
      [0, 0],
      [MIN, 1],
    ]);
    const r = rule(10 * MIN);
    await r.eval(0, ctx());
    expect(states(r)).toEqual(['pending']);
    await r.eval(2 * MIN, ctx());
    expect(r.active.size).toBe(0);
  });

  it('fires at once with for 0', async () => {
    await store.add('up{job="a"}', [[0, 0]]);
    const r = rule(0);
    const v = await r.eval(0, ctx());
    expect(states(r)).toEqual(['firing']);
    expect(v[0]!.metric.get('alertstate')).toBe('firing');
  });

  it('keeps firing for keep_firing_for after the condition clears', async () => {
    await store.add('up{job="a"}', [
      [0, 0],
      [5 * MIN, 1],
    ]);
    const r = rule(0, 10 * MIN);
    await r.eval(0, ctx());
    expect(states(r)).toEqual(['firing']);
    const v5 = await r.eval(5 * MIN, ctx());
    expect(states(r)).toEqual(['firing']);
    expect(v5).toHaveLength(2);
    const a = [...r.active.values()][0]!;
    expect(a.keepFiringSince).toBe(5 * MIN);
    await r.eval(14 * MIN, ctx());
    expect(states(r)).toEqual(['firing']);
    expect(await r.eval(15 * MIN, ctx())).toEqual([]);
    expect(states(r)).toEqual(['inactive']);
    expect(a.resolvedAt).toBe(15 * MIN);
  });

  it('expands labels and annotations with $labels, $value, $externalLabels and query', async () => {
    await store.add('up{job="a",instance="1"}', [[0, 0]]);
    await store.add('other', [[0, 42]]);
    const r = rule(
      0,
      0,
      { severity: '{{ $labels.job }}-page' },
      {
        summary: '{{ $labels.instance }} is {{ $value }} in {{ $externalLabels.dc }} ({{ $externalURL }})',
        q: '{{ with query "other" }}{{ . | first | value }}{{ end }}',
        bad: '{{ index $labels 1 }}',
      },
    );
    await r.eval(0, ctx());
    const a = [...r.active.values()][0]!;
    expect(a.labels.toString()).toBe('{alertname="Down", instance="1", job="a", severity="a-page"}');
    expect(ann(a, 'summary')).toBe('1 is 0 in eu1 (http://prom.example)');
    expect(ann(a, 'q')).toBe('42');
    expect(ann(a, 'bad')).toMatch(/^<error expanding template: error executing template __alert_Down: /);
  });

  it('renders a label the alert lacks as an empty string (missingkey=zero), as Prometheus does', async () => {
    await store.add('up{job="a",instance="1"}', [[0, 0]]);
    const r = rule(0, 0, {}, { summary: '[{{ $labels.nosuchlabel }}] on {{ $labels.instance }}' });
    await r.eval(0, ctx());
    const a = [...r.active.values()][0]!;
    expect(ann(a, 'summary')).toBe('[] on 1');
  });

  it('keeps an annotation whose template expands to nothing, as Prometheus does', async () => {
    await store.add('up{job="a",instance="1"}', [[0, 0]]);
    const r = rule(0, 0, {}, { runbook: '{{ $labels.nosuchlabel }}', summary: 'down' });
    await r.eval(0, ctx());
    const a = [...r.active.values()][0]!;
    expect(a.annotations).toEqual([
      { name: 'runbook', value: '' },
      { name: 'summary', value: 'down' },
    ]);
    expect(r.toString()).toContain('runbook: "{{ $labels.nosuchlabel }}"');
  });

  it('rejects output with duplicate label sets after applying labels', async () => {
    await store.add('up{job="a",instance="1"}', [[0, 0]]);
    await store.add('up{job="a",instance="2"}', [[0, 0]]);
    const r = rule(0, 0, { instance: 'x' });
    await expect(r.eval(0, ctx())).rejects.toBeInstanceOf(DuplicateLabelsetError);
  });

  it('fails and forgets its alerts beyond the limit', async () => {
    await store.add('up{job="a",instance="1"}', [[0, 0]]);
    await store.add('up{job="a",instance="2"}', [[0, 0]]);
    const r = rule(0);
    const err = await r.eval(0, ctx(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleLimitError);
    expect((err as Error).message).toBe('exceeded limit of 1 with 2 alerts');
    expect(r.active.size).toBe(0);
    expect(await r.eval(0, ctx(2))).toHaveLength(4);
  });

  it('writes no samples until restored', async () => {
    await store.add('up{job="a"}', [[0, 0]]);
    const r = new AlertingRule('Down', parseExpr('up == 0'), 0, 0, Labels.EMPTY, [], { restored: false });
    expect(await r.eval(0, ctx())).toEqual([]);
    expect(states(r)).toEqual(['firing']);
  });

  it('sends firing alerts every resend delay, resolved ones once, never pending ones', async () => {
    await store.add('up{job="a"}', [
      [0, 0],
      [3 * MIN, 1],
    ]);
    const r = rule(MIN);
    const sent: [number, Alert[]][] = [];
    const at = async (t: number) => {
      await r.eval(t, ctx());
      r.sendAlerts(t, MIN, 15_000, (expr, alerts) => {
        expect(expr).toBe('up == 0');
        sent.push([t, [...alerts]]);
      });
    };
    for (const t of [0, 15_000, 60_000, 75_000, 120_001, 135_000, 180_000, 195_000]) await at(t);
    const firing = sent.filter(([, as]) => as.length > 0).map(([t, as]) => [t, as[0]!.state, as[0]!.validUntil]);
    expect(firing).toEqual([
      [60_000, 'firing', 60_000 + 4 * MIN],
      [120_001, 'firing', 120_001 + 4 * MIN],
      [180_000, 'inactive', 180_000 + 4 * MIN],
    ]);
  });
});

function ann(a: Alert, name: string): string | undefined {
  return a.annotations.find((l) => l.name === name)?.value;
}
