// Runs real peers for the interop tests: Debian's Alertmanager 0.25 and Prometheus 2.42, on
// 127.0.0.1 (port 0 the first time: they log the port they bound), each stopped by its PID.
// Only test files import this module.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Peer binaries: Debian's packages, overridden by TSPROM_ALERTMANAGER / TSPROM_PROMETHEUS. */
export const PEERS = {
  alertmanager: process.env.TSPROM_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager',
  prometheus: process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus',
} as const;

/** Whether `bin` is installed. Throws when it is not and `CI` is set: interop tests may not skip there. */
export function requirePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
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
  output(): string;
  /** SIGTERM to the PID (SIGKILL after 15 s); resolves when it exited. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) if (p.pid !== undefined) process.kill(p.pid, 'SIGKILL');
});

// exporter-toolkit (Alertmanager, Prometheus) logs the address it bound.
const LISTENING = /msg="Listening on" address=127\.0\.0\.1:(\d+)/;

/**
 * Spawns `bin args` (with `env` added), waits until it logs the port it bound and `readyPath`
 * answers 200. Fails with the peer's output if it exits or is not ready in time.
 */
export async function startServer(
  bin: string,
  args: string[],
  readyPath: string,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ServerPeer> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
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
    let port = 0;
    for (;;) {
      const m = LISTENING.exec(out);
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
    return { pid: proc.pid!, port, address: `127.0.0.1:${port}`, url, output: () => out, stop };
  } catch (err) {
    await stop();
    throw new Error(`${bin} ${args.join(' ')}: ${(err as Error).message}\n--- output ---\n${out}`, { cause: err });
  }
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
    '/-/ready',
  );
}

/**
 * Prometheus with `configFile` on `dataDir`, its times in UTC (as tsprom writes them), resending
 * alerts every second (its first send may come before discovery found an Alertmanager).
 */
export function startPrometheus(configFile: string, dataDir: string): Promise<ServerPeer> {
  return startServer(
    PEERS.prometheus,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      '--web.listen-address=127.0.0.1:0',
      '--rules.alert.resend-delay=1s',
    ],
    '/-/ready',
    { TZ: 'UTC' },
  );
}
