// Benchmarks for @tsprom/remote (issue #13): encoding a batch (Remote Write 1.0 and 2.0, with
// snappy), and the whole sender: a WAL of 1M samples read by the watcher, queued, encoded and sent
// to a local receiver (a child process), with the CPU cost per sample and the worst event-loop
// stall while it runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tsprom/config';
import { Labels } from '@tsprom/labels';
import { BatchEncoder, QueueManager, SeriesStore, WriteClient } from '@tsprom/remote';
import { HTTPClient } from '@tsprom/scrape';
import { DB } from '@tsprom/tsdb';
import { report, runSuite } from './harness.js';

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * CPU time (µs) of this process's main thread, from /proc/self/task/<pid>/schedstat (ns on CPU)
 * on Linux; elsewhere the whole process's (which also holds the GC's and libuv's threads).
 */
function mainThreadCpuClock(): { micros: () => number; what: string } {
  const path = `/proc/self/task/${process.pid}/schedstat`;
  if (!existsSync(path)) return { micros: cpuMicros, what: 'process CPU' };
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(128);
  return {
    micros: () => {
      const n = readSync(fd, buf, 0, buf.length, 0);
      return Number(buf.toString('latin1', 0, n).split(' ')[0]) / 1000;
    },
    what: 'main-thread CPU',
  };
}

/**
 * A 1 ms heartbeat: the longest gap between two beats in wall time, and in CPU time of the main
 * thread over that same gap. On a shared machine the wall gap also holds the time the OS ran
 * others; the CPU gap is what the sender (and the GC) held the loop for.
 */
class Heartbeat {
  maxWallMs = 0;
  maxCpuMs = 0;
  readonly #clock = mainThreadCpuClock();
  #last = performance.now();
  #cpu = this.#clock.micros();
  readonly #timer = setInterval(() => {
    const now = performance.now();
    const cpu = this.#clock.micros();
    this.maxWallMs = Math.max(this.maxWallMs, now - this.#last);
    this.maxCpuMs = Math.max(this.maxCpuMs, (cpu - this.#cpu) / 1000);
    this.#last = now;
    this.#cpu = cpu;
  }, 1);
  get what(): string {
    return this.#clock.what;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

function encodeCases() {
  const series = new SeriesStore(Labels.EMPTY, []);
  const n = 2000;
  series.storeSeries(
    Array.from({ length: n }, (_, i) => ({
      ref: i + 1,
      labels: Labels.fromStrings(
        '__name__',
        `http_requests_total`,
        'job',
        'bench',
        'instance',
        `host-${i % 50}:9100`,
        'code',
        String(200 + (i % 5)),
      ),
    })),
    0,
  );
  const batch = {
    refs: new Float64Array(n),
    ts: new Float64Array(n),
    vs: new Float64Array(n),
    marks: new Float64Array(n),
    length: n,
    objects: [],
    oMarks: [],
    oLength: 0,
  };
  for (let i = 0; i < n; i++) {
    batch.refs[i] = i + 1;
    batch.ts[i] = 1_700_000_000_000 + i;
    batch.vs[i] = i * 1.5;
  }
  const lookup = series;
  const v1 = new BatchEncoder(false);
  const v2 = new BatchEncoder(true);
  return [
    {
      name: 'remote: encode 1.0 batch (2000 series)',
      unitsPerOp: n,
      unit: 'samples',
      fn: () => v1.encode(batch, lookup).length,
    },
    {
      name: 'remote: encode 1.0 batch + snappy',
      unitsPerOp: n,
      unit: 'samples',
      fn: () => v1.encodeCompressed(batch, lookup).length,
    },
    {
      name: 'remote: encode 2.0 batch + snappy',
      unitsPerOp: n,
      unit: 'samples',
      fn: () => v2.encodeCompressed(batch, lookup).length,
    },
  ];
}

async function startReceiver(): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, [new URL('./remote-receiver.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    proc.once('exit', () => reject(new Error(`receiver exited: ${out}`)));
  });
  return { proc, port };
}

/** Sends a WAL of `seriesN × steps` samples; prints samples/s, CPU per sample and the worst stall. */
async function endToEnd(seriesN: number, steps: number, msg: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsprom-bench-remote-'));
  const rx = await startReceiver();
  try {
    const db = await DB.open(dir);
    const t0 = 1_700_000_000_000;
    const refs = new Array<number>(seriesN).fill(0);
    const ls = Array.from({ length: seriesN }, (_, i) =>
      Labels.fromStrings(
        '__name__',
        `bench_metric_${i % 100}`,
        'job',
        'bench',
        'instance',
        `host-${i % 50}:9100`,
        'i',
        String(i),
      ),
    );
    for (let k = 0; k < steps; k++) {
      const app = db.appender();
      for (let i = 0; i < seriesN; i++) refs[i] = app.append(refs[i]!, ls[i]!, t0 + k * 15_000, k + i);
      await app.commit();
    }
    await db.close();
    const total = seriesN * steps;
    const cfg = loadConfig(
      `remote_write:\n  - url: http://127.0.0.1:${rx.port}/api/v1/write\n    protobuf_message: ${msg}\n    queue_config:\n      min_shards: 4\n`,
    ).remoteWrite[0]!;
    const http = await HTTPClient.create(cfg.httpClientConfig);
    const q = await QueueManager.create({
      cfg,
      externalLabels: Labels.EMPTY,
      walDir: join(dir, 'wal'),
      store: new WriteClient(cfg, http).store,
      startTimeMs: t0 - 1,
      pollIntervalMs: 10,
    });
    const hb = new Heartbeat();
    const main = mainThreadCpuClock();
    const main0 = main.micros();
    const cpu0 = cpuMicros();
    const wall0 = performance.now();
    q.start();
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (q.stats.samplesTotal >= total) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    const wallS = (performance.now() - wall0) / 1000;
    const cpuUs = cpuMicros() - cpu0;
    const mainUs = main.micros() - main0;
    hb.stop();
    await q.stop();
    await http.close();
    const tag = msg === 'prometheus.WriteRequest' ? '1.0' : '2.0';
    report(
      `remote: WAL → ${tag} → local receiver, ${total / 1e6}M samples`,
      `${(total / wallS / 1000).toFixed(0)}k samples/s`,
    );
    report(`remote: CPU per sample sent (${tag})`, `${((cpuUs * 1000) / total).toFixed(0)} ns`);
    report(`remote: samples/s per CPU-second (${tag})`, `${(total / (cpuUs / 1e6) / 1000).toFixed(0)}k`);
    report(`remote: samples/s per ${main.what} second (${tag})`, `${(total / (mainUs / 1e6) / 1000).toFixed(0)}k`);
    report(
      `remote: worst event-loop stall while sending (${tag})`,
      `${hb.maxWallMs.toFixed(0)} ms wall, ${hb.maxCpuMs.toFixed(0)} ms ${hb.what}`,
    );
  } finally {
    rx.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  runSuite('remote (encode)', encodeCases());
  console.log('\n## remote (sender end to end)');
  await endToEnd(10_000, 100, 'prometheus.WriteRequest');
  await endToEnd(10_000, 100, 'io.prometheus.write.v2.Request');
}
