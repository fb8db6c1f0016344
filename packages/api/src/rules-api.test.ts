import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIHandler, createAPIHandler } from './api.js';
import type { APIAlertingRule, APIRecordingRule, APIRuleGroup } from './api-options.js';
import { formatFloatE, ruleGroupNextToken } from './rules-api.js';

let db: DB;
beforeAll(async () => {
  db = await DB.open();
});
afterAll(async () => {
  await db.close();
});

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 600);

const firing: APIAlertingRule = {
  type: 'alerting',
  name: 'HighLatency',
  query: 'latency > 0.5',
  labels: Labels.fromStrings('severity', 'page'),
  annotations: Labels.fromStrings('summary', 'High latency'),
  health: 'ok',
  lastError: undefined,
  evaluationTimeMs: 1.5,
  lastEvaluationMs: T0,
  durationMs: 600_000,
  keepFiringForMs: 0,
  state: 'firing',
  activeAlerts: () => [
    {
      labels: Labels.fromStrings('alertname', 'HighLatency', 'severity', 'page'),
      // An annotation that expanded to nothing is still shown, as Prometheus shows it.
      annotations: [
        { name: 'runbook', value: '' },
        { name: 'summary', value: 'High latency' },
      ],
      state: 'firing',
      activeAt: T0 - 700_000,
      keepFiringSince: 0,
      value: 1,
    },
  ],
};

const recording: APIRecordingRule = {
  type: 'recording',
  name: 'job:up:sum',
  query: 'sum by (job) (up)',
  labels: Labels.EMPTY,
  health: 'err',
  lastError: new Error('vector contains metrics with the same labelset after applying rule labels'),
  evaluationTimeMs: 0,
  lastEvaluationMs: 0,
};

const groups: APIRuleGroup[] = [
  {
    name: 'a',
    file: '/rules/a.yml',
    intervalMs: 60_000,
    limit: 0,
    evaluationTimeMs: 2,
    lastEvaluationMs: T0,
    rules: [firing, recording],
  },
  {
    name: 'b',
    file: '/rules/b.yml',
    intervalMs: 15_000,
    limit: 10,
    evaluationTimeMs: 0,
    lastEvaluationMs: 0,
    rules: [
      { ...recording, name: 'other', labels: Labels.fromStrings('team', 'x'), health: 'unknown', lastError: undefined },
    ],
  },
];

function handler(): APIHandler {
  return createAPIHandler({
    queryable: db,
    engine: new Engine(),
    rules: { ruleGroups: () => groups },
    alertmanagers: {
      alertmanagers: () => ['http://127.0.0.1:9093/api/v2/alerts'],
      droppedAlertmanagers: () => ['http://10.0.0.1:9093/api/v2/alerts'],
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the answers are read as the JSON they are, member by member.
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await handler()(new Request(`http://localhost/api/v1${path}`));
  return { status: res.status, body: await res.json() };
}

const ALERT_JSON = {
  labels: { alertname: 'HighLatency', severity: 'page' },
  annotations: { runbook: '', summary: 'High latency' },
  state: 'firing',
  activeAt: '2026-01-02T02:52:25.6Z',
  value: '1e+00',
};

describe('rules', () => {
  it('answers groups and rules in Prometheus shape', async () => {
    const { status, body } = await get('/rules');
    expect(status).toBe(200);
    expect(body.data.groups).toEqual([
      {
        name: 'a',
        file: '/rules/a.yml',
        rules: [
          {
            state: 'firing',
            name: 'HighLatency',
            query: 'latency > 0.5',
            duration: 600,
            keepFiringFor: 0,
            labels: { severity: 'page' },
            annotations: { summary: 'High latency' },
            alerts: [ALERT_JSON],
            health: 'ok',
            evaluationTime: 0.0015,
            lastEvaluation: '2026-01-02T03:04:05.6Z',
            type: 'alerting',
          },
          {
            name: 'job:up:sum',
            query: 'sum by (job) (up)',
            health: 'err',
            lastError: 'vector contains metrics with the same labelset after applying rule labels',
            evaluationTime: 0,
            lastEvaluation: '0001-01-01T00:00:00Z',
            type: 'recording',
          },
        ],
        interval: 60,
        limit: 0,
        evaluationTime: 0.002,
        lastEvaluation: '2026-01-02T03:04:05.6Z',
      },
      {
        name: 'b',
        file: '/rules/b.yml',
        rules: [
          {
            name: 'other',
            query: 'sum by (job) (up)',
            labels: { team: 'x' },
            health: 'unknown',
            evaluationTime: 0,
            lastEvaluation: '0001-01-01T00:00:00Z',
            type: 'recording',
          },
        ],
        interval: 15,
        limit: 10,
        evaluationTime: 0,
        lastEvaluation: '0001-01-01T00:00:00Z',
      },
    ]);
  });

  it('filters by type, name, group, file and rule labels', async () => {
    const names = async (q: string) =>
      ((await get(`/rules?${q}`)).body.data.groups as { rules: { name: string }[] }[]).flatMap((g) =>
        g.rules.map((r) => r.name),
      );
    expect(await names('type=alert')).toEqual(['HighLatency']);
    expect(await names('type=RECORD')).toEqual(['job:up:sum', 'other']);
    expect(await names('rule_name[]=other&rule_name[]=HighLatency')).toEqual(['HighLatency', 'other']);
    expect(await names('rule_group[]=b')).toEqual(['other']);
    expect(await names(`file[]=${encodeURIComponent('/rules/a.yml')}`)).toEqual(['HighLatency', 'job:up:sum']);
    expect(await names(`match[]=${encodeURIComponent('{team="x"}')}`)).toEqual(['other']);
    expect(
      await names(`match[]=${encodeURIComponent('{severity=~"p.*"}')}&match[]=${encodeURIComponent('{team="x"}')}`),
    ).toEqual(['HighLatency', 'other']);
    const excluded = (await get('/rules?exclude_alerts=true&type=alert')).body.data.groups[0].rules[0];
    expect(excluded.alerts).toEqual([]);
  });

  it('rejects bad parameters with Prometheus messages', async () => {
    expect((await get('/rules?type=x')).body).toMatchObject({
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid parameter "type": not supported value "x"',
    });
    expect((await get('/rules?group_next_token=abc')).body.error).toBe(
      'invalid parameter "group_next_token": group_limit needs to be present in order to paginate over the groups',
    );
    expect((await get('/rules?group_limit=0')).body.error).toBe(
      'invalid parameter "group_limit": group_limit needs to be greater than 0',
    );
    expect((await get('/rules?group_limit=x')).status).toBe(400);
    expect((await get('/rules?group_limit=1&group_next_token=nope')).body.error).toBe(
      'invalid parameter "group_next_token": invalid group_next_token \'nope\'. were rule groups changed?',
    );
    expect((await get('/rules?exclude_alerts=maybe')).status).toBe(400);
    expect((await get(`/rules?match[]=${encodeURIComponent('{a=""}')}`)).status).toBe(400);
  });

  it('paginates with group_limit and groupNextToken', async () => {
    const first = (await get('/rules?group_limit=1')).body.data;
    expect(first.groups.map((g: { name: string }) => g.name)).toEqual(['a']);
    expect(first.groupNextToken).toBe(await ruleGroupNextToken('/rules/b.yml', 'b'));
    const second = (await get(`/rules?group_limit=1&group_next_token=${first.groupNextToken}`)).body.data;
    expect(second.groups.map((g: { name: string }) => g.name)).toEqual(['b']);
    expect(second.groupNextToken).toBeUndefined();
  });
});

describe('alerts and alertmanagers', () => {
  it('lists the active alerts of every alerting rule', async () => {
    expect((await get('/alerts')).body.data).toEqual({ alerts: [ALERT_JSON] });
  });

  it('lists active and dropped Alertmanagers', async () => {
    expect((await get('/alertmanagers')).body.data).toEqual({
      activeAlertmanagers: [{ url: 'http://127.0.0.1:9093/api/v2/alerts' }],
      droppedAlertmanagers: [{ url: 'http://10.0.0.1:9093/api/v2/alerts' }],
    });
  });

  it('answers empty without a rule manager or notifier', async () => {
    const h = createAPIHandler({ queryable: db, engine: new Engine() });
    const body = async (p: string) =>
      ((await (await h(new Request(`http://localhost/api/v1${p}`))).json()) as { data: unknown }).data;
    expect(await body('/rules')).toEqual({ groups: [] });
    expect(await body('/alerts')).toEqual({ alerts: [] });
    expect(await body('/alertmanagers')).toEqual({ activeAlertmanagers: [], droppedAlertmanagers: [] });
  });
});

describe('formatFloatE', () => {
  it('prints as Go strconv.FormatFloat(v, e, -1, 64)', () => {
    expect([1, 0, 0.5, 123456, 1.5e-7, 1e21, -2.25, Number.NaN, Number.POSITIVE_INFINITY].map(formatFloatE)).toEqual([
      '1e+00',
      '0e+00',
      '5e-01',
      '1.23456e+05',
      '1.5e-07',
      '1e+21',
      '-2.25e+00',
      'NaN',
      '+Inf',
    ]);
    expect(formatFloatE(1e100)).toBe('1e+100');
  });
});
