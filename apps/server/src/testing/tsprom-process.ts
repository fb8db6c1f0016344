// Test helper: runs `tsprom` from source (tsx, the @tsprom/source condition) as a child process on
// 127.0.0.1 with a port of its choosing, read from its "Listening on" log line; stopped by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'cli.ts');
// tsx's ESM entry (its `import` export), as `node --import tsx` would load it.
const tsxLoader = import.meta.resolve('tsx');

/** A running child process serving HTTP. */
export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM by PID, SIGKILL after 30 s; resolves with how it exited. */
  stop(): Promise<number | string>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

const LISTENING_RE = /msg="Listening on" address=127\.0\.0\.1:(\d+)/;

/** Says whether the server at `url` is ready (for servers behind TLS or basic auth). */
export type ReadyProbe = (url: string) => Promise<boolean>;

/**
 * Starts `bin args… --web.listen-address=127.0.0.1:0` in `cwd` and waits until `readyPath` answers
 * 200 (or the probe says ready); `scheme` is the URL's (https behind TLS).
 */
export async function startHTTPProcess(
  bin: string,
  args: readonly string[],
  cwd: string,
  readyPath: string | ReadyProbe = '/-/ready',
  timeoutMs = 120_000,
  scheme = 'http',
): Promise<ServerProcess> {
  const proc = spawn(bin, [...args, '--web.listen-address=127.0.0.1:0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const stop = async (): Promise<number | string> => {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
      process.kill(proc.pid, 'SIGTERM');
      const t = setTimeout(
        () => proc.pid !== undefined && proc.exitCode === null && process.kill(proc.pid, 'SIGKILL'),
        30_000,
      );
      const code = await exited;
      clearTimeout(t);
      return code;
    }
    return exited;
  };
  const deadline = Date.now() + timeoutMs;
  try {
    let port = 0;
    for (;;) {
      const m = LISTENING_RE.exec(out);
      if (m !== null) {
        port = Number(m[1]);
        break;
      }
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('exited before listening');
      if (Date.now() > deadline) throw new Error(`no "Listening on" line after ${timeoutMs} ms`);
      await sleep(50);
    }
    const url = `${scheme}://127.0.0.1:${port}`;
    for (;;) {
      try {
        if (typeof readyPath !== 'string') {
          if (await readyPath(url)) break;
        } else if ((await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(10_000) })).ok) break;
      } catch {
        // Not answering yet: retry until the deadline.
      }
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('exited before ready');
      if (Date.now() > deadline) throw new Error(`${readyPath} not 200 after ${timeoutMs} ms`);
      await sleep(200);
    }
    return { proc, url, output: () => out, exited, stop };
  } catch (err) {
    await stop();
    throw new Error(`${bin} ${args.join(' ')}: ${(err as Error).message}\n--- output ---\n${out}`, { cause: err });
  }
}

const TSPROM_ARGS = ['--conditions=@tsprom/source', '--import', tsxLoader, cli];

/** Starts tsprom from source with `args` in `cwd`; `probe` and `scheme` for a server behind TLS or auth. */
export function startTsprom(
  args: readonly string[],
  cwd: string,
  probe?: ReadyProbe,
  scheme = 'http',
): Promise<ServerProcess> {
  return startHTTPProcess(process.execPath, [...TSPROM_ARGS, ...args], cwd, probe, undefined, scheme);
}

/** Runs tsprom from source until it exits by itself (a startup failure); killed after `timeoutMs`. */
export function runTsprom(
  args: readonly string[],
  cwd: string,
  timeoutMs = 120_000,
): Promise<{ code: number | string; output: string }> {
  const proc = spawn(process.execPath, [...TSPROM_ARGS, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      clearTimeout(t);
      running.delete(proc);
      resolve({ code: code ?? signal ?? 'unknown', output });
    });
  });
}

/** Polls `fn` until it returns true or `timeoutMs` passes; the last value it saw is in the error. */
export async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not after ${timeoutMs} ms${last === undefined ? '' : ` (${String(last)})`}`);
    await sleep(250);
  }
}

/** GET `url` as JSON. */
export async function getJSON(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a plain-text answer): compared as text.
  }
  return { status: res.status, body };
}

/** The value of the first sample of an instant query, or NaN. */
export async function queryValue(url: string, query: string): Promise<number> {
  const r = await getJSON(`${url}/api/v1/query?${new URLSearchParams({ query })}`);
  const v = (r.body as { data?: { result?: { value: [number, string] }[] } }).data?.result?.[0]?.value[1];
  return v === undefined ? Number.NaN : Number(v);
}
