// Interop: real Prometheus 2.42 scrapes a deterministic exporter and remote-writes into tsprom
// (--web.enable-remote-write-receiver): every sample is queryable in tsprom as in Prometheus. A
// second Prometheus, with no data of its own, reads tsprom through remote_read: its answers equal
// tsprom's; and a tsprom with no data reads the first Prometheus through remote_read. Skipped with a reason when Prometheus is missing (fails under CI).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getJSON, queryValue, startHTTPProcess, startTsprom, waitFor } from './testing/tsprom-process.js';

const prometheusBin = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const havePeer = existsSync(prometheusBin);
const runIt = havePeer || process.env.CI ? it : it.skip;
const reason = havePeer ? '' : ` (skipped: ${prometheusBin} is not installed)`;

/** An exporter whose values depend only on how many times it was scraped. */
async function exporter(): Promise<{ target: string; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((_req, res) => {
    n++;
    const lines = ['# TYPE interop_requests_total counter'];
    for (let i = 0; i < 5; i++) lines.push(`interop_requests_total{path="/p${i}"} ${n * (i + 1)}`);
    lines.push('# TYPE interop_temperature gauge', `interop_temperature ${(n % 7) * 0.25 - 1}`, '');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(lines.join('\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The raw samples of `{job="exp"}` over the 10 minutes before `time` (seconds), sorted by labels. */
async function rawSamples(url: string, time: number): Promise<MatrixSeries[]> {
  const r = await getJSON(
    `${url}/api/v1/query?${new URLSearchParams({ query: '{job="exp"}[10m]', time: String(time) })}`,
  );
  const body = r.body as { status: string; data: { result: MatrixSeries[] } };
  if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(r.body)}`);
  const key = (m: Record<string, string>): string => JSON.stringify(Object.entries(m).sort());
  return body.data.result.sort((a, b) => (key(a.metric) < key(b.metric) ? -1 : 1));
}

function sampleCount(m: MatrixSeries[]): number {
  return m.reduce((n, s) => n + s.values.length, 0);
}

describe('remote write and remote read with Prometheus 2.42', () => {
  runIt(
    `Prometheus remote-writes into tsprom, and reads it back through remote_read${reason}`,
    { timeout: 300_000 },
    async () => {
      if (!havePeer) throw new Error(`${prometheusBin} is needed for the remote interop test`);
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-remoteinterop-'));
      const exp = await exporter();
      const emptyCfg = join(dir, 'tsprom.yml');
      await writeFile(emptyCfg, 'global:\n  scrape_interval: 1h\n');
      const tsprom = await startTsprom(
        [`--config.file=${emptyCfg}`, '--storage.tsdb.path=tsprom-data', '--web.enable-remote-write-receiver'],
        dir,
      );
      try {
        const cfg = join(dir, 'prometheus.yml');
        await writeFile(
          cfg,
          [
            'global:',
            '  scrape_interval: 1s',
            'scrape_configs:',
            '  - job_name: exp',
            '    static_configs:',
            `      - targets: ['${exp.target}']`,
            'remote_write:',
            `  - url: ${tsprom.url}/api/v1/write`,
            '    queue_config:',
            '      batch_send_deadline: 1s',
            '',
          ].join('\n'),
        );
        const prom = await startHTTPProcess(
          prometheusBin,
          [`--config.file=${cfg}`, '--storage.tsdb.path=prom-data'],
          dir,
        );
        let time = 0;
        let want: MatrixSeries[] = [];
        try {
          await waitFor('15 scrapes in Prometheus', async () => {
            time = Date.now() / 1000;
            want = await rawSamples(prom.url, time);
            return (want.find((s) => s.metric.__name__ === 'up')?.values.length ?? 0) >= 15;
          });
          // Every sample Prometheus holds up to `time` arrives in tsprom, with the same labels.
          let got: MatrixSeries[] = [];
          await waitFor(
            'the samples in tsprom',
            async () => {
              got = await rawSamples(tsprom.url, time);
              return sampleCount(got) >= sampleCount(want);
            },
            60_000,
          );
          expect(got).toEqual(want);
          expect(want.map((s) => s.metric.__name__)).toContain('interop_requests_total');
          expect(sampleCount(want)).toBeGreaterThan(15 * 10);

          // The other way: a tsprom with no data of its own reads Prometheus through remote_read
          // (Prometheus answers streamed XOR chunks, which tsprom asks for first).
          const rrCfg = join(dir, 'tsprom-reader.yml');
          await writeFile(
            rrCfg,
            [
              'global:',
              '  scrape_interval: 1h',
              'remote_read:',
              `  - url: ${prom.url}/api/v1/read`,
              '    read_recent: true',
              '',
            ].join('\n'),
          );
          const tsReader = await startTsprom([`--config.file=${rrCfg}`, '--storage.tsdb.path=tsprom-reader-data'], dir);
          try {
            expect(await rawSamples(tsReader.url, time)).toEqual(want);
          } finally {
            expect(await tsReader.stop()).toBe(0);
          }
        } finally {
          expect(await prom.stop()).toBe(0);
        }

        // A Prometheus with nothing of its own reads tsprom: the same raw samples, and the same
        // answer to a range query of an aggregation (not of rate: Prometheus 3's ranges, which
        // tsprom follows, leave out their start, 2.42's include it).
        const readCfg = join(dir, 'reader.yml');
        await writeFile(
          readCfg,
          [
            'global:',
            '  scrape_interval: 1h',
            'remote_read:',
            `  - url: ${tsprom.url}/api/v1/read`,
            '    read_recent: true',
            '',
          ].join('\n'),
        );
        const reader = await startHTTPProcess(
          prometheusBin,
          [`--config.file=${readCfg}`, '--storage.tsdb.path=reader-data'],
          dir,
        );
        try {
          const direct = await rawSamples(tsprom.url, time);
          expect(await rawSamples(reader.url, time)).toEqual(direct);
          const q = new URLSearchParams({
            query: 'sum by (path) (interop_requests_total * 2)',
            start: String(time - 20),
            end: String(time),
            step: '2',
          });
          const a = await getJSON(`${reader.url}/api/v1/query_range?${q}`);
          const b = await getJSON(`${tsprom.url}/api/v1/query_range?${q}`);
          expect((a.body as { status: string }).status).toBe('success');
          const sorted = (x: unknown): unknown =>
            (x as { data: { result: MatrixSeries[] } }).data.result.sort((p, r) =>
              p.metric.path! < r.metric.path! ? -1 : 1,
            );
          expect(sorted(a.body)).toEqual(sorted(b.body));
          expect((sorted(a.body) as MatrixSeries[]).length).toBe(5);
        } finally {
          expect(await reader.stop()).toBe(0);
        }
      } finally {
        expect(await tsprom.stop()).toBe(0);
        await exp.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('remote endpoints of tsprom', () => {
  it(
    'answers /api/v1/write with 404 unless enabled, non-POST with 405, and a bad body to /api/v1/read with 400',
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-remoteep-'));
      const cfg = join(dir, 'tsprom.yml');
      await writeFile(cfg, 'global:\n  scrape_interval: 1h\n');
      const tsprom = await startTsprom([`--config.file=${cfg}`, '--storage.tsdb.path=data'], dir);
      try {
        const write = await fetch(`${tsprom.url}/api/v1/write`, { method: 'POST', body: new Uint8Array([1]) });
        expect(write.status).toBe(404);
        expect(await write.text()).toBe(
          'remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n',
        );
        const otlp = await fetch(`${tsprom.url}/api/v1/otlp/v1/metrics`, { method: 'POST', body: new Uint8Array([1]) });
        expect(otlp.status).toBe(404);
        expect((await fetch(`${tsprom.url}/api/v1/read`)).status).toBe(405);
        const read = await fetch(`${tsprom.url}/api/v1/read`, {
          method: 'POST',
          body: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        });
        expect(read.status).toBe(400);
        expect(await read.text()).toMatch(/snappy/);
      } finally {
        expect(await tsprom.stop()).toBe(0);
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('OTLP receiver of tsprom', () => {
  it(
    'stores what a Node app with the OpenTelemetry SDK pushes, under Prometheus 3 names',
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-otlp-'));
      const cfg = join(dir, 'tsprom.yml');
      await writeFile(
        cfg,
        'global:\n  scrape_interval: 1h\notlp:\n  promote_resource_attributes: [deployment.environment]\n',
      );
      const tsprom = await startTsprom(
        [`--config.file=${cfg}`, '--storage.tsdb.path=data', '--web.enable-otlp-receiver'],
        dir,
      );
      try {
        const app = new URL('../../../packages/remote/testing/otel-push.cjs', import.meta.url).pathname;
        const child = spawn(process.execPath, [app, `${tsprom.url}/api/v1/otlp/v1/metrics`], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stderr.on('data', (d: Buffer) => {
          out += d.toString();
        });
        const code = await new Promise((resolve) => child.once('exit', resolve));
        expect(code, out).toBe(0);
        const series = async (q: string): Promise<MatrixSeries[]> => {
          const r = await getJSON(`${tsprom.url}/api/v1/query?${new URLSearchParams({ query: q })}`);
          return (r.body as { data: { result: MatrixSeries[] } }).data.result;
        };
        const id = { deployment_environment: 'prod', instance: 'i-1', job: 'shop/checkout' };
        const total = await series('http_server_requests_total{http_method="GET"}');
        expect(total.map((s) => s.metric)).toEqual([
          { __name__: 'http_server_requests_total', http_method: 'GET', ...id },
        ]);
        expect(await queryValue(tsprom.url, 'http_server_requests_total{http_method="POST"}')).toBe(2);
        expect(await queryValue(tsprom.url, 'http_server_duration_milliseconds_count')).toBe(3);
        expect(await queryValue(tsprom.url, 'http_server_duration_milliseconds_sum')).toBe(555);
        expect(await queryValue(tsprom.url, 'http_server_duration_milliseconds_bucket{le="+Inf"}')).toBe(3);
        expect(await queryValue(tsprom.url, 'memory_usage_bytes')).toBe(1024);
        expect(await queryValue(tsprom.url, 'target_info{deployment_environment="prod"}')).toBe(1);
      } finally {
        expect(await tsprom.stop()).toBe(0);
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
