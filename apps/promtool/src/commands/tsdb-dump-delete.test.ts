// `tspromtool tsdb dump` hides samples deleted with DB.delete (tombstones replayed from the WAL).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

describe('tspromtool tsdb dump after DB.delete', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'promtool-dump-delete-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const dump = async (...args: string[]): Promise<string> => {
    const out: string[] = [];
    const code = await main(['tsdb', 'dump', ...args, dir], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    expect(code).toBe(0);
    return out.join('');
  };

  it('prints the samples left, before and after more deletes', async () => {
    const db = await DB.open(dir);
    const app = db.appender();
    for (let t = 1000; t <= 5000; t += 1000) {
      app.append(0, Labels.fromStrings('__name__', 'x', 'a', 'b'), t, t / 1000);
      app.append(0, Labels.fromStrings('__name__', 'y'), t, -t / 1000);
    }
    await app.commit();
    await db.delete(2000, 3000, new Matcher(MatchType.Equal, '__name__', 'x'));
    await db.close();
    expect(await dump('--match', 'x')).toBe(
      '{__name__="x", a="b"} 1 1000\n{__name__="x", a="b"} 4 4000\n{__name__="x", a="b"} 5 5000\n',
    );
    const db2 = await DB.open(dir);
    await db2.delete(0, 10_000, new Matcher(MatchType.Equal, '__name__', 'y'));
    await db2.delete(5000, 5000, new Matcher(MatchType.Equal, 'a', 'b'));
    await db2.close();
    expect(await dump()).toBe('{__name__="x", a="b"} 1 1000\n{__name__="x", a="b"} 4 4000\n');
  });
});
