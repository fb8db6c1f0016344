// Benchmarks for @tsprom/tsdb: appends with refs (100k series x 120 samples) in memory and with
// the WAL, WAL replay rate, head memory per active series once full chunks went to chunks_head/,
// and select + iterate throughput. Memory is measured after a forced GC: the suite enables
// `--expose-gc` at run time (v8.setFlagsFromString) and takes `gc` from a fresh VM context, so no
// node flag is needed.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { type Appendable, type Queryable, ValueType } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { formatRate, report } from './harness.js';

const numSeries = 100_000;
const samplesPerSeries = 120;
const intervalMs = 15_000;

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

function getGC(): () => Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // V8 frees dead ArrayBuffers' memory on a background sweeper after the collection, so
  // `memoryUsage().arrayBuffers` right after gc() still counts some garbage (it varied by 2 KiB per
  // series between runs): collect a few times with pauses so that only live memory is counted.
  return async () => {
    for (let k = 0; k < 3; k++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
}

/**
 * Samples per second of wall-clock time, per second of the process's CPU time, and per second of
 * the main thread's CPU time (NaN where /proc is missing).
 */
interface Rates {
  wall: number;
  cpu: number;
  main: number;
}

/** CPU seconds of the main thread so far (Linux: /proc/self/task/<pid>/schedstat), NaN elsewhere. */
function mainThreadSeconds(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ', 1)[0]) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system, all threads) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/**
 * Appends `rounds` scrapes of every series (one commit per scrape); returns samples/s. The CPU
 * rate does not depend on how busy the machine is; the wall-clock one does.
 */
async function appendRounds(
  open: () => Appendable,
  labels: Labels[],
  refs: number[],
  fromRound: number,
  rounds: number,
): Promise<Rates> {
  const target = open();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadSeconds();
  const start = performance.now();
  for (let r = fromRound; r < fromRound + rounds; r++) {
    const app = target.appender();
    const t = r * intervalMs;
    for (let i = 0; i < labels.length; i++) refs[i] = app.append(refs[i]!, labels[i]!, t, r + i * 0.5);
    await app.commit();
  }
  const s = (performance.now() - start) / 1000;
  const n = rounds * labels.length;
  return { wall: n / s, cpu: n / cpuSeconds(cpu0), main: n / (mainThreadSeconds() - main0) };
}

function reportRates(name: string, r: Rates): void {
  report(name, formatRate(r.wall, 'samples'));
  report(`${name}, per CPU-second`, formatRate(r.cpu, 'samples'));
  if (!Number.isNaN(r.main)) report(`${name}, per main-thread CPU-second`, formatRate(r.main, 'samples'));
}

function iterateAll(db: Queryable, ms: Matcher[]) {
  return (async () => {
    const q = db.querier(-Infinity, Infinity);
    const start = performance.now();
    const set = await q.select(false, undefined, ms);
    let n = 0;
    let sum = 0;
    while (set.next()) {
      const it = set.at().iterator();
      while (it.next() !== ValueType.None) {
        sum += it.atV();
        n++;
      }
    }
    const s = (performance.now() - start) / 1000;
    await q.close();
    return { rate: n / s, n, sum };
  })();
}

/** Writes the WAL of 100k series x 120 samples into `dir`; returns the append rate. */
async function writeWithWAL(dir: string, labels: Labels[]): Promise<Rates> {
  const db = await DB.open(dir);
  const refs = new Array<number>(numSeries).fill(0);
  await appendRounds(() => db, labels, refs, 0, 1);
  const rate = await appendRounds(() => db, labels, refs, 1, samplesPerSeries - 1);
  await db.close();
  return rate;
}

/** Appends 100k series x 120 samples to an in-memory head, then selects and iterates. */
async function inMemory(labels: Labels[]): Promise<void> {
  // Warm-up on a smaller head so that the timed run measures optimized code.
  const warm = await DB.open();
  await appendRounds(() => warm, labels.slice(0, 10_000), new Array<number>(10_000).fill(0), 0, 60);
  await warm.close();
  const head = await DB.open();
  const refs = new Array<number>(numSeries).fill(0);
  await appendRounds(() => head, labels, refs, 0, 1);
  const rate = await appendRounds(() => head, labels, refs, 1, samplesPerSeries - 1);
  reportRates(`tsdb: append with refs, in memory (${numSeries / 1000}k series x ${samplesPerSeries})`, rate);
  const sel = [new Matcher(MatchType.Equal, 'job', 'job-3')];
  const it = await iterateAll(head, sel);
  report(`tsdb: select job="job-3" + iterate (${it.n / 1e6}M samples, in memory)`, formatRate(it.rate, 'samples'));
  await head.close();
}

/** Runs the tsdb suite and prints its figures. */
export async function run(): Promise<void> {
  console.log('\n## tsdb');
  const gc = getGC();
  const labels = seriesLabels(numSeries);

  // 1. Appends with refs, in memory: the first scrape creates the series, the rest is timed.
  await inMemory(labels);
  await gc();

  // 2. The same with the WAL (commit encodes and writes records), then replay.
  const dir = await mkdtemp(join(tmpdir(), 'tsdb-bench-'));
  try {
    const rate = await writeWithWAL(dir, labels);
    reportRates(`tsdb: append with refs, with WAL (${numSeries / 1000}k series x ${samplesPerSeries})`, rate);
    // Replay everything from the WAL (chunks_head/ removed, so no sample is skipped).
    await rm(join(dir, 'chunks_head'), { recursive: true, force: true });
    await gc();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const db2 = await DB.open(dir);
    const s = (performance.now() - start) / 1000;
    const replayed = db2.openReport!.wal.samples;
    reportRates(`tsdb: WAL replay (${(replayed / 1e6).toFixed(1)}M samples, ${numSeries / 1000}k series)`, {
      wall: replayed / s,
      cpu: replayed / cpuSeconds(cpu0),
      main: Number.NaN,
    });
    await db2.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await gc();

  // 3. Memory per active series once full chunks are on disk: 4 chunks' worth (2h at 15s), so
  // three chunks per series went to chunks_head/ and one is open.
  const dir2 = await mkdtemp(join(tmpdir(), 'tsdb-bench-mem-'));
  try {
    await gc();
    const before = process.memoryUsage();
    const db = await DB.open(dir2);
    const refs = new Array<number>(numSeries).fill(0);
    await appendRounds(() => db, labels, refs, 0, 4 * samplesPerSeries);
    await gc();
    const after = process.memoryUsage();
    const bytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    const st = db.stats();
    report(
      `tsdb: head memory per active series (chunks on disk, ${st.numChunks / numSeries} chunks/series)`,
      `${(bytes / numSeries).toFixed(0)} B/series`,
    );
    const sel = [new Matcher(MatchType.Equal, 'job', 'job-3')];
    const it = await iterateAll(db, sel);
    report(
      `tsdb: select job="job-3" + iterate (${it.n / 1e6}M samples, chunks on disk)`,
      formatRate(it.rate, 'samples'),
    );
    await db.close();
  } finally {
    await rm(dir2, { recursive: true, force: true });
  }
}
