// Persistent blocks: bytes per sample on disk for scrape-like data (regular, and with jitter) (tsprom's writer next to real
// promtool's `tsdb create-blocks-from openmetrics` on the same samples, when installed), compaction
// throughput and the worst event-loop delay while compacting 100k series (in a worker thread, as a
// DB does, and in-thread), and a block of 1M series
// queried in a child process: its RSS (the reader keeps pages, not the block) and query latencies.
// Sizes: BENCH_BLOCK_SERIES (default 1,000,000) series in the big block.
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, readSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XORChunk } from '@tsprom/chunkenc';
import { compareStrings, Labels, Matcher, MatchType } from '@tsprom/labels';
import {
  type ChunkMeta,
  type ChunkSeries,
  type ChunkSeriesSet,
  ListChunkSeries,
  seriesSetFromList,
  ValueType,
} from '@tsprom/storage-interfaces';
import { Block, LeveledCompactor, writeBlock } from '@tsprom/tsdb/block';
import { report } from './harness.js';

const promtoolBin = '/usr/bin/promtool';
const CHILD_FLAG = '--tsdb-blocks-child';
const twoHours = 7_200_000;

/** xorshift32: the same pseudo-random workload on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

interface GenSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

/**
 * Scrape-like series (as tsdb-wal-size's workload): targets of 500 series, scraped every 15 s
 * with up to 5 ms of jitter (none when `regular`); half constant, 3 in 10 moving by integers, 2
 * in 10 by floats.
 */
function scrapeWorkload(targets: number, scrapes: number, t0: number, regular = false): GenSeries[] {
  const rand = rng(42);
  const out: GenSeries[] = [];
  for (let k = 0; k < targets; k++) {
    for (let i = 0; i < 500; i++) {
      const metric = i % 50;
      const counter = metric % 2 === 0;
      const kind = Math.floor(rand() * 10);
      const labels = Labels.fromStrings(
        '__name__',
        counter ? `node_metric_${metric}_total` : `node_metric_${metric}_bytes`,
        'device',
        `dev${Math.floor(i / 50)}`,
        'instance',
        `10.0.${k}.1:9100`,
        'job',
        'node',
      );
      const scale = 10 ** Math.floor(rand() * 6);
      const ts = new Float64Array(scrapes);
      const vs = new Float64Array(scrapes);
      let v = kind < 5 ? Math.floor(rand() * 4) * scale : Math.floor(rand() * 1e9);
      for (let s = 0; s < scrapes; s++) {
        const jitter = Math.floor(rand() * 6);
        ts[s] = t0 + s * 15_000 + (regular ? 0 : jitter);
        if (kind >= 5 && kind < 8)
          v = counter ? v + Math.floor(rand() * 2 * scale) : v + Math.round((rand() - 0.5) * scale) * 4096;
        else if (kind >= 8) v = counter ? Math.round((v + rand() * 15) * 100) / 100 : rand();
        vs[s] = v;
      }
      out.push({ labels, ts, vs });
    }
  }
  return out.sort((a, b) => Labels.compare(a.labels, b.labels));
}

/** XOR chunks of 120 samples, as the head cuts them for a 15 s scrape interval. */
function toChunkSeries(s: GenSeries, from = 0, to = s.ts.length): ChunkSeries {
  const chunks: ChunkMeta[] = [];
  for (let i = from; i < to; i += 120) {
    const c = new XORChunk();
    const app = c.appender();
    const end = Math.min(i + 120, to);
    for (let k = i; k < end; k++) app.append(s.ts[k]!, s.vs[k]!);
    chunks.push({ ref: 0, mint: s.ts[i]!, maxt: s.ts[end - 1]!, chunk: c });
  }
  return new ListChunkSeries(s.labels, chunks);
}

async function dirSize(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += (await stat(join(e.parentPath, e.name))).size;
  }
  return n;
}

/** The series as OpenMetrics text (JavaScript's float text is exact); timestamps in seconds. */
function openMetrics(series: GenSeries[]): string {
  const lines: string[] = [];
  const byName = new Map<string, GenSeries[]>();
  for (const s of series) {
    const n = s.labels.get('__name__');
    if (!byName.has(n)) byName.set(n, []);
    byName.get(n)!.push(s);
  }
  for (const [name, ss] of byName) {
    lines.push(`# TYPE ${name.replace(/_total$/, '')} ${name.endsWith('_total') ? 'counter' : 'gauge'}`);
    for (const s of ss) {
      const pairs: string[] = [];
      s.labels.forEach((ln, lv) => {
        if (ln !== '__name__') pairs.push(`${ln}="${lv}"`);
      });
      const l = `{${pairs.join(',')}}`;
      for (let i = 0; i < s.ts.length; i++) lines.push(`${name}${l} ${s.vs[i]} ${(s.ts[i]! / 1000).toFixed(3)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

async function bytesPerSample(root: string, regular: boolean): Promise<void> {
  const t0 = 1_700_000_000_000 - (1_700_000_000_000 % twoHours);
  const series = scrapeWorkload(4, 480, t0, regular); // 2,000 series, 2 h at 15 s: 960k samples.
  const what = regular ? 'regular' : 'jitter 0-5 ms';
  const samples = series.length * 480;
  const dir = join(root, `bps-${regular}`);
  const meta = await writeBlock(dir, seriesSetFromList(series.map((s) => toChunkSeries(s))), {
    mint: t0,
    maxt: t0 + twoHours,
  });
  const mine = await dirSize(join(dir, meta!.ulid));
  report(`tsdb block: bytes/sample, tsprom (${what})`, `${(mine / samples).toFixed(3)} B`);
  if (!existsSync(promtoolBin)) {
    report('tsdb block: bytes/sample on disk, promtool 2.42', 'not installed');
    return;
  }
  const om = join(root, `in-${regular}.om`);
  await writeFile(om, openMetrics(series));
  const out = join(root, `promtool-${regular}`);
  await promisify(execFile)(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', om, out], {
    maxBuffer: 1 << 26,
  });
  let theirs = 0;
  for (const u of await readdir(out)) theirs += await dirSize(join(out, u));
  report(`tsdb block: bytes/sample, promtool 2.42 (${what})`, `${(theirs / samples).toFixed(3)} B`);
  report(`tsdb block: tsprom / promtool size (${what})`, `${(mine / theirs).toFixed(3)}`);
}

/** Sorted series `m_<metric>{instance, job}` for `n` series, generated in label order. */
function bigSeriesSet(n: number, samples: number, t0: number): { set: ChunkSeriesSet; symbols: string[] } {
  const perMetric = 1000;
  const metrics = Math.ceil(n / perMetric);
  const pad = (x: number, w: number): string => String(x).padStart(w, '0');
  const symbols = new Set<string>(['', '__name__', 'instance', 'job']);
  for (let m = 0; m < metrics; m++) symbols.add(`m_${pad(m, 4)}`);
  for (let i = 0; i < perMetric; i++) symbols.add(`i-${pad(i, 4)}`);
  for (let j = 0; j < 10; j++) symbols.add(`job-${j}`);
  let idx = 0;
  let cur: ChunkSeries | undefined;
  const set: ChunkSeriesSet = {
    next(): boolean {
      if (idx >= n) return false;
      const m = Math.floor(idx / perMetric);
      const i = idx % perMetric;
      const labels = Labels.fromStrings(
        '__name__',
        `m_${pad(m, 4)}`,
        'instance',
        `i-${pad(i, 4)}`,
        'job',
        `job-${i % 10}`,
      );
      const c = new XORChunk();
      const app = c.appender();
      for (let k = 0; k < samples; k++) app.append(t0 + k * 60_000, (idx % 97) + k);
      cur = new ListChunkSeries(labels, [{ ref: 0, mint: t0, maxt: t0 + (samples - 1) * 60_000, chunk: c }]);
      idx++;
      return true;
    },
    at: () => cur!,
    err: () => undefined,
    warnings: () => seriesSetFromList([]).warnings(),
  };
  return { set, symbols: [...symbols].sort(compareStrings) };
}

async function compaction(root: string): Promise<void> {
  const n = 100_000;
  const dir = join(root, 'compact');
  await mkdir(dir, { recursive: true });
  const dirs: string[] = [];
  for (let b = 0; b < 3; b++) {
    const t0 = b * twoHours;
    const { set, symbols } = bigSeriesSet(n, 30, t0);
    const meta = await writeBlock(dir, set, { mint: t0, maxt: t0 + twoHours, symbols });
    dirs.push(join(dir, meta!.ulid));
  }
  // A DB compacts blocks in a worker thread; in-thread (time-sliced) is the fallback of a custom merge.
  for (const worker of [true, false]) {
    const what = worker ? 'worker thread' : 'in-thread, sliced';
    const dest = join(root, `compacted-${worker}`);
    await mkdir(dest);
    const c = new LeveledCompactor({ ranges: [twoHours, 3 * twoHours], worker });
    const stop = watchLoop();
    const start = performance.now();
    const out = await c.compact(dest, dirs);
    const ms = performance.now() - start;
    const stall = stop();
    const samples = out!.stats.numSamples!;
    report(
      `tsdb compaction (${what}): 3 blocks of ${n / 1000}k series into one`,
      `${(((samples / ms) * 1000) / 1e6).toFixed(2)}M samples/s`,
    );
    report(`tsdb compaction (${what}): series/s`, `${Math.round((n / ms) * 1000)}`);
    report(`tsdb compaction (${what}): worst event-loop delay (1 ms heartbeat)`, `${stall.worstMs.toFixed(1)} ms`);
    report('tsdb compaction:   main thread CPU within that gap', `${stall.cpuMs.toFixed(1)} ms`);
    report('tsdb compaction:   main thread waiting for a CPU within it', `${stall.runqMs.toFixed(1)} ms`);
    report('tsdb compaction:   most main-thread CPU within any gap', `${stall.maxCpuMs.toFixed(1)} ms`);
  }
  // What each worker costs before it compacts: a thread, and loading the code (from source here,
  // compiled by tsx; the built package loads plain JS).
  const tiny = join(root, 'tiny');
  const { set, symbols } = bigSeriesSet(10, 30, 0);
  const meta = await writeBlock(tiny, set, { mint: 0, maxt: twoHours, symbols });
  const start = performance.now();
  await new LeveledCompactor({ ranges: [twoHours], worker: true }).compact(tiny, [join(tiny, meta!.ulid)]);
  report('tsdb compaction: worker start + a 10-series compaction', `${(performance.now() - start).toFixed(0)} ms`);
}

/**
 * The main thread's time on a CPU and waiting for one (run queue) in ms, from Linux's schedstat
 * (NaN elsewhere): on a loaded machine a gap of the event loop is partly time spent waiting for a CPU.
 */
function threadSched(): () => [cpuMs: number, runqMs: number] {
  let fd: number;
  try {
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return () => [Number.NaN, Number.NaN];
  }
  const b = Buffer.alloc(64);
  return () => {
    const n = readSync(fd, b, 0, b.length, 0);
    const f = b.toString('latin1', 0, n).split(' ', 2);
    return [Number(f[0]) / 1e6, Number(f[1]) / 1e6];
  };
}

/** Starts a 1 ms heartbeat; the returned function stops it and tells the worst gap. */
function watchLoop(): () => { worstMs: number; cpuMs: number; runqMs: number; maxCpuMs: number } {
  const sched = threadSched();
  let last = performance.now();
  let [lastCpu, lastRunq] = sched();
  let worstMs = 0;
  let cpuMs = 0;
  let runqMs = 0;
  let maxCpuMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const [c, q] = sched();
    if (now - last > worstMs) {
      worstMs = now - last;
      cpuMs = c - lastCpu;
      runqMs = q - lastRunq;
    }
    maxCpuMs = Math.max(maxCpuMs, c - lastCpu);
    last = now;
    lastCpu = c;
    lastRunq = q;
  }, 1);
  return () => {
    clearInterval(timer);
    return { worstMs, cpuMs, runqMs, maxCpuMs };
  };
}

/** Child process: opens the block, runs the queries, prints JSON figures. */
async function child(dir: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 20);
  const t = performance.now();
  const b = await Block.open(dir);
  const openMs = performance.now() - t;
  sample();
  const q = b.querier(-Infinity, Infinity);
  const lat = async (ms: Matcher[]): Promise<[number, number]> => {
    const start = performance.now();
    const set = await q.select(true, undefined, ms);
    let n = 0;
    while (set.next()) {
      const it = set.at().iterator();
      while (it.next() !== ValueType.None) n++;
    }
    if (set.err() !== undefined) throw set.err();
    return [performance.now() - start, n];
  };
  const one = await lat([
    new Matcher(MatchType.Equal, '__name__', 'm_0042'),
    new Matcher(MatchType.Equal, 'instance', 'i-0042'),
  ]);
  const metric = await lat([new Matcher(MatchType.Equal, '__name__', 'm_0007')]);
  const re = await lat([
    new Matcher(MatchType.Regexp, 'instance', 'i-00[0-4].'),
    new Matcher(MatchType.Equal, 'job', 'job-3'),
  ]);
  const t2 = performance.now();
  const all = await lat([new Matcher(MatchType.Regexp, '__name__', '.+')]);
  sample();
  clearInterval(timer);
  const cacheBytes = b.index.cachedBytes + b.chunks.cachedBytes;
  (globalThis as { gc?: () => void }).gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  await q.close();
  await b.close();
  process.stdout.write(
    `${JSON.stringify({ rssBefore, peak, openMs, one, metric, re, all, allMs: performance.now() - t2, cacheBytes, heapAfter })}\n`,
  );
}

async function bigBlock(root: string): Promise<void> {
  const n = Number(process.env.BENCH_BLOCK_SERIES ?? 1_000_000);
  const dir = join(root, 'big');
  const t0 = 0;
  const { set, symbols } = bigSeriesSet(n, 12, t0);
  const start = performance.now();
  const meta = await writeBlock(dir, set, { mint: t0, maxt: t0 + twoHours, symbols });
  const writeMs = performance.now() - start;
  const size = await dirSize(join(dir, meta!.ulid));
  report(`tsdb block: write ${n / 1000}k series`, `${(writeMs / 1000).toFixed(1)} s`);
  report('tsdb block: size on disk', `${(size / 2 ** 20).toFixed(1)} MiB`);
  const self = fileURLToPath(import.meta.url);
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, '--expose-gc', self, CHILD_FLAG, join(dir, meta!.ulid)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let s = '';
    p.stdout.on('data', (d: Buffer) => {
      s += d.toString();
    });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(s) : reject(new Error(`child exited ${code}`))));
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as {
    rssBefore: number;
    peak: number;
    openMs: number;
    one: [number, number];
    metric: [number, number];
    re: [number, number];
    all: [number, number];
    cacheBytes: number;
    heapAfter: number;
  };
  const mib = (x: number): string => `${(x / 2 ** 20).toFixed(0)} MiB`;
  report('tsdb block query: RSS before opening (child process)', mib(r.rssBefore));
  report(`tsdb block query: peak RSS, open + read all ${n / 1000}k series`, mib(r.peak));
  report('tsdb block query: page caches held (index + chunks)', mib(r.cacheBytes));
  report('tsdb block query: JS heap after the scan, collected', mib(r.heapAfter));
  report('tsdb block query: open', `${r.openMs.toFixed(0)} ms`);
  report(`tsdb block query: 1 series (${r.one[1]} samples)`, `${r.one[0].toFixed(2)} ms`);
  report(`tsdb block query: 1 metric, 1000 series (${r.metric[1]} samples)`, `${r.metric[0].toFixed(1)} ms`);
  report(`tsdb block query: regex × job, 5000 series (${r.re[1]} samples)`, `${r.re[0].toFixed(0)} ms`);
  report(`tsdb block query: every series (${r.all[1]} samples)`, `${(r.all[0] / 1000).toFixed(1)} s`);
}

export async function run(): Promise<void> {
  console.log('\n## tsdb blocks');
  const root = await mkdtemp(join(tmpdir(), 'bench-blocks-'));
  try {
    await bytesPerSample(root, true);
    await bytesPerSample(root, false);
    await compaction(root);
    await bigBlock(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG) await child(process.argv[3]!);
