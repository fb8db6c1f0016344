import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { chunkSeriesSetOf, readAll, type TestSeries } from '../testing/block-data.js';
import { BlockSet } from './block-set.js';
import { writeBlock } from './block-writer.js';
import { LeveledCompactor } from './leveled-compactor.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-blockset-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function series(t0: number, n = 10): TestSeries[] {
  return ['a', 'b'].map((s) => ({
    labels: Labels.fromStrings('__name__', 'm', 's', s),
    samples: Array.from({ length: n }, (_, k) => ({ t: t0 + k * 1000, v: k })),
  }));
}

it('loads blocks, deletes compacted parents and leftovers, serves the others when one is damaged', async () => {
  const metas = [];
  for (let i = 0; i < 3; i++) {
    metas.push(
      (await writeBlock(dir, chunkSeriesSetOf(series(i * 10_000)), { mint: i * 10_000, maxt: (i + 1) * 10_000 }))!,
    );
  }
  await mkdir(join(dir, `${metas[0]!.ulid}.tmp-for-creation`));
  await mkdir(join(dir, `${metas[0]!.ulid}.tmp-for-deletion`));
  const { set, report } = await BlockSet.open(dir);
  expect(report.loaded).toEqual(metas.map((m) => m.ulid));
  expect((await readdir(dir)).sort()).toEqual(metas.map((m) => m.ulid).sort());

  // Compact the first two: a reload deletes them as parents of the new block.
  const c = new LeveledCompactor({ ranges: [10_000, 30_000] });
  const out = await c.compact(dir, [join(dir, metas[0]!.ulid), join(dir, metas[1]!.ulid)]);
  const r2 = await set.reload();
  expect([...r2.deleted.keys()].sort()).toEqual([metas[0]!.ulid, metas[1]!.ulid].sort());
  expect(r2.loaded).toEqual([out!.ulid, metas[2]!.ulid]);

  // Damage the newest block: it is reported and not served; the compacted one still is.
  await writeFile(join(dir, metas[2]!.ulid, 'index'), 'garbage');
  await set.close();
  const logs: string[] = [];
  const { set: s2, report: r3 } = await BlockSet.open(dir, { logger: (m) => logs.push(m) });
  expect(r3.loaded).toEqual([out!.ulid]);
  expect([...r3.corrupted.keys()]).toEqual([metas[2]!.ulid]);
  expect(logs.join('\n')).toContain(`block ${metas[2]!.ulid} is not served: corrupted block ${metas[2]!.ulid}: index`);
  const [q] = s2.queriers(0, 100_000);
  expect((await readAll(q!)).map((s) => s.samples.length)).toEqual([20, 20]);
  await q!.close();
  await s2.close();
});

it('deletes blocks beyond time and size retention', async () => {
  for (let i = 0; i < 4; i++)
    await writeBlock(dir, chunkSeriesSetOf(series(i * 10_000)), { mint: i * 10_000, maxt: (i + 1) * 10_000 });
  const { set, report } = await BlockSet.open(dir, { retentionMs: 15_000 });
  // Newest ends at 40s: the blocks ending at 10s and 20s are more than 15s older.
  expect(report.loaded.length).toBe(2);
  expect([...report.deleted.values()]).toEqual(['time', 'time']);
  await set.close();
  const size = (await BlockSet.open(dir)).set;
  const one = size.blocks[0]!.sizeBytes;
  await size.close();
  const { set: s3, report: r3 } = await BlockSet.open(dir, { maxBytes: one + 10, headBytes: async () => 5 });
  expect(r3.loaded.length).toBe(1);
  expect(s3.blocks[0]!.minTime).toBe(30_000);
  await s3.close();
});
