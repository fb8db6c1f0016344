// Interop: on data dirs that promtool 2.42 refuses (a WAL cut short, a flipped bit, garbage, a
// damaged checkpoint or WBL, a missing or empty dir, a file), `tspromtool tsdb dump` exits with
// promtool's code and prints promtool's exact message; on an intact one, promtool's output. The
// real promtool must be installed when CI is set; elsewhere the test is skipped with a reason.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { flipByte, garbage, writeDataDir } from '../testing/damaged-data-dirs.js';

const promtool = '/usr/bin/promtool';
const have = existsSync(promtool);
const runIt = have || process.env.CI ? it : it.skip;
const reason = have ? '' : ` (skipped: ${promtool} is not installed)`;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function theirs(dir: string): Promise<Outcome> {
  if (!have) throw new Error(`${promtool} is not installed: the interop tests need it when CI is set`);
  return new Promise((resolve) => {
    execFile(promtool, ['tsdb', 'dump', dir], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ours(dir: string): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['tsdb', 'dump', dir], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'promtool-dump-errors-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Each case builds its data dir under `d` and returns the path to dump. */
const cases: [string, (d: string) => Promise<string>, RegExp][] = [
  [
    'a segment cut short inside a record',
    async (d) => {
      await writeDataDir(d);
      await truncate(join(d, 'wal', '00000000'), 50_000);
      return d;
    },
    /^read WAL: read records: corruption in segment .*\/wal\/00000000 at 50009: unexpected checksum [0-9a-f]+, expected [0-9a-f]+\n$/,
  ],
  [
    'a flipped bit',
    async (d) => {
      await writeDataDir(d);
      await flipByte(join(d, 'wal', '00000000'), 70_000);
      return d;
    },
    /^read WAL: read records: corruption in segment .*\/wal\/00000000 at 70176: unexpected checksum/,
  ],
  [
    'a segment of garbage',
    async (d) => {
      await writeDataDir(d);
      await garbage(join(d, 'wal', '00000000'));
      return d;
    },
    /^read WAL: read records: corruption in segment .*\/wal\/00000000 at 32768: unexpected non-zero byte in padded page\n$/,
  ],
  [
    'a flipped bit in the checkpoint',
    async (d) => {
      await writeDataDir(d, { segmentSize: 32 * 1024, checkpoint: true });
      await flipByte(join(d, 'wal', 'checkpoint.00000002', '00000000'), 200);
      return d;
    },
    /^read WAL: backfill checkpoint: read records: corruption in segment .*\/wal\/checkpoint\.00000002\/00000000 at \d+: unexpected checksum/,
  ],
  [
    'a flipped bit in the WBL',
    async (d) => {
      await writeDataDir(d, { segmentSize: 32 * 1024, outOfOrder: true });
      await flipByte(join(d, 'wbl', '00000001'), 300);
      return d;
    },
    /^read WAL: read records: corruption in segment .*\/wbl\/00000001 at \d+: unexpected checksum/,
  ],
  [
    'a directory that does not exist',
    async (d) => join(d, 'nope'),
    /^opening the db dir: stat .*\/nope: no such file or directory\n$/,
  ],
  [
    'an empty directory',
    async (d) => {
      await mkdir(d, { recursive: true });
      return d;
    },
    /^read WAL: find last checkpoint: open .*\/wal: no such file or directory\n$/,
  ],
  [
    'a file',
    async (d) => {
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'f'), 'x');
      return join(d, 'f');
    },
    /^find blocks: readdirent .*\/f: not a directory\n$/,
  ],
];

describe(`tspromtool tsdb dump fails as promtool 2.42 does${reason}`, () => {
  let n = 0;
  runIt.each(cases)('on %s: exit 1, the same message', { timeout: 120_000 }, async (_name, setup, message) => {
    const dir = await setup(join(root, `case-${n++}`));
    const got = await ours(dir);
    const want = await theirs(dir);
    expect(want.code).toBe(1);
    expect(want.stderr).toMatch(message);
    expect(got).toEqual(want);
  });

  runIt('on an intact WAL with a checkpoint and a WBL: exit 0, the same samples', { timeout: 120_000 }, async () => {
    const dir = join(root, 'intact');
    await writeDataDir(dir, { segmentSize: 32 * 1024, outOfOrder: true, checkpoint: true });
    const got = await ours(dir);
    const want = await theirs(dir);
    expect(want.code).toBe(0);
    // 400 in-order samples per series after the checkpoint, plus the out-of-order ones after 400 s.
    expect(want.stdout.split('\n').length).toBeGreaterThan(20 * 400);
    expect(got).toEqual(want);
  });
});
