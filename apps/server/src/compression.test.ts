// Compressed answers as Prometheus gives them: the HTTP API and /federate through its
// CompressionHandler (gzip or deflate, the first named), /metrics through client_golang's
// negotiation (gzip), the management endpoints never.
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { handlerEncoding, metricsEncoding } from './compression.js';
import { startTsprom, waitFor } from './testing/tsprom-process.js';

describe('Accept-Encoding negotiation', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br, deflate, gzip', 'deflate'],
    ['gzip, deflate', 'gzip'],
    // Taken literally, as Prometheus's CompressionHandler: parameters make it another word.
    ['gzip;q=1', undefined],
    ['identity', undefined],
    ['GZIP', undefined],
  ])('API and /federate: %j → %j', (accept, want) => {
    expect(handlerEncoding(accept)).toBe(want);
  });

  it.each([
    [undefined, undefined],
    ['gzip', 'gzip'],
    ['GZip', 'gzip'],
    ['deflate', undefined],
    ['gzip;q=0', undefined],
    ['gzip;q=0.5', 'gzip'],
    ['*', 'gzip'],
    ['gzip;q=0, *', undefined],
    ['identity, gzip;q=0.1', 'gzip'],
  ])('/metrics: %j → %j', (accept, want) => {
    expect(metricsEncoding(accept)).toBe(want);
  });
});

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** GET with an Accept-Encoding, the body as sent (node:http does not decompress). */
function get(url: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compressed answers', () => {
  it(
    'gzip and deflate for the API and /federate, gzip for /metrics, none for /-/healthy',
    { timeout: 300_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-gzip-'));
      const srv = await startTsprom(['--storage.tsdb.path=data'], dir);
      try {
        await waitFor('up scraped', async () => (await get(`${srv.url}/federate?match[]=up`)).body.length > 0);
        const q = `${srv.url}/api/v1/query?query=${encodeURIComponent('up{job="prometheus"}')}&time=1700000000`;
        const plain = await get(q);
        expect(plain.headers['content-encoding']).toBeUndefined();

        const gz = await get(q, 'gzip');
        expect([gz.status, gz.headers['content-encoding'], gz.headers['content-type']]).toEqual([
          200,
          'gzip',
          'application/json',
        ]);
        expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
        expect(gunzipSync(gz.body).toString()).toBe(plain.body.toString());

        const df = await get(q, 'br, deflate, gzip');
        expect(df.headers['content-encoding']).toBe('deflate');
        expect(inflateSync(df.body).toString()).toBe(plain.body.toString());

        // Errors are compressed too.
        const bad = await get(`${srv.url}/api/v1/query`, 'gzip');
        expect([bad.status, bad.headers['content-encoding']]).toEqual([400, 'gzip']);
        expect(JSON.parse(gunzipSync(bad.body).toString()).errorType).toBe('bad_data');

        const fed = await get(`${srv.url}/federate?match[]=up`, 'gzip');
        expect(fed.headers['content-encoding']).toBe('gzip');
        expect(gunzipSync(fed.body).toString()).toMatch(/^# TYPE up untyped\nup\{/);

        const metrics = await get(`${srv.url}/metrics`, 'gzip');
        expect([metrics.headers['content-encoding'], metrics.headers['content-type']]).toEqual([
          'gzip',
          'text/plain; version=0.0.4; charset=utf-8',
        ]);
        expect(gunzipSync(metrics.body).toString()).toContain('# TYPE prometheus_http_requests_total counter');
        expect((await get(`${srv.url}/metrics`, 'gzip;q=0')).headers['content-encoding']).toBeUndefined();

        const healthy = await get(`${srv.url}/-/healthy`, 'gzip');
        expect([healthy.headers['content-encoding'], healthy.body.toString()]).toEqual([
          undefined,
          'Prometheus Server is Healthy.\n',
        ]);
      } finally {
        expect(await srv.stop()).toBe(0);
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
