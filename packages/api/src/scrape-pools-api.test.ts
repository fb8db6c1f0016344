import { Engine } from '@tsprom/promql';
import { loadRelabelConfigs } from '@tsprom/relabel';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIHandler, createAPIHandler } from './api.js';
import type { ScrapePoolsRetriever } from './api-options.js';

let db: DB;
beforeAll(async () => {
  db = await DB.open();
});
afterAll(async () => {
  await db.close();
});

// The rules of the documentation's example (querying/api.md, "Relabel steps").
const rules = loadRelabelConfigs([
  { target_label: 'env', replacement: 'development' },
  { source_labels: ['__address__'], regex: 'localhost:.*', action: 'drop' },
]);

const pools: ScrapePoolsRetriever = {
  scrapePools: () => ['prometheus', 'blackbox', 'node_exporter'],
  scrapePoolConfig: (name) =>
    name === 'prometheus'
      ? { relabelConfigs: rules, yaml: () => 'job_name: prometheus\nbasic_auth:\n  password: <secret>\n' }
      : name === 'node_exporter'
        ? {
            relabelConfigs: loadRelabelConfigs([
              { source_labels: ['a', 'b'], target_label: 'x', action: 'hashmod', modulus: 8 },
            ]),
            yaml: () => '',
          }
        : undefined,
};

function handler(withPools = true): APIHandler {
  return createAPIHandler({ queryable: db, engine: new Engine(), ...(withPools ? { scrapePools: pools } : {}) });
}

async function get(h: APIHandler, path: string): Promise<{ status: number; text: string }> {
  const res = await h(new Request(`http://localhost/api/v1${path}`));
  return { status: res.status, text: await res.text() };
}

const q = encodeURIComponent;

describe('scrape_pools', () => {
  it('lists the pools sorted', async () => {
    expect(await get(handler(), '/scrape_pools')).toEqual({
      status: 200,
      text: '{"status":"success","data":{"scrapePools":["blackbox","node_exporter","prometheus"]}}',
    });
  });

  it('lists none without a scrape side', async () => {
    expect((await get(handler(false), '/scrape_pools')).text).toBe('{"status":"success","data":{"scrapePools":[]}}');
  });

  it('is GET only', async () => {
    const res = await handler()(new Request('http://localhost/api/v1/scrape_pools', { method: 'POST' }));
    expect(res.status).toBe(405);
  });
});

describe('scrape_pools/config', () => {
  it("answers the pool's YAML", async () => {
    expect(await get(handler(), '/scrape_pools/config?scrapePool=prometheus')).toEqual({
      status: 200,
      text: '{"status":"success","data":{"yaml":"job_name: prometheus\\nbasic_auth:\\n  password: \\u003csecret\\u003e\\n"}}',
    });
  });

  it.each([
    ['', 'no scrapePool parameter provided'],
    ['?scrapePool=nope', 'error retrieving scrape config: scrape pool "nope" not found'],
  ])('%s is bad_data', async (query, error) => {
    const r = await get(handler(), `/scrape_pools/config${query}`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ status: 'error', errorType: 'bad_data', error });
  });
});

describe('targets/relabel_steps', () => {
  it("answers the documentation's example byte for byte in Prometheus's field order", async () => {
    const labels = q('{"__address__":"localhost:9090","job":"prometheus"}');
    const r = await get(handler(), `/targets/relabel_steps?scrapePool=prometheus&labels=${labels}`);
    expect(r.status).toBe(200);
    expect(r.text).toBe(
      '{"status":"success","data":{"steps":[' +
        '{"rule":{"separator":";","regex":"(.*)","target_label":"env","replacement":"development","action":"replace"},' +
        '"output":{"__address__":"localhost:9090","env":"development","job":"prometheus"},"keep":true},' +
        '{"rule":{"source_labels":["__address__"],"separator":";","regex":"localhost:.*","replacement":"$1","action":"drop"},' +
        '"output":{},"keep":false}]}}',
    );
  });

  it('shows modulus and keeps a target no rule drops', async () => {
    const r = await get(handler(), `/targets/relabel_steps?scrapePool=node_exporter&labels=${q('{"a":"1","b":"2"}')}`);
    const body = JSON.parse(r.text);
    expect(body.data.steps).toEqual([
      {
        rule: {
          source_labels: ['a', 'b'],
          separator: ';',
          regex: '(.*)',
          modulus: 8,
          target_label: 'x',
          replacement: '$1',
          action: 'hashmod',
        },
        output: { a: '1', b: '2', x: expect.stringMatching(/^[0-7]$/) },
        keep: true,
      },
    ]);
  });

  it.each([
    ['', 'no scrapePool parameter provided'],
    ['?scrapePool=prometheus', 'no labels parameter provided'],
    [`?scrapePool=nope&labels=${q('{}')}`, 'error retrieving scrape config: scrape pool "nope" not found'],
    [
      `?scrapePool=prometheus&labels=${q('[1]')}`,
      'error parsing labels: json: cannot unmarshal array into Go value of type map[string]string',
    ],
    [
      `?scrapePool=prometheus&labels=${q('{"a":1}')}`,
      'error parsing labels: json: cannot unmarshal number into Go value of type string',
    ],
  ])('%s is bad_data', async (query, error) => {
    const r = await get(handler(), `/targets/relabel_steps${query}`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  it('names a label set that is not JSON', async () => {
    const r = await get(handler(), `/targets/relabel_steps?scrapePool=prometheus&labels=${q('{a}')}`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toMatch(/^error parsing labels: /);
  });

  it('reads an empty label set (null) and runs every rule over it', async () => {
    const r = await get(handler(), `/targets/relabel_steps?scrapePool=prometheus&labels=null`);
    const steps = JSON.parse(r.text).data.steps;
    expect(steps.map((s: { output: object; keep: boolean }) => [s.output, s.keep])).toEqual([
      [{ env: 'development' }, true],
      [{ env: 'development' }, true],
    ]);
  });
});
