import { mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB, headOf } from './db.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-db-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(db: DB): Promise<Map<string, [number, number][]>> {
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out = new Map<string, [number, number][]>();
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const xs: [number, number][] = [];
    while (it.next() !== ValueType.None) xs.push([it.atT(), it.atV()]);
    out.set(s.labels().toString(), xs);
  }
  await q.close();
  return out;
}

async function fill(db: DB, nSeries: number, nSamples: number, t0 = 0): Promise<void> {
  const refs = new Array<number>(nSeries).fill(0);
  for (let j = 0; j < nSamples; j++) {
    const app = db.appender();
    for (let i = 0; i < nSeries; i++) {
      refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), t0 + j * 1000, i * j);
    }
    await app.commit();
  }
}

describe('DB', () => {
  it('works in memory without a directory', async () => {
    const db = await DB.open();
    await fill(db, 3, 5);
    expect((await readAll(db)).size).toBe(3);
    expect(db.stats().numSamples).toBe(15);
    await db.close();
  });

  it('replays its WAL on reopen with the same series, samples, exemplars and metadata', async () => {
    const db = await DB.open(dir);
    await fill(db, 10, 300);
    const app = db.appender();
    const l = Labels.fromStrings('__name__', 'm', 'i', '0');
    app.appendExemplar(0, l, { labels: Labels.fromStrings('trace_id', 'abc'), value: 1, ts: 299_000, hasTs: true });
    app.updateMetadata(0, l, { type: 'counter', unit: 's', help: 'a help' });
    await app.commit();
    const before = await readAll(db);
    await db.close();
    expect(await readdir(join(dir, 'wal'))).toContain('00000000');

    const db2 = await DB.open(dir);
    // Full chunks come back from chunks_head/, the rest from the WAL.
    const rep = db2.openReport!.wal;
    expect(rep.mmappedChunks).toBeGreaterThan(0);
    expect(db2.stats().numSamples).toBe(3000);
    expect(db2.openReport?.wal.corruption).toBeUndefined();
    expect(await readAll(db2)).toEqual(before);
    const ex = db2.exemplars(0, 1e9, [new Matcher(MatchType.Equal, 'i', '0')]);
    expect(ex).toHaveLength(1);
    expect(ex[0]!.exemplars[0]!.labels.get('trace_id')).toBe('abc');
    expect(headOf(db2).state.series.getByLabels(l)?.meta).toEqual({ type: 'counter', unit: 's', help: 'a help' });
    // New series get refs above the replayed ones, and appends continue.
    await fill(db2, 12, 1, 400_000);
    await db2.close();
    const db3 = await DB.open(dir);
    expect((await readAll(db3)).size).toBe(12);
    await db3.close();
  });

  it('logs a series record before any record that refers to it, whichever appender commits first', async () => {
    const db = await DB.open(dir);
    const l = Labels.fromStrings('__name__', 'shared');
    const a = db.appender();
    const ref = a.append(0, l, 1000, 1); // Creates the series; A commits last.
    const b = db.appender();
    b.append(ref, l, 2000, 2);
    b.appendExemplar(ref, l, { labels: Labels.fromStrings('trace_id', 't'), value: 2, ts: 2000, hasTs: true });
    await b.commit();
    await a.commit(); // Its sample is now out of order: dropped at commit, as in Prometheus.
    await db.close();
    const db2 = await DB.open(dir);
    expect(db2.openReport!.wal.unknownRefs).toBe(0);
    expect(await readAll(db2)).toEqual(new Map([['{__name__="shared"}', [[2000, 2]]]]));
    expect(db2.exemplars(0, 1e9, [new Matcher(MatchType.Equal, '__name__', 'shared')])).toHaveLength(1);
    await db2.close();
  });

  it('replays out-of-order samples from the WBL', async () => {
    const db = await DB.open(dir, { outOfOrderTimeWindowMs: 60_000 });
    const l = Labels.fromStrings('a', 'b');
    let app = db.appender();
    app.append(0, l, 100_000, 1);
    await app.commit();
    app = db.appender();
    app.append(0, l, 90_000, 2);
    await app.commit();
    await db.close();
    const db2 = await DB.open(dir, { outOfOrderTimeWindowMs: 60_000 });
    expect(await readAll(db2)).toEqual(
      new Map([
        [
          '{a="b"}',
          [
            [90_000, 2],
            [100_000, 1],
          ],
        ],
      ]),
    );
    expect(db2.openReport?.wbl?.samples).toBe(1);
    await db2.close();
  });

  it('m-maps full out-of-order chunks to chunks_head/ with WBL markers and restores them', async () => {
    const opts = { outOfOrderTimeWindowMs: 1_000_000 };
    const db = await DB.open(dir, opts);
    const l = Labels.fromStrings('a', 'ooo');
    let app = db.appender();
    app.append(0, l, 1_000_000, 0);
    await app.commit();
    // 100 out-of-order samples in commits of 7, newest first: several OOO chunks get cut.
    for (let k = 0; k < 100; k += 7) {
      app = db.appender();
      for (let j = k; j < Math.min(100, k + 7); j++) app.append(0, l, 900_000 - j * 1000, j + 1);
      await app.commit();
    }
    const s = headOf(db).state.series.getByLabels(l)!;
    expect(s.oooCompleted!.length).toBeGreaterThanOrEqual(3);
    expect(s.oooCompleted!.every((c) => typeof c.chunk === 'number')).toBe(true);
    const before = await readAll(db);
    expect(before.get('{a="ooo"}')).toHaveLength(101);
    await db.close();
    const db2 = await DB.open(dir, opts);
    expect(await readAll(db2)).toEqual(before);
    expect(db2.stats().numSamples).toBe(101);
    expect(db2.openReport!.wal.mmappedChunks).toBeGreaterThanOrEqual(3);
    await db2.close();
  });

  it('repairs a torn WAL tail and keeps everything before it', async () => {
    const db = await DB.open(dir);
    await fill(db, 5, 100);
    await db.close();
    const seg = join(dir, 'wal', '00000000');
    // Cut inside the last record (past the zero padding of the last page): a torn write.
    const bytes = await readFile(seg);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    await truncate(seg, end - 20);
    const logs: string[] = [];
    const db2 = await DB.open(dir, { logger: (m) => logs.push(m) });
    const r = db2.openReport!.wal;
    expect(r.corruption).toBeDefined();
    expect(logs.some((m) => m.includes('corruption in segment') && m.includes('repaired:'))).toBe(true);
    // One commit is 5 samples; only the last commit (or part of it) may be lost.
    expect(r.samples).toBeGreaterThanOrEqual(495);
    const all = await readAll(db2);
    for (const xs of all.values()) expect(xs.length).toBeGreaterThanOrEqual(99);
    await db2.close();
    // Repaired: a second open reads cleanly.
    const db3 = await DB.open(dir);
    expect(db3.openReport!.wal.corruption).toBeUndefined();
    expect(db3.openReport!.wal.samples).toBe(r.samples);
    await db3.close();
  });

  it('truncates the head and checkpoints the WAL', async () => {
    const db = await DB.open(dir, { walSegmentSizeBytes: 32 * 1024, chunkRangeMs: 3600_000 });
    await fill(db, 20, 600);
    const wal = join(dir, 'wal');
    const before = (await readdir(wal)).filter((n) => /^\d+$/.test(n)).length;
    expect(before).toBeGreaterThan(3);
    await db.truncateHead(300_000);
    const names = await readdir(wal);
    expect(names.some((n) => n.startsWith('checkpoint.'))).toBe(true);
    const expected = await readAll(db);
    await db.close();
    const db2 = await DB.open(dir, { chunkRangeMs: 3600_000 });
    expect(db2.openReport!.wal.checkpoint).toBeDefined();
    const got = await readAll(db2);
    // The head drops whole chunks, the checkpoint every sample before mint, and chunks_head/
    // files are deleted whole: compare from mint on.
    expect(got.size).toBe(20);
    const from = (xs: [number, number][]) => xs.filter(([t]) => t >= 300_000);
    for (const [k, xs] of expected) expect(from(got.get(k)!)).toEqual(from(xs));
    await db2.close();
  });
});
