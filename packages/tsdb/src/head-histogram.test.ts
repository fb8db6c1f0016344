// Native histogram samples in the head: the appenders' checks (Prometheus headAppender.AppendHistogram).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import {
  DuplicateSampleForTimestampError,
  Encoding,
  type Histogram,
  histogramToFloat,
  OutOfOrderSampleError,
} from '@tsprom/storage-interfaces';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DB } from './db.js';
import { Head } from './head.js';
import { InvalidHistogramError } from './histogram-validate.js';
import { RecordType } from './record/record-type.js';
import { type AnySample, counterHistogram, readAnySamples, withoutHint } from './testing/histogram-data.js';
import { readAllRecords } from './wlog/read-all.js';

const lat = Labels.fromStrings('__name__', 'lat');

function hist(count: number): Histogram {
  return {
    counterResetHint: 0,
    schema: 0,
    zeroThreshold: 0.001,
    zeroCount: 1,
    count,
    sum: 1.5 * count,
    positiveSpans: [{ offset: 0, length: 1 }],
    negativeSpans: [],
    positiveBuckets: [count - 1],
    negativeBuckets: [],
  };
}

describe('head appenders and histograms', () => {
  it('reject an invalid histogram before buffering it, naming what is wrong', async () => {
    const head = new Head();
    const app = head.appender();
    expect(() => app.appendHistogram(0, lat, 1000, { ...hist(5), count: 7 }, undefined)).toThrow(InvalidHistogramError);
    expect(() => app.appendHistogram(0, lat, 1000, { ...hist(5), positiveBuckets: [4, 1] }, undefined)).toThrow(
      /spans need 1 buckets, have 2 buckets/,
    );
    const v2 = head.appenderV2();
    expect(() => v2.append(0, lat, 0, 1000, 0, { ...hist(5), schema: 12 }, undefined)).toThrow(
      /invalid schema, which must be between -4 and 8: got 12/,
    );
    await app.commit();
    await v2.commit();
    expect(head.stats().numSamples).toBe(0);
  });
});

describe('histogram samples in the head', () => {
  it('come back from a select as they were appended, through both appenders', async () => {
    const head = new Head();
    let ref = 0;
    for (let i = 0; i < 300; i++) {
      const app = head.appender();
      ref = app.appendHistogram(ref, lat, 1000 * i, counterHistogram(i), undefined);
      await app.commit();
    }
    const v2 = head.appenderV2();
    v2.append(0, lat, 0, 300_000, 0, counterHistogram(300), undefined);
    await v2.commit();
    const q = head.querier(-Infinity, Infinity);
    const got = (await readAnySamples(q)).get(lat.toString())!;
    await q.close();
    expect(got.length).toBe(301);
    for (let i = 0; i <= 300; i++) {
      expect(got[i]!.t).toBe(1000 * i);
      expect(withoutHint(got[i]!.h!)).toEqual(withoutHint(counterHistogram(i)));
    }
    expect(head.stats().numSamples).toBe(301);
  });

  it('start a new chunk where a series changes from floats to histograms and back', async () => {
    const head = new Head();
    // One commit per type: a commit applies its floats before its histograms (as Prometheus).
    let app = head.appender();
    for (let i = 0; i < 5; i++) app.append(0, lat, i, i * 1.5);
    await app.commit();
    app = head.appender();
    for (let i = 5; i < 10; i++) app.appendHistogram(0, lat, i, counterHistogram(i), undefined);
    await app.commit();
    app = head.appender();
    for (let i = 10; i < 12; i++) app.append(0, lat, i, i * 1.5);
    await app.commit();
    const q = head.querier(-Infinity, Infinity);
    const got = (await readAnySamples(q)).get(lat.toString())!;
    await q.close();
    expect(got.map((s) => (s.h !== undefined ? 'h' : 'f')).join('')).toBe('fffffhhhhhff');
    expect(got.map((s) => s.t)).toEqual([...Array(12).keys()]);
    expect(got[11]!.v).toBe(16.5);
    const cq = head.chunkQuerier(-Infinity, Infinity);
    const set = await cq.select(false, undefined, [new Matcher(MatchType.Equal, '__name__', 'lat')]);
    expect(set.next()).toBe(true);
    const encodings: number[] = [];
    const it = set.at().chunkIterator();
    while (it.next()) encodings.push(it.at().chunk.encoding());
    await cq.close();
    expect(encodings).toEqual([Encoding.XOR, Encoding.Histogram, Encoding.XOR]);
  });

  it('treat a histogram at the latest time as Prometheus does: equal is a no-op, else a duplicate', async () => {
    const head = new Head();
    const app = head.appender();
    app.appendHistogram(0, lat, 1000, counterHistogram(1), undefined);
    await app.commit();
    const app2 = head.appender();
    expect(app2.appendHistogram(0, lat, 1000, counterHistogram(1), undefined)).toBeGreaterThan(0);
    expect(() => app2.appendHistogram(0, lat, 1000, counterHistogram(2), undefined)).toThrow(
      DuplicateSampleForTimestampError,
    );
    expect(() => app2.append(0, lat, 1000, 1)).toThrow(DuplicateSampleForTimestampError);
    expect(() => app2.appendHistogram(0, lat, 999, counterHistogram(2), undefined)).toThrow(OutOfOrderSampleError);
    await app2.commit();
    expect(head.stats().numSamples).toBe(1);
  });
});

describe('histogram samples in a DB', () => {
  it('survive a reopen (WAL and chunks_head/) and a compaction into a block', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsdb-histograms-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const opts = { chunkRangeMs: 60_000, autoCompaction: false, logger: () => {} };
    const want = new Map<string, AnySample[]>();
    const g = Labels.fromStrings('__name__', 'g');
    const db = await DB.open(dir, opts);
    let ref = 0;
    let gref = 0;
    // 4 chunk ranges at 1 s: chunks cut at the range boundaries (and at a counter reset) go to
    // chunks_head/; the last range stays in the WAL.
    for (let i = 0; i < 240; i++) {
      const app = db.appender();
      const h = counterHistogram(i < 100 ? i : i - 100); // A counter reset at 100.
      ref = app.appendHistogram(ref, lat, 1000 * i, h, undefined);
      gref = app.append(gref, g, 1000 * i, i / 4);
      await app.commit();
      (want.get(lat.toString()) ?? want.set(lat.toString(), []).get(lat.toString())!).push({ t: 1000 * i, h });
      (want.get(g.toString()) ?? want.set(g.toString(), []).get(g.toString())!).push({ t: 1000 * i, v: i / 4 });
    }
    await db.close();
    const walTypes = new Set<number>();
    await readAllRecords(join(dir, 'wal'), (rec) => walTypes.add(rec[0]!));
    expect(walTypes.has(RecordType.HistogramSamples)).toBe(true);

    const check = async (d: DB): Promise<void> => {
      const q = d.querier(-Infinity, Infinity);
      const got = await readAnySamples(q);
      await q.close();
      expect([...got.keys()]).toEqual([...want.keys()].sort());
      for (const [k, w] of want) {
        const samples = got.get(k)!;
        expect(samples.length).toBe(w.length);
        for (let i = 0; i < w.length; i++) {
          expect(samples[i]!.t).toBe(w[i]!.t);
          if (w[i]!.h !== undefined) expect(withoutHint(samples[i]!.h!)).toEqual(withoutHint(w[i]!.h!));
          else expect(Object.is(samples[i]!.v, w[i]!.v)).toBe(true);
        }
      }
    };
    const db2 = await DB.open(dir, opts);
    expect(db2.openReport?.wal?.mmappedChunks).toBeGreaterThan(0);
    await check(db2);
    await db2.compact();
    expect(db2.blocks().length).toBeGreaterThan(0);
    await check(db2);
    await db2.close();
    const db3 = await DB.open(dir, opts);
    await check(db3);
    await db3.close();
  });
});

describe('histograms and the out-of-order head', () => {
  it('refuses out-of-order histograms without a window, and reads in-order histograms merged with out-of-order floats', async () => {
    const noWindow = new Head();
    let app = noWindow.appender();
    app.appendHistogram(0, lat, 10_000, counterHistogram(10), undefined);
    await app.commit();
    app = noWindow.appender();
    expect(() => app.appendHistogram(0, lat, 1000, counterHistogram(1), undefined)).toThrow(OutOfOrderSampleError);
    await app.rollback();
    const head = new Head({ outOfOrderTimeWindowMs: 60_000 });
    app = head.appender();
    for (let i = 10; i < 15; i++) app.appendHistogram(0, lat, 1000 * i, counterHistogram(i), undefined);
    await app.commit();
    app = head.appender();
    app.append(0, lat, 5000, 2.5); // Out of order, within the window: a float goes to the OOO head.
    await app.commit();
    const q = head.querier(-Infinity, Infinity);
    const got = (await readAnySamples(q)).get(lat.toString())!;
    await q.close();
    expect(got.map((s) => s.t)).toEqual([5000, 10_000, 11_000, 12_000, 13_000, 14_000]);
    expect(got[0]!.v).toBe(2.5);
    for (let i = 1; i < got.length; i++) {
      expect(withoutHint(got[i]!.h!)).toEqual(withoutHint(counterHistogram(i + 9)));
    }
  });
});

describe('float histograms', () => {
  it('are stored in float histogram chunks, logged as type 8 records and replayed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsdb-float-histograms-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const opts = { autoCompaction: false, logger: () => {} };
    const db = await DB.open(dir, opts);
    for (let i = 0; i < 30; i++) {
      const app = db.appenderV2();
      // Integer histograms first, then float ones: the series changes chunk encoding at 20.
      if (i < 20) app.append(0, lat, 0, 1000 * i, 0, counterHistogram(i), undefined);
      else app.append(0, lat, 0, 1000 * i, 0, undefined, histogramToFloat(counterHistogram(i)));
      await app.commit();
    }
    await db.close();
    const types = new Set<number>();
    await readAllRecords(join(dir, 'wal'), (rec) => types.add(rec[0]!));
    expect(types.has(RecordType.FloatHistogramSamples)).toBe(true);
    const db2 = await DB.open(dir, opts);
    const q = db2.querier(-Infinity, Infinity);
    const got = (await readAnySamples(q)).get(lat.toString())!;
    await q.close();
    await db2.close();
    expect(got.length).toBe(30);
    for (let i = 0; i < 30; i++) {
      if (i < 20) expect(withoutHint(got[i]!.h!)).toEqual(withoutHint(counterHistogram(i)));
      else expect(withoutHint(got[i]!.fh!)).toEqual(withoutHint(histogramToFloat(counterHistogram(i))));
    }
  });
});

describe('exemplars of histogram samples', () => {
  it('are kept through AppenderV2, several at one time (one per bucket), and replayed from the WAL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsdb-histogram-exemplars-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const opts = { autoCompaction: false, logger: () => {}, maxExemplars: 10 };
    const db = await DB.open(dir, opts);
    const app = db.appenderV2();
    const exemplars = [0.5, 3].map((value, i) => ({
      labels: Labels.fromStrings('trace_id', `t${i}`),
      value,
      ts: 1000,
      hasTs: true,
    }));
    app.append(0, lat, 0, 1000, 0, counterHistogram(3), undefined, { exemplars });
    await app.commit();
    const all = [new Matcher(MatchType.Equal, '__name__', 'lat')];
    expect(db.exemplars(0, 2000, all)[0]!.exemplars.map((e) => e.value)).toEqual([0.5, 3]);
    await db.close();
    const db2 = await DB.open(dir, opts);
    expect(db2.exemplars(0, 2000, all)[0]!.exemplars.map((e) => e.value)).toEqual([0.5, 3]);
    expect(db2.resizeExemplars(1)).toBe(1);
    expect(db2.exemplars(0, 2000, all)[0]!.exemplars.map((e) => e.value)).toEqual([3]);
    await db2.close();
  });
});
