import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBlock } from './block/block-writer.js';
import { DirLockedError } from './block/errors.js';
import { isULID } from './block/ulid.js';
import { blockRanges } from './db-blocks.js';
import { DB, type DBOptions } from './db.js';
import { chunkSeriesSetOf, readAll, type TestSeries } from './testing/block-data.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-db-blocks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const range = 10_000;
const base: DBOptions = {
  chunkRangeMs: range,
  autoCompaction: false,
  logger: () => {},
  walSegmentSizeBytes: 64 * 1024,
};

/** Appends series i=0..n-1 with v = t/100 + i every 100 ms over [from, to). */
async function fill(db: DB, from: number, to: number, n = 5): Promise<void> {
  const refs = new Array<number>(n).fill(0);
  for (let t = from; t < to; t += 100) {
    const app = db.appender();
    for (let i = 0; i < n; i++)
      refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), t, t / 100 + i);
    await app.commit();
  }
}

/** Checks that every series holds exactly the samples of [from, to), once each. */
async function expectSamples(db: DB, from: number, to: number, n = 5): Promise<void> {
  const q = db.querier(-Infinity, Infinity);
  const all = await readAll(q);
  await q.close();
  expect(all.length).toBe(n);
  for (const s of all) {
    const i = Number(s.labels.get('i'));
    expect(s.samples.length, s.labels.toString()).toBe((to - from) / 100);
    s.samples.forEach((p, k) => {
      if (p.t !== from + k * 100 || p.v !== p.t / 100 + i)
        throw new Error(`series ${i}: sample ${k} is (${p.t}, ${p.v})`);
    });
  }
}

async function blockDirs(): Promise<string[]> {
  return (await readdir(dir)).filter(isULID).sort();
}

describe('DB with blocks', () => {
  it('block ranges grow 3× from the head range, up to a tenth of the retention or 31 days', () => {
    const h = 3600_000;
    expect(blockRanges(2 * h, undefined, 15 * 24 * h)).toEqual([2 * h, 6 * h, 18 * h]);
    expect(blockRanges(2 * h, undefined, 0).at(-1)).toBe(486 * h);
    expect(blockRanges(2 * h, 2 * h, 0)).toEqual([2 * h]);
    expect(blockRanges(2 * h, h, 0)).toEqual([2 * h]);
  });

  it('compacts the head into blocks, truncates and checkpoints, and serves head and blocks merged, across reopens', async () => {
    const db = await DB.open(dir, base);
    await fill(db, 0, 55_000);
    await db.compact();
    // The head keeps its last 1.5 ranges; the rest is in 2 blocks compacted from 4 of 10 s.
    const metas = db.blocks();
    expect(metas.map((m) => [m.minTime, m.maxTime])).toEqual([
      [0, 30_000],
      [30_000, 40_000],
    ]);
    expect(metas[0]!.compaction.level).toBe(2);
    expect(db.stats().minTime).toBe(40_000);
    expect((await readdir(join(dir, 'wal'))).some((n) => n.startsWith('checkpoint.'))).toBe(true);
    await expectSamples(db, 0, 55_000);
    // Deleting across blocks and head.
    await db.delete(25_000, 45_000, new Matcher(MatchType.Equal, 'i', '3'));
    await db.close();

    const db2 = await DB.open(dir, base);
    expect(db2.openReport!.blocks!.loaded.length).toBe(2);
    expect(db2.stats().minTime).toBe(40_000);
    const q = db2.querier(-Infinity, Infinity);
    const s3 = (await readAll(q, [new Matcher(MatchType.Equal, 'i', '3')]))[0]!;
    await q.close();
    expect(s3.samples.some((p) => p.t >= 25_000 && p.t <= 45_000)).toBe(false);
    expect(s3.samples.length).toBe(550 - 201);
    await fill(db2, 55_000, 80_000);
    await db2.compact();
    // Compaction applied the tombstones of the blocks it merged; what is left is rewritten.
    expect((await db2.cleanTombstones()).length).toBeGreaterThanOrEqual(1);
    await db2.close();
    const db3 = await DB.open(dir, base);
    expect(db3.blocks().every((m) => (m.stats.numTombstones ?? 0) === 0)).toBe(true);
    const q3 = db3.querier(-Infinity, Infinity);
    const all = await readAll(q3);
    await q3.close();
    for (const s of all) {
      const deleted = s.labels.get('i') === '3' ? 201 : 0;
      expect(s.samples.length).toBe(800 - deleted);
    }
    await db3.close();
  });

  it('deletes blocks beyond time retention and beyond size retention', async () => {
    const db = await DB.open(dir, { ...base, retentionMs: 25_000 });
    await fill(db, 0, 95_000, 2);
    await db.compact();
    // The newest block ends at 80 s: blocks ending before 55 s are gone.
    expect(db.blocks().every((m) => 80_000 - m.maxTime <= 25_000)).toBe(true);
    expect(db.blocks()[0]!.minTime).toBeGreaterThanOrEqual(30_000);
    await db.close();
    const db2 = await DB.open(dir, { ...base, retentionMs: 0, retentionBytes: 1 });
    // Any block exceeds one byte: all go, the head stays.
    expect(db2.blocks()).toEqual([]);
    expect(db2.openReport!.blocks!.deleted.size).toBeGreaterThan(0);
    expect(await blockDirs()).toEqual([]);
    await db2.close();
  });

  it('compacts overlapping blocks vertically: each sample once, the head untouched', async () => {
    const db = await DB.open(dir, base);
    await fill(db, 0, 45_000, 3);
    await db.compact();
    await db.close();
    // An overlapping block (as another Prometheus, or a backfill, would leave): the same series
    // over [5 s, 25 s) at offset timestamps, and a new series.
    const extra: TestSeries[] = [0, 1, 9].map((i) => ({
      labels: Labels.fromStrings('__name__', 'm', 'i', String(i)),
      samples: Array.from({ length: 200 }, (_, k) => ({ t: 5_000 + k * 100 + 50, v: -1 })),
    }));
    await writeBlock(dir, chunkSeriesSetOf(extra), { mint: 5_000, maxt: 25_000 });
    const db2 = await DB.open(dir, base);
    const q0 = db2.querier(-Infinity, Infinity);
    const before = await readAll(q0);
    // Closed before compacting: a block waits for its open queriers before it is deleted.
    await q0.close();
    await db2.compact();
    const metas = db2.blocks();
    for (let i = 1; i < metas.length; i++) expect(metas[i]!.minTime).toBeGreaterThanOrEqual(metas[i - 1]!.maxTime);
    const q = db2.querier(-Infinity, Infinity);
    const after = await readAll(q);
    await q.close();
    expect(after).toEqual(before);
    expect(after.find((s) => s.labels.get('i') === '0')!.samples.length).toBe(450 + 200);
    await db2.close();
  });

  it('reports a damaged block with its ULID and file and serves the others', async () => {
    const db = await DB.open(dir, base);
    await fill(db, 0, 45_000, 2);
    await db.compact();
    await db.close();
    // Three blocks of 10 s (too few to compact into 30 s while the newest is left out).
    const [first, second, third] = await blockDirs();
    const secondMeta = await readFile(join(dir, second!, 'meta.json'));
    await writeFile(join(dir, second!, 'meta.json'), '{');
    const logs: string[] = [];
    const db2 = await DB.open(dir, { ...base, logger: (m) => logs.push(m) });
    expect(db2.blocks().map((m) => m.ulid)).toEqual([first, third]);
    const q = db2.querier(-Infinity, Infinity);
    expect((await readAll(q)).map((s) => s.samples.length)).toEqual([350, 350]);
    await q.close();
    expect(logs.join('\n')).toMatch(new RegExp(`${second}.*meta\\.json`));
    await db2.close();
    await writeFile(join(dir, second!, 'meta.json'), secondMeta);
    const idx = join(dir, first!, 'index');
    await writeFile(idx, 'not an index');
    const db3 = await DB.open(dir, { ...base, logger: (m) => logs.push(m) });
    const bad = db3.openReport!.blocks!.corrupted.get(first!);
    expect(bad?.message).toMatch(new RegExp(`corrupted block ${first}: index`));
    expect(db3.blocks().map((m) => m.ulid)).toEqual([second, third]);
    const q3 = db3.querier(-Infinity, Infinity);
    expect((await readAll(q3)).map((s) => s.samples.length)).toEqual([350, 350]);
    await q3.close();
    await db3.close();
    // A chunk file whose header is damaged: that block is left out, named with the file.
    const seg = join(dir, third!, 'chunks', '000001');
    await writeFile(seg, Buffer.concat([Buffer.from([1, 2, 3, 4]), (await readFile(seg)).subarray(4)]));
    const db4 = await DB.open(dir, { ...base, logger: (m) => logs.push(m) });
    expect(db4.openReport!.blocks!.corrupted.get(third!)?.message).toMatch(
      new RegExp(`corrupted block ${third}: chunks/000001 at offset 0: invalid magic`),
    );
    expect(db4.blocks().map((m) => m.ulid)).toEqual([second]);
    const q4 = db4.querier(-Infinity, Infinity);
    // The second block's samples, each once (the head may hold more from the WAL it kept).
    const got4 = await readAll(q4);
    expect(got4.map((s) => s.samples.filter((p) => p.t >= 10_000 && p.t < 20_000).length)).toEqual([100, 100]);
    for (const s of got4)
      for (let k = 1; k < s.samples.length; k++) expect(s.samples[k]!.t).toBeGreaterThan(s.samples[k - 1]!.t);
    await q4.close();
    await db4.close();
  });

  it('takes the lock file: a second writer is refused, a reader is not', async () => {
    const db = await DB.open(dir, base);
    await expect(DB.open(dir, base)).rejects.toBeInstanceOf(DirLockedError);
    const ro = await DB.open(dir, { ...base, readOnly: true });
    await ro.close();
    await db.close();
    const again = await DB.open(dir, base);
    await again.close();
    expect((await readdir(dir)).includes('lock')).toBe(false);
  });

  it('snapshots blocks and head into a directory another DB opens', async () => {
    const db = await DB.open(dir, base);
    await fill(db, 0, 45_000, 2);
    await db.compact();
    const snap = join(dir, 'snap');
    const ulids = await db.snapshot(snap, true);
    expect(ulids.length).toBe(db.blocks().length + 1);
    await db.close();
    const db2 = await DB.open(snap, { ...base, readOnly: true });
    await expectSamples(db2, 0, 45_000, 2);
    await db2.close();
  });
});
