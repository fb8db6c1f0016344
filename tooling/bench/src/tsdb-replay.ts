// Benchmarks of WAL replay (@tsprom/tsdb DB.open on a directory): the replay rate and the worst
// event-loop delay while it runs, measured with perf_hooks' monitorEventLoopDelay (1 ms
// resolution). On a busy machine that wall-clock delay also counts the time other processes held
// the CPU, so on Linux the suite also prints the most main-thread CPU time spent between two
// event-loop turns (from /proc, 10 ms resolution), which does not depend on the machine's load. A replay that yields to the event loop keeps serving timers and I/O while a big WAL
// loads. Two cases on 100k series x 240 samples: a plain reopen (the first chunk of every series
// read back from chunks_head/, the WAL's samples after it replayed) and the WAL alone
// (chunks_head/ removed, every sample replayed from the WAL). A real Prometheus 2.42
// (/usr/bin/prometheus, when installed) replays the same WAL in the same run: its own log gives its
// replay time (`wal_replay_duration`), /proc its CPU time by then; the ratios are printed. A WAL
// this size is read and decoded by a worker thread while the main thread applies it: the CPU rate
// counts both threads, the main-thread rate only the applying one.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { freePort } from '@tsprom/test-support';
import { formatRate, report } from './harness.js';

const numSeries = 100_000;
const samplesPerSeries = 240;
const intervalMs = 15_000;
const rounds = 2;
const prometheusBin = '/usr/bin/prometheus';

function seriesLabels(n: number): Labels[] {
  const out: Labels[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Labels.fromStrings(
      '__name__',
      `metric_${i % 100}`,
      'instance',
      `10.0.${(i >> 8) & 255}.${i & 255}:9100`,
      'job',
      `job-${i % 10}`,
      'shard',
      String(i % 37),
    );
  }
  return out;
}

/** Writes `scrapes` scrapes of every series, one commit per scrape. */
async function write(dir: string, labels: Labels[], scrapes: number): Promise<void> {
  const db = await DB.open(dir, { logger: () => {} });
  const refs = new Array<number>(labels.length).fill(0);
  for (let r = 0; r < scrapes; r++) {
    const app = db.appender();
    const t = r * intervalMs;
    for (let i = 0; i < labels.length; i++) refs[i] = app.append(refs[i]!, labels[i]!, t, r + i * 0.5);
    await app.commit();
  }
  await db.close();
}

interface ReplayRun {
  samples: number;
  seconds: number;
  /** CPU seconds of the process (all threads) during the replay. */
  cpuSeconds: number;
  /** CPU seconds of the main thread during the replay; undefined without /proc. */
  mainCpuSeconds: number | undefined;
  worstDelayMs: number;
  /** Most main-thread CPU ms between two event-loop turns; undefined without /proc. */
  worstCpuMs: number | undefined;
}

const statPath = `/proc/self/task/${process.pid}/stat`;

/** CPU time (user + system, ms) of the main thread, from /proc; undefined where there is none. */
function mainThreadCpuMs(): number | undefined {
  try {
    const s = readFileSync(statPath, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 10 ms (USER_HZ 100).
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Opens a copy of `src` (so every round replays the same WAL) while watching the event loop. */
async function replayOnce(src: string): Promise<ReplayRun> {
  const dir = await mkdtemp(join(tmpdir(), 'tsdb-bench-replay-run-'));
  try {
    await cp(src, dir, { recursive: true });
    const h = monitorEventLoopDelay({ resolution: 1 });
    let lastCpu = mainThreadCpuMs();
    let worstCpuMs = lastCpu === undefined ? undefined : 0;
    const heartbeat = setInterval(() => {
      const c = mainThreadCpuMs();
      if (c !== undefined && lastCpu !== undefined && worstCpuMs !== undefined && c - lastCpu > worstCpuMs) {
        worstCpuMs = c - lastCpu;
      }
      lastCpu = c;
    }, 1);
    h.enable();
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    const start = performance.now();
    const db = await DB.open(dir, { logger: () => {} });
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const main1 = mainThreadCpuMs();
    const mainCpuSeconds = main0 === undefined || main1 === undefined ? undefined : (main1 - main0) / 1000;
    // One more turn, so that a stretch ending with the open is recorded too.
    await new Promise((resolve) => setTimeout(resolve, 5));
    h.disable();
    clearInterval(heartbeat);
    const samples = db.stats().numSamples;
    await db.close();
    return {
      samples,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      mainCpuSeconds,
      worstDelayMs: h.max / 1e6,
      worstCpuMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Best wall-clock and CPU replay rates of a case (samples/s). */
interface CaseRates {
  samples: number;
  wall: number;
  cpu: number;
}

async function replayCase(name: string, src: string): Promise<CaseRates> {
  const runs: ReplayRun[] = [];
  for (let r = 0; r < rounds; r++) runs.push(await replayOnce(src));
  const samples = runs[0]!.samples;
  const best = Math.min(...runs.map((r) => r.seconds));
  const bestCpu = Math.min(...runs.map((r) => r.cpuSeconds));
  const delays = runs.map((r) => r.worstDelayMs).sort((a, b) => a - b);
  report(`tsdb: WAL replay ${name} (${(samples / 1e6).toFixed(1)}M samples)`, formatRate(samples / best, 'samples'));
  report(`tsdb: WAL replay ${name}, per CPU-second`, formatRate(samples / bestCpu, 'samples'));
  const mains = runs.map((r) => r.mainCpuSeconds).filter((c) => c !== undefined);
  if (mains.length > 0) {
    // The thread that applies; decoding runs in a worker thread for WALs this size.
    report(
      `tsdb: WAL replay ${name}, per main-thread CPU-second (runs)`,
      mains.map((c) => formatRate(samples / c, 'samples')).join(' / '),
    );
  }
  report(
    `tsdb: worst event-loop delay during WAL replay of ${(samples / 1e6).toFixed(1)}M samples ${name}`,
    `${delays.map((d) => d.toFixed(0)).join('/')} ms`,
  );
  const cpu = runs.map((r) => r.worstCpuMs).filter((c) => c !== undefined);
  if (cpu.length > 0) {
    report(
      `tsdb: most main-thread CPU between two turns, same replay ${name}`,
      `${cpu.sort((a, b) => a - b).join('/')} ms`,
    );
  }
  return { samples, wall: samples / best, cpu: samples / bestCpu };
}

const goDurationUnits: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };

/** Seconds of a Go duration string such as `1m2.5s` or `812.3ms`. */
function parseGoDuration(d: string): number {
  let total = 0;
  let matched = '';
  for (const m of d.matchAll(/([0-9.]+)(h|ms|m|s|µs|us|ns)/g)) {
    total += Number(m[1]) * goDurationUnits[m[2]!]!;
    matched += m[0];
  }
  if (matched !== d) throw new Error(`not a Go duration: ${d}`);
  return total;
}

/** CPU seconds (user + system) process `pid` has used, from /proc. */
function processCpuSeconds(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * Starts Prometheus on a copy of the data directory `src` and waits for its "WAL replay completed"
 * log line; returns its replay time (from the line) and its CPU time until then (startup included,
 * a few ms), then stops it.
 */
async function prometheusReplayOnce(src: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const root = await mkdtemp(join(tmpdir(), 'tsdb-bench-replay-prom-'));
  const data = join(root, 'data');
  await cp(src, data, { recursive: true });
  const cfg = join(root, 'prometheus.yml');
  await writeFile(cfg, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const child = spawn(
    prometheusBin,
    [`--config.file=${cfg}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await new Promise((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`prometheus: no WAL replay in 10 minutes:\n${log}`)), 600_000);
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`prometheus exited before its WAL replay completed:\n${log}`));
      });
      child.stderr!.on('data', (d) => {
        log = (log + String(d)).slice(-8000);
        const line = /msg="WAL replay completed".* wal_replay_duration=(\S+)/.exec(log);
        if (line === null) return;
        clearTimeout(timer);
        resolve({ seconds: parseGoDuration(line[1]!), cpuSeconds: processCpuSeconds(child.pid!) });
      });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(root, { recursive: true, force: true });
  }
}

/** Prometheus 2.42 replaying the same WAL, best of `rounds`, and tsprom's rates against it. */
async function prometheusCase(src: string, ours: CaseRates): Promise<void> {
  if (!existsSync(prometheusBin)) {
    report('Prometheus 2.42 WAL replay: not measured here', `(no ${prometheusBin})`);
    return;
  }
  let best = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < rounds; r++) {
    const run = await prometheusReplayOnce(src);
    best = Math.min(best, run.seconds);
    bestCpu = Math.min(bestCpu, run.cpuSeconds);
  }
  const wall = ours.samples / best;
  const cpu = ours.samples / bestCpu;
  report(
    `Prometheus 2.42: WAL replay, same WAL (${(ours.samples / 1e6).toFixed(1)}M samples)`,
    formatRate(wall, 'samples'),
  );
  report('Prometheus 2.42: WAL replay, per CPU-second (all its threads)', formatRate(cpu, 'samples'));
  report('tsdb: WAL replay rate / Prometheus 2.42 (wall-clock)', `${(ours.wall / wall).toFixed(2)}x`);
  report('tsdb: WAL replay rate / Prometheus 2.42 (per CPU-second)', `${(ours.cpu / cpu).toFixed(2)}x`);
}

/** Runs the replay suite and prints its figures. */
export async function run(): Promise<void> {
  console.log(`\n## tsdb replay (${numSeries / 1000}k series x ${samplesPerSeries}; delays of ${rounds} runs)`);
  const labels = seriesLabels(numSeries);
  const dir = await mkdtemp(join(tmpdir(), 'tsdb-bench-replay-'));
  try {
    await write(dir, labels, samplesPerSeries);
    await replayCase('with chunks_head/', dir);
    await rm(join(dir, 'chunks_head'), { recursive: true, force: true });
    const alone = await replayCase('from the WAL alone', dir);
    await prometheusCase(dir, alone);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
