// Leveled compaction in a worker thread: failures come back as the errors the same compaction
// throws in-thread (class and fields), and a worker killed or cancelled in the middle of writing
// leaves no half-written block, its sources untouched; a DB closed during one cancels and awaits it.
import { readdirSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB } from '../db.js';
import { chunkSeriesSetOf, readAll, type TestSeries } from '../testing/block-data.js';
import { Block } from './block.js';
import { type BlockMeta, readBlockMeta } from './block-meta.js';
import { BlockWriteError, TMP_FOR_CREATION_SUFFIX, writeBlock } from './block-writer.js';
import { CorruptBlockError } from './errors.js';
import { LeveledCompactor } from './leveled-compactor.js';
import { newULID } from './ulid.js';
import { CompactionWorkerError, compactInWorker } from './worker-compaction.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-worker-compact-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const step = 15_000;
const range = 7_200_000;

function gen(series: number, t0: number, n: number): TestSeries[] {
  const out: TestSeries[] = [];
  for (let i = 0; i < series; i++) {
    out.push({
      labels: Labels.fromStrings('__name__', 'm', 'i', String(i).padStart(6, '0')),
      samples: Array.from({ length: n }, (_, k) => ({ t: t0 + k * step, v: i * 1000 + k })),
    });
  }
  return out;
}

/** `count` adjacent blocks of `series` series with 2 h of samples each. */
async function blocks(count: number, series: number, samples = 40): Promise<BlockMeta[]> {
  const out: BlockMeta[] = [];
  for (let b = 0; b < count; b++) {
    const m = await writeBlock(dir, chunkSeriesSetOf(gen(series, b * range, samples)), {
      mint: b * range,
      maxt: (b + 1) * range,
    });
    out.push(m!);
  }
  return out;
}

/** Per series of the blocks `ulids`: its labels, number of samples, first and last time, sum of values. */
async function digest(ulids: readonly string[]): Promise<string[]> {
  const by = new Map<string, { n: number; first: number; last: number; sum: number }>();
  for (const u of ulids) {
    const b = await Block.open(join(dir, u));
    const q = b.querier(-Infinity, Infinity);
    try {
      for (const s of await readAll(q)) {
        const d = by.get(s.labels.key()) ?? { n: 0, first: Infinity, last: -Infinity, sum: 0 };
        for (const p of s.samples) {
          d.n++;
          d.first = Math.min(d.first, p.t);
          d.last = Math.max(d.last, p.t);
          d.sum += p.v;
        }
        by.set(s.labels.key(), d);
      }
    } finally {
      await q.close();
      await b.close();
    }
  }
  return [...by].map(([k, d]) => `${k} ${d.n} ${d.first} ${d.last} ${d.sum}`).sort();
}

/** The files and dirs in the tmp dir of block `ulid`, sorted (paths relative to it). */
function tmpFiles(ulid: string): string[] {
  const tmp = join(dir, ulid + TMP_FOR_CREATION_SUFFIX);
  return (readdirSync(tmp, { recursive: true }) as string[]).sort();
}

const leftovers = (): string[] => readdirSync(dir).filter((n) => n.includes('.tmp'));

/** Runs `f`, returning what it threw. */
async function thrown(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('compaction in a worker thread', () => {
  it('rejects with the errors the in-thread compaction throws: BlockWriteError caused by CorruptBlockError', async () => {
    const metas = await blocks(3, 50);
    // A flipped byte in the middle of the second block's chunks: its CRC no longer matches.
    const seg = join(dir, metas[1]!.ulid, 'chunks', '000001');
    const fh = await open(seg, 'r+');
    try {
      const { size } = await fh.stat();
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, Math.floor(size / 2));
      b[0] = b[0]! ^ 0xff;
      await fh.write(b, 0, 1, Math.floor(size / 2));
    } finally {
      await fh.close();
    }
    const dirs = metas.map((m) => join(dir, m.ulid));
    const inThread = await thrown(() => new LeveledCompactor({ ranges: [range, 3 * range] }).compact(dir, dirs));
    const inWorker = await thrown(() =>
      new LeveledCompactor({ ranges: [range, 3 * range], worker: true }).compact(dir, dirs),
    );
    expect(inThread).toBeInstanceOf(BlockWriteError);
    expect(inWorker).toBeInstanceOf(BlockWriteError);
    expect((inWorker as Error).message).toBe((inThread as Error).message);
    const cause = (inWorker as Error).cause as CorruptBlockError;
    expect(cause).toBeInstanceOf(CorruptBlockError);
    expect(cause.ulid).toBe(metas[1]!.ulid);
    expect(cause.file).toBe(join('chunks', '000001'));
    expect(cause.offset).toBeGreaterThan(0);
    expect({ ...cause }).toEqual({ ...((inThread as Error).cause as CorruptBlockError) });
    expect(leftovers()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(metas.map((m) => m.ulid).sort());
  });

  it('rejects with the errno error of a failed write, code and path included', async () => {
    const metas = await blocks(2, 5);
    const dest = join(dir, 'not-a-dir');
    await writeFile(dest, 'x');
    const dirs = metas.map((m) => join(dir, m.ulid));
    const inThread = (await thrown(() => new LeveledCompactor({ ranges: [range] }).compact(dest, dirs))) as Error;
    const inWorker = (await thrown(() =>
      new LeveledCompactor({ ranges: [range], worker: true }).compact(dest, dirs),
    )) as NodeJS.ErrnoException;
    expect(inWorker).toBeInstanceOf(Error);
    expect(inWorker.code).toBe('ENOTDIR');
    // The same failure, but of another new block (the ULID differs).
    const ulid = /[0-9A-Z]{26}/g;
    expect(inWorker.message.replace(ulid, 'U')).toBe(inThread.message.replace(ulid, 'U'));
    expect(inWorker.syscall).toBe((inThread as NodeJS.ErrnoException).syscall);
    expect(inWorker.path?.replace(ulid, 'U')).toBe((inThread as NodeJS.ErrnoException).path?.replace(ulid, 'U'));
    expect(inWorker.errno).toBe((inThread as NodeJS.ErrnoException).errno);
  });

  it('leaves no half-written block when the worker dies while writing, the sources untouched', async () => {
    const metas = await blocks(3, 200, 20);
    const before = await digest(metas.map((m) => m.ulid));
    const ulid = newULID();
    const job = { dest: dir, dirs: metas.map((m) => join(dir, m.ulid)), ulid };
    let held: string[] | undefined;
    const err = await thrown(() =>
      compactInWorker(job, {
        // The worker waits here, its first series written: it is killed in the middle of the block.
        onTmpCreated: async (w) => {
          held = tmpFiles(ulid);
          await w.terminate();
        },
      }),
    );
    expect(held, 'the worker never reached its tmp dir').toEqual(['chunks', join('chunks', '000001'), 'index']);
    expect(err).toBeInstanceOf(CompactionWorkerError);
    expect(leftovers()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(metas.map((m) => m.ulid).sort());
    expect(await digest(metas.map((m) => m.ulid))).toEqual(before);
  });

  it('stops when cancelled: rejects with the reason, removes its tmp dir; an aborted signal starts nothing', async () => {
    const metas = await blocks(3, 200, 20);
    const ulid = newULID();
    const job = { dest: dir, dirs: metas.map((m) => join(dir, m.ulid)), ulid };
    const ac = new AbortController();
    const reason = new Error('shutting down');
    let held: string[] | undefined;
    const err = await thrown(() =>
      compactInWorker(job, {
        signal: ac.signal,
        onTmpCreated: () => {
          held = tmpFiles(ulid);
          ac.abort(reason);
        },
      }),
    );
    expect(held, 'the worker never reached its tmp dir').toEqual(['chunks', join('chunks', '000001'), 'index']);
    expect(err).toBe(reason);
    expect(leftovers()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(metas.map((m) => m.ulid).sort());
    let started = false;
    const again = await thrown(() =>
      compactInWorker(job, {
        signal: ac.signal,
        onWorker: () => {
          started = true;
        },
      }),
    );
    expect(again).toBe(reason);
    expect(started).toBe(false);
  });

  it('the test hook holds the worker: it goes on once the hook returns, and stops if the hook throws', async () => {
    const metas = await blocks(3, 200, 20);
    const before = await digest(metas.map((m) => m.ulid));
    const dirs = metas.map((m) => join(dir, m.ulid));
    const ulid = newULID();
    let held: string[] | undefined;
    const res = await compactInWorker(
      { dest: dir, dirs, ulid },
      {
        onTmpCreated: async () => {
          held = tmpFiles(ulid);
          // Still held after a turn of this thread's loop: the block is not done.
          await new Promise((r) => setImmediate(r));
          expect(readdirSync(dir)).not.toContain(ulid);
        },
      },
    );
    expect(held, 'the worker never reached its tmp dir').toEqual(['chunks', join('chunks', '000001'), 'index']);
    expect(res.meta?.ulid).toBe(ulid);
    expect(res.meta?.stats.numSeries).toBe(200);
    expect(await digest([ulid])).toEqual(before);
    await rm(join(dir, ulid), { recursive: true });
    const broken = new Error('hook failed');
    const other = newULID();
    const err = await thrown(() =>
      compactInWorker(
        { dest: dir, dirs, ulid: other },
        {
          onTmpCreated: () => {
            throw broken;
          },
        },
      ),
    );
    expect(err).toBe(broken);
    expect(leftovers()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(metas.map((m) => m.ulid).sort());
  });

  it('DB.close cancels a leveled compaction in its worker and waits for it; the dir reopens whole', async () => {
    // Three 2 h blocks and a newer one: the planner merges the three.
    const metas = await blocks(4, 200, 20);
    const before = await digest(metas.map((m) => m.ulid));
    const opts = { autoCompaction: false, retentionMs: 0, logger: () => {} };
    let closing: Promise<void> | undefined;
    let held: string[] | undefined;
    const db: DB = await DB.open(dir, {
      ...opts,
      testHooks: {
        // The compaction's worker waits here, its first series written, while the DB closes.
        onCompactionTmpCreated: () => {
          held = readdirSync(dir).filter((n) => n.endsWith(TMP_FOR_CREATION_SUFFIX));
          closing = db.close();
        },
      },
    });
    expect(db.blocks().length).toBe(4);
    const compaction = db.compact().then(
      () => 'finished',
      (err: Error) => err.message,
    );
    const result = await compaction;
    expect(held, 'the compaction never reached its tmp dir').toHaveLength(1);
    expect(result).toBe('tsdb: DB closed');
    expect(closing).toBeDefined();
    await closing;
    expect(leftovers()).toEqual([]);
    const names = (await readdir(dir)).filter((n) => n !== 'lock' && n !== 'wal' && n !== 'chunks_head');
    expect(names.sort()).toEqual(metas.map((m) => m.ulid).sort());
    const db2 = await DB.open(dir, opts);
    try {
      expect(db2.blocks().map((m) => m.ulid)).toEqual(metas.map((m) => m.ulid));
      // The compaction runs to its end this time: one block of level 2 and the newest one.
      await db2.compact();
      const after = db2.blocks();
      expect(after.length).toBe(2);
      expect(after[0]!.compaction.level).toBe(2);
      expect((await readBlockMeta(join(dir, after[0]!.ulid))).meta.compaction.parents?.length).toBe(3);
      expect(await digest(after.map((m) => m.ulid))).toEqual(before);
    } finally {
      await db2.close();
    }
  });
});
