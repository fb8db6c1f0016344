// Test helpers: run real Prometheus 2.42 peers (Debian packages) on 127.0.0.1 with temp dirs,
// stopped by PID. Servers listen on port 0 and report the port they bound in their log, so no two
// tests (or two packages testing at once) can race for a port. Only test files import this module.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Paths of the peer binaries the interop tests use: Debian's packages by default, overridden by
 * `TSPROM_PROMETHEUS`, `TSPROM_PROMTOOL` and `TSPROM_NODE_EXPORTER`.
 */
export const PEERS = {
  prometheus: process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus',
  promtool: process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool',
  nodeExporter: process.env.TSPROM_NODE_EXPORTER ?? '/usr/bin/prometheus-node-exporter',
} as const;

/** Names of the missing peer binaries (empty when all are installed). */
export function missingPeers(): string[] {
  return Object.values(PEERS).filter((p) => !existsSync(p));
}

/** A running peer process. `stop()` sends SIGTERM to its PID and waits for it to exit. */
export interface Peer {
  proc: ChildProcess;
  output(): string;
  /** Resolves once the process exited (for whatever reason). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

// Peers still running when the test process exits (a test that timed out never reached its
// `stop()`): killed by PID then, so none outlives the run.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Starts `bin` with `args`, collecting its output. */
export function startPeer(bin: string, args: string[]): Peer {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      running.delete(proc);
      resolve();
    });
    proc.once('error', (err) => {
      running.delete(proc);
      out += `\nspawn ${bin}: ${err.message}`;
      resolve();
    });
  });
  return {
    proc,
    output: () => out,
    exited,
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

/** A peer serving HTTP on 127.0.0.1. */
export interface ServerPeer extends Peer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

// exporter-toolkit (Prometheus, node_exporter, Alertmanager) logs the address it bound.
const LISTENING_RE = /msg="Listening on" address=127\.0\.0\.1:(\d+)/;

/**
 * Starts `bin` with `args` and `--web.listen-address=127.0.0.1:0`, reads the port it bound from
 * its log, and waits until `readyPath` answers 200. Fails with the peer's output if it exits or
 * is not ready within `timeoutMs` (generous: a loaded CI machine starts Prometheus slowly).
 */
export async function startServer(
  bin: string,
  args: string[],
  readyPath: string,
  timeoutMs = 60_000,
): Promise<ServerPeer> {
  const peer = startPeer(bin, [...args, '--web.listen-address=127.0.0.1:0']);
  const deadline = Date.now() + timeoutMs;
  try {
    let port = 0;
    for (;;) {
      const m = LISTENING_RE.exec(peer.output());
      if (m !== null) {
        port = Number(m[1]);
        break;
      }
      if (peer.proc.exitCode !== null || peer.proc.signalCode !== null) throw new Error('exited before listening');
      if (Date.now() > deadline) throw new Error(`no "Listening on" line after ${timeoutMs} ms`);
      await sleep(50);
    }
    const url = `http://127.0.0.1:${port}`;
    await waitReady(`${url}${readyPath}`, deadline - Date.now(), peer);
    return { ...peer, port, url };
  } catch (err) {
    await peer.stop();
    throw new Error(`${bin} ${args.join(' ')}: ${(err as Error).message}\n--- output ---\n${peer.output()}`, {
      cause: err,
    });
  }
}

/** Starts Prometheus on `dataDir` with the config file `configFile`, on a port of its choosing. */
export function startPrometheus(configFile: string, dataDir: string, extraArgs: string[] = []): Promise<ServerPeer> {
  return startServer(
    PEERS.prometheus,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, ...extraArgs],
    '/-/ready',
  );
}

/** Polls `url` until it answers 200, `peer` (if given) exits, or `timeoutMs` passes. */
export async function waitReady(url: string, timeoutMs = 60_000, peer?: Peer): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return;
    } catch {
      // Not listening yet; retry until the deadline.
    }
    if (peer !== undefined && (peer.proc.exitCode !== null || peer.proc.signalCode !== null)) {
      throw new Error(`exited before ${url} answered`);
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Evaluates the instant query `query` on the Prometheus at `url`: the value of its first sample (NaN if none). */
export async function queryValue(url: string, query: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`, {
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
  const v = body.data?.result?.[0]?.value[1];
  return v === undefined ? Number.NaN : parseGoFloat(v);
}

/**
 * Waits until the instant query `query` on the Prometheus at `url` returns at least `min`: a
 * condition on what Prometheus stored, never a sleep that hopes enough scrapes happened.
 */
export async function waitQuery(url: string, query: string, min: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = Number.NaN;
  for (;;) {
    try {
      last = await queryValue(url, query);
      if (last >= min) return;
    } catch {
      // A query that timed out under load: retry until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`${query} was ${last} after ${timeoutMs} ms, want >= ${min}`);
    await sleep(200);
  }
}

/**
 * Scrapes Prometheus at `url` attempted so far (failed ones included), from its own
 * `prometheus_target_interval_length_seconds` summary, which counts the time between two scrapes
 * of a target: read from /metrics, so deleting series in the TSDB cannot change it.
 */
export async function scrapeAttempts(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('prometheus_target_interval_length_seconds_count')) n += Number(line.split(' ').at(-1));
  }
  return n;
}

/** Waits until Prometheus at `url` attempted `n` more scrapes than `from`. */
export async function waitScrapeAttempts(url: string, from: number, n: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await scrapeAttempts(url);
    if (now >= from + n) return now;
    if (Date.now() > deadline) throw new Error(`${now - from} scrapes in ${timeoutMs} ms, want ${n}`);
    await sleep(200);
  }
}

/**
 * Runs a node exporter and Prometheus scraping it every second, with the TSDB in `dataDir`, until
 * Prometheus scraped it successfully once and then attempted `scrapes` more scrapes; then stops
 * both (Prometheus first). `walCompression` sets Prometheus's hidden
 * `--storage.tsdb.wal-compression` flag (default true in 2.42). `during` runs halfway through,
 * with the admin API enabled.
 */
export async function scrapeNodeExporter(
  dataDir: string,
  scrapes: number,
  walCompression: boolean,
  during?: (promUrl: string) => Promise<void>,
): Promise<void> {
  const exporter = await startServer(PEERS.nodeExporter, [], '/metrics');
  let prom: ServerPeer | undefined;
  try {
    const cfg = join(dataDir, '..', `prometheus-${exporter.port}.yml`);
    await writeFile(
      cfg,
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:${exporter.port}']\n`,
    );
    prom = await startPrometheus(cfg, dataDir, [
      walCompression ? '--storage.tsdb.wal-compression' : '--no-storage.tsdb.wal-compression',
      '--web.enable-admin-api',
    ]);
    // Prometheus applies scrape targets on its first 5 s reload tick: wait for the first scrape.
    await waitQuery(prom.url, 'sum_over_time(up[1h])', 1);
    const half = Math.ceil(scrapes / 2);
    const mid = await waitScrapeAttempts(prom.url, await scrapeAttempts(prom.url), half);
    await during?.(prom.url);
    await waitScrapeAttempts(prom.url, mid, scrapes - half);
  } finally {
    await prom?.stop();
    await exporter.stop();
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

/**
 * Parses a value as Go's `%g` prints it (`NaN`, `+Inf`, `-Inf`, `1.5e+06`…). Go prints every NaN,
 * the stale marker included, as `NaN`: compare such values with `Number.isNaN`, or with
 * {@link sameFloat}, never with `===`.
 */
export function parseGoFloat(s: string): number {
  if (s === '+Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/**
 * Whether `a` and `b` are the same float as far as text printed by Go (or JSON) can tell: NaN
 * equals NaN (the payload is lost in `NaN`), and -0 equals -0 only.
 */
export function sameFloat(a: number, b: number): boolean {
  return Object.is(a, b);
}
