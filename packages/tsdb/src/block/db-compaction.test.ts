import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainedSeriesMerge, newMergeQuerier } from '@tsprom/storage-interfaces';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DB, headOf } from '../db.js';
import { readAll } from '../testing/block-data.js';
import { BlockSet } from './block-set.js';
import { compactBlocks, compactHead, headCompactable, rangeForTimestamp } from './db-compaction.js';
import { LeveledCompactor } from './leveled-compactor.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-dbcompact-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('cuts the head into aligned blocks while it spans 1.5 ranges, then merges them by level; every sample stays once', async () => {
  expect(rangeForTimestamp(0, 10)).toBe(10);
  expect(rangeForTimestamp(19, 10)).toBe(20);
  expect(rangeForTimestamp(-1, 10)).toBe(0);
  const db = await DB.open(undefined, { chunkRangeMs: 10_000 });
  const refs = [0, 0, 0];
  for (let t = 0; t < 55_000; t += 500) {
    const app = db.appender();
    for (let i = 0; i < 3; i++)
      refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), t, t / 500 + i);
    await app.commit();
  }
  const head = headOf(db);
  expect(headCompactable(head)).toBe(true);
  const { set } = await BlockSet.open(dir);
  const compactor = new LeveledCompactor({ ranges: [10_000, 30_000, 90_000] });
  const written = await compactHead(head, set, compactor, async (mint) => {
    head.truncate(mint);
  });
  // The head keeps at most 1.5 ranges: [40s, 55s).
  expect(written.map((m) => [m.minTime, m.maxTime])).toEqual([
    [0, 10_000],
    [10_000, 20_000],
    [20_000, 30_000],
    [30_000, 40_000],
  ]);
  expect(head.minTime).toBe(40_000);
  const merged = await compactBlocks(set, compactor);
  expect(merged.map((m) => [m.minTime, m.maxTime, m.compaction.level])).toEqual([[0, 30_000, 2]]);
  expect(set.blocks.map((b) => [b.minTime, b.maxTime])).toEqual([
    [0, 30_000],
    [30_000, 40_000],
  ]);
  const q = newMergeQuerier([...set.queriers(0, 60_000), db.querier(0, 60_000)], [], chainedSeriesMerge);
  const all = await readAll(q);
  await q.close();
  expect(all.map((s) => s.samples.length)).toEqual([110, 110, 110]);
  for (const s of all) {
    s.samples.forEach((p, k) => {
      expect(p.t).toBe(k * 500);
      expect(p.v).toBe(k + Number(s.labels.get('i')));
    });
  }
  await set.close();
  await db.close();
});
