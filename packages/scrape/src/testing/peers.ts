// Runs real peers for interop tests: Debian's prometheus-node-exporter and Prometheus 2.42, and a
// Node app instrumented with prom-client. Servers listen on 127.0.0.1 port 0 and report the port
// they bound, so no two tests can race for a port; each is stopped by its PID. Only test files
// import this module.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Peer binaries: Debian's packages, overridden by TSPROM_PROMETHEUS / TSPROM_NODE_EXPORTER. */
export const PEERS = {
  prometheus: process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus',
  nodeExporter: process.env.TSPROM_NODE_EXPORTER ?? '/usr/bin/prometheus-node-exporter',
} as const;

/**
 * Whether `bin` is installed. Throws when it is not and `CI` is set: interop tests may not skip
 * there.
 */
export function requirePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
}

/** A running peer serving HTTP on 127.0.0.1. */
export interface ServerPeer {
  readonly proc: ChildProcess;
  readonly port: number;
  /** `127.0.0.1:<port>` */
  readonly address: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  output(): string;
  /** SIGTERM to the PID (SIGKILL after 15 s); resolves when it exited. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) if (p.pid !== undefined) process.kill(p.pid, 'SIGKILL');
});

/**
 * Spawns `bin args`, waits until its output matches `portRe` (group 1: the port it bound) and
 * `readyPath` answers 200. Fails with the peer's output if it exits or is not ready in time.
 */
export async function startServer(
  bin: string,
  args: string[],
  portRe: RegExp,
  readyPath: string,
  timeoutMs = 60_000,
): Promise<ServerPeer> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
    process.kill(proc.pid, 'SIGTERM');
    const t = setTimeout(() => {
      if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
    }, 15_000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + timeoutMs;
  try {
    let port = 0;
    for (;;) {
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
        const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        // Not answering yet: retry until the deadline.
      }
      if (proc.exitCode !== null) throw new Error(`exited before ${readyPath} answered`);
      if (Date.now() > deadline) throw new Error(`${readyPath} not ready after ${timeoutMs} ms`);
      await sleep(100);
    }
    return { proc, port, address: `127.0.0.1:${port}`, url, output: () => out, stop };
  } catch (err) {
    await stop();
    throw new Error(`${bin} ${args.join(' ')}: ${(err as Error).message}\n--- output ---\n${out}`, { cause: err });
  }
}

// exporter-toolkit (Prometheus, node_exporter) logs the address it bound.
const EXPORTER_TOOLKIT_PORT = /msg="Listening on" address=127\.0\.0\.1:(\d+)/;

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
    EXPORTER_TOOLKIT_PORT,
    '/metrics',
  );
}

/** Prometheus with `configFile` on `dataDir`. */
export function startPrometheus(configFile: string, dataDir: string): Promise<ServerPeer> {
  return startServer(
    PEERS.prometheus,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, '--web.listen-address=127.0.0.1:0'],
    EXPORTER_TOOLKIT_PORT,
    '/-/ready',
  );
}

/** The prom-client app next to this file (`node prom-client-app.mjs`), on a port of its choosing. */
export function startPromClientApp(): Promise<ServerPeer> {
  return startServer(
    process.execPath,
    [new URL('./prom-client-app.mjs', import.meta.url).pathname],
    /listening on 127\.0\.0\.1:(\d+)/,
    '/metrics',
  );
}
