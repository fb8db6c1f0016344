import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIHandler, createAPIHandler } from './api.js';
import type { StatusProvider } from './api-options.js';

let db: DB;
beforeAll(async () => {
  db = await DB.open();
});
afterAll(async () => {
  await db.close();
});

function handler(status: StatusProvider | undefined): APIHandler {
  return createAPIHandler({ queryable: db, engine: new Engine(), ...(status === undefined ? {} : { status }) });
}

async function get(h: APIHandler, path: string): Promise<{ status: number; text: string }> {
  const res = await h(new Request(`http://localhost/api/v1${path}`));
  return { status: res.status, text: await res.text() };
}

describe('status/tsdb/blocks', () => {
  it("answers the documentation's example byte for byte (Prometheus's field order, omitempty)", async () => {
    const h = handler({
      blockMetas: () => [
        {
          ulid: '01JZ8JKZY6XSK3PTDP9ZKRWT60',
          minTime: 1750860620060,
          maxTime: 1750867200000,
          stats: { numSamples: 13701, numFloatSamples: 0, numSeries: 716, numChunks: 716 },
          compaction: { level: 1, sources: ['01JZ8JKZY6XSK3PTDP9ZKRWT60'] },
          version: 1,
        },
      ],
    });
    expect(await get(h, '/status/tsdb/blocks')).toEqual({
      status: 200,
      text:
        '{"status":"success","data":{"blocks":[{"ulid":"01JZ8JKZY6XSK3PTDP9ZKRWT60","minTime":1750860620060,' +
        '"maxTime":1750867200000,"stats":{"numSamples":13701,"numSeries":716,"numChunks":716},' +
        '"compaction":{"level":1,"sources":["01JZ8JKZY6XSK3PTDP9ZKRWT60"]},"version":1}]}}',
    });
  });

  it('shows parents, deletable, failed and hints of a compacted block', async () => {
    const h = handler({
      blockMetas: () => [
        {
          ulid: 'B',
          minTime: 0,
          maxTime: 10,
          stats: { numTombstones: 2 },
          compaction: {
            level: 2,
            sources: ['A1', 'A2'],
            deletable: true,
            parents: [{ ulid: 'A1', minTime: 0, maxTime: 5 }],
            failed: true,
            hints: ['from-out-of-order'],
          },
          version: 1,
        },
      ],
    });
    expect(JSON.parse((await get(h, '/status/tsdb/blocks')).text).data.blocks[0]).toEqual({
      ulid: 'B',
      minTime: 0,
      maxTime: 10,
      stats: { numTombstones: 2 },
      compaction: {
        level: 2,
        sources: ['A1', 'A2'],
        deletable: true,
        parents: [{ ulid: 'A1', minTime: 0, maxTime: 5 }],
        failed: true,
        hints: ['from-out-of-order'],
      },
      version: 1,
    });
  });

  it('lists no blocks without a TSDB', async () => {
    expect((await get(handler(undefined), '/status/tsdb/blocks')).text).toBe(
      '{"status":"success","data":{"blocks":[]}}',
    );
  });
});

describe('features', () => {
  it('answers categories and names sorted', async () => {
    const h = handler({ features: () => ({ promql: { at_modifier: true, anchored: false }, api: { admin: false } }) });
    expect((await get(h, '/features')).text).toBe(
      '{"status":"success","data":{"api":{"admin":false},"promql":{"anchored":false,"at_modifier":true}}}',
    );
  });
});

describe('status/self_metrics', () => {
  const status: StatusProvider = {
    selfMetrics: () => [
      {
        name: 'prometheus_build_info',
        help: "A metric with a constant '1' value",
        type: 'GAUGE',
        metric: [{ label: [{ name: 'version', value: '3.0.0' }], gauge: { value: 1 } }],
      },
      {
        name: 'prometheus_http_request_duration_seconds',
        help: 'Histogram of latencies for HTTP requests.',
        type: 'HISTOGRAM',
        metric: [
          {
            label: [{ name: 'handler', value: '/' }],
            histogram: {
              sampleCount: 3,
              sampleSum: 0.5,
              bucket: [
                { cumulativeCount: 2, upperBound: 0.1 },
                { cumulativeCount: 3, upperBound: 1 },
              ],
            },
          },
        ],
      },
      {
        name: 'a_summary',
        help: 'h',
        type: 'SUMMARY',
        unit: 'seconds',
        metric: [{ summary: { sampleCount: 0, sampleSum: 0, quantile: [{ quantile: 0.5, value: Number.NaN }] } }],
      },
      { name: 'a_counter', help: '', type: 'COUNTER', metric: [{ counter: { value: Number.POSITIVE_INFINITY } }] },
    ],
  };

  it('answers every family in ProtoJSON, sorted by name', async () => {
    const r = await get(handler(status), '/status/self_metrics');
    expect(r.status).toBe(200);
    expect(r.text).toBe(
      '{"status":"success","data":[' +
        '{"name":"a_counter","help":"","type":"COUNTER","metric":[{"counter":{"value":"Infinity"}}]},' +
        '{"name":"a_summary","help":"h","type":"SUMMARY","metric":[{"summary":{"sampleCount":"0","sampleSum":0,"quantile":[{"quantile":0.5,"value":"NaN"}]}}],"unit":"seconds"},' +
        '{"name":"prometheus_build_info","help":"A metric with a constant \'1\' value","type":"GAUGE","metric":[{"label":[{"name":"version","value":"3.0.0"}],"gauge":{"value":1}}]},' +
        '{"name":"prometheus_http_request_duration_seconds","help":"Histogram of latencies for HTTP requests.","type":"HISTOGRAM","metric":[{"label":[{"name":"handler","value":"/"}],"histogram":{"sampleCount":"3","sampleSum":0.5,"bucket":[{"cumulativeCount":"2","upperBound":0.1},{"cumulativeCount":"3","upperBound":1}]}}]}' +
        ']}',
    );
  });

  it('keeps the families whose names fully match metric_name_pattern', async () => {
    const r = await get(handler(status), '/status/self_metrics?metric_name_pattern=prometheus_.*');
    expect(JSON.parse(r.text).data.map((f: { name: string }) => f.name)).toEqual([
      'prometheus_build_info',
      'prometheus_http_request_duration_seconds',
    ]);
    const anchored = await get(handler(status), '/status/self_metrics?metric_name_pattern=prometheus');
    expect(JSON.parse(anchored.text).data).toEqual([]);
  });

  it('rejects a bad pattern as bad_data', async () => {
    const r = await get(handler(status), `/status/self_metrics?metric_name_pattern=${encodeURIComponent('a(')}`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ status: 'error', errorType: 'bad_data' });
    expect(JSON.parse(r.text).error).toMatch(/^invalid metric_name_pattern: /);
  });
});
