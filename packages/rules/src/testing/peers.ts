// Test helpers: the real promtool on this machine (Debian's 2.42). Used by the interop tests only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PROMTOOL = '/usr/bin/promtool';

/** Whether `bin` exists; throws when it does not and `CI` is set (interop tests may not skip in CI). */
export function requirePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
}

/** What a command printed and its exit code. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs promtool with `args` in `cwd`. */
export function runPromtool(args: string[], cwd?: string): RunResult {
  const r = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
