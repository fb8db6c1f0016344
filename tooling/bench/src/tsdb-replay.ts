// Benchmarks of WAL replay (@tsprom/tsdb DB.open on a directory): the replay rate and the worst
// event-loop delay while it runs, measured with perf_hooks' monitorEventLoopDelay (1 ms
// resolution). On a busy machine that wall-clock delay also counts the time other processes held
// the CPU, so on Linux the suite also prints the most main-thread CPU time spent between two
// event-loop turns (from /proc, 10 ms resolution), which does not depend on the machine's load. A replay that yields to the event loop keeps serving timers and I/O while a big WAL
// loads. Two cases on 100k series x 240 samples: a plain reopen (the first chunk of every series
// read back from chunks_head/, the WAL's samples after it replayed) and the WAL alone
// (chunks_head/ removed, every sample replayed from the WAL).
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { formatRate, report } from './harness.js';

const numSeries = 100_000;
const samplesPerSeries = 240;
const intervalMs = 15_000;
const rounds = 2;

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
    const start = performance.now();
    const db = await DB.open(dir, { logger: () => {} });
    const seconds = (performance.now() - start) / 1000;
    // One more turn, so that a stretch ending with the open is recorded too.
    await new Promise((resolve) => setTimeout(resolve, 5));
    h.disable();
    clearInterval(heartbeat);
    const samples = db.stats().numSamples;
    await db.close();
    return { samples, seconds, worstDelayMs: h.max / 1e6, worstCpuMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function replayCase(name: string, src: string): Promise<void> {
  const runs: ReplayRun[] = [];
  for (let r = 0; r < rounds; r++) runs.push(await replayOnce(src));
  const samples = runs[0]!.samples;
  const best = Math.min(...runs.map((r) => r.seconds));
  const delays = runs.map((r) => r.worstDelayMs).sort((a, b) => a - b);
  report(`tsdb: WAL replay ${name} (${(samples / 1e6).toFixed(1)}M samples)`, formatRate(samples / best, 'samples'));
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
    await replayCase('from the WAL alone', dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
