// Interop: tspromtool's tsdb create-blocks-from openmetrics, list and analyze against Debian's
// promtool 2.42: the same blocks byte for byte (index and chunks), the same tables, the same report
// (ties in analyze's lists aside, which promtool orders at random), the same errors for damaged
// blocks. Skipped with a reason when promtool is missing (fails under CI).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it, onTestFinished } from 'vitest';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { main } from '../main.js';

const promtool = process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool';
const have = existsSync(promtool);
const runIt = have || process.env.CI ? it : it.skip;
const reason = have ? '' : ` (skipped: ${promtool} is not installed)`;
const exec = promisify(execFile);

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

async function promtoolRun(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(promtool, argv, { maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** OpenMetrics over ~6 h: counters with labels, a gauge with millisecond timestamps. */
function openMetrics(): string {
  const lines = ['# HELP http_requests_total Requests.', '# TYPE http_requests_total counter'];
  for (let k = 0; k < 1500; k++) {
    for (const code of ['200', '404', '500']) {
      lines.push(
        `http_requests_total{code="${code}",path="/p${k % 3}"} ${k * (code === '200' ? 3 : 1) + 0.5} ${1_700_000_000 + k * 15}`,
      );
    }
  }
  lines.push('# TYPE temperature gauge');
  for (let k = 0; k < 1500; k++) {
    lines.push(
      `temperature{room="a"} ${(20 + Math.sin(k / 10)).toFixed(6)} ${(1_700_000_000 + k * 15 + 0.123).toFixed(3)}`,
    );
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

const ulidRe = /\b[0-7][0-9A-HJKMNP-TV-Z]{25}\b/g;

/** analyze's report with the lines of each section sorted: promtool orders ties at random. */
function normalizeAnalyze(s: string): string {
  return s
    .split('\n\n')
    .map((sec) => {
      const [head, ...rest] = sec.split('\n');
      return [head, ...rest.sort()].join('\n');
    })
    .join('\n\n');
}

runIt(
  `create-blocks-from openmetrics, list and analyze print what promtool prints${reason}`,
  {
    timeout: 180_000,
  },
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'promtool-blocks-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const om = join(root, 'in.om');
    await writeFile(om, openMetrics());
    const mine = join(root, 'mine');
    const theirs = join(root, 'theirs');
    const a = await tspromtool('tsdb', 'create-blocks-from', 'openmetrics', om, mine);
    const b = await promtoolRun('tsdb', 'create-blocks-from', 'openmetrics', om, theirs);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout.replace(ulidRe, 'ULID')).toBe(b.stdout.replace(ulidRe, 'ULID'));
    const ma = (await readdir(mine)).sort();
    const mb = (await readdir(theirs)).sort();
    expect(ma.length).toBe(4);
    expect(ma.length).toBe(mb.length);
    for (let i = 0; i < ma.length; i++) {
      for (const f of ['index', 'chunks/000001']) {
        const x = await readFile(join(mine, ma[i]!, f));
        const y = await readFile(join(theirs, mb[i]!, f));
        expect(Buffer.compare(x, y), `${f} of block ${i}`).toBe(0);
      }
    }

    for (const args of [
      ['tsdb', 'list', mine],
      ['tsdb', 'list', '-r', mine],
    ]) {
      const x = await tspromtool(...args);
      const y = await promtoolRun(...args);
      expect(x.code).toBe(0);
      expect(x.stdout).toBe(y.stdout);
    }
    for (const args of [
      ['tsdb', 'analyze', mine],
      ['tsdb', 'analyze', '--extended', '--limit=100', mine, ma[1]!],
    ]) {
      const x = await tspromtool(...args);
      const y = await promtoolRun(...args);
      expect(x.code).toBe(0);
      expect(normalizeAnalyze(x.stdout)).toBe(normalizeAnalyze(y.stdout));
    }
    // A limit cuts every list (which of the tied entries make it is promtool's map order).
    const limited = (await tspromtool('tsdb', 'analyze', '--limit=2', mine)).stdout.split('\n\n');
    expect(limited.slice(1).map((sec) => sec.trim().split('\n').length)).toEqual([3, 3, 3, 3, 3, 3]);

    // Damage: the same message, on stderr, exit 1; an unreadable meta.json skips the block.
    const damaged = join(root, 'damaged');
    await cp(mine, damaged, { recursive: true });
    const idx = join(damaged, ma[0]!, 'index');
    const bytes = await readFile(idx);
    bytes[0] = 0;
    await writeFile(idx, bytes);
    const chk = join(damaged, ma[2]!, 'chunks', '000001');
    await writeFile(chk, (await readFile(chk)).subarray(0, 3));
    await writeFile(join(damaged, ma[3]!, 'meta.json'), '{');
    for (const args of [
      ['tsdb', 'list', damaged],
      ['tsdb', 'analyze', damaged],
      ['tsdb', 'list', join(root, 'nope')],
    ]) {
      const x = await tspromtool(...args);
      const y = await promtoolRun(...args);
      expect(x.code, args.join(' ')).toBe(1);
      expect(y.code).toBe(1);
      // promtool opens blocks concurrently: the order of its joined errors varies from run to run.
      expect(errorSet(x.stderr)).toEqual(errorSet(y.stderr));
    }
    await writeFile(idx, await readFile(join(mine, ma[0]!, 'index')));
    await cp(join(mine, ma[2]!), join(damaged, ma[2]!), { recursive: true });
    const x = await tspromtool('tsdb', 'list', damaged);
    const y = await promtoolRun('tsdb', 'list', damaged);
    expect(x.stdout).toBe(y.stdout);
    expect(x.stdout.split('\n').length).toBe(5); // Header, three blocks, the end.
  },
);

runIt(
  `tsdb dump of a tsprom data dir with blocks and a head prints what promtool prints${reason}`,
  {
    timeout: 180_000,
  },
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'promtool-dump-blocks-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const dir = join(root, 'data');
    const db = await DB.open(dir, { autoCompaction: false, chunkRangeMs: 600_000, logger: () => {} });
    const refs = new Array<number>(12).fill(0);
    for (let t = 1_700_000_000_000; t < 1_700_000_000_000 + 3600_000; t += 10_000) {
      const app = db.appender();
      for (let i = 0; i < 12; i++) {
        const v =
          i % 4 === 0 ? Number.NaN : i % 4 === 1 ? t / 1e9 : i % 4 === 2 ? 1e-300 * i : Math.floor(t / 7_000) * i;
        refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', `m${i % 3}`, 'i', String(i)), t, v);
      }
      await app.commit();
    }
    await db.compact();
    expect(db.blocks().length).toBeGreaterThan(1);
    await db.delete(1_700_000_300_000, 1_700_000_900_000, new Matcher(MatchType.Equal, 'i', '5'));
    await db.close();
    for (const args of [
      ['tsdb', 'dump', dir],
      ['tsdb', 'dump', '--match={i=~"1.*"}', '--min-time=1700000600000', dir],
    ]) {
      const x = await tspromtool(...args);
      const y = await promtoolRun(...args);
      expect(x.stderr).toBe('');
      expect(x.code).toBe(0);
      expect(y.stderr).toBe('');
      expect(x.stdout.split('\n').sort()).toEqual(y.stdout.split('\n').sort());
      expect(x.stdout.length).toBeGreaterThan(1000);
    }
  },
);

/** The errors of a multi-error message (`2 errors: a; b`), whatever their order, and their count prefix. */
function errorSet(stderr: string): { prefix: string; errors: string[] } {
  const text = stderr.trim();
  const m = /^(\d+ errors: )/.exec(text);
  const prefix = m?.[1] ?? '';
  return { prefix, errors: text.slice(prefix.length).split('; ').sort() };
}
