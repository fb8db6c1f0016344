// Test helpers: run real Prometheus 2.42 peers (Debian packages) on 127.0.0.1 with temp dirs,
// stopped by PID. Only test files import this module.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Paths of the peer binaries the interop tests use. */
export const PEERS = {
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  nodeExporter: '/usr/bin/prometheus-node-exporter',
} as const;

/** Names of the missing peer binaries (empty when all are installed). */
export function missingPeers(): string[] {
  return Object.values(PEERS).filter((p) => !existsSync(p));
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A running peer process. `stop()` sends SIGTERM to its PID and waits for it to exit. */
export interface Peer {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `bin` with `args`, collecting its output. */
export function startPeer(bin: string, args: string[]): Peer {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
        process.kill(proc.pid, 'SIGTERM');
        const t = setTimeout(() => {
          if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
        }, 15_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** Polls `url` until it answers 200 or `timeoutMs` passes. */
export async function waitReady(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // Not listening yet; retry until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * Runs a node exporter and Prometheus scraping it every second for `seconds` after its first
 * scrape, with the TSDB in
 * `dataDir`, then stops both (Prometheus first). `walCompression` sets Prometheus's hidden
 * `--storage.tsdb.wal-compression` flag (default true in 2.42). `during` runs halfway through,
 * with the admin API enabled.
 */
export async function scrapeNodeExporter(
  dataDir: string,
  seconds: number,
  walCompression: boolean,
  during?: (promPort: number) => Promise<void>,
): Promise<void> {
  const exporterPort = await freePort();
  const promPort = await freePort();
  const exporter = startPeer(PEERS.nodeExporter, [`--web.listen-address=127.0.0.1:${exporterPort}`]);
  let prom: Peer | undefined;
  try {
    await waitReady(`http://127.0.0.1:${exporterPort}/metrics`);
    const cfg = join(dataDir, '..', `prometheus-${promPort}.yml`);
    await writeFile(
      cfg,
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:${exporterPort}']\n`,
    );
    prom = startPeer(PEERS.prometheus, [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      walCompression ? '--storage.tsdb.wal-compression' : '--no-storage.tsdb.wal-compression',
      '--web.enable-admin-api',
    ]);
    await waitReady(`http://127.0.0.1:${promPort}/-/ready`);
    // Prometheus applies scrape targets on its first 5 s reload tick: wait for the first scrape.
    await waitFirstScrape(promPort);
    await sleep((seconds * 1000) / 2);
    await during?.(promPort);
    await sleep((seconds * 1000) / 2);
  } finally {
    await prom?.stop();
    await exporter.stop();
  }
}

/** Waits until Prometheus on `port` has scraped at least once (its `up` series exists). */
export async function waitFirstScrape(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=up`, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`no scrape within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Runs `promtool` with `args` and returns its stdout. */
export function promtool(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PEERS.promtool, args, { maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`promtool ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** One line of `promtool tsdb dump`: `{labels} value timestamp`. */
export interface DumpLine {
  labels: string;
  value: string;
  t: number;
}

/** Parses `promtool tsdb dump` output. */
export function parseDump(out: string): DumpLine[] {
  const lines: DumpLine[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const end = line.lastIndexOf('}');
    const [value, t] = line
      .slice(end + 2)
      .trim()
      .split(' ');
    lines.push({ labels: line.slice(0, end + 1), value: value!, t: Number(t) });
  }
  return lines;
}

/** Parses a value as Go's `%g` prints it (`NaN`, `+Inf`, `-Inf`, `1.5e+06`…). */
export function parseGoFloat(s: string): number {
  if (s === '+Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}
