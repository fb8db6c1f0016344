// `tspromtool tsdb dump` on data it cannot dump: exit 1 with a message naming what is wrong and
// where, the data dir left as it was. The cases promtool shares are compared with the real
// promtool in tsdb-dump-errors-interop.test.ts; these are the ones where tsprom differs by design
// (see the README): a zeroed page, records that do not decode; and damaged blocks.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../commands.js';
import { main } from '../main.js';
import { segmentWithRecord, unsafeTimestampRecord, writeDataDir, zeroPage } from '../testing/damaged-data-dirs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promtool-dump-errors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

async function files(d: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(d, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = (await readFile(join(e.parentPath, e.name))).toString('hex');
  }
  return out;
}

describe('tspromtool tsdb dump on a damaged WAL', () => {
  it.each([
    [
      'a zeroed page inside a segment',
      async () => zeroPage(join(dir, 'wal', '00000000'), 1),
      'read WAL: read records: corruption in segment DIR/wal/00000000 at 65536: unexpected zeroed page inside a record\n',
    ],
    [
      'a checksum-valid record with payload 0x02 0x01',
      async () => writeFile(join(dir, 'wal', '00000002'), segmentWithRecord(new Uint8Array([2, 1]))),
      'read WAL: corruption in segment DIR/wal/00000002 at 9: decode samples: invalid size: samples record ended early\n',
    ],
    [
      'a samples record with a timestamp beyond 2^53',
      async () => writeFile(join(dir, 'wal', '00000002'), segmentWithRecord(unsafeTimestampRecord())),
      'read WAL: corruption in segment DIR/wal/00000002 at 34: decode samples: timestamp 1152921504606847000 is not a safe integer (beyond ±2^53-1 ms)\n',
    ],
  ])('exits 1 on %s, naming segment and offset, and repairs nothing', async (_name, damage, message) => {
    await writeDataDir(dir);
    await damage();
    const before = await files(dir);
    expect(await run('tsdb', 'dump', dir)).toEqual({ code: 1, stdout: '', stderr: message.replace('DIR', dir) });
    expect(await files(dir)).toEqual(before);
  });
});

describe('tspromtool tsdb dump on a dir holding blocks', () => {
  it('skips a block whose meta.json does not read, as promtool, and fails on a damaged one', async () => {
    await writeDataDir(dir);
    const headOnly = await run('tsdb', 'dump', dir);
    expect(headOnly.code).toBe(0);
    await mkdir(join(dir, '01M96430TJFZTGAZH91T90TKRA', 'chunks'), { recursive: true });
    await writeFile(join(dir, '01M96430TJFZTGAZH91T90TKRA', 'meta.json'), '{}');
    expect(await run('tsdb', 'dump', dir)).toEqual(headOnly);
    await writeFile(
      join(dir, '01M96430TJFZTGAZH91T90TKRA', 'meta.json'),
      JSON.stringify({
        ulid: '01M96430TJFZTGAZH91T90TKRA',
        minTime: 0,
        maxTime: 1,
        stats: {},
        compaction: { level: 1 },
        version: 1,
      }),
    );
    expect(await run('tsdb', 'dump', dir)).toEqual({
      code: 1,
      stdout: '',
      stderr: `corrupted block 01M96430TJFZTGAZH91T90TKRA: try lock file: open ${join(dir, '01M96430TJFZTGAZH91T90TKRA', 'index')}: no such file or directory\n`,
    });
  });
});

describe('tspromtool --help', () => {
  it.each(commands.map((c) => [c.path]))('%s --help prints its usage and exits 0', async (path) => {
    const words = path.split(' ');
    for (const args of [
      [...words, '--help'],
      [...words, '-h'],
      ['help', ...words],
    ]) {
      const got = await run(...args);
      expect(got.code).toBe(0);
      expect(got.stderr).toBe('');
      expect(got.stdout).toMatch(new RegExp(`^usage: tspromtool ${path}\\b`));
      expect(got.stdout).toContain('-h, --help');
    }
  });

  it('tsdb dump --help lists its flags and argument as promtool does', async () => {
    const got = await run('tsdb', 'dump', '--help');
    expect(got.stdout).toBe(
      [
        'usage: tspromtool tsdb dump [<flags>] [<db path>]',
        '',
        'Dump samples from a TSDB.',
        '',
        'Flags:',
        '  -h, --help                 Show context-sensitive help.',
        '      --min-time=-9223372036854775808  ',
        '                             Minimum timestamp to dump.',
        '      --max-time=9223372036854775807  ',
        '                             Maximum timestamp to dump.',
        `      --match="{__name__=~'(?s:.*)'}"  `,
        '                             Series selector.',
        '',
        'Args:',
        '  [<db path>]  Database path (default is data/).',
        '',
        '',
      ].join('\n'),
    );
  });

  it('a command group lists its subcommands; without one it is an error', async () => {
    const got = await run('tsdb', '--help');
    expect(got.code).toBe(0);
    expect(got.stdout).toContain('usage: tspromtool tsdb <command> [<args> ...]');
    expect(got.stdout).toContain('tsdb dump [<flags>] [<db path>]\n    Dump samples from a TSDB.');
    expect(await run('tsdb')).toEqual({
      code: 1,
      stdout: '',
      stderr: "tspromtool: error: must select a subcommand of 'tsdb', try --help\n",
    });
  });

  it('an unknown flag is a usage error, exit 1', async () => {
    expect(await run('tsdb', 'dump', '--bogus')).toEqual({
      code: 1,
      stdout: '',
      stderr: "tspromtool: error: unknown long flag '--bogus', try --help\n",
    });
  });
});
