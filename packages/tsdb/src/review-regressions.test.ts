// Regression tests of the review of issue #3 (its findings 1-7).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XORChunk } from '@tsprom/chunkenc';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DB, headOf } from './db.js';
import { Head } from './head.js';
import type { CommitBatch, HeadLog } from './head-log.js';

const L = (...a: string[]): Labels => Labels.fromStrings(...a);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-review-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sample times of the series named `name`. */
async function times(db: DB | Head, name: string): Promise<number[]> {
  const q = db.querier(-1e15, 1e15);
  const ss = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', name)]);
  const xs: number[] = [];
  while (ss.next()) {
    const it = ss.at().iterator();
    while (it.next() !== ValueType.None) xs.push(it.atT());
  }
  await q.close();
  return xs;
}

describe('review regressions', () => {
  it('1: a duplicate series record raises lastSeriesRef, so a new series never takes its ref', async () => {
    let db = await DB.open(dir);
    let a = db.appender();
    a.append(0, L('__name__', 'X'), 100_000, 0); // ref 1
    a.append(0, L('__name__', 'Y'), 1_000, 0); // ref 2
    await a.commit();
    await db.truncateHead(50_000); // Y collected.
    a = db.appender();
    expect(a.append(0, L('__name__', 'Y'), 100_000, 7)).toBe(3); // Y logged again under ref 3.
    await a.commit();
    await db.close();

    db = await DB.open(dir);
    expect(headOf(db).lastSeriesRef).toBe(3);
    a = db.appender();
    expect(a.append(0, L('__name__', 'N'), 200_000, 1)).toBe(4);
    await a.commit();
    await db.close();

    db = await DB.open(dir);
    expect(await times(db, 'N')).toEqual([200_000]);
    expect(await times(db, 'Y')).toContain(100_000);
    await db.close();
  });

  it('3: refs of chunks in chunks_head stay taken when the checkpoint dropped their series', async () => {
    const o = { walSegmentSizeBytes: 32768 };
    let db = await DB.open(dir, o);
    let a = db.appender();
    a.append(0, L('__name__', 'X'), 0, 0);
    for (let i = 0; i < 300; i++) a.append(0, L('__name__', 'Y'), i * 1000, i); // Chunks to chunks_head.
    await a.commit();
    for (let i = 0; i < 3000; i++) {
      a = db.appender();
      a.append(1, L('__name__', 'X'), 10_000_000 + i * 1000, i);
      await a.commit();
    }
    await db.truncateHead(10_000_000); // Y collected, its series record checkpointed away.
    await db.close();

    db = await DB.open(dir, o);
    expect(headOf(db).lastSeriesRef).toBeGreaterThanOrEqual(2);
    a = db.appender();
    const z = a.append(0, L('__name__', 'Z'), 20_000_000, 1);
    expect(z).not.toBe(2);
    await a.commit();
    await db.close();

    db = await DB.open(dir, o);
    expect(await times(db, 'Z')).toEqual([20_000_000]);
    await db.close();
  });

  it('4: a checkpoint keeps samples logged under a duplicate ref of a live series', async () => {
    const o = { walSegmentSizeBytes: 32768 };
    let db = await DB.open(dir, o);
    let a = db.appender();
    a.append(0, L('__name__', 'X'), 100_000, 0);
    a.append(0, L('__name__', 'Y'), 1_000, 0);
    await a.commit();
    await db.truncateHead(50_000);
    a = db.appender();
    a.append(0, L('__name__', 'Y'), 100_000, 7); // Logged under ref 3.
    await a.commit();
    await db.close();

    db = await DB.open(dir, o);
    expect(await times(db, 'Y')).toContain(100_000);
    for (let i = 0; i < 3000; i++) {
      a = db.appender();
      a.append(1, L('__name__', 'X'), 200_000 + i * 1000, i);
      await a.commit();
    }
    await db.truncateHead(60_000);
    expect(await times(db, 'Y')).toContain(100_000); // Truncation drops whole chunks only.
    await db.close();

    db = await DB.open(dir, o);
    expect(await times(db, 'Y')).toEqual([100_000]);
    await db.close();
  });

  it('4: series records of collected series stay in checkpoints while kept segments have their samples', async () => {
    // A wide chunk range, so that Y may still take an old sample late.
    const o = { walSegmentSizeBytes: 32768, chunkRangeMs: 100_000_000 };
    let db = await DB.open(dir, o);
    let a = db.appender();
    a.append(0, L('__name__', 'X'), 0, 0); // ref 1
    for (let i = 0; i < 3; i++) a.append(0, L('__name__', 'Y'), i * 1000, i); // ref 2
    await a.commit();
    for (let i = 0; i < 3000; i++) {
      a = db.appender();
      a.append(1, L('__name__', 'X'), 10_000_000 + i * 1000, i);
      if (i === 2990) a.append(2, L('__name__', 'Y'), 5000, 1); // In the newest segment: not checkpointed.
      await a.commit();
    }
    await db.truncateHead(9_000_000); // Y collected; its series record checkpointed.
    expect(await times(db, 'Y')).toEqual([]);
    await db.close();

    db = await DB.open(dir, o);
    a = db.appender();
    expect(a.append(0, L('__name__', 'Z'), 20_000_000, 1)).not.toBe(2);
    await a.commit();
    await db.close();
    db = await DB.open(dir, o);
    expect(await times(db, 'Z')).toEqual([20_000_000]);
    await db.close();
  });

  it('2: committed out-of-order samples survive SIGKILL although their m-mapped chunk did not reach disk', async () => {
    const script = fileURLToPath(new URL('./testing/ooo-kill-writer.ts', import.meta.url));
    // Node itself with tsx as a loader (as crash.test.ts), so that the kill hits the writer.
    const tsxLoader = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
    const r = spawnSync(process.execPath, ['--import', tsxLoader, '--conditions=@tsprom/source', script, dir], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.signal).toBe('SIGKILL');
    const db = await DB.open(dir, { outOfOrderTimeWindowMs: 1_000_000 });
    expect((await times(db, 'o')).length).toBe(41);
    await db.close();
  });

  it('5: a series with samples pending in any open appender survives garbage collection', async () => {
    const h = new Head();
    const a = h.appender();
    const b = h.appender();
    a.append(0, L('__name__', 'x'), 1000, 1);
    b.append(0, L('__name__', 'x'), 1000, 1);
    await b.rollback();
    h.truncate(0);
    await a.commit();
    expect(await times(h, 'x')).toEqual([1000]);
    expect(h.state.series.getByRef(1)?.pendingCommits).toBe(0);
    // With nothing pending any more, an empty series is collected.
    const c = h.appender();
    c.append(0, L('__name__', 'y'), 500, 1);
    await c.rollback();
    expect(h.truncate(2000).size).toBe(2);
  });

  it('6: a series with a huge ref costs one page, not an array padded up to the ref', async () => {
    const h = new Head();
    const big = h.state.createWithRef(500_000_000, L('__name__', 'big'));
    const huge = h.state.createWithRef(2 ** 40, L('__name__', 'huge'));
    const small = h.state.createWithRef(7, L('__name__', 'small'));
    expect(h.state.series.getByRef(500_000_000)).toBe(big);
    expect(h.state.series.getByRef(2 ** 40)).toBe(huge);
    expect(h.state.series.getByRef(7)).toBe(small);
    expect(h.state.series.getByRef(8)).toBeUndefined();
    expect(h.state.series.getByRef(2 ** 35)).toBeUndefined();
    expect([...h.state.series.values()].map((s) => s.ref)).toEqual([7, 500_000_000, 2 ** 40]);
    const a = h.appender();
    expect(a.append(0, L('__name__', 'new'), 1, 1)).toBe(2 ** 40 + 1);
    await a.commit();
    h.state.series.delete(big);
    expect(h.state.series.getByRef(500_000_000)).toBeUndefined();
    expect(h.state.series.size).toBe(3);
  });

  it('7: a non-empty wbl/ is replayed when the DB is reopened without an out-of-order window', async () => {
    let db = await DB.open(dir, { outOfOrderTimeWindowMs: 10_000 });
    let a = db.appender();
    a.append(0, L('__name__', 'o'), 5000, 1);
    await a.commit();
    a = db.appender();
    a.append(0, L('__name__', 'o'), 1000, 2);
    await a.commit();
    expect(await times(db, 'o')).toEqual([1000, 5000]);
    await db.close();
    db = await DB.open(dir, {});
    expect(await times(db, 'o')).toEqual([1000, 5000]);
    await db.close();
  });

  it('9: a chunk is cut as soon as its encoding exceeds 1 KiB, checked on every append', async () => {
    const h = new Head();
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    // High-entropy values: about 10 bytes a sample (the reviewer's data: 1 KiB is crossed away
    // from a multiple of 8 samples).
    const vals: number[] = [];
    for (let i = 0; i < 300; i++) {
      u[0] = rnd() ^ (rnd() << 1);
      u[1] = (rnd() & 0x3fffffff) | 0x40000000;
      vals.push(f[0]!);
    }
    const a = h.appender();
    for (let i = 0; i < 300; i++) a.append(0, L('__name__', 'r'), i * 1000 + (rnd() % 997), vals[i]!);
    await a.commit();
    const completed = h.state.series.getByRef(1)!.completed;
    expect(completed.length).toBeGreaterThan(1);
    for (const c of completed) {
      // Without its last sample, the chunk was at most 1 KiB: the last append is the one that
      // took it past, and the chunk was cut right after it.
      const it = c.chunk.iterator();
      const ts: number[] = [];
      const vs: number[] = [];
      while (it.next() !== ValueType.None) {
        ts.push(it.atT());
        vs.push(it.atV());
      }
      const before = new XORChunk();
      const app = before.appender();
      for (let i = 0; i < ts.length - 1; i++) app.append(ts[i]!, vs[i]!);
      expect(before.byteLength()).toBeLessThanOrEqual(1024);
      expect(c.chunk.bytes().length).toBeGreaterThan(1024);
    }
  });

  it('a series whose series record failed to be written is logged again by the next commit', async () => {
    let fail = true;
    const logged: string[][] = [];
    const log: HeadLog = {
      logCommit: async (b: CommitBatch) => {
        if (fail) throw new Error('disk full');
        logged.push(b.newSeries.map((s) => s.labels.toString()));
      },
      logOOO: async () => {},
      close: async () => {},
    };
    const h = new Head({ log });
    let a = h.appender();
    a.append(0, L('__name__', 'x'), 1000, 1);
    await expect(a.commit()).rejects.toThrow('disk full');
    fail = false;
    a = h.appender();
    a.append(0, L('__name__', 'x'), 2000, 1);
    await a.commit();
    expect(logged).toEqual([['{__name__="x"}']]);
  });

  it('a series appended while another commit had it marked as logged is logged when that write fails', async () => {
    let failWrite: ((err: Error) => void) | undefined;
    const logged: string[][] = [];
    const log: HeadLog = {
      logCommit: (b: CommitBatch) => {
        if (logged.length === 0 && failWrite === undefined) {
          return new Promise<void>((_, reject) => {
            failWrite = reject;
          });
        }
        logged.push(b.newSeries.map((s) => s.labels.toString()));
        return Promise.resolve();
      },
      logOOO: async () => {},
      close: async () => {},
    };
    const h = new Head({ log });
    const a = h.appender();
    a.append(0, L('__name__', 'x'), 1000, 1);
    const first = a.commit();
    // The first commit has marked x as logged and waits for its write.
    await vi.waitFor(() => expect(failWrite).toBeDefined());
    const b = h.appender();
    b.append(0, L('__name__', 'x'), 2000, 2);
    failWrite!(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await b.commit();
    expect(logged).toEqual([['{__name__="x"}']]);
  });
});
