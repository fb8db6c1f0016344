// Head compaction against commits, appenders and queriers running at the same time, and the
// out-of-order compaction (Prometheus db.go Compact, compactHead, compactOOOHead).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { OutOfBoundsError } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isULID } from './block/ulid.js';
import { DB, type DBOptions, headOf } from './db.js';
import { readAll, type TestSeries } from './testing/block-data.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-compaction-races-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const range = 10_000;
const base: DBOptions = { chunkRangeMs: range, autoCompaction: false, logger: () => {} };
const seriesA = Labels.fromStrings('__name__', 'a');
const seriesB = Labels.fromStrings('__name__', 'b');

/** Appends `labels` with v = t/100 every 100 ms over [from, to), a commit per sample. */
async function fill(db: DB, labels: Labels, from: number, to: number): Promise<void> {
  let ref = 0;
  for (let t = from; t < to; t += 100) {
    const app = db.appender();
    ref = app.append(ref, labels, t, t / 100);
    await app.commit();
  }
}

async function all(db: DB): Promise<Map<string, TestSeries['samples']>> {
  const q = db.querier(-Infinity, Infinity);
  const out = new Map((await readAll(q)).map((s) => [s.labels.toString(), s.samples]));
  await q.close();
  return out;
}

/** The samples of [from, to) every 100 ms with v = t/100, plus `extra`, sorted by time. */
function expected(from: number, to: number, extra: { t: number; v: number }[] = []): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  for (let t = from; t < to; t += 100) out.push({ t, v: t / 100 });
  return [...out, ...extra].sort((x, y) => x.t - y.t);
}

describe('head compaction waits', () => {
  it('for an appender created before the head moved on, whose in-order samples fall in the compacted range', async () => {
    const db = await DB.open(dir, base);
    await fill(db, seriesA, 0, 100);
    // Created while the head's max time is 0: its minimum valid time is -5s.
    const late = db.appender();
    late.append(0, seriesB, 2000, 42);
    await fill(db, seriesA, 100, 16_000);
    const compaction = db.compact();
    // Committed after the compaction took its head snapshot: before the fix, the block missed it
    // and the truncation to 10s dropped it.
    await late.commit();
    await compaction;
    expect(db.blocks().map((b) => [b.minTime, b.maxTime])).toEqual([[0, range]]);
    const got = await all(db);
    expect(got.get('{__name__="b"}')).toEqual([{ t: 2000, v: 42 }]);
    expect(got.get('{__name__="a"}')).toEqual(expected(0, 16_000));
    await db.close();
    const again = await DB.open(dir, base);
    expect((await all(again)).get('{__name__="b"}')).toEqual([{ t: 2000, v: 42 }]);
    await again.close();
  });

  it('for no empty appender: one created before but empty until the compaction started rejects in-order samples in its range', async () => {
    const db = await DB.open(dir, base);
    await fill(db, seriesA, 0, 100);
    const early = db.appender();
    await fill(db, seriesA, 100, 16_000);
    const compaction = db.compact();
    // Accepted, it would be committed after the head snapshot and dropped by the truncation.
    expect(() => early.append(0, seriesB, 2000, 42)).toThrow(OutOfBoundsError);
    early.append(0, seriesB, 12_000, 43);
    await early.commit();
    await compaction;
    const got = await all(db);
    expect(got.get('{__name__="b"}')).toEqual([{ t: 12_000, v: 43 }]);
    expect(got.get('{__name__="a"}')).toEqual(expected(0, 16_000));
    await db.close();
  });

  it('for the head queriers open over the truncated range before it drops their data', async () => {
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const db = await DB.open(dir, {
      ...base,
      logger: (msg) => {
        if (msg.includes('wrote block')) wrote();
      },
    });
    await fill(db, seriesA, 0, 16_000);
    // Opened before the block exists: it reads the head only.
    const q = db.querier(0, 20_000);
    const compaction = db.compact();
    await written;
    // The block is written and loaded; the head must still hold [0, 10s) for this querier.
    const seen = await readAll(q);
    expect(seen.map((s) => s.samples)).toEqual([expected(0, 16_000)]);
    await q.close();
    await compaction;
    expect((await all(db)).get('{__name__="a"}')).toEqual(expected(0, 16_000));
    expect(headOf(db).minTime).toBe(range);
    await db.close();
  });
});

describe('head compaction waiting for a querier', () => {
  it('stops waiting when the DB closes: the block stays, the head is not truncated, nothing is lost', async () => {
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const db = await DB.open(dir, {
      ...base,
      logger: (msg) => {
        if (msg.includes('wrote block')) wrote();
      },
    });
    await fill(db, seriesA, 0, 16_000);
    const q = db.querier(0, 20_000);
    const compaction = db.compact().then(
      () => undefined,
      (err: unknown) => err,
    );
    await written;
    await db.close();
    expect(await compaction).toBeInstanceOf(Error);
    await q.close();
    const again = await DB.open(dir, base);
    expect(again.blocks().map((b) => [b.minTime, b.maxTime])).toEqual([[0, range]]);
    expect((await all(again)).get('{__name__="a"}')).toEqual(expected(0, 16_000));
    await again.close();
  });
});

describe('out-of-order compaction', () => {
  const oooOpts: DBOptions = { ...base, outOfOrderTimeWindowMs: 100_000 };

  it('keeps an out-of-order sample older than the compacted range committed while the block is written', async () => {
    const db = await DB.open(dir, oooOpts);
    await fill(db, seriesA, 0, 16_000);
    // Created after the head reached 15.9s: its minimum valid time (10.9s) is past the range
    // compacted, so compaction does not wait for it; 5050 goes to the out-of-order head.
    const app = db.appender();
    app.append(0, seriesA, 5050, 7);
    const compaction = db.compact();
    await app.commit();
    await compaction;
    const want = expected(0, 16_000, [{ t: 5050, v: 7 }]);
    expect((await all(db)).get('{__name__="a"}')).toEqual(want);
    await db.close();
    const again = await DB.open(dir, oooOpts);
    expect((await all(again)).get('{__name__="a"}')).toEqual(want);
    await again.close();
  });

  it('writes the out-of-order head into blocks per block range, then truncates the WBL and the out-of-order chunks', async () => {
    const db = await DB.open(dir, oooOpts);
    await fill(db, seriesA, 0, 16_000);
    await fill(db, seriesB, 0, 16_000);
    // Out-of-order samples in the range compacted and after it, 40 per series: an m-mapped
    // out-of-order chunk (32 samples) and an open one each.
    const extraA: { t: number; v: number }[] = [];
    const extraB: { t: number; v: number }[] = [];
    for (let k = 0; k < 40; k++) {
      const t = k < 20 ? 1050 + k * 100 : 11_050 + (k - 20) * 100;
      const app = db.appender();
      app.append(0, seriesA, t, -k);
      app.append(0, seriesB, t, k);
      await app.commit();
      extraA.push({ t, v: -k });
      extraB.push({ t, v: k });
    }
    const wblBefore = (await readdir(join(dir, 'wbl'))).length;
    await db.compact();
    const wantA = expected(0, 16_000, extraA);
    const wantB = expected(0, 16_000, extraB);
    let got = await all(db);
    expect(got.get('{__name__="a"}')).toEqual(wantA);
    expect(got.get('{__name__="b"}')).toEqual(wantB);
    // Nothing out of order is left in the head; the WBL keeps only the segment started by the
    // out-of-order compaction.
    for (const s of headOf(db).state.series.values()) {
      expect(s.oooCompleted ?? []).toEqual([]);
      expect(s.ooo?.length ?? 0).toBe(0);
    }
    const wbl = await readdir(join(dir, 'wbl'));
    expect(wbl.length).toBe(1);
    expect(Number(wbl[0])).toBeGreaterThanOrEqual(wblBefore);
    // The blocks: [0, 10s) in order and out of order merged by vertical compaction, and the
    // out-of-order samples of [10s, 20s) in a block of their own (the head holds the rest).
    const blocks = db.blocks();
    expect(blocks.map((b) => [b.minTime, b.maxTime])).toEqual([
      [0, range],
      [range, 2 * range],
    ]);
    expect(blocks[0]!.stats.numSamples).toBe(2 * 100 + 2 * 20);
    expect(blocks[1]!.stats.numSamples).toBe(2 * 20);
    expect((await readdir(dir)).filter(isULID).length).toBe(2);
    await db.close();
    const again = await DB.open(dir, oooOpts);
    // Reopening replays no out-of-order sample already in a block.
    expect(again.openReport?.wbl?.samples).toBe(0);
    got = await all(again);
    expect(got.get('{__name__="a"}')).toEqual(wantA);
    expect(got.get('{__name__="b"}')).toEqual(wantB);
    await again.close();
  });

  it('truncates a WBL replayed with the window since turned off', async () => {
    let db = await DB.open(dir, oooOpts);
    await fill(db, seriesA, 0, 16_000);
    const app = db.appender();
    app.append(0, seriesA, 5050, 7);
    await app.commit();
    await db.close();
    const want = expected(0, 16_000, [{ t: 5050, v: 7 }]);
    db = await DB.open(dir, base);
    await db.compact();
    expect((await all(db)).get('{__name__="a"}')).toEqual(want);
    await db.close();
    db = await DB.open(dir, base);
    expect(db.openReport?.wbl?.samples).toBe(0);
    expect((await all(db)).get('{__name__="a"}')).toEqual(want);
    await db.close();
  });
});
