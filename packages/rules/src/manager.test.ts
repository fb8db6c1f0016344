import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { Manager, RuleLoadError } from './manager.js';
import type { QueryFunc } from './query-func.js';
import { FakeScheduler } from './testing/fake-scheduler.js';
import { openTestStore, type TestStore } from './testing/storage.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
let dir: string;
let store: TestStore;
let sched: FakeScheduler;
const managers: Manager[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsprom-rules-'));
  store = await openTestStore();
  sched = new FakeScheduler(T0);
});
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function manager(opts: { queryFunc?: QueryFunc; notify?: (expr: string, alerts: readonly Alert[]) => void } = {}) {
  const m = new Manager({
    queryFunc: opts.queryFunc ?? store.queryFunc,
    notifyFunc: opts.notify,
    appendable: store.db,
    queryable: store.db,
    scheduler: sched,
  });
  managers.push(m);
  return m;
}

/** Samples every 15 s from `from` to `to` (ms, inclusive). */
async function steady(series: string, from: number, to: number, v: number): Promise<void> {
  const pts: [number, number][] = [];
  for (let t = from; t <= to; t += 15_000) pts.push([t, v]);
  await store.add(series, pts);
}

const RECORD = `groups:
  - name: rec
    interval: 1m
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
`;

describe('Manager and Group', () => {
  it('evaluates on the slots of the group hash and records the results', async () => {
    await steady('up{job="a",instance="1"}', T0 - 10 * MIN, T0 + 10 * MIN, 1);
    await steady('up{job="a",instance="2"}', T0 - 10 * MIN, T0 + 10 * MIN, 1);
    const m = manager();
    const f = file('rec.yml', RECORD);
    await m.update(15_000, [f], Labels.EMPTY, '');
    m.run();
    await sched.advance(5 * MIN);
    const g = m.ruleGroups()[0]!;
    expect([g.name, g.file, g.intervalMs]).toEqual(['rec', f, MIN]);
    const first = g.evalTimestamp(T0) + MIN;
    const got = (await store.read('job:up:sum')).get('{__name__="job:up:sum", job="a"}')!;
    expect(got.map(([t]) => t)).toEqual([0, 1, 2, 3, 4].map((i) => first + i * MIN).filter((t) => t <= T0 + 5 * MIN));
    expect(got.every(([, v]) => v === 2)).toBe(true);
    expect(g.rules[0]!.health).toBe('ok');
    expect(g.lastEvalTimestampMs).toBe(got.at(-1)![0]);
    expect(g.counters.iterationsScheduled).toBe(got.length);
    expect(g.counters.lastEvaluationSamples).toBe(1);
  });

  it('puts each slot at a multiple of the interval shifted by the group hash', () => {
    const m = manager();
    return m.loadGroups(MIN, Labels.EMPTY, '', [file('rec.yml', RECORD)]).then((gs) => {
      const g = [...gs.values()][0]!;
      const offsetMs = Number((g.hash() % BigInt(MIN * 1e6)) / 1_000_000n);
      for (const t of [T0, T0 + 1, T0 + 59_999, T0 + 123_456]) {
        const e = g.evalTimestamp(t);
        expect(e).toBeLessThanOrEqual(t);
        expect(t - e).toBeLessThan(MIN);
        expect((e - offsetMs) % MIN).toBe(0);
      }
    });
  });

  it('marks stale the series a rule stops producing', async () => {
    await steady('up{job="a"}', T0 - 10 * MIN, T0 + 10 * MIN, 1);
    await steady('up{job="b"}', T0 - 10 * MIN, T0 + 2 * MIN, 1);
    const m = manager();
    await m.update(MIN, [file('rec.yml', RECORD)], Labels.EMPTY, '');
    m.run();
    await sched.advance(10 * MIN);
    const b = (await store.read('job:up:sum', { job: 'b' })).get('{__name__="job:up:sum", job="b"}')!;
    // job b disappears 5 minutes (the lookback) after its last sample: one stale marker, then nothing.
    const last = b.at(-1)!;
    expect(last[1]).toBe('stale');
    expect(b.filter(([, v]) => v === 'stale')).toHaveLength(1);
    expect(last[0]).toBeGreaterThan(T0 + 7 * MIN - MIN);
    const a = (await store.read('job:up:sum', { job: 'a' })).get('{__name__="job:up:sum", job="a"}')!;
    expect(a.some(([, v]) => v === 'stale')).toBe(false);
  });

  it('counts missed iterations when an evaluation overruns', async () => {
    await steady('up{job="a"}', T0 - 10 * MIN, T0 + 20 * MIN, 1);
    let calls = 0;
    const slow: QueryFunc = async (q, t, s) => {
      if (++calls === 2) sched.jump(2.5 * MIN); // The second evaluation takes 2.5 intervals.
      return store.queryFunc(q, t, s);
    };
    const m = manager({ queryFunc: slow });
    await m.update(MIN, [file('rec.yml', RECORD)], Labels.EMPTY, '');
    m.run();
    const g = m.ruleGroups()[0]!;
    const first = g.evalTimestamp(T0) + MIN;
    await sched.advance(first + MIN - T0); // Two evaluations; the clock is then 1.5 intervals past the next tick.
    expect(sched.now()).toBe(first + 3.5 * MIN);
    await sched.advance(1);
    expect(g.counters.iterationsMissed).toBe(1);
    const ts = (await store.read('job:up:sum')).get('{__name__="job:up:sum", job="a"}')!.map(([t]) => t);
    expect(ts).toEqual([first, first + MIN, first + 3 * MIN]);
    expect(g.counters.iterationsScheduled).toBe(4);
    const fam = m.metrics().find((f) => f.name === 'prometheus_rule_group_iterations_missed_total')!;
    expect(fam.samples).toEqual([{ labels: { rule_group: `${g.file};rec` }, value: 1 }]);
  });

  it('records failures in health, last error and counters', async () => {
    const m = manager();
    const f = file(
      'bad.yml',
      'groups:\n- name: g\n  rules:\n  - record: x\n    expr: label_replace(vector(1), "a", "", "", "")\n  - record: y\n    expr: vector(1)\n',
    );
    const failing: QueryFunc = async (q, t, s) => {
      if (q.startsWith('label_replace')) throw new Error('boom');
      return store.queryFunc(q, t, s);
    };
    const m2 = manager({ queryFunc: failing });
    await m2.update(MIN, [f], Labels.EMPTY, '');
    m2.run();
    await sched.advance(2 * MIN);
    const g = m2.ruleGroups()[0]!;
    expect(g.rules.map((r) => [r.health, r.lastError?.message])).toEqual([
      ['err', 'boom'],
      ['ok', undefined],
    ]);
    expect(g.counters.evaluationFailures).toBe(g.counters.iterationsScheduled);
    expect(g.counters.evaluations).toBe(2 * g.counters.iterationsScheduled);
    await m.stop();
  });

  it('keeps unchanged groups on reload, carries alert state into changed ones, marks removed ones stale', async () => {
    await steady('up{job="a"}', T0 - 10 * MIN, T0 + 30 * MIN, 0);
    const alert = `groups:
  - name: al
    interval: 1m
    rules:
      - alert: Down
        expr: up == 0
        for: 5m
`;
    const m = manager();
    const fa = file('al.yml', alert);
    const fr = file('rec.yml', RECORD);
    await m.update(MIN, [fa, fr], Labels.EMPTY, '');
    m.run();
    await sched.advance(3 * MIN);
    const [g1, r1] = m.ruleGroups();
    const a1 = g1!.alertingRules()[0]!.activeAlerts()[0]!;
    expect(a1.state).toBe('pending');
    // Same files: the same group objects keep running.
    await m.update(MIN, [fa, fr], Labels.EMPTY, '');
    expect(m.ruleGroups()[0]).toBe(g1);
    // A changed group replaces the old one and takes over its alerts; the removed group stops.
    writeFileSync(fa, `${alert}      - record: extra\n        expr: vector(1)\n`);
    await m.update(MIN, [fa], Labels.EMPTY, '');
    const g2 = m.ruleGroups()[0]!;
    expect(g2).not.toBe(g1);
    expect(m.ruleGroups()).toHaveLength(1);
    expect(g2.alertingRules()[0]!.activeAlerts()[0]!.activeAt).toBe(a1.activeAt);
    await sched.advance(5 * MIN);
    expect(g2.alertingRules()[0]!.state()).toBe('firing');
    // The removed group's series got a stale marker two intervals after it stopped.
    const rec = (await store.read('job:up:sum')).get('{__name__="job:up:sum", job="a"}')!;
    expect(rec.at(-1)![1]).toBe('stale');
    expect(m.metrics().find((f) => f.name === 'prometheus_rule_group_rules')!.samples).toEqual([
      { labels: { rule_group: `${fa};al` }, value: 2 },
    ]);
    void r1;
  });

  it('rejects an invalid reload and keeps the previous groups', async () => {
    const m = manager();
    const f = file('rec.yml', RECORD);
    await m.update(MIN, [f], Labels.EMPTY, '');
    const bad = file('bad.yml', 'groups:\n- name: g\n  rules:\n  - record: x\n    expr: sum(\n');
    const err = await m.update(MIN, [f, bad], Labels.EMPTY, '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleLoadError);
    expect((err as RuleLoadError).errors.errors[0]!.message).toMatch(
      /bad\.yml: 5:11: group "g", rule 1, "x": could not parse expression/,
    );
    expect(m.ruleGroups().map((g) => g.name)).toEqual(['rec']);
  });

  it('sends alerts through the notify function', async () => {
    await steady('up{job="a"}', T0 - 10 * MIN, T0 + 30 * MIN, 0);
    const sent: Alert[] = [];
    const m = manager({ notify: (_e, as) => sent.push(...as) });
    await m.update(
      MIN,
      [
        file(
          'al.yml',
          'groups:\n- name: al\n  rules:\n  - alert: Down\n    expr: up == 0\n    annotations:\n      s: "{{ $labels.job }} down"\n',
        ),
      ],
      Labels.fromStrings('dc', 'x'),
      'http://prom',
    );
    m.run();
    await sched.advance(3 * MIN);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.labels.toString()).toBe('{alertname="Down", job="a"}');
    expect(sent[0]!.annotations.find((l) => l.name === 's')?.value).toBe('a down');
    expect(m.alertingRules()[0]!.activeAlerts()).toHaveLength(1);
  });
});
