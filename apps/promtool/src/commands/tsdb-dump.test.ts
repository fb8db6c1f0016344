import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { formatFloatG as formatGoFloat } from '@tsprom/promql';
import { parseSeriesSelector } from './tsdb-dump.js';

describe('formatGoFloat', () => {
  it.each([
    [1, '1'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [123456789012, '1.23456789012e+11'],
    [1e21, '1e+21'],
    [-0, '-0'],
    [0, '0'],
    [Number.NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [2.5e-300, '2.5e-300'],
    [100, '100'],
    [100000, '100000'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.000123, '0.000123'],
    [-42.25, '-42.25'],
    [5e-324, '5e-324'],
  ])('%s prints as %s', (v, want) => {
    expect(formatGoFloat(v)).toBe(want);
  });
});

describe('parseSeriesSelector', () => {
  it('parses names and matchers', () => {
    expect(parseSeriesSelector(`up{job=~"a|b", x!='y', z!~\`q\`}`).map(String)).toEqual([
      'job=~"a|b"',
      'x!="y"',
      'z!~"q"',
      '__name__="up"',
    ]);
    expect(() => parseSeriesSelector('{a=}')).toThrow(/invalid --match "\{a=\}": 1:4: parse error/);
  });
});

describe('tspromtool tsdb dump', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'promtool-dump-'));
    const db = await DB.open(dir);
    const app = db.appender();
    app.append(0, Labels.fromStrings('__name__', 'x', 'a', 'b'), 1000, 1.5);
    app.append(0, Labels.fromStrings('__name__', 'x', 'a', 'b'), 2000, 1e-5);
    app.append(0, Labels.fromStrings('__name__', 'y'), 1500, 3);
    await app.commit();
    await db.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const out: string[] = [];
    const code = await main(['tsdb', 'dump', ...args], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    return { code, text: out.join('') };
  };

  it('prints samples as promtool does', async () => {
    expect(await run(dir)).toEqual({
      code: 0,
      text: '{__name__="x", a="b"} 1.5 1000\n{__name__="x", a="b"} 1e-05 2000\n{__name__="y"} 3 1500\n',
    });
  });

  it('honours --match, --min-time and --max-time', async () => {
    expect((await run('--match', 'x', dir)).text).toBe(
      '{__name__="x", a="b"} 1.5 1000\n{__name__="x", a="b"} 1e-05 2000\n',
    );
    expect((await run('--min-time=1200', '--max-time=1600', dir)).text).toBe('{__name__="y"} 3 1500\n');
  });
});
