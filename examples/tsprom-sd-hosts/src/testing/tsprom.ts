// Test helpers: the repository's tsprom server run from source (tsx, the @tsprom/source condition)
// as a child process on 127.0.0.1 with a port of its choosing, stopped by PID; and npm.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (this package lives in examples/<name>/src/testing). */
export const repoRoot = join(here, '..', '..', '..', '..');
const cli = join(repoRoot, 'apps', 'server', 'src', 'cli.ts');
const tsxLoader = import.meta.resolve('tsx');

/** A running tsprom. */
export interface Tsprom {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

function spawnTsprom(args: readonly string[], cwd: string) {
  const proc = spawn(process.execPath, ['--conditions=@tsprom/source', '--import', tsxLoader, cli, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  return { proc, exited, output: () => out };
}

/** Starts tsprom with `args` in `cwd` and waits (up to `timeoutMs`) until /-/ready answers 200. */
export async function startTsprom(args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Tsprom> {
  const { proc, exited, output } = spawnTsprom([...args, '--web.listen-address=127.0.0.1:0'], cwd);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
      process.kill(proc.pid, 'SIGTERM');
      const t = setTimeout(
        () => proc.exitCode === null && proc.pid !== undefined && process.kill(proc.pid, 'SIGKILL'),
        30_000,
      );
      await exited;
      clearTimeout(t);
    }
  };
  const deadline = Date.now() + timeoutMs;
  try {
    let url = '';
    for (;;) {
      const m = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(output());
      if (m !== null) {
        url = `http://127.0.0.1:${m[1]}`;
        try {
          if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(10_000) })).ok) break;
        } catch {
          // Listening but not answering yet: retry until the deadline.
        }
      }
      if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}`);
      if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, output, stop };
  } catch (err) {
    await stop();
    throw new Error(`tsprom: ${(err as Error).message}\n--- output ---\n${output()}`, { cause: err });
  }
}

/** Runs tsprom until it exits by itself (a startup failure); killed after `timeoutMs`. */
export async function runTsprom(args: readonly string[], cwd: string, timeoutMs = 120_000) {
  const { proc, exited, output } = spawnTsprom([...args, '--web.listen-address=127.0.0.1:0'], cwd);
  const t = setTimeout(
    () => proc.pid !== undefined && proc.exitCode === null && process.kill(proc.pid, 'SIGKILL'),
    timeoutMs,
  );
  const code = await exited;
  clearTimeout(t);
  return { code, output: output() };
}

/** Runs npm with `args` in `cwd` (offline: never the network); throws with its output on failure. */
export function npm(args: readonly string[], cwd: string): string {
  const r = spawnSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Polls `check` every 100 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
