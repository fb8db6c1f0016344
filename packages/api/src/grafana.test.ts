// The calls Grafana's Prometheus data source makes when a dashboard loads and a user edits a
// query (buildinfo for the version, label names and values with matchers and a time range,
// series, metadata for hints, instant and range queries, exemplars, format_query), with the
// shapes and headers it reads.
import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIHandler, createAPIHandler } from './api.js';

const T0 = 1_700_000_000_000;
let db: DB;
let h: APIHandler;

beforeAll(async () => {
  db = await DB.open();
  const app = db.appender();
  let ref = 0;
  let ref2 = 0;
  for (let i = 0; i <= 40; i++) {
    const t = T0 + i * 15_000;
    ref = app.append(
      ref,
      Labels.fromStrings('__name__', 'node_cpu_seconds_total', 'cpu', '0', 'job', 'node'),
      t,
      i * 15,
    );
    ref2 = app.append(
      ref2,
      Labels.fromStrings('__name__', 'node_cpu_seconds_total', 'cpu', '1', 'job', 'node'),
      t,
      i * 7.5,
    );
  }
  await app.commit();
  h = createAPIHandler({
    queryable: db,
    engine: new Engine(),
    now: () => T0 + 600_000,
    status: {
      buildInfo: () => ({
        // tsprom's form: the Prometheus API level, tsprom's version as build metadata.
        version: '3.14.0+tsprom.0.1.0',
        revision: 'unknown',
        branch: '',
        buildUser: '',
        buildDate: '',
        goVersion: 'node v20.20.0',
      }),
    },
  });
});
afterAll(async () => {
  await db.close();
});

async function call(
  path: string,
  init?: RequestInit,
): Promise<{ res: Response; body: { status: string; data: unknown } }> {
  // Grafana sends an Origin (browser access) or none (server access); both must work.
  const res = await h(new Request(`http://localhost${path}`, init));
  expect(res.headers.get('content-type')).toBe('application/json');
  return { res, body: (await res.json()) as { status: string; data: unknown } };
}

const form = (params: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(params),
});

describe("Grafana's Prometheus data source", () => {
  const start = String(T0 / 1000);
  const end = String((T0 + 600_000) / 1000);

  it('reads the build info', async () => {
    const { body } = await call('/api/v1/status/buildinfo');
    const { version } = body.data as { version: string };
    expect(version).toBe('3.14.0+tsprom.0.1.0');
    // Grafana compares it with the semver package to turn features on (2.40 and later: all of them).
    expect(semver.valid(version)).not.toBeNull();
    expect(semver.gte(version, '2.40.0')).toBe(true);
  });

  it('lists label names and values for a matcher and a time range (GET and POST)', async () => {
    const names = await call(`/api/v1/labels?start=${start}&end=${end}&match[]=${encodeURIComponent('{job="node"}')}`);
    expect(names.body.data).toEqual(['__name__', 'cpu', 'job']);
    const post = await call('/api/v1/labels', form({ start, end, 'match[]': '{job="node"}' }));
    expect(post.body.data).toEqual(['__name__', 'cpu', 'job']);
    const values = await call(`/api/v1/label/cpu/values?start=${start}&end=${end}&match[]=node_cpu_seconds_total`);
    expect(values.body.data).toEqual(['0', '1']);
    const metrics = await call(`/api/v1/label/__name__/values?start=${start}&end=${end}`);
    expect(metrics.body.data).toEqual(['node_cpu_seconds_total']);
  });

  it('finds series', async () => {
    const { body } = await call('/api/v1/series', form({ 'match[]': 'node_cpu_seconds_total{cpu="1"}', start, end }));
    expect(body.data).toEqual([{ __name__: 'node_cpu_seconds_total', cpu: '1', job: 'node' }]);
  });

  it('reads metadata (empty without targets) and exemplars', async () => {
    expect((await call('/api/v1/metadata')).body.data).toEqual({});
    expect((await call('/api/v1/metadata?metric=node_cpu_seconds_total')).body.data).toEqual({});
    expect(
      (await call(`/api/v1/query_exemplars?query=node_cpu_seconds_total&start=${start}&end=${end}`)).body.data,
    ).toEqual([]);
  });

  it('runs instant and range queries with a step, POSTed', async () => {
    const q = 'sum by (job) (rate(node_cpu_seconds_total[1m]))';
    const inst = await call('/api/v1/query', form({ query: q, time: end }));
    const v = inst.body.data as { resultType: string; result: { metric: object; value: [number, string] }[] };
    expect(v.resultType).toBe('vector');
    expect(v.result[0]!.metric).toEqual({ job: 'node' });
    expect(v.result[0]!.value[0]).toBe(T0 / 1000 + 600);
    expect(Number(v.result[0]!.value[1])).toBeCloseTo(1.5, 12);
    const range = await call(
      '/api/v1/query_range',
      form({ query: q, start: String(T0 / 1000 + 300), end, step: '60' }),
    );
    const r = range.body.data as { resultType: string; result: { metric: object; values: [number, string][] }[] };
    expect(r.resultType).toBe('matrix');
    expect(r.result[0]!.values).toHaveLength(6);
    for (const [, x] of r.result[0]!.values) expect(Number(x)).toBeCloseTo(1.5, 12);
  });

  it('formats a query', async () => {
    const { body } = await call('/api/v1/format_query', form({ query: 'sum(rate(x[5m]))by(job)' }));
    expect(body.data).toBe('sum by (job) (rate(x[5m]))');
  });
});
