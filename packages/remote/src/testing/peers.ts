// Real peers for the interop tests: Prometheus 2.42 (remote write receiver on) and Debian's
// VictoriaMetrics, on 127.0.0.1. Prometheus binds port 0 and logs the port; VictoriaMetrics logs
// only what it was given, so it gets a port the OS just handed out (and is started again on
// another one if that port was taken meanwhile). Each is stopped by its PID. Test files only.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Peer binaries, overridable by TSPROM_PROMETHEUS / TSPROM_VICTORIA_METRICS. */
export const PEERS = {
  prometheus: process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus',
  victoriaMetrics: process.env.TSPROM_VICTORIA_METRICS ?? '/usr/bin/victoria-metrics',
} as const;

/** Whether `bin` is installed; throws when it is not and `CI` is set (interop tests may not skip there). */
export function requirePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
}

/** A running peer. */
export interface Peer {
  readonly url: string;
  output(): string;
  /** SIGTERM to its PID (SIGKILL after 15 s); resolves when it exited. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
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

async function start(
  bin: string,
  args: string[],
  port: (output: string) => number | undefined,
  readyPath: string,
): Promise<Peer> {
  const proc: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.once('error', (e) => {
      out += `\nspawn: ${e.message}`;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    process.kill(proc.pid, 'SIGTERM');
    const t = setTimeout(() => {
      if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
    }, 15_000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('exited early');
      if (Date.now() > deadline) throw new Error('not ready after 60 s');
      const p = port(out);
      if (p !== undefined) {
        try {
          const res = await fetch(`http://127.0.0.1:${p}${readyPath}`, { signal: AbortSignal.timeout(5000) });
          await res.arrayBuffer();
          if (res.ok) return { url: `http://127.0.0.1:${p}`, output: () => out, stop };
        } catch {
          // Not answering yet.
        }
      }
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw new Error(`${bin} ${args.join(' ')}: ${(err as Error).message}\n--- output ---\n${out}`, { cause: err });
  }
}

/** Prometheus 2.42 with an empty config and the remote write receiver on, storing in `dataDir`. */
export function startPrometheus(configFile: string, dataDir: string): Promise<Peer> {
  return start(
    PEERS.prometheus,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      '--web.listen-address=127.0.0.1:0',
      '--web.enable-remote-write-receiver',
    ],
    (out) => {
      // exporter-toolkit logs the address it bound.
      const m = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(out);
      return m === null ? undefined : Number(m[1]);
    },
    '/-/ready',
  );
}

/** VictoriaMetrics storing in `dataDir`. */
export async function startVictoriaMetrics(dataDir: string): Promise<Peer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      return await start(
        PEERS.victoriaMetrics,
        [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-search.latencyOffset=0s'],
        () => port,
        '/health',
      );
    } catch (err) {
      if (attempt >= 2) throw err; // The port was taken between freePort and the bind: try another.
    }
  }
}
