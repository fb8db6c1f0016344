// Rules over native histograms: a recording rule whose expression yields histograms records them
// as native-histogram samples; an alerting rule over histograms makes one alert per histogram
// sample, with the histogram as `$value` in its templates and 0 as the alert's value (Prometheus).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { floatHistogramString } from '@tsprom/histogram';
import { Labels, Matcher, MatchType, parseMetric } from '@tsprom/labels';
import { type Histogram, isStaleNaN, ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Manager } from './manager.js';
import { FakeScheduler } from './testing/fake-scheduler.js';
import { openTestStore, type TestStore } from './testing/storage.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
/** The last input sample: after it, and 5 minutes of lookback, the rules' results go stale. */
const LAST = T0 + 10 * MIN;
let dir: string;
let store: TestStore;
let sched: FakeScheduler;
let file: string;

/** The k-th histogram of an instance: one observation in the zero bucket, `k * mult` in (1, 2]. */
const hist = (k: number, mult: number): Histogram => ({
  counterResetHint: 0,
  schema: 0,
  zeroThreshold: 0.001,
  zeroCount: 1,
  count: 1 + k * mult,
  sum: 1.5 * k * mult,
  positiveSpans: [{ offset: 1, length: 1 }],
  positiveBuckets: [k * mult],
  negativeSpans: [],
  negativeBuckets: [],
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsprom-rules-h-'));
  store = await openTestStore();
  sched = new FakeScheduler(T0);
  const app = store.db.appender();
  for (const [inst, mult] of [
    ['1', 1],
    ['2', 2],
  ] as const) {
    const ls = parseMetric(`latency{job="a",instance="${inst}"}`);
    for (let t = T0 - 10 * MIN, k = 1; t <= LAST; t += 15_000, k++)
      app.appendHistogram(0, ls, t, hist(k, mult), undefined);
  }
  await app.commit();
  file = join(dir, 'h.yml');
  writeFileSync(
    file,
    [
      'groups:',
      '- name: h',
      '  interval: 1m',
      '  rules:',
      '  - record: job:latency:sum',
      '    expr: sum by (job) (latency)',
      '  - alert: Latency',
      '    expr: latency',
      '    annotations:',
      "      value: '{{ $value }}'",
      "      count: '{{ $value.Count }}'",
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The samples of `name` as [t, kind] with kind 'histogram', 'stale' or the float value. */
async function kinds(name: string): Promise<[number, string | number][]> {
  const q = store.db.querier(0, Number.MAX_SAFE_INTEGER);
  const set = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', name)]);
  const out: [number, string | number][] = [];
  while (set.next()) {
    const it = set.at().iterator();
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      if (vt === ValueType.Float) out.push([it.atT(), isStaleNaN(it.atV()) ? 'stale' : it.atV()]);
      else out.push([it.atT(), 'histogram']);
    }
  }
  await q.close();
  return out;
}

async function scalarAt(expr: string, t: number): Promise<number> {
  const v = await store.queryFunc(expr, t);
  expect(v).toHaveLength(1);
  return v[0]!.f;
}

it('records histogram results as native histograms, and marks them stale when they go', async () => {
  const m = new Manager({ queryFunc: store.queryFunc, appendable: store.db, queryable: store.db, scheduler: sched });
  await m.update(MIN, [file], Labels.EMPTY, '');
  m.run();
  const g = m.ruleGroups()[0]!;
  const first = g.evalTimestamp(T0) + MIN;
  await sched.advance(first - T0);
  expect(m.rules()[0]!.lastError).toBeUndefined();
  const recorded = await kinds('job:latency:sum');
  expect(recorded).toEqual([[first, 'histogram']]);
  // The sum of both instances' latest histograms, read back through PromQL.
  const k = Math.floor((first - (T0 - 10 * MIN)) / 15_000) + 1;
  expect(await scalarAt('histogram_count(job:latency:sum)', first)).toBe(2 + 3 * k);
  expect(await scalarAt('histogram_sum(job:latency:sum)', first)).toBe(1.5 * 3 * k);
  expect(await scalarAt('histogram_count(job:latency:sum{job="a"})', first)).toBe(2 + 3 * k);

  // Past the input's last sample and the lookback: the recorded series gets a stale marker.
  await sched.advance(LAST + 6 * MIN - sched.now());
  const after = await kinds('job:latency:sum');
  expect(after.filter(([, x]) => x === 'histogram').length).toBeGreaterThan(1);
  expect(after.at(-1)![1]).toBe('stale');
  expect(after.slice(0, -1).every(([, x]) => x === 'histogram')).toBe(true);
  await m.stop();
});

it('fires alerts over histogram samples with the histogram as $value and 0 as the alert value', async () => {
  const m = new Manager({ queryFunc: store.queryFunc, appendable: store.db, queryable: store.db, scheduler: sched });
  await m.update(MIN, [file], Labels.EMPTY, '');
  m.run();
  const g = m.ruleGroups()[0]!;
  const first = g.evalTimestamp(T0) + MIN;
  await sched.advance(first - T0);
  const rule = m.alertingRules()[0]!;
  expect(rule.lastError).toBeUndefined();
  const alerts = rule.activeAlerts().sort((a, b) => (a.labels.get('instance') < b.labels.get('instance') ? -1 : 1));
  expect(alerts.map((a) => [a.labels.toString(), a.state, a.value])).toEqual([
    ['{alertname="Latency", instance="1", job="a"}', 'firing', 0],
    ['{alertname="Latency", instance="2", job="a"}', 'firing', 0],
  ]);
  const [h1] = await store.queryFunc('latency{instance="1"}', first);
  expect(h1!.h).toBeDefined();
  const ann = Object.fromEntries(alerts[0]!.annotations.map((a) => [a.name, a.value]));
  expect(ann.value).toBe(floatHistogramString(h1!.h!));
  expect(ann.value).toMatch(/^\{count:\d+, sum:[\d.]+, \[-0\.001,0\.001\]:1, \(1,2\]:\d+\}$/);
  expect(ann.count).toBe(String(h1!.h!.count));
  // ALERTS (written once the `for` state is restored, after the second evaluation) is a float
  // series, as for float alerts.
  await sched.advance(3 * MIN);
  const alertsSeries = await store.read('ALERTS', { instance: '1' });
  expect([...alertsSeries.keys()]).toEqual([
    '{__name__="ALERTS", alertname="Latency", alertstate="firing", instance="1", job="a"}',
  ]);
  const pts = [...alertsSeries.values()][0]!;
  expect(pts.length).toBeGreaterThan(0);
  expect(pts.every(([, v]) => v === 1)).toBe(true);
  await m.stop();
});
