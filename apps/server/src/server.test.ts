// The server end to end, as a process: started from source with the default configuration on a
// port of its choosing, it scrapes itself until up{job="prometheus"} is 1; reloads (SIGHUP and
// /-/reload) reject a broken configuration and apply a good one; SIGTERM stops it cleanly.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getJSON, queryValue, startTsprom, waitFor } from './testing/tsprom-process.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tsprom-server-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

describe('tsprom', () => {
  it(
    'scrapes itself with the default configuration until up{job="prometheus"} is 1, then stops on SIGTERM',
    { timeout: 300_000 },
    async () => {
      const dir = await tempDir();
      const srv = await startTsprom(['--storage.tsdb.path=data'], dir);
      try {
        expect(srv.output()).toContain('using the default configuration');
        await waitFor(
          'up{job="prometheus"} == 1',
          async () => (await queryValue(srv.url, 'up{job="prometheus"}')) === 1,
        );
        const targets = (await getJSON(`${srv.url}/api/v1/targets`)).body as {
          data: { activeTargets: { scrapeUrl: string; health: string; labels: Record<string, string> }[] };
        };
        expect(targets.data.activeTargets).toHaveLength(1);
        expect(targets.data.activeTargets[0]!.scrapeUrl).toBe(`${srv.url}/metrics`);
        expect(targets.data.activeTargets[0]!.labels).toEqual({
          app: 'prometheus',
          instance: srv.url.slice('http://'.length),
          job: 'prometheus',
        });
        const text = await (await fetch(`${srv.url}/metrics`)).text();
        for (const family of [
          'process_resident_memory_bytes',
          'process_cpu_seconds_total',
          'nodejs_eventloop_delay_seconds',
          'prometheus_tsdb_head_series',
          'prometheus_http_requests_total',
          'prometheus_engine_queries',
          'prometheus_target_scrape_pools_total',
          'prometheus_config_last_reload_successful',
        ]) {
          expect(text, family).toContain(`# TYPE ${family} `);
        }
        expect(await metric(srv.url, 'prometheus_config_last_reload_successful')).toBe(1);
        // The scraped self-metrics are queryable too.
        await waitFor(
          'prometheus_tsdb_head_series scraped',
          async () => (await queryValue(srv.url, 'prometheus_tsdb_head_series')) > 0,
        );
        expect((await fetch(`${srv.url}/-/healthy`)).status).toBe(200);
        const fed = await (await fetch(`${srv.url}/federate?match[]=up`)).text();
        expect(fed).toMatch(
          /^# TYPE up untyped\nup\{app="prometheus",instance="127\.0\.0\.1:\d+",job="prometheus"\} 1 \d+\n$/,
        );
        const reload = await fetch(`${srv.url}/-/reload`, { method: 'POST' });
        expect([reload.status, await reload.text()]).toEqual([403, 'Lifecycle API is not enabled.']);
        const cfg = (await getJSON(`${srv.url}/api/v1/status/config`)).body as { data: { yaml: string } };
        expect(cfg.data.yaml).toContain('job_name: prometheus');
        const flags = (await getJSON(`${srv.url}/api/v1/status/flags`)).body as { data: Record<string, string> };
        expect(flags.data['storage.tsdb.path']).toBe('data');
        expect(flags.data['query.max-concurrency']).toBe('20');
        const build = (await getJSON(`${srv.url}/api/v1/status/buildinfo`)).body as { data: Record<string, string> };
        expect(build.data).toEqual({
          version: expect.stringMatching(/^3\.14\.0\+tsprom\./),
          revision: 'unknown',
          branch: '',
          buildUser: '',
          buildDate: '',
          goVersion: expect.stringMatching(/^node v\d+\./),
        });
        expect(text).toMatch(/^prometheus_build_info\{.*version="3\.14\.0\+tsprom\.[^"]+"\} 1$/m);
      } finally {
        expect(await srv.stop()).toBe(0);
      }
      expect(srv.output()).toContain('See you next time!');
      // The TSDB was closed: its WAL holds the scrapes, the lock file is gone.
      expect(await readdir(join(dir, 'data'))).toEqual(expect.arrayContaining(['wal']));
      expect(await readdir(join(dir, 'data'))).not.toContain('lock');
    },
  );

  it('keeps the old configuration when a reload is broken, and applies a good one', { timeout: 300_000 }, async () => {
    const dir = await tempDir();
    const cfgFile = join(dir, 'prometheus.yml');
    // First a job whose target refuses connections.
    await writeFile(
      cfgFile,
      'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: first\n    static_configs:\n      - targets: ["127.0.0.1:1"]\n',
    );
    const srv = await startTsprom(
      [`--config.file=${cfgFile}`, '--storage.tsdb.path=data', '--web.enable-lifecycle'],
      dir,
    );
    try {
      await waitFor('up{job="first"} == 0', async () => (await queryValue(srv.url, 'up{job="first"}')) === 0);
      await writeFile(cfgFile, 'scrape_configs:\n  - job_name: first\n    scrape_interval: nope\n');
      const bad = await fetch(`${srv.url}/-/reload`, { method: 'POST' });
      expect(bad.status).toBe(500);
      expect(await bad.text()).toMatch(
        /^failed to reload config: couldn't load configuration \(--config\.file=".*prometheus\.yml"\): .*nope/,
      );
      expect(await metric(srv.url, 'prometheus_config_last_reload_successful')).toBe(0);
      // The old job is still scraped.
      const before = await queryValue(srv.url, 'count_over_time(up{job="first"}[1h])');
      await waitFor(
        'job "first" still scraped',
        async () => (await queryValue(srv.url, 'count_over_time(up{job="first"}[1h])')) > before,
      );
      // Sent by SIGHUP too: still rejected.
      srv.proc.kill('SIGHUP');
      await waitFor('SIGHUP reload logged', async () => srv.output().split('Error reloading config').length > 2);

      const self = srv.url.slice('http://'.length);
      await writeFile(
        cfgFile,
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: second\n    static_configs:\n      - targets: ["${self}"]\n`,
      );
      srv.proc.kill('SIGHUP');
      await waitFor('up{job="second"} == 1', async () => (await queryValue(srv.url, 'up{job="second"}')) === 1);
      expect(await metric(srv.url, 'prometheus_config_last_reload_successful')).toBe(1);
      const t = (await getJSON(`${srv.url}/api/v1/targets`)).body as {
        data: { activeTargets: { scrapePool: string }[] };
      };
      expect(t.data.activeTargets.map((x) => x.scrapePool)).toEqual(['second']);

      const quit = await fetch(`${srv.url}/-/quit`, { method: 'POST' });
      expect(await quit.text()).toBe('Requesting termination... Goodbye!');
      expect(await srv.exited).toBe(0);
    } finally {
      await srv.stop();
    }
  });
});
