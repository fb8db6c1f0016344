import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIHandler, createAPIHandler } from './api.js';
import type { APIOptions, APITarget } from './api-options.js';

const T0 = 1_700_000_000_000;
let db: DB;

async function fill(): Promise<DB> {
  const d = await DB.open();
  const app = d.appender();
  const refs = [0, 0, 0];
  for (let i = 0; i <= 20; i++) {
    const t = T0 + i * 15_000;
    refs[0] = app.append(refs[0]!, Labels.fromStrings('__name__', 'up', 'instance', 'a:9090', 'job', 'prom'), t, 1);
    refs[1] = app.append(refs[1]!, Labels.fromStrings('__name__', 'up', 'instance', 'b:9100', 'job', 'node'), t, 0);
    refs[2] = app.append(
      refs[2]!,
      Labels.fromStrings('__name__', 'http_requests_total', 'code', '200', 'job', 'prom'),
      t,
      i * 10.5,
    );
  }
  await app.commit();
  return d;
}

// Response bodies are read as loose JSON: each test names the fields it checks.
// biome-ignore lint/suspicious/noExplicitAny: any JSON the API answers
type Body = any;

function handler(extra: Partial<APIOptions> = {}): APIHandler {
  return createAPIHandler({ queryable: db, engine: new Engine(), now: () => T0 + 300_000, ...extra });
}

async function get(
  h: APIHandler,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Body; text: string }> {
  const res = await h(new Request(`http://localhost${path}`, init));
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

beforeAll(async () => {
  db = await fill();
});
afterAll(async () => {
  await db.close();
});

describe('query', () => {
  it('answers an instant vector as Prometheus writes it', async () => {
    const r = await get(handler(), `/api/v1/query?query=up&time=${(T0 + 300_000) / 1000}`);
    expect(r.status).toBe(200);
    expect(r.text).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[' +
        '{"metric":{"__name__":"up","instance":"a:9090","job":"prom"},"value":[1700000300,"1"]},' +
        '{"metric":{"__name__":"up","instance":"b:9100","job":"node"},"value":[1700000300,"0"]}]}}',
    );
  });

  it('reads RFC3339 times and writes millisecond timestamps with three decimals', async () => {
    const time = new Date(T0 + 300_120).toISOString();
    const r = await get(handler(), `/api/v1/query?query=up{job="prom"}&time=${time}`);
    expect(r.body.data.result[0].value).toEqual([1700000300.12, '1']);
    expect(r.text).toContain('[1700000300.120,"1"]');
  });

  it('uses the current time without time, and answers scalars and strings', async () => {
    const s = await get(handler(), '/api/v1/query?query=1%2B1');
    expect(s.body.data).toEqual({ resultType: 'scalar', result: [1700000300, '2'] });
    const str = await get(handler(), '/api/v1/query?query="a<b"');
    expect(str.text).toContain('"result":[1700000300,"a\\u003cb"]');
  });

  it('answers range vectors of an instant query as a matrix, and +Inf/NaN as Go prints them', async () => {
    const r = await get(handler(), `/api/v1/query?query=up{job="node"}[30s]&time=${(T0 + 300_000) / 1000}`);
    expect(r.body.data.resultType).toBe('matrix');
    expect(r.body.data.result[0].values).toEqual([
      [1700000285, '0'],
      [1700000300, '0'],
    ]);
    const inf = await get(handler(), '/api/v1/query?query=1/0');
    expect(inf.body.data.result[1]).toBe('+Inf');
    const nan = await get(handler(), '/api/v1/query?query=0/0');
    expect(nan.body.data.result[1]).toBe('NaN');
  });

  it('takes the parameters from a POST form', async () => {
    const r = await get(handler(), '/api/v1/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'sum(up)', time: String((T0 + 300_000) / 1000) }),
    });
    expect(r.body.data.result).toEqual([{ metric: {}, value: [1700000300, '1'] }]);
  });

  it('truncates to limit with a warning, and adds stats when asked', async () => {
    const r = await get(handler(), '/api/v1/query?query=up&limit=1&stats=true');
    expect(r.body.data.result).toHaveLength(1);
    expect(r.body.warnings).toEqual(['results truncated due to limit']);
    expect(Object.keys(r.body.data.stats.timings)).toEqual([
      'evalTotalTime',
      'resultSortTime',
      'queryPreparationTime',
      'innerEvalTime',
      'execQueueTime',
      'execTotalTime',
    ]);
    expect(r.body.data.stats.samples.totalQueryableSamples).toBe(2);
  });

  it('returns annotations as warnings and infos', async () => {
    const r = await get(handler(), '/api/v1/query?query=rate(up[5m])');
    expect(r.status).toBe(200);
    expect(r.body.infos?.[0]).toMatch(
      /metric might not be a counter, name does not end in _total\/_sum\/_count\/_bucket: "up" \(1:6\)/,
    );
  });

  it.each([
    ['', 400, 'bad_data', 'invalid parameter "query": unknown position: parse error: no expression found in input'],
    [
      'query=foo{',
      400,
      'bad_data',
      'invalid parameter "query": 1:5: parse error: unexpected end of input inside braces',
    ],
    [
      'query=up&time=abc',
      400,
      'bad_data',
      `invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp`,
    ],
    ['query=up&timeout=x', 400, 'bad_data', 'invalid parameter "timeout": cannot parse "x" to a valid duration'],
    ['query=up&limit=-1', 400, 'bad_data', 'invalid parameter "limit": limit must be non-negative'],
    ['query=up&limit=a', 400, 'bad_data', 'invalid parameter "limit": strconv.Atoi: parsing "a": invalid syntax'],
    [
      'query=up&lookback_delta=x',
      400,
      'bad_data',
      'error parsing lookback delta duration: cannot parse "x" to a valid duration',
    ],
    [
      'query=up%2Bon()up',
      422,
      'execution',
      'found duplicate series for the match group {} on the right hand-side of the operation: [{__name__="up", instance="a:9090", job="prom"}, {__name__="up", instance="b:9100", job="node"}];many-to-many matching not allowed: matching labels must be unique on one side',
    ],
    ['query=up&timeout=0s', 503, 'timeout', 'query timed out in query queue'],
  ])('refuses %s with %i %s', async (qs, status, type, error) => {
    const r = await get(handler(), `/api/v1/query?${qs}`);
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ status: 'error', errorType: type, error });
  });

  it('fails with execution when the query would hold too many samples', async () => {
    const h = createAPIHandler({ queryable: db, engine: new Engine({ maxSamples: 3 }), now: () => T0 + 300_000 });
    const r = await get(h, '/api/v1/query?query=up[5m]');
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      status: 'error',
      errorType: 'execution',
      error: 'query processing would load too many samples into memory in query execution',
    });
  });
});

describe('query_range', () => {
  const start = T0 / 1000;
  it('answers a matrix over [start, end] every step', async () => {
    const r = await get(
      handler(),
      `/api/v1/query_range?query=up{job="prom"}&start=${start}&end=${start + 60}&step=30s`,
    );
    expect(r.text).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"a:9090","job":"prom"},' +
        '"values":[[1700000000,"1"],[1700000030,"1"],[1700000060,"1"]]}]}}',
    );
    const f = await get(
      handler(),
      `/api/v1/query_range?query=up{job="prom"}&start=${start}&end=${start + 60}&step=30.5`,
    );
    expect(f.body.data.result[0].values.map((p: [number, string]) => p[0])).toEqual([1700000000, 1700000030.5]);
  });

  it.each([
    [`query=up&end=${start}&step=15`, 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    [
      `query=up&start=${start}&end=${start - 1}&step=15`,
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [`query=up&start=${start}&end=${start}`, 'invalid parameter "step": cannot parse "" to a valid duration'],
    [
      `query=up&start=${start}&end=${start}&step=0`,
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      `query=up&start=${start}&end=${start + 11001}&step=1`,
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
    [
      `query=up[5m]&start=${start}&end=${start}&step=1`,
      'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    ],
  ])('refuses %s', async (qs, error) => {
    const r = await get(handler(), `/api/v1/query_range?${qs}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });
});

describe('series and labels', () => {
  it('lists series matching any match[]', async () => {
    const r = await get(handler(), '/api/v1/series?match[]=up{job="node"}&match[]=http_requests_total');
    expect(r.body).toEqual({
      status: 'success',
      data: [
        { __name__: 'http_requests_total', code: '200', job: 'prom' },
        { __name__: 'up', instance: 'b:9100', job: 'node' },
      ],
    });
  });

  it.each([
    ['/api/v1/series', 'no match[] parameter provided'],
    [
      '/api/v1/series?match[]={job=""}',
      'invalid parameter "match[]": match[] must contain at least one non-empty matcher',
    ],
    [
      '/api/v1/series?match[]=up{',
      'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces',
    ],
    ['/api/v1/labels?match[]={a=~".*"}', 'match[] must contain at least one non-empty matcher'],
    [
      '/api/v1/label/job/values?start=x',
      `invalid parameter "start": Invalid time value for 'start': cannot parse "x" to a valid timestamp`,
    ],
  ])('refuses %s', async (path, error) => {
    const r = await get(handler(), path);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  it('lists label names and values, sorted, with limit', async () => {
    expect((await get(handler(), '/api/v1/labels')).body.data).toEqual(['__name__', 'code', 'instance', 'job']);
    expect((await get(handler(), '/api/v1/labels?match[]=up')).body.data).toEqual(['__name__', 'instance', 'job']);
    expect((await get(handler(), '/api/v1/label/job/values')).body.data).toEqual(['node', 'prom']);
    const lim = await get(handler(), '/api/v1/label/__name__/values?limit=1');
    expect(lim.body).toEqual({
      status: 'success',
      data: ['http_requests_total'],
      warnings: ['results truncated due to limit'],
    });
    expect((await get(handler(), '/api/v1/label/U__jo_62_/values')).body.data).toEqual(['node', 'prom']);
    expect((await get(handler(), '/api/v1/label/nope/values')).body.data).toEqual([]);
  });
});

describe('expressions', () => {
  it('formats and parses queries', async () => {
    expect((await get(handler(), '/api/v1/format_query?query=foo/bar')).body).toEqual({
      status: 'success',
      data: 'foo / bar',
    });
    const p = await get(handler(), '/api/v1/parse_query?query=foo/bar');
    expect(p.body.data.type).toBe('binaryExpr');
    expect(p.body.data.lhs.matchers).toEqual([{ name: '__name__', type: '=', value: 'foo' }]);
    const bad = await get(handler(), '/api/v1/format_query?query=foo)');
    expect(bad.body.errorType).toBe('bad_data');
  });

  it('answers query_exemplars with none without exemplar storage, 204 without selectors', async () => {
    expect((await get(handler(), '/api/v1/query_exemplars?query=up')).text).toBe('{"status":"success","data":[]}');
    expect((await get(handler(), '/api/v1/query_exemplars?query=1')).status).toBe(204);
    const h = handler({ exemplars: { selectExemplars: (s, e, m) => db.exemplars(s, e, ...m) } });
    expect((await get(h, '/api/v1/query_exemplars?query=up')).body).toEqual({ status: 'success', data: [] });
  });
});

describe('routes', () => {
  it('answers 404, 405, OPTIONS with CORS, and 503 until ready', async () => {
    expect((await get(handler(), '/api/v1/nope')).status).toBe(404);
    expect((await get(handler(), '/api/v2/query')).status).toBe(404);
    const m = await get(handler(), '/api/v1/targets', { method: 'POST' });
    expect(m.status).toBe(405);
    const o = await handler()(
      new Request('http://localhost/api/v1/query', { method: 'OPTIONS', headers: { Origin: 'http://x' } }),
    );
    expect(o.status).toBe(204);
    expect(o.headers.get('access-control-allow-origin')).toBe('*');
    const notReady = handler({ isReady: () => false });
    const r = await get(notReady, '/api/v1/query?query=up');
    expect([r.status, r.text]).toEqual([503, 'Service Unavailable']);
    expect((await get(notReady, '/api/v1/status/walreplay')).body).toEqual({
      status: 'success',
      data: { min: 0, max: 0, current: 0 },
    });
  });

  it('answers rules, alerts and alertmanagers empty, in Prometheus shape', async () => {
    expect((await get(handler(), '/api/v1/rules')).body.data).toEqual({ groups: [] });
    expect((await get(handler(), '/api/v1/alerts')).body.data).toEqual({ alerts: [] });
    expect((await get(handler(), '/api/v1/alertmanagers')).body.data).toEqual({
      activeAlertmanagers: [],
      droppedAlertmanagers: [],
    });
  });

  it('refuses the admin endpoints unless enabled, then deletes series', async () => {
    const off = await get(handler(), '/api/v1/admin/tsdb/delete_series?match[]=up', { method: 'POST' });
    expect([off.status, off.body]).toEqual([
      503,
      { status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' },
    ]);
    const d = await fill();
    try {
      const h = createAPIHandler({
        queryable: d,
        engine: new Engine(),
        enableAdmin: true,
        admin: {
          delete: (a, b, ...m) => d.delete(a, b, ...m),
          cleanTombstones: () => d.cleanTombstones(),
          snapshot: async () => 'x',
        },
      });
      const r = await get(h, '/api/v1/admin/tsdb/delete_series?match[]=up{job="node"}', { method: 'POST' });
      expect(r.status).toBe(204);
      expect((await get(h, '/api/v1/series?match[]=up')).body.data).toEqual([
        { __name__: 'up', instance: 'a:9090', job: 'prom' },
      ]);
      expect((await get(h, '/api/v1/admin/tsdb/snapshot?skip_head=x', { method: 'PUT' })).body.error).toBe(
        'invalid parameter "skip_head": unable to parse boolean: strconv.ParseBool: parsing "x": invalid syntax',
      );
      expect((await get(h, '/api/v1/admin/tsdb/snapshot', { method: 'PUT' })).body.data).toEqual({ name: 'x' });
    } finally {
      await d.close();
    }
  });

  it('shows targets and their metadata', async () => {
    const target: APITarget = {
      labels: Labels.fromStrings(
        '__address__',
        'localhost:9090',
        '__scrape_interval__',
        '15s',
        '__scrape_timeout__',
        '10s',
        'instance',
        'localhost:9090',
        'job',
        'prometheus',
      ),
      discoveredLabels: Labels.fromStrings('__address__', 'localhost:9090', 'job', 'prometheus'),
      health: 'up',
      lastError: undefined,
      lastScrape: Date.UTC(2024, 0, 1, 0, 0, 0, 250),
      lastScrapeDurationMs: 12.5,
      publicLabels: () => Labels.fromStrings('instance', 'localhost:9090', 'job', 'prometheus'),
      url: () => 'http://localhost:9090/metrics',
      listMetadata: () => [{ metricFamily: 'up', type: 'gauge', help: 'Up.', unit: '' }],
      getMetadata: (f) => (f === 'up' ? { metricFamily: 'up', type: 'gauge', help: 'Up.', unit: '' } : undefined),
    };
    const h = handler({
      targets: {
        targetsActive: () => new Map([['prometheus', [target]]]),
        targetsDropped: () => new Map(),
        targetsDroppedCounts: () => new Map([['prometheus', 0]]),
      },
      globalURL: { listenAddress: '0.0.0.0:9090', host: 'example:9090', scheme: 'https' },
    });
    const r = await get(h, '/api/v1/targets');
    expect(r.body.data).toEqual({
      activeTargets: [
        {
          discoveredLabels: { __address__: 'localhost:9090', job: 'prometheus' },
          labels: { instance: 'localhost:9090', job: 'prometheus' },
          scrapePool: 'prometheus',
          scrapeUrl: 'http://localhost:9090/metrics',
          globalUrl: 'https://example:9090/metrics',
          lastError: '',
          lastScrape: '2024-01-01T00:00:00.25Z',
          lastScrapeDuration: 0.0125,
          health: 'up',
          scrapeInterval: '15s',
          scrapeTimeout: '10s',
        },
      ],
      droppedTargets: [],
      droppedTargetCounts: { prometheus: 0 },
    });
    expect((await get(h, '/api/v1/targets?state=dropped')).body.data.activeTargets).toEqual([]);
    expect((await get(h, '/api/v1/metadata')).body.data).toEqual({ up: [{ type: 'gauge', help: 'Up.', unit: '' }] });
    expect((await get(h, '/api/v1/targets/metadata?metric=up')).body.data).toEqual([
      { target: { instance: 'localhost:9090', job: 'prometheus' }, type: 'gauge', help: 'Up.', unit: '' },
    ]);
    expect((await get(h, '/api/v1/metadata?limit=x')).body.error).toBe('limit must be a number');
  });

  it('computes status/tsdb cardinality lists', async () => {
    const r = await get(handler(), '/api/v1/status/tsdb?limit=2');
    expect(r.body.data.seriesCountByMetricName).toEqual([
      { name: 'up', value: 2 },
      { name: 'http_requests_total', value: 1 },
    ]);
    expect(r.body.data.labelValueCountByLabelName).toEqual([
      { name: '__name__', value: 2 },
      { name: 'instance', value: 2 },
    ]);
    expect((await get(handler(), '/api/v1/status/tsdb?limit=0')).body.error).toBe('limit must be a positive number');
  });
});
