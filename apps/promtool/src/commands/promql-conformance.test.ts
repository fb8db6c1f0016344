import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const root = mkdtempSync(join(tmpdir(), 'promql-conformance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    stdout: (t: string) => {
      out += t;
    },
    stderr: (t: string) => {
      err += t;
    },
  };
  return main(args, io).then((code) => ({ code, out, err }));
}

/** A directory holding `files` (name to script text). */
function dirWith(name: string, files: Record<string, string>): string {
  const d = join(root, name);
  mkdirSync(d);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

const passing = 'load 1m\n  m 1 2\n\neval instant at 1m m\n  m 2\n';
const failing = 'load 1m\n  m 1 2\n\neval instant at 1m m\n  m 5\n';

describe('tspromtool promql conformance', () => {
  it('prints the figures and exits 0 when every statement passes', async () => {
    const d = dirWith('ok', { 'a.test': passing, 'b.test': passing, 'notes.txt': failing });
    const { code, out } = await run(['promql', 'conformance', d]);
    expect(code).toBe(0);
    expect(out).toContain('a.test: 1 passed, 0 failed (100.0%)');
    expect(out).not.toContain('notes.txt');
    expect(out.trimEnd().split('\n').at(-1)).toBe('conformance: 100.00% of 2 eval statements pass (failing: 0)');
  });

  it('exits 1 when a statement fails', async () => {
    const d = dirWith('bad', { 'a.test': passing, 'b.test': failing });
    const { code, out } = await run(['promql', 'conformance', d]);
    expect(code).toBe(1);
    expect(out).toContain('failures by kind:');
    expect(out.trimEnd().split('\n').at(-1)).toBe('conformance: 50.00% of 2 eval statements pass (failing: 1)');
  });

  it('exits 0 when at least --min-pass-rate percent pass, else 1; a bad value is a usage error', async () => {
    const d = dirWith('half', { 'a.test': passing, 'b.test': failing });
    expect((await run(['promql', 'conformance', '--min-pass-rate=50', d])).code).toBe(0);
    expect((await run(['promql', 'conformance', '--min-pass-rate=50.5', d])).code).toBe(1);
    const bad = await run(['promql', 'conformance', '--min-pass-rate=101', d]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--min-pass-rate=0..100');
  });

  it('exits 1 when the directory is missing or holds no script', async () => {
    const missing = await run(['promql', 'conformance', join(root, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^promql conformance: ENOENT/);
    const empty = await run(['promql', 'conformance', dirWith('empty', {})]);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('no *.test file in');
  });

  it('wants exactly one DIR and explains itself with --help', async () => {
    const none = await run(['promql', 'conformance']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('exactly one DIR is required');
    const help = await run(['promql', 'conformance', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: tspromtool promql conformance \[--min-pass-rate=PERCENT\] DIR/);
  });
});
