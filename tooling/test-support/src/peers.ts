// The real peers of the interop tests: Debian's Prometheus 2.42 and promtool, Alertmanager 0.25
// and node_exporter 1.5. Each is started on 127.0.0.1 on port 0 and found by the address it logs
// (no port is picked beforehand, so none can be taken in between), and stopped by its PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Peer binaries: Debian's packages, each overridden by its TSPROM_* variable. */
export const PEERS = {
  prometheus: process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus',
  promtool: process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool',
  alertmanager: process.env.TSPROM_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager',
  nodeExporter: process.env.TSPROM_NODE_EXPORTER ?? '/usr/bin/prometheus-node-exporter',
  victoriaMetrics: process.env.TSPROM_VICTORIA_METRICS ?? '/usr/bin/victoria-metrics',
} as const;

/** Whether `bin` is installed. Throws when it is not and `CI` is set: interop tests may not skip there. */
export function requirePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
}

/** What a command printed and its exit code (-1 when it was killed or did not start). */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs promtool with `args` in `cwd`, input `input` on its stdin. */
export function runPromtool(args: string[], cwd?: string, input?: string | Uint8Array): RunResult {
  const r = spawnSync(PEERS.promtool, args, { cwd, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A running peer serving HTTP on 127.0.0.1. */
export interface ServerPeer {
  /** Its process id, for signals (SIGSTOP / SIGCONT: a hung peer). */
  readonly pid: number;
  readonly port: number;
  /** `127.0.0.1:<port>` */
  readonly address: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM to the PID (SIGKILL after 15 s); resolves when it exited. */
  stop(): Promise<void>;
}

/** exporter-toolkit (Prometheus, Alertmanager, node_exporter) logs the address it bound. */
export const EXPORTER_TOOLKIT_PORT = /msg="Listening on" address=127\.0\.0\.1:(\d+)/;

export interface StartServerOptions {
  /** Matches the line that names the port it bound (group 1). Default: exporter-toolkit's. */
  readonly portRe?: RegExp;
  /** The port it was told to bind, for a peer that cannot bind port 0 (`portRe` is then unused). */
  readonly port?: number;
  /** The path that answers 200 once it is ready. */
  readonly readyPath: string;
  /** Added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) if (p.pid !== undefined) process.kill(p.pid, 'SIGKILL');
});

/**
 * Spawns `bin args`, waits until its output names the port it bound and `readyPath` answers 200.
 * Fails with the peer's output if it exits or is not ready in time.
 */
export async function startServer(bin: string, args: readonly string[], opts: StartServerOptions): Promise<ServerPeer> {
  const portRe = opts.portRe ?? EXPORTER_TOOLKIT_PORT;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  running.add(proc);
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
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
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    process.kill(proc.pid, 'SIGCONT'); // In case a test left it stopped.
    process.kill(proc.pid, 'SIGTERM');
    const t = setTimeout(() => {
      if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
    }, 15_000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + timeoutMs;
  try {
    let port = opts.port ?? 0;
    while (opts.port === undefined) {
      const m = portRe.exec(out);
      if (m !== null) {
        port = Number(m[1]);
        break;
      }
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('exited before listening');
      if (Date.now() > deadline) throw new Error(`no listening line after ${timeoutMs} ms`);
      await sleep(50);
    }
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      try {
        const res = await fetch(`${url}${opts.readyPath}`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        // Not answering yet: retry until the deadline.
      }
      if (proc.exitCode !== null) throw new Error(`exited before ${opts.readyPath} answered`);
      if (Date.now() > deadline) throw new Error(`${opts.readyPath} not ready after ${timeoutMs} ms`);
      await sleep(100);
    }
    return { pid: proc.pid!, port, address: `127.0.0.1:${port}`, url, output: () => out, stop };
  } catch (err) {
    await stop();
    throw new Error(`${bin} ${args.join(' ')}: ${(err as Error).message}\n--- output ---\n${out}`, { cause: err });
  }
}

export interface PrometheusOptions {
  readonly configFile: string;
  readonly dataDir: string;
  /** More flags (`--web.enable-lifecycle`, `--enable-feature=…`, …). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Prometheus with its config and data dir, on a port of its choosing. */
export function startPrometheus(o: PrometheusOptions): Promise<ServerPeer> {
  return startServer(
    PEERS.prometheus,
    [
      `--config.file=${o.configFile}`,
      `--storage.tsdb.path=${o.dataDir}`,
      '--web.listen-address=127.0.0.1:0',
      ...(o.args ?? []),
    ],
    { readyPath: '/-/ready', env: o.env },
  );
}

/**
 * Alertmanager with `configFile`, clustering off, its state in `storageDir`, on `port` (0: one
 * the kernel picks; pass the port of an earlier run to restart it at the same address).
 */
export function startAlertmanager(configFile: string, storageDir: string, port = 0): Promise<ServerPeer> {
  return startServer(
    PEERS.alertmanager,
    [
      `--config.file=${configFile}`,
      `--storage.path=${storageDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { readyPath: '/-/ready' },
  );
}

/** node_exporter with a stable set of collectors. */
export function startNodeExporter(): Promise<ServerPeer> {
  return startServer(
    PEERS.nodeExporter,
    [
      '--web.listen-address=127.0.0.1:0',
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.loadavg',
      '--collector.stat',
      '--collector.uname',
      '--collector.filesystem',
      '--collector.netdev',
    ],
    { readyPath: '/metrics' },
  );
}

/**
 * A TCP port free on 127.0.0.1 a moment ago, for a peer that cannot bind port 0: it may be taken
 * before the peer binds it, so a caller retries on another (see startVictoriaMetrics).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** What {@link startVictoriaMetrics} adds to its defaults. */
export interface VictoriaMetricsOptions {
  /** More flags (e.g. `-search.disableCache`, `-retentionPeriod=100y`). */
  readonly extraArgs?: readonly string[];
  /** How long to wait for it to answer /health (startServer's default when absent). */
  readonly timeoutMs?: number;
}

/** VictoriaMetrics storing in `dataDir` (it names no port it bound, so a free one is tried, thrice). */
export async function startVictoriaMetrics(dataDir: string, options: VictoriaMetricsOptions = {}): Promise<ServerPeer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      return await startServer(
        PEERS.victoriaMetrics,
        [
          `-httpListenAddr=127.0.0.1:${port}`,
          `-storageDataPath=${dataDir}`,
          '-search.latencyOffset=0s',
          ...(options.extraArgs ?? []),
        ],
        { port, readyPath: '/health', ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) },
      );
    } catch (err) {
      if (attempt >= 2) throw err; // The port was taken between freePort and the bind: try another.
    }
  }
}
