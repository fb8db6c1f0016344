// Test helper: starts a real exporter (Debian's prometheus-node-exporter, prometheus 2.42) on
// 127.0.0.1 with a free port, waits for it, stops it by PID. Not part of the package's API.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

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

/** Whether `bin` exists; throws when it does not and `CI` is set (interop tests may not skip in CI). */
export function requirePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
}

/** A running peer. */
export interface Peer {
  readonly url: string;
  log(): string;
  stop(): Promise<void>;
}

/** Spawns `bin` with `args(port)` and waits until `readyPath` answers 200. */
export async function startPeer(bin: string, args: (port: number) => string[], readyPath: string): Promise<Peer> {
  const port = await freePort();
  const child = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const peer: Peer = {
    url,
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
    if (child.exitCode !== null) throw new Error(`${bin} exited early:\n${out}`);
    try {
      const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return peer;
    } catch {
      // Not listening yet: retry until the deadline.
    }
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`${bin} not ready after 30s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
