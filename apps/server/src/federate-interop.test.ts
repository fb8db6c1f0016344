// Interop: real Prometheus 2.42 federates from tsprom. With native histograms on, Prometheus asks
// for delimited protobuf first (its scrape Accept header), so it reads tsprom's protobuf
// /federate answer; without, the text format. A recording proxy between them shows which was
// negotiated. Skipped with a reason when Prometheus is missing (fails under CI).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryValue, startHTTPProcess, startTsprom, waitFor } from './testing/tsprom-process.js';

const prometheusBin = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const havePeer = existsSync(prometheusBin);
const runIt = havePeer || process.env.CI ? it : it.skip;
const reason = havePeer ? '' : ` (skipped: ${prometheusBin} is not installed)`;

/** A proxy to `target` that records each request's Accept and the answer's Content-Type. */
async function recordingProxy(target: string): Promise<{ url: string; seen: string[][]; close: () => Promise<void> }> {
  const seen: string[][] = [];
  const server = createServer((req, res) => {
    const up = request(`${target}${req.url}`, { headers: req.headers, agent: false }, (r) => {
      seen.push([String(req.headers.accept), String(r.headers['content-type'])]);
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Prometheus 2.42 federating from tsprom', () => {
  for (const protobuf of [true, false]) {
    runIt(`reads /federate as ${protobuf ? 'delimited protobuf' : 'text'}${reason}`, { timeout: 300_000 }, async () => {
      if (!havePeer) throw new Error(`${prometheusBin} is needed for the federation interop test`);
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-fedinterop-'));
      const tsprom = await startTsprom(['--storage.tsdb.path=tsprom-data'], dir);
      try {
        await waitFor('tsprom scraped itself', async () => (await queryValue(tsprom.url, 'up')) === 1);
        const proxy = await recordingProxy(tsprom.url);
        const cfg = join(dir, 'prometheus.yml');
        await writeFile(
          cfg,
          [
            'global:',
            '  scrape_interval: 1s',
            'scrape_configs:',
            '  - job_name: federate',
            '    honor_labels: true',
            '    metrics_path: /federate',
            '    params:',
            `      'match[]': ['{job="prometheus"}']`,
            '    static_configs:',
            `      - targets: ['${proxy.url}']`,
            '',
          ].join('\n'),
        );
        const prom = await startHTTPProcess(
          prometheusBin,
          [
            `--config.file=${cfg}`,
            '--storage.tsdb.path=prom-data',
            ...(protobuf ? ['--enable-feature=native-histograms'] : []),
          ],
          dir,
        );
        try {
          await waitFor(
            'the federated up in Prometheus',
            async () => (await queryValue(prom.url, 'up{job="prometheus"}')) === 1,
          );
          expect(await queryValue(prom.url, 'up{job="federate"}')).toBe(1);
          // Many series came over, with their values (a constant one checked).
          expect(await queryValue(prom.url, 'count({job="prometheus"})')).toBeGreaterThan(50);
          expect(await queryValue(prom.url, 'prometheus_engine_queries_concurrent_max{job="prometheus"}')).toBe(20);
          const [accept, contentType] = proxy.seen[0]!;
          if (protobuf) {
            expect(accept).toMatch(
              /^application\/vnd\.google\.protobuf;proto=io\.prometheus\.client\.MetricFamily;encoding=delimited/,
            );
            expect(contentType).toBe(
              'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
            );
          } else {
            expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
          }
        } finally {
          expect(await prom.stop()).toBe(0);
          await proxy.close();
        }
      } finally {
        expect(await tsprom.stop()).toBe(0);
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
