// Remote-write receive throughput (issue #13): the same pre-encoded Remote Write 1.0 requests
// (2000 series × 1 sample each, snappy) POSTed by the same client (4 keep-alive connections) to
// tsprom's /api/v1/write and to real Prometheus 2.42's (--web.enable-remote-write-receiver), both
// started on 127.0.0.1 with a port of their choosing and stopped by PID. The first WARMUP requests
// (sent one by one: they create the series, and let V8 compile the hot path) are not measured.
// Prints samples/s, the server's CPU time per sample (from /proc; the client shares the machine's
// cores, so CPU per sample is the fairer figure), both ratios of tsprom to Prometheus, and tsprom's
// worst event-loop stall while receiving (its nodejs_eventloop_delay_seconds{quantile="1"}, which
// covers the time since the previous scrape: scraped before and after the measured requests).
// Also prints tsprom's main-thread CPU per sample (its first thread's /proc time): the event loop
// is what limits the rate, the receive workers run beside it. TSPROM_SERVER_CLI names another
// checkout's apps/server/src/cli.ts to measure that checkout's server with the same client (A/B);
// TSPROM_NODE_FLAGS adds Node flags to tsprom's process (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeWriteRequest, type PbTimeSeries, snappyEncode } from '@tsprom/remote';
import { formatRate, report } from './harness.js';

const CLI = process.env.TSPROM_SERVER_CLI ?? new URL('../../../apps/server/src/cli.ts', import.meta.url).pathname;
const PROMETHEUS = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const SERIES = 2000;
const REQUESTS = 600;
const WARMUP = 50;
const CONNECTIONS = 4;

interface Proc {
  proc: ChildProcess;
  out: () => string;
}

function spawnProc(bin: string, args: string[], cwd: string): Proc {
  const proc = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function listening(p: Proc, what: string): Promise<string> {
  const re = /msg="Listening on" address=127\.0\.0\.1:(\d+)/;
  const deadline = Date.now() + 120_000;
  while (!re.test(p.out())) {
    if (Date.now() > deadline || p.proc.exitCode !== null) throw new Error(`${what} did not start:\n${p.out()}`);
    await sleep(100);
  }
  const url = `http://127.0.0.1:${re.exec(p.out())![1]}`;
  while ((await fetch(`${url}/-/ready`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`${what} not ready`);
    await sleep(100);
  }
  return url;
}

/** utime + stime of `pid` (with `mainThread`, of its first thread only), in seconds. */
async function cpuSeconds(pid: number, mainThread = false): Promise<number> {
  const stat = await readFile(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** The requests: request r holds one sample at t0 + r*15s for each of SERIES series. */
function requests(t0: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let r = 0; r < REQUESTS; r++) {
    const timeseries: PbTimeSeries[] = [];
    for (let s = 0; s < SERIES; s++) {
      timeseries.push({
        labels: [
          { name: '__name__', value: `bench_metric_${s % 20}` },
          { name: 'instance', value: `host-${s % 100}:9100` },
          { name: 'job', value: 'bench' },
          { name: 'series', value: String(s) },
        ],
        samples: [{ timestamp: t0 + r * 15_000, value: (s * 7 + r) % 1000 }],
        exemplars: [],
        histograms: [],
      });
    }
    out.push(snappyEncode(encodeWriteRequest({ timeseries, metadata: [] })));
  }
  return out;
}

function post(agent: Agent, url: URL, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'Content-Length': String(body.length),
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** tsprom's worst event-loop delay (seconds) since its previous /metrics scrape. */
async function worstLoopDelay(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^nodejs_eventloop_delay_seconds\{quantile="1"\} (\S+)$/m.exec(text);
  if (m === null) throw new Error(`${url}/metrics has no nodejs_eventloop_delay_seconds{quantile="1"}`);
  return Number(m[1]);
}

/**
 * Sends every request (in order per connection, CONNECTIONS at once); samples/s, CPU s used, and
 * with `stall`, the server's worst event-loop delay (s) while receiving.
 */
async function drive(
  url: string,
  pid: number,
  bodies: Uint8Array[],
  stall = false,
): Promise<{ rate: number; cpuPerSample: number; mainCpuPerSample: number; stallSeconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL(`${url}/api/v1/write`);
  for (let i = 0; i < WARMUP; i++) {
    const code = await post(agent, target, bodies[i]!);
    if (code !== 204) throw new Error(`${url}: warm-up request ${i} answered ${code}`);
  }
  if (stall) await worstLoopDelay(url);
  const cpu0 = await cpuSeconds(pid);
  const main0 = await cpuSeconds(pid, true);
  const t0 = performance.now();
  let next = WARMUP;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const i = next++;
      const code = await post(agent, target, bodies[i]!);
      // Several connections may deliver a series' samples out of order: 400s are expected for a few.
      if (code !== 204 && code !== 400) throw new Error(`${url}: request ${i} answered ${code}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const secs = (performance.now() - t0) / 1000;
  const cpu = (await cpuSeconds(pid)) - cpu0;
  const mainCpu = (await cpuSeconds(pid, true)) - main0;
  const stallSeconds = stall ? await worstLoopDelay(url) : 0;
  agent.destroy();
  const samples = (bodies.length - WARMUP) * SERIES;
  return { rate: samples / secs, cpuPerSample: cpu / samples, mainCpuPerSample: mainCpu / samples, stallSeconds };
}

export async function run(): Promise<void> {
  console.log('\n## remote-receive (Remote Write 1.0 into /api/v1/write, 2000 samples a request)');
  const dir = await mkdtemp(join(tmpdir(), 'tsprom-bench-rw-'));
  const procs: Proc[] = [];
  try {
    await writeFile(join(dir, 'empty.yml'), 'global:\n  scrape_interval: 1h\n');
    const bodies = requests(Date.now() - REQUESTS * 15_000);
    const tsprom = spawnProc(
      process.execPath,
      [
        ...(process.env.TSPROM_NODE_FLAGS ?? '').split(' ').filter((f) => f !== ''),
        '--conditions=@tsprom/source',
        '--import',
        import.meta.resolve('tsx'),
        CLI,
        '--config.file=empty.yml',
        '--storage.tsdb.path=tsprom-data',
        '--web.listen-address=127.0.0.1:0',
        '--web.enable-remote-write-receiver',
      ],
      dir,
    );
    procs.push(tsprom);
    const tsURL = await listening(tsprom, 'tsprom');
    const ts = await drive(tsURL, tsprom.proc.pid!, bodies, true);
    await stop(tsprom);
    report('tsprom receive', formatRate(ts.rate, 'samples'));
    report('tsprom receive CPU per sample', `${(ts.cpuPerSample * 1e6).toFixed(2)} µs`);
    report('tsprom receive main-thread CPU per sample', `${(ts.mainCpuPerSample * 1e6).toFixed(2)} µs`);
    report('tsprom worst event-loop stall while receiving', `${(ts.stallSeconds * 1000).toFixed(1)} ms`);
    if (!existsSync(PROMETHEUS)) {
      report('Prometheus 2.42 receive', `(skipped: ${PROMETHEUS} missing)`);
      return;
    }
    const prom = spawnProc(
      PROMETHEUS,
      [
        '--config.file=empty.yml',
        '--storage.tsdb.path=prom-data',
        '--web.listen-address=127.0.0.1:0',
        '--web.enable-remote-write-receiver',
      ],
      dir,
    );
    procs.push(prom);
    const promURL = await listening(prom, 'Prometheus');
    const pr = await drive(promURL, prom.proc.pid!, bodies);
    await stop(prom);
    report('Prometheus 2.42 receive', formatRate(pr.rate, 'samples'));
    report('Prometheus 2.42 receive CPU per sample', `${(pr.cpuPerSample * 1e6).toFixed(2)} µs`);
    report('tsprom / Prometheus receive rate', `${(ts.rate / pr.rate).toFixed(2)}x`);
    report('tsprom / Prometheus receive samples per CPU-second', `${(pr.cpuPerSample / ts.cpuPerSample).toFixed(2)}x`);
  } finally {
    for (const p of procs) await stop(p);
    await rm(dir, { recursive: true, force: true });
  }
}
