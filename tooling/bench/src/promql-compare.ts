// PromQL query latency beside Prometheus 2.42 on the same data in the same run (issue #16): a
// deterministic set of counters and classic histograms is written as OpenMetrics, backfilled into
// blocks by promtool, served by Prometheus (127.0.0.1, a port of its choosing, stopped by PID), and
// opened by tsprom's DB from a copy of the same blocks. Each dashboard-like query runs through
// tsprom's API handler in-process (parse, evaluation and JSON encoding; no socket) and through
// Prometheus's HTTP API; rounds alternate between the two. Printed per query: tsprom's wall and CPU
// time, Prometheus's wall time over HTTP, its own `execTotalTime` and its CPU time (from /proc), the
// ratio of the wall medians and the ratio of mean CPU times (the steadier one on a busy machine).
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAPIHandler } from '@tsprom/api';
import { Engine } from '@tsprom/promql';
import { PEERS, requirePeer, runPromtool, startPrometheus } from '@tsprom/test-support';
import { DB } from '@tsprom/tsdb';

const SCRAPE_MS = 15_000;
const RANGE_MS = 2 * 3600_000;
const LOOKBACK_MS = 5 * 60_000;
/** Counters `http_requests_total{job, instance}`, 10 jobs (84 series per job). */
const COUNTERS = 840;
/** Classic histograms `http_request_duration_seconds_bucket{job, instance, le}` of 12 buckets. */
const HISTOGRAMS = 70;
const BOUNDS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
const ROUNDS = 7;

export interface Case {
  readonly name: string;
  readonly query: string;
  /** Range query at this step (ms) over the last 2 h; instant at the end when undefined. */
  readonly stepMs?: number;
}

export const CASES: readonly Case[] = [
  {
    name: 'sum by (job) (rate[5m]), 840 series',
    query: 'sum by (job) (rate(http_requests_total[5m]))',
    stepMs: 15_000,
  },
  {
    name: 'histogram_quantile over 70 x 12 buckets',
    query: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
    stepMs: 15_000,
  },
  { name: 'instant count({__name__=~".+"})', query: 'count({__name__=~".+"})' },
  {
    name: 'subquery at 60s step',
    query: 'max by (job) (max_over_time(rate(http_requests_total[5m])[30m:1m]))',
    stepMs: 60_000,
  },
  { name: '84 raw series as JSON', query: 'http_requests_total{job="job-3"}', stepMs: 15_000 },
  { name: 'avg_over_time[10m], 840 series', query: 'avg_over_time(http_requests_total[10m])', stepMs: 60_000 },
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** The data set as OpenMetrics text, samples from `firstMs` to `lastMs` every 15 s. */
export function openMetrics(firstMs: number, lastMs: number): string {
  const parts: string[] = ['# TYPE http_requests_total unknown\n'];
  const r = lcg(1);
  for (let i = 0; i < COUNTERS; i++) {
    const ls = `http_requests_total{job="job-${i % 10}",instance="host-${i}:9100"}`;
    let v = 0;
    const lines: string[] = [];
    for (let t = firstMs; t <= lastMs; t += SCRAPE_MS) {
      v += Math.floor(r() * 100);
      lines.push(`${ls} ${v} ${t / 1000}\n`);
    }
    parts.push(lines.join(''));
  }
  parts.push('# TYPE http_request_duration_seconds_bucket unknown\n');
  const h = lcg(2);
  for (let i = 0; i < HISTOGRAMS; i++) {
    const counts = new Float64Array(BOUNDS.length);
    const lines: string[][] = BOUNDS.map(() => []);
    for (let t = firstMs; t <= lastMs; t += SCRAPE_MS) {
      let cum = 0;
      for (let b = 0; b < BOUNDS.length; b++) {
        cum += Math.floor(h() * 5);
        counts[b] = counts[b]! + cum;
        lines[b]!.push(
          `http_request_duration_seconds_bucket{job="job-${i % 10}",instance="host-${i}:9100",le="${BOUNDS[b]}"} ${counts[b]} ${t / 1000}\n`,
        );
      }
    }
    for (const l of lines) parts.push(l.join(''));
  }
  parts.push('# EOF\n');
  return parts.join('');
}

export function queryParams(c: Case, endMs: number): string {
  const q = `query=${encodeURIComponent(c.query)}`;
  if (c.stepMs === undefined) return `${q}&time=${endMs / 1000}`;
  return `${q}&start=${(endMs - RANGE_MS) / 1000}&end=${endMs / 1000}&step=${c.stepMs / 1000}`;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU time of process `pid` so far (user + system, ms, every thread), from /proc: what a peer spent
 * on the requests in between, however busy the machine is. Ticks of 10 ms, so summed over rounds.
 */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), closed by ')': utime is field 14.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
}

/** Runs the comparison and prints one line per query. */
export async function run(): Promise<void> {
  console.log('\n## promql-compare (tsprom API handler in-process vs Prometheus 2.42 over HTTP, same blocks)');
  if (!requirePeer(PEERS.prometheus) || !requirePeer(PEERS.promtool)) {
    console.log(`promql-compare: skipped, ${PEERS.prometheus} or ${PEERS.promtool} is not installed`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'promql-compare-'));
  // Recent data, so that Prometheus's retention keeps the blocks.
  const endMs = Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000;
  const firstMs = endMs - RANGE_MS - LOOKBACK_MS;
  let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  let db: DB | undefined;
  try {
    const input = join(dir, 'data.om');
    await writeFile(input, openMetrics(firstMs, endMs));
    const promData = join(dir, 'prometheus');
    const bf = runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', input, promData]);
    if (bf.code !== 0) throw new Error(`promtool create-blocks-from: ${bf.stderr}`);
    await rm(input);
    const tspromData = join(dir, 'tsprom');
    await cp(promData, tspromData, { recursive: true });
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, 'global:\n  scrape_interval: 1h\n');
    prom = await startPrometheus({ configFile: config, dataDir: promData });
    db = await DB.open(tspromData, { autoCompaction: false });
    const handler = createAPIHandler({ queryable: db, engine: new Engine({ maxSamples: 50_000_000 }) });
    const tsprom = async (c: Case): Promise<string> => {
      const path = c.stepMs === undefined ? 'query' : 'query_range';
      const res = await handler(new Request(`http://tsprom/api/v1/${path}?${queryParams(c, endMs)}`));
      const body = await res.text();
      if (res.status !== 200) throw new Error(`tsprom ${c.query}: ${res.status} ${body.slice(0, 300)}`);
      return body;
    };
    const prometheus = async (c: Case, stats: boolean): Promise<string> => {
      const path = c.stepMs === undefined ? 'query' : 'query_range';
      const url = `${prom!.url}/api/v1/${path}?${queryParams(c, endMs)}${stats ? '&stats=all' : ''}`;
      const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`prometheus ${c.query}: ${res.status} ${body.slice(0, 300)}`);
      return body;
    };
    let worst = 0;
    let worstCpu = 0;
    for (const c of CASES) {
      // Warm-up of both, and a check that they agree on the size of the answer.
      const a = await tsprom(c);
      const b = await prometheus(c, false);
      await tsprom(c);
      const sizeNote = a.length === b.length ? `${a.length} B` : `${a.length} B vs ${b.length} B`;
      const tWall: number[] = [];
      const tCpu: number[] = [];
      const pWall: number[] = [];
      const pExec: number[] = [];
      let pCpu = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const c0 = cpuMs();
        const w0 = performance.now();
        await tsprom(c);
        tWall.push(performance.now() - w0);
        tCpu.push(cpuMs() - c0);
        const pc = procCpuMs(prom.pid);
        const w1 = performance.now();
        await prometheus(c, false);
        pWall.push(performance.now() - w1);
        pCpu += procCpuMs(prom.pid) - pc;
        const s = JSON.parse(await prometheus(c, true)) as { data: { stats: { timings: { execTotalTime: number } } } };
        pExec.push(s.data.stats.timings.execTotalTime * 1000);
      }
      const ratio = median(tWall) / median(pWall);
      const tCpuMean = tCpu.reduce((a, b) => a + b, 0) / ROUNDS;
      const cpuRatio = tCpuMean / (pCpu / ROUNDS);
      worst = Math.max(worst, ratio);
      worstCpu = Math.max(worstCpu, cpuRatio);
      console.log(
        `promql-compare: ${c.name}: tsprom ${median(tWall).toFixed(1)} ms (${range(tWall)}; cpu ${tCpuMean.toFixed(1)}), ` +
          `prometheus ${median(pWall).toFixed(1)} ms (${range(pWall)}; exec ${median(pExec).toFixed(1)}; ` +
          `cpu ${(pCpu / ROUNDS).toFixed(1)}), ratio ${ratio.toFixed(2)}, cpu ratio ${cpuRatio.toFixed(2)} [${sizeNote}]`,
      );
    }
    console.log(`promql-compare: worst cpu ratio ${worstCpu.toFixed(2)}`);
    console.log(`promql-compare: worst ratio ${worst.toFixed(2)}`);
  } finally {
    await db?.close();
    await prom?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
