// Starts a real Prometheus (Debian's /usr/bin/prometheus, 2.42) on 127.0.0.1 for interop tests:
// a temp config, a given data dir, a free port; stopped by PID. Test helper, not part of the API.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Path of the Prometheus binary the interop tests use. */
export const prometheusBin = '/usr/bin/prometheus';

/** Whether a real Prometheus is installed. */
export const havePrometheus = existsSync(prometheusBin);

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A running Prometheus. */
export interface PrometheusPeer {
  readonly url: string;
  readonly process: ChildProcess;
  /** Output so far (for failure messages). */
  log(): string;
  /** Stops it (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with `configYaml` (written next to the data dir) on `dataDir`, listening on
 * 127.0.0.1 only, and waits until /-/ready answers.
 */
export async function startPrometheus(dataDir: string, configDir: string, configYaml: string): Promise<PrometheusPeer> {
  const port = await freePort();
  const cfg = join(configDir, 'prometheus.yml');
  await writeFile(cfg, configYaml);
  const child = spawn(
    prometheusBin,
    [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const peer: PrometheusPeer = {
    url,
    process: child,
    log: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited early:\n${out}`);
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return peer;
    } catch {
      // Not listening yet: retry until the deadline.
    }
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`prometheus not ready after 30s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
