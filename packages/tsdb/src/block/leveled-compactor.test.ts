import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkSeriesSetOf, dumpLines, readAll, type TestSeries } from '../testing/block-data.js';
import { Block } from './block.js';
import { type BlockMeta, readBlockMeta } from './block-meta.js';
import { writeBlock } from './block-writer.js';
import { type DirMeta, exponentialBlockRanges, LeveledCompactor, splitByRange } from './leveled-compactor.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-compact-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function dm(name: string, mint: number, maxt: number, extra: Partial<BlockMeta> = {}): DirMeta {
  return {
    dir: name,
    meta: { ulid: name, minTime: mint, maxTime: maxt, stats: {}, compaction: { level: 1 }, version: 1, ...extra },
  };
}

describe('LeveledCompactor.plan (Prometheus TestLeveledCompactor_plan)', () => {
  const c = new LeveledCompactor({ ranges: [20, 60, 180, 540] });
  it.each<[string, DirMeta[], string[]]>([
    ['no blocks', [], []],
    ['one block', [dm('1', 20, 40)], []],
    ['two blocks', [dm('1', 0, 20), dm('2', 20, 40)], []],
    ['the newest block is left out', [dm('1', 0, 20), dm('2', 20, 40), dm('3', 40, 60)], []],
    [
      'a full 60 range before the newest',
      [dm('1', 0, 20), dm('2', 20, 40), dm('3', 40, 60), dm('4', 60, 80)],
      ['1', '2', '3'],
    ],
    [
      'a range with a gap before the newest',
      [dm('1', 0, 20), dm('2', 20, 40), dm('4', 60, 80), dm('5', 120, 180)],
      ['1', '2'],
    ],
    ['the next level up', [dm('1', 0, 60), dm('4', 60, 120), dm('5', 120, 180), dm('6', 180, 200)], ['1', '4', '5']],
    [
      'a block that failed to compact is not picked',
      [dm('1', 0, 20, { compaction: { level: 1, failed: true } }), dm('2', 20, 40), dm('3', 40, 60), dm('4', 60, 80)],
      [],
    ],
    ['overlapping blocks first', [dm('1', 0, 20), dm('2', 19, 40), dm('3', 40, 60), dm('4', 60, 120)], ['1', '2']],
    ['overlap anywhere', [dm('1', 0, 20), dm('2', 20, 40), dm('3', 30, 50), dm('4', 50, 60)], ['2', '3']],
    [
      'big blocks with many tombstones are rewritten',
      [dm('1', 0, 540, { stats: { numSeries: 10, numTombstones: 3 } }), dm('2', 540, 560)],
      ['1'],
    ],
    [
      'small blocks entirely deleted too',
      [dm('1', 0, 20, { stats: { numSeries: 1, numTombstones: 1 } }), dm('2', 20, 40)],
      ['1'],
    ],
  ])('%s', (_name, metas, want) => {
    expect(c.plan(metas)).toEqual(want);
  });

  it('block ranges grow exponentially; splitByRange aligns groups and skips blocks too big for the range', () => {
    expect(exponentialBlockRanges(7_200_000, 4, 3)).toEqual([7_200_000, 21_600_000, 64_800_000, 194_400_000]);
    const ds = [dm('a', 0, 10), dm('b', 10, 20), dm('c', 20, 50), dm('d', 50, 60), dm('e', -30, -20)];
    const byMin = [...ds].sort((x, y) => x.meta.minTime - y.meta.minTime);
    expect(splitByRange(byMin, 30).map((g) => g.map((d) => d.dir))).toEqual([['e'], ['a', 'b'], ['d']]);
  });
});

function gen(names: string[], t0: number, n: number, step: number, v: (i: number, k: number) => number): TestSeries[] {
  return names.map((name, i) => ({
    labels: Labels.fromStrings('__name__', 'm', 'series', name),
    samples: Array.from({ length: n }, (_, k) => ({ t: t0 + k * step, v: v(i, k) })),
  }));
}

async function readBlock(ulid: string): Promise<TestSeries[]> {
  const b = await Block.open(join(dir, ulid));
  const q = b.querier(-Infinity, Infinity);
  try {
    return await readAll(q);
  } finally {
    await q.close();
    await b.close();
  }
}

// The same in-thread and in a worker thread (worker-compaction.test.ts covers the worker's failures).
describe.each([false, true])('LeveledCompactor.compact (worker: %s)', (worker) => {
  it('merges overlapping blocks vertically: every sample once, the first block winning equal timestamps', async () => {
    const a = await writeBlock(dir, chunkSeriesSetOf(gen(['x', 'y'], 0, 400, 1000, (i, k) => i * 1000 + k)), {
      mint: 0,
      maxt: 400_000,
    });
    // Overlaps a from 200s on, at timestamps half a step apart, and at the same ones for 'y'.
    const b = await writeBlock(
      dir,
      chunkSeriesSetOf([
        ...gen(['x', 'z'], 200_500, 400, 1000, (_i, k) => -k),
        ...gen(['y'], 200_000, 400, 1000, () => 7),
      ]),
      { mint: 200_000, maxt: 600_500 },
    );
    const c = new LeveledCompactor({ ranges: [100_000], worker });
    const dirs = [join(dir, a!.ulid), join(dir, b!.ulid)];
    expect(
      c.plan([
        { dir: dirs[0]!, meta: a! },
        { dir: dirs[1]!, meta: b! },
      ]),
    ).toEqual(dirs);
    const out = await c.compact(dir, dirs);
    expect(out).toBeDefined();
    expect(out!.minTime).toBe(0);
    expect(out!.maxTime).toBe(600_500);
    expect(out!.compaction.level).toBe(2);
    expect(out!.compaction.sources).toEqual([a!.ulid, b!.ulid].sort());
    expect(out!.compaction.parents!.map((p) => p.ulid)).toEqual([a!.ulid, b!.ulid]);
    const got = await readBlock(out!.ulid);
    const x = got.find((s) => s.labels.get('series') === 'x')!;
    expect(x.samples.length).toBe(800);
    for (let i = 1; i < x.samples.length; i++) expect(x.samples[i]!.t).toBeGreaterThan(x.samples[i - 1]!.t);
    const y = got.find((s) => s.labels.get('series') === 'y')!;
    expect(y.samples.length).toBe(600);
    expect(y.samples.find((p) => p.t === 300_000)!.v).toBe(1300); // a's value, not b's 7.
    expect(y.samples.find((p) => p.t === 500_000)!.v).toBe(7);
    expect(got.find((s) => s.labels.get('series') === 'z')!.samples.length).toBe(400);
    const { meta } = await readBlockMeta(join(dir, out!.ulid));
    expect(meta.stats.numSamples).toBe(1800);
  });

  it('compacts adjacent blocks into one holding exactly their samples, applying tombstones', async () => {
    const metas: BlockMeta[] = [];
    const all: TestSeries[] = [];
    for (let p = 0; p < 3; p++) {
      const s = gen(['a', 'b', 'c'], p * 100_000, 100, 1000, (i, k) => p * 1e6 + i * 1000 + k);
      all.push(...s);
      metas.push((await writeBlock(dir, chunkSeriesSetOf(s), { mint: p * 100_000, maxt: (p + 1) * 100_000 }))!);
    }
    const blk = await Block.open(join(dir, metas[1]!.ulid));
    await blk.delete(0, Number.MAX_SAFE_INTEGER, [new Matcher(MatchType.Equal, 'series', 'b')]);
    await blk.close();
    const c = new LeveledCompactor({ ranges: [100_000, 300_000], worker });
    const out = await c.compact(
      dir,
      metas.map((m) => join(dir, m.ulid)),
    );
    const got = await readBlock(out!.ulid);
    const want = new Map<string, TestSeries>();
    for (const s of all) {
      const keep = s.samples.filter((p) => !(s.labels.get('series') === 'b' && p.t >= 100_000 && p.t < 200_000));
      const w = want.get(s.labels.key());
      if (w === undefined) want.set(s.labels.key(), { labels: s.labels, samples: keep });
      else w.samples.push(...keep);
    }
    expect(dumpLines(got)).toEqual(dumpLines([...want.values()].sort((x, y) => Labels.compare(x.labels, y.labels))));
    expect(out!.stats).toEqual({ numSamples: 800, numSeries: 3, numChunks: 8 }); // b's middle chunk is gone.
  });

  it('marks the sources deletable when nothing is left', async () => {
    const m = (await writeBlock(dir, chunkSeriesSetOf(gen(['a'], 0, 10, 1000, () => 1)), { mint: 0, maxt: 10_000 }))!;
    const blk = await Block.open(join(dir, m.ulid));
    await blk.delete(0, 100_000, [new Matcher(MatchType.Equal, 'series', 'a')]);
    await blk.close();
    const c = new LeveledCompactor({ ranges: [10_000], worker });
    expect(await c.compact(dir, [join(dir, m.ulid)])).toBeUndefined();
    expect(await readdir(dir)).toEqual([m.ulid]);
    expect((await readBlockMeta(join(dir, m.ulid))).meta.compaction.deletable).toBe(true);
  });
});
