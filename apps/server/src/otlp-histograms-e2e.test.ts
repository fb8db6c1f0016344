// End to end: a Node app with the OpenTelemetry SDK exports an exponential histogram over OTLP to
// tsprom (--web.enable-otlp-receiver); PromQL over it sees one native histogram whose count, sum
// and quantiles are those of the observations.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getJSON, queryValue, startTsprom } from './testing/tsprom-process.js';

const OBSERVATIONS = [0, 0.5, 1, 2, 4, 8, 300];

describe('OTLP exponential histograms in tsprom', () => {
  it(
    'are queryable as native histograms: histogram_count, histogram_sum and histogram_quantile match the observations',
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-otlph-'));
      const cfg = join(dir, 'tsprom.yml');
      await writeFile(cfg, 'global:\n  scrape_interval: 1h\n');
      const tsprom = await startTsprom(
        [`--config.file=${cfg}`, '--storage.tsdb.path=data', '--web.enable-otlp-receiver'],
        dir,
      );
      try {
        const app = new URL('../../../packages/remote/testing/otel-push-histograms.cjs', import.meta.url).pathname;
        const child = spawn(
          process.execPath,
          [app, `${tsprom.url}/api/v1/otlp/v1/metrics`, ...OBSERVATIONS.map(String)],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        child.stderr.on('data', (d: Buffer) => {
          out += d.toString();
        });
        const code = await new Promise((resolve) => child.once('exit', resolve));
        expect(code, out).toBe(0);

        const r = await getJSON(
          `${tsprom.url}/api/v1/query?${new URLSearchParams({ query: 'request_latency_seconds' })}`,
        );
        const result = (
          r.body as {
            data: {
              result: { metric: Record<string, string>; histogram?: [number, { count: string; sum: string }] }[];
            };
          }
        ).data.result;
        expect(result.map((s) => s.metric)).toEqual([
          { __name__: 'request_latency_seconds', instance: 'i-2', job: 'api', route: '/a' },
        ]);
        expect(result[0]!.histogram?.[1].count).toBe(String(OBSERVATIONS.length));
        // Only the native histogram: no classic series beside it.
        const classic = await getJSON(
          `${tsprom.url}/api/v1/query?${new URLSearchParams({ query: '{__name__=~"request_latency_seconds_.+"}' })}`,
        );
        expect((classic.body as { data: { result: unknown[] } }).data.result).toEqual([]);

        expect(await queryValue(tsprom.url, 'histogram_count(request_latency_seconds)')).toBe(OBSERVATIONS.length);
        expect(await queryValue(tsprom.url, 'histogram_sum(request_latency_seconds)')).toBe(
          OBSERVATIONS.reduce((a, b) => a + b, 0),
        );
        // The SDK scales down from 20 until 160 buckets hold 0.5..300: scale 4, so schema 4.
        const schema = 4;
        // Rank 3.5 of 7 falls half-way into the bucket of the observation 2: (2^(1-1/16), 2], where
        // Prometheus 3 interpolates exponentially.
        const median = await queryValue(tsprom.url, 'histogram_quantile(0.5, request_latency_seconds)');
        expect(median).toBeGreaterThan(2 ** (1 - 1 / 2 ** schema));
        expect(median).toBeLessThanOrEqual(2);
        expect(median).toBeCloseTo(2 ** (1 - 0.5 / 2 ** schema), 12);
        // The largest observation's bucket bounds the 0.99 quantile.
        const p99 = await queryValue(tsprom.url, 'histogram_quantile(0.99, request_latency_seconds)');
        const top = Math.ceil(Math.log2(300) * 2 ** schema);
        expect(p99).toBeGreaterThan(2 ** ((top - 1) / 2 ** schema));
        expect(p99).toBeLessThanOrEqual(2 ** (top / 2 ** schema));
        // A quarter of the observations (rank 1.75) lies in the zero bucket and the one of 0.5.
        const q25 = await queryValue(tsprom.url, 'histogram_quantile(0.25, request_latency_seconds)');
        expect(q25).toBeGreaterThan(2 ** (-1 - 1 / 2 ** schema));
        expect(q25).toBeLessThanOrEqual(0.5);
      } finally {
        expect(await tsprom.stop()).toBe(0);
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
