// Deletion (tombstones) in the Head: DB.delete, masking in the querier and chunk querier, WAL
// replay of tombstone records, and checkpoints keeping the tombstones of live series.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB, type DBOptions, headOf } from './db.js';
import { lastCheckpoint, RecordDecoder, RecordType, readAllRecords } from './wal-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-delete-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Samples = Map<string, number[]>;

/** Timestamps of every series through the querier, by series. */
async function query(db: DB, mint = -Infinity, maxt = Infinity): Promise<Samples> {
  const q = db.querier(mint, maxt);
  const set = await q.select(true, undefined, []);
  const out: Samples = new Map();
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const ts: number[] = [];
    while (it.next() !== ValueType.None) {
      expect(it.atV()).toBe(it.atT() / 1000);
      ts.push(it.atT());
    }
    expect(it.err()).toBeUndefined();
    out.set(s.labels().get('i'), ts);
  }
  await q.close();
  return out;
}

/** Timestamps of every series through the chunk querier, checking each chunk's bounds. */
async function queryChunks(db: DB): Promise<Samples> {
  const q = db.chunkQuerier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: Samples = new Map();
  while (set.next()) {
    const s = set.at();
    const ci = s.chunkIterator();
    const ts: number[] = [];
    while (ci.next()) {
      const m = ci.at();
      const it = m.chunk.iterator();
      let first = true;
      while (it.next() !== ValueType.None) {
        if (first) expect(it.atT()).toBe(m.mint);
        first = false;
        ts.push(it.atT());
      }
      expect(ts[ts.length - 1]).toBe(m.maxt);
    }
    expect(ci.err()).toBeUndefined();
    out.set(s.labels().get('i'), ts);
  }
  await q.close();
  return out;
}

/** Three series i=0..2 with samples at 0, 1000, … (n-1)*1000 and value t/1000. */
async function fill(db: DB, n: number): Promise<void> {
  const refs = [0, 0, 0];
  for (let j = 0; j < n; j++) {
    const app = db.appender();
    for (let i = 0; i < 3; i++) {
      refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), j * 1000, j);
    }
    await app.commit();
  }
}

function range(from: number, to: number, step = 1000): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += step) out.push(t);
  return out;
}

const all = (n: number): number[] => range(0, (n - 1) * 1000);
const eq = (name: string, value: string): Matcher => new Matcher(MatchType.Equal, name, value);

describe('DB.delete', () => {
  it('hides a range inside one chunk, in the querier and the chunk querier, in memory', async () => {
    const db = await DB.open();
    await fill(db, 50);
    const stones = await db.delete(10_000, 19_500, eq('i', '1'));
    expect(stones).toEqual([{ ref: expect.any(Number), intervals: [{ mint: 10_000, maxt: 19_500 }] }]);
    const want = all(50).filter((t) => t < 10_000 || t > 19_500);
    expect((await query(db)).get('1')).toEqual(want);
    expect((await queryChunks(db)).get('1')).toEqual(want);
    expect((await query(db)).get('0')).toEqual(all(50));
    // Seek lands after the deleted range.
    const q = db.querier(-Infinity, Infinity);
    const set = await q.select(false, undefined, [eq('i', '1')]);
    expect(set.next()).toBe(true);
    const it = set.at().iterator();
    expect(it.seek(12_000)).toBe(ValueType.Float);
    expect(it.atT()).toBe(20_000);
    await q.close();
    await db.close();
  });

  it('hides a range across chunks and survives reopen; adjacent deletes merge', async () => {
    const opts: DBOptions = { samplesPerChunk: 20 };
    const db = await DB.open(dir, opts);
    await fill(db, 200);
    // Chunks of 20 samples: [0,19s], [20s,39s], … This range spans several.
    await db.delete(15_000, 87_000, new Matcher(MatchType.Regexp, 'i', '0|2'));
    const want = all(200).filter((t) => t < 15_000 || t > 87_000);
    const check = async (d: DB): Promise<void> => {
      const got = await query(d);
      expect(got.get('0')).toEqual(want);
      expect(got.get('1')).toEqual(all(200));
      expect(got.get('2')).toEqual(want);
      const chunks = await queryChunks(d);
      expect(chunks.get('0')).toEqual(want);
      expect(chunks.get('1')).toEqual(all(200));
      // A query range inside the deleted range finds nothing of those series.
      const inside = await query(d, 30_000, 60_000);
      expect([...inside.keys()]).toEqual(['1']);
    };
    await check(db);
    await db.close();

    const db2 = await DB.open(dir, opts);
    expect(db2.openReport?.wal.tombstones).toBe(2);
    await check(db2);
    await db2.close();

    // A second delete merges with the first (adjacent) after another reopen.
    const db3 = await DB.open(dir, opts);
    await db3.delete(87_001, 90_000, eq('i', '0'));
    await db3.close();
    const db4 = await DB.open(dir, opts);
    expect(headOf(db4).state.tombstones.get(headOf(db4).state.series.getByLabels(lbl(0))!.ref)).toEqual([
      { mint: 15_000, maxt: 90_000 },
    ]);
    await db4.close();
  });

  it('deletes whole series; they stay hidden after reopen and in read-only mode', async () => {
    const db = await DB.open(dir, { samplesPerChunk: 30 });
    await fill(db, 100);
    await db.delete(-Infinity, Infinity, eq('i', '2'));
    expect([...(await query(db)).keys()]).toEqual(['0', '1']);
    expect([...(await queryChunks(db)).keys()]).toEqual(['0', '1']);
    await db.close();
    const ro = await DB.open(dir, { readOnly: true });
    expect([...(await query(ro)).keys()]).toEqual(['0', '1']);
    await expect(ro.delete(0, 1, eq('i', '0'))).rejects.toThrow(/read-only/);
    await ro.close();
  });

  it('clamps the tombstone to the series’ samples and writes it to the WAL before applying', async () => {
    const db = await DB.open(dir);
    await fill(db, 10);
    const stones = await db.delete(-5_000_000, 5_000_000, eq('i', '0'));
    expect(stones[0]!.intervals).toEqual([{ mint: 0, maxt: 9_000 }]);
    // Nothing matching: no record.
    expect(await db.delete(0, 1000, eq('i', 'nope'))).toEqual([]);
    await db.close();
    const dec = new RecordDecoder();
    const found: unknown[] = [];
    await readAllRecords(join(dir, 'wal'), (rec) => {
      if (dec.type(rec) === RecordType.Tombstones) found.push(...dec.tombstones(rec));
    });
    expect(found).toEqual(stones);
  });

  it('hides deleted out-of-order samples', async () => {
    const db = await DB.open(dir, { outOfOrderTimeWindowMs: 3600_000 });
    await fill(db, 20);
    const app = db.appender();
    app.append(0, lbl(1), 4_500, 4.5);
    app.append(0, lbl(1), 12_500, 12.5);
    await app.commit();
    await db.delete(12_000, 13_000, eq('i', '1'));
    const want = [...all(20), 4_500].sort((a, b) => a - b).filter((t) => t < 12_000 || t > 13_000);
    expect((await query(db)).get('1')).toEqual(want);
    expect((await queryChunks(db)).get('1')).toEqual(want);
    await db.close();
  });

  it('keeps the tombstones of live series through a checkpoint and drops them with the series', async () => {
    const opts: DBOptions = { walSegmentSizeBytes: 32 * 1024, chunkRangeMs: 60_000, autoCompaction: false };
    const db = await DB.open(dir, opts);
    await fill(db, 300);
    await db.delete(-Infinity, Infinity, eq('i', '0'));
    await db.delete(10_000, 20_000, eq('i', '1'));
    // More samples so the tombstone records land in an old segment that gets checkpointed.
    const refs = [0, 0, 0];
    for (let j = 300; j < 3000; j++) {
      const app = db.appender();
      for (const i of [0, 2]) refs[i] = app.append(refs[i]!, lbl(i), j * 1000, j);
      await app.commit();
    }
    // Series 1 ends at 299s: truncating at 400s removes it and its tombstone. Series 0's tombstone
    // ([0, 299s]) ends before 400s too; a new one reaching past the cut stays.
    await db.delete(350_000, 450_000, eq('i', '0'));
    await db.truncateHead(400_000);
    // More samples again, so that the new tombstone too goes into the checkpoint.
    for (let j = 3000; j < 6000; j++) {
      const app = db.appender();
      for (const i of [0, 2]) refs[i] = app.append(refs[i]!, lbl(i), j * 1000, j);
      await app.commit();
    }
    await db.truncateHead(400_000);
    const ref0 = headOf(db).state.series.getByLabels(lbl(0))!.ref;
    expect(headOf(db).state.series.getByLabels(lbl(1))).toBeUndefined();
    expect(headOf(db).state.tombstones.stones()).toEqual([
      { ref: ref0, intervals: [{ mint: 350_000, maxt: 450_000 }] },
    ]);
    const cp = await lastCheckpoint(join(dir, 'wal'));
    expect(cp).toBeDefined();
    const dec = new RecordDecoder();
    const inCheckpoint: unknown[] = [];
    await readAllRecords(cp!.dir, (rec) => {
      if (dec.type(rec) === RecordType.Tombstones) inCheckpoint.push(...dec.tombstones(rec));
    });
    expect(inCheckpoint).toEqual([{ ref: ref0, intervals: [{ mint: 350_000, maxt: 450_000 }] }]);
    // (Data before the cut may come back from chunks_head/ on reopen: compare from the cut on.)
    const before = await query(db, 400_000);
    expect(before.get('0')![0]).toBe(451_000);
    await db.close();
    const db2 = await DB.open(dir, opts);
    expect(db2.openReport?.wal.checkpoint).toBe(cp!.index);
    expect(headOf(db2).state.tombstones.get(ref0)).toEqual([{ mint: 350_000, maxt: 450_000 }]);
    expect((await query(db2, 400_000)).get('0')).toEqual(before.get('0'));
    await db2.close();
  });
});

function lbl(i: number): Labels {
  return Labels.fromStrings('__name__', 'm', 'i', String(i));
}
