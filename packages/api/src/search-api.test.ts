import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIHandler, createAPIHandler } from './api.js';
import type { APIOptions, APITarget } from './api-options.js';

let db: DB;
const T0 = 1_700_000_000_000;

beforeAll(async () => {
  db = await DB.open();
  const app = db.appender();
  const series = [
    ['http_requests_total', 'instance', 'localhost:9090'],
    ['http_requests_total', 'instance', 'localhost:9091'],
    ['http_request_duration_seconds', 'instance', 'localhost:9090'],
    ['process_cpu_seconds_total', 'instance', 'node:9100'],
    ['up', 'instance', 'node:9100'],
  ];
  for (const [name, k, v] of series) app.append(0, Labels.fromStrings('__name__', name!, k!, v!, 'job', 'j'), T0, 1);
  await app.commit();
});
afterAll(async () => {
  await db.close();
});

const target = {
  getMetadata: (f: string) =>
    f === 'http_requests_total'
      ? { metricFamily: f, type: 'counter', help: 'Total HTTP requests.', unit: '' }
      : undefined,
} as unknown as APITarget;

function handler(extra: Partial<APIOptions> = {}): APIHandler {
  return createAPIHandler({
    queryable: db,
    engine: new Engine(),
    enableSearchAPI: true,
    targets: {
      targetsActive: () => new Map([['j', [target]]]),
      targetsDropped: () => new Map(),
      targetsDroppedCounts: () => new Map(),
    },
    ...extra,
  });
}

/** The NDJSON lines of a search answer, parsed. */
async function search(h: APIHandler, path: string): Promise<{ status: number; type: string | null; lines: unknown[] }> {
  const res = await h(new Request(`http://localhost/api/v1/search/${path}`));
  const text = await res.text();
  const lines =
    res.status === 200
      ? text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [JSON.parse(text)];
  return { status: res.status, type: res.headers.get('content-type'), lines };
}

describe('search API', () => {
  it('is not served without the feature', async () => {
    const res = await handler({ enableSearchAPI: false })(new Request('http://localhost/api/v1/search/metric_names'));
    expect(res.status).toBe(404);
  });

  it("searches metric names with metadata (the documentation's example)", async () => {
    const r = await search(handler(), 'metric_names?search[]=http_req&sort_by=score&include_metadata=true&limit=5');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/x-ndjson');
    expect(r.lines).toEqual([
      {
        results: [
          { name: 'http_requests_total', type: 'counter', help: 'Total HTTP requests.' },
          { name: 'http_request_duration_seconds' },
        ],
      },
      { status: 'success', has_more: false },
    ]);
  });

  it('searches label values within match[], with has_more past the limit', async () => {
    const r = await search(handler(), 'label_values?label=instance&match[]=http_requests_total&search[]=909&limit=1');
    expect(r.lines).toEqual([{ results: [{ value: 'localhost:9090' }] }, { status: 'success', has_more: true }]);
  });

  it('lists every label name without search[], in batches, alphabetically or reversed', async () => {
    const r = await search(handler(), 'label_names?batch_size=2');
    expect(r.lines).toEqual([
      { results: [{ name: '__name__' }, { name: 'instance' }] },
      { results: [{ name: 'job' }] },
      { status: 'success', has_more: false },
    ]);
    const d = await search(handler(), 'label_names?sort_by=alpha&sort_dir=dsc');
    expect(d.lines[0]).toEqual({ results: [{ name: 'job' }, { name: 'instance' }, { name: '__name__' }] });
  });

  it('matches case-insensitively unless asked, with scores on request', async () => {
    const insensitive = await search(handler(), 'metric_names?search[]=UP&include_score=true');
    expect(insensitive.lines[0]).toEqual({ results: [{ name: 'up', score: 1 }] });
    const sensitive = await search(handler(), 'metric_names?search[]=UP&case_sensitive=true');
    expect(sensitive.lines).toEqual([{ status: 'success', has_more: false }]);
  });

  it('ORs several search strings and keeps scores above fuzz_threshold (jarowinkler)', async () => {
    const r = await search(handler(), 'metric_names?search[]=up&search[]=cpu&sort_by=score');
    expect((r.lines[0] as { results: { name: string }[] }).results.map((x) => x.name)).toEqual([
      'up',
      'process_cpu_seconds_total',
    ]);
    const jw = await search(
      handler(),
      'metric_names?search[]=http_requests_totl&fuzz_alg=jarowinkler&fuzz_threshold=95',
    );
    expect(jw.lines[0]).toEqual({ results: [{ name: 'http_requests_total' }] });
  });

  it('caps limit at the maximum: refused when asked for, the default clamped', async () => {
    const refused = await search(handler({ searchMaxLimit: 2 }), 'label_names?limit=3');
    expect(refused.status).toBe(400);
    expect(refused.lines[0]).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid parameter "limit": must not exceed 2 (--web.search.max-limit)',
    });
    const clamped = await search(handler({ searchMaxLimit: 2 }), 'label_names');
    expect(clamped.lines).toEqual([
      { results: [{ name: '__name__' }, { name: 'instance' }] },
      { status: 'success', has_more: true },
    ]);
  });

  it.each([
    ['label_values', 'no label parameter provided'],
    ['label_names?limit=0', 'invalid parameter "limit": must be a positive integer'],
    ['label_names?batch_size=x', 'invalid parameter "batch_size": strconv.Atoi: parsing "x": invalid syntax'],
    ['label_names?fuzz_threshold=101', 'invalid parameter "fuzz_threshold": must be a number from 0 to 100'],
    [
      'label_names?fuzz_alg=levenshtein',
      'invalid parameter "fuzz_alg": unknown algorithm "levenshtein" (subsequence or jarowinkler)',
    ],
    ['label_names?sort_by=size', 'invalid parameter "sort_by": unknown sort "size" (alpha or score)'],
    ['label_names?sort_by=score&sort_dir=asc', 'invalid parameter "sort_dir": only valid with sort_by=alpha'],
    [
      'label_names?case_sensitive=yes',
      'invalid parameter "case_sensitive": strconv.ParseBool: parsing "yes": invalid syntax',
    ],
    ['label_names?match[]=up{', expect.stringMatching(/^invalid parameter "match\[\]": /)],
    ['label_names?start=never', expect.stringMatching(/^invalid parameter "start": /)],
  ])('%s is bad_data', async (path, error) => {
    const r = await search(handler(), path);
    expect(r.status).toBe(400);
    expect(r.lines[0]).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  it('takes POSTed form parameters', async () => {
    const res = await handler()(
      new Request('http://localhost/api/v1/search/label_values', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'label=job',
      }),
    );
    expect(await res.text()).toBe('{"results":[{"value":"j"}]}\n{"status":"success","has_more":false}\n');
  });
});
