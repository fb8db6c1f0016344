// A client that goes away cancels its query, as Prometheus's request context does: the engine
// stops evaluating, the API answers `canceled` (499, client closed request, as Prometheus 3 counts
// it in prometheus_http_requests_total), and the server keeps serving.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTsprom, waitFor } from './testing/tsprom-process.js';

/** The value of the sample `name` (with its labels as written) in /metrics, or NaN. */
async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

describe('a query whose client goes away', () => {
  it('is aborted: the engine stops, the API counts 499, the server keeps serving', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-cancel-'));
    const srv = await startTsprom(['--storage.tsdb.path=data', '--query.timeout=30m'], dir);
    try {
      // 10800 steps each summing a one-day window of a one-second subquery: ~10^9 additions, minutes
      // of work, with little memory.
      const q = new URLSearchParams({
        query: 'sum_over_time(vector(1)[1d:1s])',
        start: '86400',
        end: '172800',
        step: '8',
      });
      const req = request(`${srv.url}/api/v1/query_range?${q}`);
      const answered = new Promise<string>((resolve) => {
        req.on('response', (res) => resolve(`answered ${res.statusCode}`));
        req.on('error', (err) => resolve(`error ${err.message}`));
      });
      req.end();
      await waitFor('the query running', async () => (await metric(srv.url, 'prometheus_engine_queries')) === 1);

      req.destroy();
      expect(await answered).toMatch(/^error /);
      const canceled = 'prometheus_http_requests_total{code="499",handler="/api/v1/query_range"}';
      await waitFor('the canceled query counted', async () => (await metric(srv.url, canceled)) === 1);
      expect(await metric(srv.url, 'prometheus_engine_queries')).toBe(0);
      const completed = 'prometheus_http_requests_total{code="200",handler="/api/v1/query_range"}';
      expect(Number.isNaN(await metric(srv.url, completed))).toBe(true); // Never answered 200.

      // Still serving: another query answers.
      const r = await fetch(`${srv.url}/api/v1/query?query=1%2B1`);
      expect(r.status).toBe(200);
      expect(((await r.json()) as { data: { result: [number, string] } }).data.result[1]).toBe('2');
    } finally {
      expect(await srv.stop()).toBe(0);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
