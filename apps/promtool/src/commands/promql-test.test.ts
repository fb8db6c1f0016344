import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'promql-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

describe('tspromtool promql test', () => {
  it('counts passed and failed eval statements', async () => {
    const f = join(dir, 'a.test');
    writeFileSync(f, 'load 1m\n  m 1 2\n\neval instant at 1m m\n  m 2\n\neval instant at 1m m\n  m 5\n');
    const { code, out } = await run(['promql', 'test', f]);
    expect(code).toBe(1);
    expect(out).toContain(`FAIL ${f}:7`);
    expect(out.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });
  it('exits 0 when everything passes', async () => {
    const f = join(dir, 'b.test');
    writeFileSync(f, 'load 1m\n  m 1 2\n\neval range from 0 to 1m step 1m m * 2\n  {} 2 4\n');
    const { code, out } = await run(['promql', 'test', f]);
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });
  it('counts every eval statement of a script that does not load as failed', async () => {
    const f = join(dir, 'c.test');
    writeFileSync(
      f,
      'load 1m\n  m 1 2\n\neval instant at 1m m\n  m 2\n\nload 1m\n  m{ 1\n\neval instant at 1m m\n  m 2\n',
    );
    const { code, out, err } = await run(['promql', 'test', f]);
    expect(code).toBe(1);
    expect(err).toContain(f);
    expect(out.trimEnd().split('\n').at(-1)).toBe('0 passed, 2 failed');
  });
});
