// Restoring `for` state after a restart: a second Manager over the same storage.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Manager } from './manager.js';
import { FakeScheduler } from './testing/fake-scheduler.js';
import { openTestStore, type TestStore } from './testing/storage.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
let dir: string;
let store: TestStore;
let sched: FakeScheduler;
let file: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsprom-rules-'));
  store = await openTestStore();
  sched = new FakeScheduler(T0);
  file = join(dir, 'al.yml');
  // Always true, with the labels {job="a"}: no input series needed.
  writeFileSync(
    file,
    'groups:\n- name: al\n  interval: 1m\n  rules:\n  - alert: Down\n    expr: absent(nothing{job="a"})\n    for: 30m\n',
  );
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Manager> {
  const m = new Manager({ queryFunc: store.queryFunc, appendable: store.db, queryable: store.db, scheduler: sched });
  await m.update(MIN, [file], Labels.EMPTY, '');
  m.run();
  return m;
}

const alertOf = (m: Manager) => m.alertingRules()[0]!.activeAlerts()[0]!;

async function lastForState(): Promise<[number, number]> {
  const s = (await store.read('ALERTS_FOR_STATE')).get('{__name__="ALERTS_FOR_STATE", alertname="Down", job="a"}')!;
  const [t, v] = s.at(-1)!;
  return [t, v as number];
}

it('writes no ALERTS before the restore, then restores the pending time across a restart', async () => {
  const m1 = await start();
  const g1 = m1.ruleGroups()[0]!;
  const first = g1.evalTimestamp(T0) + MIN;
  await sched.advance(first - T0);
  expect(await store.read('ALERTS')).toEqual(new Map()); // Not restored yet: no samples.
  await sched.advance(15 * MIN);
  const activeAt1 = alertOf(m1).activeAt;
  expect(activeAt1).toBe(first);
  expect(alertOf(m1).state).toBe('pending');
  await m1.stop();
  const [downT, v] = await lastForState();
  expect(v).toBe(Math.floor(first / 1000));

  // Down for 5 minutes; a new manager (a restart) over the same storage.
  await sched.advance(5 * MIN);
  const m2 = await start();
  const g2 = m2.ruleGroups()[0]!;
  const first2 = g2.evalTimestamp(sched.now()) + MIN;
  await sched.advance(first2 + MIN - sched.now()); // Two evaluations, then the restore.
  const restoreAt = first2 + MIN;
  const downAt = Math.floor(downT / 1000) * 1000;
  // Pending time before the outage counts (ALERTS_FOR_STATE has whole seconds); the outage does not.
  expect(alertOf(m2).activeAt).toBe(Math.floor(first / 1000) * 1000 + (restoreAt - downAt));
  expect(alertOf(m2).state).toBe('pending');
  // It fires 30 minutes of pending time after it first went pending, not 30 minutes after the restart.
  const fireAt = alertOf(m2).activeAt + 30 * MIN;
  await sched.advance(fireAt - sched.now() - 1);
  expect(alertOf(m2).state).toBe('pending');
  await sched.advance(MIN);
  expect(alertOf(m2).state).toBe('firing');
  await m2.stop();
});

it('leaves at least the grace period to fire', async () => {
  const m1 = await start();
  await sched.advance(26 * MIN); // About 25 minutes pending of 30.
  const first = alertOf(m1).activeAt;
  await m1.stop();
  await sched.advance(2 * MIN);
  const m2 = await start();
  const g2 = m2.ruleGroups()[0]!;
  const first2 = g2.evalTimestamp(sched.now()) + MIN;
  await sched.advance(first2 + MIN - sched.now());
  const restoreAt = first2 + MIN;
  expect(alertOf(m2).activeAt).toBe(restoreAt + 10 * MIN - 30 * MIN);
  expect(alertOf(m2).activeAt).toBeGreaterThan(first);
  await m2.stop();
});

it('does not restore beyond the outage tolerance', async () => {
  const m1 = await start();
  await sched.advance(10 * MIN);
  await m1.stop();
  await sched.advance(70 * MIN); // Longer than the default tolerance of 1h.
  const m2 = await start();
  const g2 = m2.ruleGroups()[0]!;
  const first2 = g2.evalTimestamp(sched.now()) + MIN;
  await sched.advance(first2 + MIN - sched.now());
  expect(alertOf(m2).activeAt).toBe(first2);
  await m2.stop();
});
