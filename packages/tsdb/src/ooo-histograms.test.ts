// Out-of-order native histograms (Prometheus 3: head_append.go appendHistogram with an out-of-order
// window, ooo_head.go OOOChunk with histogram samples, the WBL's histogram records, the out-of-order
// head's readers and compaction).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import {
  CounterResetHint,
  Encoding,
  type FloatHistogram,
  type Histogram,
  histogramToFloat,
  OutOfOrderSampleError,
  TooOldSampleError,
} from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Block } from './block/block.js';
import { isULID } from './block/ulid.js';
import { DB, type DBOptions, headOf } from './db.js';
import { Head } from './head.js';
import { RecordType } from './record/record-type.js';
import { type AnySample, counterHistogram, readAnySamples, withoutHint } from './testing/histogram-data.js';
import { readAllRecords } from './wlog/read-all.js';

const lat = Labels.fromStrings('__name__', 'lat');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-ooo-histograms-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The sample expected at `t`: an integer histogram, or (where `float`) its float form. */
interface Want {
  t: number;
  h?: Histogram;
  fh?: FloatHistogram;
}

function integer(t: number, n: number): Want {
  return { t, h: counterHistogram(n) };
}

function float(t: number, n: number): Want {
  return { t, fh: histogramToFloat(counterHistogram(n)) };
}

/** Appends each of `ws` in a commit of its own. */
async function appendAll(db: DB | Head, ws: readonly Want[]): Promise<void> {
  for (const w of ws) {
    const app = db.appender();
    app.appendHistogram(0, lat, w.t, w.h, w.fh);
    await app.commit();
  }
}

async function samplesOf(db: DB | Head, mint = -Infinity, maxt = Infinity): Promise<AnySample[]> {
  const q = db.querier(mint, maxt);
  try {
    return (await readAnySamples(q)).get(lat.toString()) ?? [];
  } finally {
    await q.close();
  }
}

/** Compares samples with what was appended, hints aside; returns the hints read. */
function expectSamples(got: readonly AnySample[], want: readonly Want[]): CounterResetHint[] {
  const sorted = [...want].sort((a, b) => a.t - b.t);
  expect(got.map((s) => s.t)).toEqual(sorted.map((w) => w.t));
  const hints: CounterResetHint[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const w = sorted[i]!;
    const g = got[i]!;
    if (w.h !== undefined) {
      expect(g.h, `integer histogram at ${w.t}`).toBeDefined();
      expect(withoutHint(g.h!)).toEqual(withoutHint(w.h));
      hints.push(g.h!.counterResetHint);
    } else {
      expect(g.fh, `float histogram at ${w.t}`).toBeDefined();
      expect(withoutHint(g.fh!)).toEqual(withoutHint(w.fh!));
      hints.push(g.fh!.counterResetHint);
    }
  }
  return hints;
}

const inOrder: Want[] = [100, 101, 102, 103, 104].map((s) => integer(s * 1000, s));

describe('out-of-order histograms in the head', () => {
  it('go to the out-of-order head within the window and are read merged with the in-order ones', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 60_000 });
    await appendAll(head, inOrder);
    const ooo = [integer(50_000, 50), float(60_000, 60), integer(70_000, 70), integer(100_500, 1)];
    await appendAll(head, ooo);
    expect(head.stats().numSamples).toBe(9);
    const hints = expectSamples(await samplesOf(head), [...inOrder, ...ooo]);
    // Out of order, nothing says what a histogram follows: none claims not to be a reset.
    for (const i of [0, 1, 2, 4]) expect(hints[i]).toBe(CounterResetHint.Unknown);
    // In range only.
    expectSamples(await samplesOf(head, 55_000, 100_000), [float(60_000, 60), integer(70_000, 70), inOrder[0]!]);
  });

  it('refuses histograms before the window (too old), and out-of-order ones when asked to', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 60_000 });
    await appendAll(head, inOrder);
    let app = head.appender();
    // The head's max time is 104s: the window starts at 44s.
    expect(() => app.appendHistogram(0, lat, 43_999, counterHistogram(1), undefined)).toThrow(TooOldSampleError);
    app.appendHistogram(0, lat, 44_000, counterHistogram(1), undefined);
    await app.commit();
    const v2 = head.appenderV2();
    expect(() => v2.append(0, lat, 0, 45_000, 0, counterHistogram(2), undefined, { rejectOutOfOrder: true })).toThrow(
      OutOfOrderSampleError,
    );
    await v2.commit();
    expectSamples(await samplesOf(head), [integer(44_000, 1), ...inOrder]);
    // A second sample at a time the out-of-order head holds is dropped, as Prometheus does.
    app = head.appender();
    app.appendHistogram(0, lat, 44_000, counterHistogram(9), undefined);
    await app.commit();
    expectSamples(await samplesOf(head), [integer(44_000, 1), ...inOrder]);
  });

  it('mix with out-of-order floats of the same series', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 60_000 });
    await appendAll(head, inOrder);
    const app = head.appender();
    app.append(0, lat, 80_000, 8);
    app.appendHistogram(0, lat, 81_000, counterHistogram(81), undefined);
    app.append(0, lat, 82_000, 8.5);
    await app.commit();
    const got = await samplesOf(head);
    expect(got.map((s) => s.t)).toEqual([80_000, 81_000, 82_000, ...inOrder.map((w) => w.t)]);
    expect(got[0]!.v).toBe(8);
    expect(withoutHint(got[1]!.h!)).toEqual(withoutHint(counterHistogram(81)));
    expect(got[2]!.v).toBe(8.5);
  });
});

describe('out-of-order histograms in the DB', () => {
  const opts: DBOptions = { outOfOrderTimeWindowMs: 1_000_000, autoCompaction: false, logger: () => {} };

  it('are logged to the WBL as histogram records and replayed from it on restart', async () => {
    const db = await DB.open(dir, opts);
    await appendAll(db, inOrder);
    const ooo = [integer(50_000, 50), float(60_000, 60), integer(70_000, 70)];
    await appendAll(db, ooo);
    await db.close();
    const types = new Set<number>();
    await readAllRecords(join(dir, 'wbl'), (rec) => types.add(rec[0]!));
    expect(types.has(RecordType.HistogramSamples)).toBe(true);
    expect(types.has(RecordType.FloatHistogramSamples)).toBe(true);
    const db2 = await DB.open(dir, opts);
    expect(db2.openReport?.wbl?.samples).toBe(3);
    expect(db2.openReport?.wbl?.skippedRecords).toBe(0);
    expect(db2.stats().numSamples).toBe(8);
    expectSamples(await samplesOf(db2), [...inOrder, ...ooo]);
    await db2.close();
  });

  it('m-map full out-of-order chunks to chunks_head/ with WBL markers and restore them', async () => {
    const db = await DB.open(dir, opts);
    await appendAll(db, inOrder);
    // 80 out-of-order histograms, newest first, in commits of 7; a float histogram every 10th.
    const ooo: Want[] = [];
    for (let k = 0; k < 80; k += 7) {
      const app = db.appender();
      for (let j = k; j < Math.min(80, k + 7); j++) {
        const w = j % 10 === 9 ? float(90_000 - j * 1000, 90 - j) : integer(90_000 - j * 1000, 90 - j);
        app.appendHistogram(0, lat, w.t, w.h, w.fh);
        ooo.push(w);
      }
      await app.commit();
    }
    const s = headOf(db).state.series.getByLabels(lat)!;
    expect(s.oooCompleted!.length).toBeGreaterThanOrEqual(2);
    expect(s.oooCompleted!.every((c) => typeof c.chunk === 'number')).toBe(true);
    const encodings = new Set(
      s.oooCompleted!.map((c) =>
        headOf(db)
          .state.chunkStore!.read(c.chunk as number)
          .encoding(),
      ),
    );
    expect(encodings).toEqual(new Set([Encoding.Histogram, Encoding.FloatHistogram]));
    const before = await samplesOf(db);
    expectSamples(before, [...inOrder, ...ooo]);
    await db.close();
    const db2 = await DB.open(dir, opts);
    expect(db2.openReport!.wal.mmappedChunks).toBeGreaterThanOrEqual(2);
    expect(db2.stats().numSamples).toBe(85);
    expectSamples(await samplesOf(db2), [...inOrder, ...ooo]);
    await db2.close();
  });
});

describe('out-of-order histograms and compaction', () => {
  const range = 10_000;
  const opts: DBOptions = {
    chunkRangeMs: range,
    outOfOrderTimeWindowMs: 20_000,
    autoCompaction: false,
    logger: () => {},
  };

  it('writes the out-of-order histograms into blocks, then truncates the WBL and the out-of-order chunks', async () => {
    const db = await DB.open(dir, opts);
    const want: Want[] = [];
    for (let t = 0; t < 16_000; t += 100) want.push(integer(t, t / 100));
    await appendAll(db, want);
    // 40 out-of-order histograms in the range compacted and after it (an m-mapped out-of-order
    // chunk and an open one); every 4th a float histogram.
    const ooo: Want[] = [];
    for (let k = 0; k < 40; k++) {
      const t = k < 20 ? 1050 + k * 100 : 11_050 + (k - 20) * 100;
      ooo.push(k % 4 === 3 ? float(t, 1000 + k) : integer(t, 1000 + k));
    }
    await appendAll(db, ooo);
    await db.compact();
    const all = [...want, ...ooo];
    expectSamples(await samplesOf(db), all);
    for (const s of headOf(db).state.series.values()) {
      expect(s.oooCompleted ?? []).toEqual([]);
      expect(s.ooo?.length ?? 0).toBe(0);
    }
    // [0, 10s) in order and out of order merged by vertical compaction; the out-of-order
    // histograms of [10s, 20s) in a block of their own.
    const blocks = db.blocks();
    expect(blocks.map((b) => [b.minTime, b.maxTime])).toEqual([
      [0, range],
      [range, 2 * range],
    ]);
    expect(blocks[0]!.stats.numSamples).toBe(100 + 20);
    expect(blocks[1]!.stats.numSamples).toBe(20);
    const block = await Block.open(join(dir, blocks[1]!.ulid));
    const q = block.chunkQuerier(-Infinity, Infinity);
    const set = await q.select(false, undefined, [new Matcher(MatchType.Equal, '__name__', 'lat')]);
    const encodings = new Set<number>();
    while (set.next()) {
      const it = set.at().chunkIterator();
      while (it.next()) encodings.add(it.at().chunk.encoding());
    }
    await q.close();
    expect(encodings).toEqual(new Set([Encoding.Histogram, Encoding.FloatHistogram]));
    const bq = block.querier(-Infinity, Infinity);
    const inBlock = (await readAnySamples(bq)).get(lat.toString())!;
    await bq.close();
    await block.close();
    expectSamples(
      inBlock,
      ooo.filter((w) => w.t >= range),
    );
    expect((await readdir(dir)).filter(isULID).length).toBe(2);
    await db.close();
    const again = await DB.open(dir, opts);
    // Reopening replays no out-of-order sample already in a block.
    expect(again.openReport?.wbl?.samples).toBe(0);
    expectSamples(await samplesOf(again), all);
    await again.close();
  });
});
