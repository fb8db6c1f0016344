// Benchmarks for the tsprom server (issue #11), over HTTP against a tsprom process started from
// source on 127.0.0.1 (a port of its choosing, stopped by PID): query latency of dashboard-like
// queries, requests per second of /api/v1/query on a small query, RSS at idle with 10k active
// series (one generated target), and how late scrapes start while a flood of bad requests and
// heavy queries hits the server. The target is served by a child process (scrape-targets.mjs),
// which records when each scrape arrives.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { report } from './harness.js';

const CLI = new URL('../../../apps/server/src/cli.ts', import.meta.url).pathname;
const SCRAPE_INTERVAL_S = 2;

interface Proc {
  proc: ChildProcess;
  out: () => string;
}

function spawnProc(args: string[], cwd?: string): Proc {
  const proc = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { proc, out: () => out };
}

async function stop(p: Proc): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.pid === undefined) return;
  const exited = new Promise((resolve) => p.proc.once('exit', resolve));
  process.kill(p.proc.pid, 'SIGTERM');
  const t = setTimeout(() => p.proc.pid !== undefined && process.kill(p.proc.pid, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(t);
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(200);
  }
}

interface APIBody {
  data: { result: { value: [number, string] }[] };
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  return { status: res.status, body: await res.json() };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Latency figures of `n` sequential requests, in ms. */
async function latency(url: string, n: number): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await json(url);
    times.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  times.sort((a, b) => a - b);
  return `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`;
}

async function rssKiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

export async function run(): Promise<void> {
  console.log('\n## server (tsprom over HTTP, 127.0.0.1)');
  const dir = await mkdtemp(join(tmpdir(), 'tsprom-bench-server-'));
  const targets = spawnProc([
    new URL('./scrape-targets.mjs', import.meta.url).pathname,
    JSON.stringify({ healthy: 1, seriesPerTarget: 10_000 }),
  ]);
  let server: Proc | undefined;
  try {
    await waitFor('targets listening', async () => targets.out().includes('\n'));
    const port = (JSON.parse(targets.out().split('\n')[0]!) as { healthy: number[] }).healthy[0]!;
    await writeFile(
      join(dir, 'prometheus.yml'),
      `scrape_configs:\n  - job_name: bench\n    scrape_interval: ${SCRAPE_INTERVAL_S}s\n    scrape_timeout: ${SCRAPE_INTERVAL_S}s\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`,
    );
    server = spawnProc(
      [
        '--conditions=@tsprom/source',
        '--import',
        import.meta.resolve('tsx'),
        CLI,
        '--config.file=prometheus.yml',
        '--storage.tsdb.path=data',
        '--web.listen-address=127.0.0.1:0',
      ],
      dir,
    );
    const srv = server;
    await waitFor('tsprom listening', async () => /msg="Listening on" address=127\.0\.0\.1:\d+/.test(srv.out()));
    const url = `http://127.0.0.1:${/msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(srv.out())![1]}`;
    const q = (query: string): Promise<{ status: number; body: unknown }> =>
      json(`${url}/api/v1/query?${new URLSearchParams({ query })}`);
    await waitFor(
      '10k series scraped',
      async () => Number(((await q('count({job="bench"})')).body as APIBody).data.result[0]?.value[1]) >= 10_000,
    );
    // A few scrapes more, so that ranges hold several samples.
    await sleep(4 * SCRAPE_INTERVAL_S * 1000);

    const rss = await rssKiB(srv.proc.pid!);
    report('server: RSS at idle, 10k active series (1 target)', `${(rss / 1024).toFixed(1)} MiB`);

    const now = Date.now() / 1000;
    const range = (query: string): string =>
      `${url}/api/v1/query_range?${new URLSearchParams({ query, start: String(now - 60), end: String(now), step: '2' })}`;
    const dashboard: [string, string][] = [
      ['up', `${url}/api/v1/query?query=up`],
      [
        'sum by (zone) (bench_metric_1)',
        `${url}/api/v1/query?${new URLSearchParams({ query: 'sum by (zone) (bench_metric_1)' })}`,
      ],
      ['range: sum(rate(scrape_samples_scraped[1m]))', range('sum(rate(scrape_samples_scraped[1m]))')],
      ['range: topk(5, avg_over_time(bench_metric_3[30s]))', range('topk(5, avg_over_time(bench_metric_3[30s]))')],
      ['range: count({job="bench"}) (10k series)', range('count({job="bench"})')],
      ['label values: series', `${url}/api/v1/label/series/values`],
      ['series: bench_metric_7', `${url}/api/v1/series?${new URLSearchParams({ 'match[]': 'bench_metric_7' })}`],
    ];
    for (const [name, u] of dashboard) report(`server: latency ${name}`, await latency(u, 20));

    // Requests per second on a small query, 8 in flight for about 3 s.
    const small = `${url}/api/v1/query?query=${encodeURIComponent('1+1')}`;
    let done = 0;
    const until = performance.now() + 3000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < until) {
          const res = await fetch(small);
          await res.arrayBuffer();
          done++;
        }
      }),
    );
    report(
      'server: /api/v1/query "1+1", 8 in flight',
      `${(done / ((performance.now() - t0) / 1000)).toFixed(0)} req/s`,
    );

    // Scrape start delay during a flood: gaps between scrape arrivals beyond the interval.
    const arrivalsURL = `http://127.0.0.1:${port}/arrivals`;
    const arrivals = async (): Promise<number[]> =>
      ((await json(arrivalsURL)).body as Record<string, number[]>)[String(port)]!;
    const before = (await arrivals()).length;
    const bad = [
      '/api/v1/query',
      '/api/v1/query_range?query=up&start=0&end=10000000000&step=1',
      '/api/v1/query_range?query=up&start=0&end=10&step=1x',
      `/api/v1/series?${new URLSearchParams({ 'match[]': '{job=~"("}' })}`,
      `/api/v1/query?${new URLSearchParams({ query: 'count(count_over_time(vector(1)[1h:1s]))' })}`,
      `/api/v1/query?${new URLSearchParams({ query: 'sum by (series) (bench_metric_5)' })}`,
    ];
    const floodUntil = performance.now() + 8 * SCRAPE_INTERVAL_S * 1000;
    let flooded = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; performance.now() < floodUntil; i++) {
          const res = await fetch(`${url}${bad[i % bad.length]}`);
          await res.arrayBuffer();
          flooded++;
        }
      }),
    );
    const times = (await arrivals()).slice(Math.max(0, before - 1));
    const late: number[] = [];
    for (let i = 1; i < times.length; i++) late.push(times[i]! - times[i - 1]! - SCRAPE_INTERVAL_S * 1000);
    late.sort((a, b) => a - b);
    report(
      `server: scrape delay in a flood (${flooded} req), gap - interval`,
      late.length === 0
        ? 'no scrape'
        : `max ${Math.max(...late).toFixed(0)} ms, median ${percentile(late, 50).toFixed(0)} ms (${late.length} gaps)`,
    );
  } finally {
    if (server !== undefined) await stop(server);
    await stop(targets);
    await rm(dir, { recursive: true, force: true });
  }
}
