// tsdb create-blocks-from openmetrics on an input bigger than one read of it (the file is streamed):
// blocks hold every sample of their range, errors name the line of the whole file, exit codes stay.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { Block } from '@tsprom/tsdb/block';
import { main } from '../main.js';

async function tspromtool(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

async function tempDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'promtool-create-blocks-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  return root;
}

/** `lines` samples of 100 series, one a second from 2023-11-14T22:13:20Z (longer than two 2 h blocks). */
function gauges(lines: number): string[] {
  const out = ['# TYPE m gauge'];
  for (let i = 0; i < lines; i++) out.push(`m{instance="host-${i % 100}.example.org:9100"} ${i} ${1_700_000_000 + i}`);
  return out;
}

it('a file of several read buffers becomes blocks holding all its samples', { timeout: 120_000 }, async () => {
  const root = await tempDir();
  const om = join(root, 'in.om');
  const lines = gauges(150_000); // About 7 MB over 150 000 s: 21 blocks of 2 h.
  await writeFile(om, `${lines.join('\n')}\n# EOF\n`);
  const out = join(root, 'out');
  const r = await tspromtool('tsdb', 'create-blocks-from', 'openmetrics', '-q', om, out);
  expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  let samples = 0;
  const ulids = await readdir(out);
  for (const u of ulids) {
    const b = await Block.open(join(out, u));
    samples += b.meta.stats.numSamples ?? 0;
    expect(b.meta.stats.numSeries).toBe(100);
    await b.close();
  }
  expect(ulids.length).toBe(21);
  expect(samples).toBe(150_000);
});

it('bad input far into the file: the error names its line in the whole file, exit 1', { timeout: 60_000 }, async () => {
  const root = await tempDir();
  const om = join(root, 'bad.om');
  const lines = gauges(120_000);
  lines.push('m{instance="x} 1 1700000000', '# EOF');
  await writeFile(om, `${lines.join('\n')}\n`);
  const r = await tspromtool('tsdb', 'create-blocks-from', 'openmetrics', om, join(root, 'out'));
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^getting min and max timestamp: next: line 120002, column 12 \(byte \d+\): expected label value/,
  );

  const noTs = join(root, 'no-ts.om');
  const body = gauges(120_000);
  body.push('m{instance="y"} 1', '# EOF');
  await writeFile(noTs, `${body.join('\n')}\n`);
  const s = await tspromtool('tsdb', 'create-blocks-from', 'openmetrics', noTs, join(root, 'out2'));
  expect(s).toEqual({
    code: 1,
    stdout: '',
    stderr: 'getting min and max timestamp: expected timestamp for series got none\n',
  });
  const missing = await tspromtool('tsdb', 'create-blocks-from', 'openmetrics', join(root, 'none.om'));
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^ENOENT: no such file or directory, open '/);
});
