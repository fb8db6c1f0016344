import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import {
  CounterResetHint,
  type Histogram,
  OutOfOrderSampleError,
  OutOfOrderSTError,
  ValueType,
} from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DirLockedError } from '../block/errors.js';
import { DB } from '../db.js';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordType } from '../record/record-type.js';
import { lastCheckpoint } from '../wlog/checkpoint.js';
import { readAllRecords } from '../wlog/read-all.js';
import { AgentDB, AgentUnsupportedError } from './agent-db.js';

let dir: string;
let db: AgentDB | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-agent-'));
});
afterEach(async () => {
  await db?.close();
  db = undefined;
  await rm(dir, { recursive: true, force: true });
});

const quiet = (): void => {};
const series = (i: number): Labels => Labels.fromStrings('__name__', 'm', 'i', String(i), 'pad', 'x'.repeat(40));

/** Appends `n` commits of one sample per series at t0 + j * 1000, value i * 1000 + j. */
async function fill(a: AgentDB, nSeries: number, n: number, t0: number, from = 0): Promise<void> {
  const refs = new Array<number>(nSeries).fill(0);
  for (let j = 0; j < n; j++) {
    const app = a.appender();
    for (let i = from; i < from + nSeries; i++) {
      refs[i - from] = app.append(refs[i - from]!, series(i), t0 + j * 1000, i * 1000 + j);
    }
    await app.commit();
  }
}

describe('AgentDB', () => {
  it('writes a WAL the tsdb reads back: every series and sample, in Prometheus record format', async () => {
    db = await AgentDB.open(dir, { logger: quiet });
    await fill(db, 5, 20, 1_000_000);
    const app = db.appender();
    const l = series(0);
    app.updateMetadata(0, l, { type: 'counter', unit: '', help: 'a help' });
    app.appendExemplar(0, l, { labels: Labels.fromStrings('trace_id', 't1'), value: 7, ts: 1_019_000, hasTs: true });
    await app.commit();
    await db.close();
    db = undefined;

    // The WAL reader sees the records as the agent wrote them.
    const dec = new RecordDecoder();
    const types = new Map<RecordType, number>();
    let samples = 0;
    await readAllRecords(join(dir, 'wal'), (rec) => {
      const t = dec.type(rec);
      types.set(t, (types.get(t) ?? 0) + 1);
      if (t === RecordType.Samples) samples += dec.samples(rec).length;
    });
    expect(samples).toBe(100);
    expect(types.get(RecordType.Series)).toBe(1);
    expect(types.get(RecordType.Metadata)).toBe(1);
    expect(types.get(RecordType.Exemplars)).toBe(1);

    // The tsdb replays the agent's WAL as its own: the same samples come back from a query.
    const ro = await DB.open(dir, { readOnly: true, logger: quiet });
    try {
      const q = ro.querier(-Infinity, Infinity);
      const set = await q.select(true, undefined, []);
      const got = new Map<string, [number, number][]>();
      while (set.next()) {
        const it = set.at().iterator();
        const xs: [number, number][] = [];
        while (it.next() !== ValueType.None) xs.push([it.atT(), it.atV()]);
        got.set(set.at().labels().get('i'), xs);
      }
      await q.close();
      expect(got.size).toBe(5);
      for (let i = 0; i < 5; i++) {
        expect(got.get(String(i))).toEqual(Array.from({ length: 20 }, (_, j) => [1_000_000 + j * 1000, i * 1000 + j]));
      }
    } finally {
      await ro.close();
    }
  });

  it('appends a zero histogram at a start timestamp newer than the series, and logs it', async () => {
    db = await AgentDB.open(dir, { logger: quiet });
    const h: Histogram = {
      counterResetHint: CounterResetHint.Unknown,
      schema: 1,
      zeroThreshold: 0.25,
      zeroCount: 1,
      count: 3,
      sum: 4,
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeSpans: [],
      positiveBuckets: [1, 0],
      negativeBuckets: [],
    };
    const l = series(0);
    let app = db.appender();
    const ref = app.appendHistogramSTZeroSample(0, l, 2000, 1500, h, undefined);
    app.appendHistogram(ref, l, 2000, h, undefined);
    await app.commit();
    app = db.appender();
    // Not newer than the series' newest sample, or not before the sample: refused.
    expect(() => app.appendHistogramSTZeroSample(ref, l, 3000, 2000, h, undefined)).toThrow(OutOfOrderSTError);
    expect(() => app.appendHistogramSTZeroSample(ref, l, 3000, 3000, h, undefined)).toThrow(OutOfOrderSTError);
    await app.rollback();
    await db.close();
    db = undefined;

    const dec = new RecordDecoder();
    const got: [number, Histogram][] = [];
    await readAllRecords(join(dir, 'wal'), (rec) => {
      if (dec.type(rec) === RecordType.HistogramSamples) {
        for (const x of dec.histogramSamples(rec)) got.push([x.t, x.h]);
      }
    });
    expect(got.map(([t, x]) => [t, x.count, x.schema, x.zeroThreshold, x.positiveBuckets.length])).toEqual([
      [1500, 0, 1, 0.25, 0],
      [2000, 3, 1, 0.25, 2],
    ]);
    expect(got[0]![1].counterResetHint).toBe(CounterResetHint.CounterReset);
  });

  it('rebuilds series and newest timestamps on reopen: refs are kept, older samples refused', async () => {
    db = await AgentDB.open(dir, { logger: quiet });
    let app = db.appender();
    const ref = app.append(0, series(1), 5000, 1);
    await app.commit();
    expect(db.stats().samplesAppended).toBe(1);
    await db.close();

    db = await AgentDB.open(dir, { logger: quiet });
    expect(db.numSeries).toBe(1);
    expect(db.stats().activeSeries).toBe(1);
    app = db.appender();
    expect(() => app.append(0, series(1), 4000, 2)).toThrow(OutOfOrderSampleError);
    expect(app.append(0, series(1), 6000, 2)).toBe(ref);
    const other = app.append(0, series(2), 6000, 2);
    expect(other).toBeGreaterThan(ref);
    await app.commit();
    expect(db.stats().outOfOrderSamples).toBe(1);
  });

  it('refuses queries and a second open of the directory', async () => {
    db = await AgentDB.open(dir, { logger: quiet });
    expect(() => db!.querier(0, 1)).toThrow(AgentUnsupportedError);
    await expect(AgentDB.open(dir, { logger: quiet })).rejects.toThrow(DirLockedError);
  });

  it('truncates: inactive series are dropped, old segments become a checkpoint, new samples stay', async () => {
    // 32 KiB segments: a few hundred samples fill one.
    db = await AgentDB.open(dir, { logger: quiet, walSegmentSizeBytes: 32 * 1024, walCompression: false });
    await fill(db, 50, 200, 0, 0); // series 0-49, t in [0, 199 s]
    await fill(db, 50, 200, 500_000, 50); // series 50-99, t in [500 s, 699 s]
    const walDir = join(dir, 'wal');
    const before = (await readdir(walDir)).filter((n) => /^\d+$/.test(n)).map(Number);
    expect(before.length).toBeGreaterThan(6);
    await db.truncate(400_000);
    expect(db.numSeries).toBe(50); // Series 0-49 got no sample since 400 s.
    expect(db.stats().deletedSeries).toBe(50);
    expect(db.stats().checkpointCreations).toBe(1);
    const after = await readdir(walDir);
    const cps = after.filter((n) => n.startsWith('checkpoint.'));
    expect(cps).toHaveLength(1);
    const cpIndex = Number(cps[0]!.slice('checkpoint.'.length));
    const segs = after.filter((n) => /^\d+$/.test(n)).map(Number);
    expect(Math.min(...segs)).toBe(cpIndex + 1);
    // The lower two thirds of the segments before the one being written.
    expect(cpIndex).toBe(before[0]! + Math.floor(((before.at(-1)! - 1 - before[0]!) * 2) / 3));

    // Reopened, the agent knows the live series from the checkpoint and the segments after it.
    await db.close();
    db = await AgentDB.open(dir, { logger: quiet });
    // The dropped series' records stay in the checkpoint until one passes the segment they were
    // dropped in (as Prometheus); with no sample left they go at the next GC.
    expect(db.numSeries).toBe(100);
    const app = db.appender();
    expect(() => app.append(0, series(75), 600_000, 0)).toThrow(OutOfOrderSampleError);
    await app.rollback();
    await db.truncate(400_000);
    expect(db.numSeries).toBe(50);
  });

  it('keeps the segments remote write has not sent entirely', async () => {
    db = await AgentDB.open(dir, { logger: quiet, walSegmentSizeBytes: 32 * 1024, walCompression: false });
    await fill(db, 50, 400, 0);
    const walDir = join(dir, 'wal');
    const segs = (await readdir(walDir)).filter((n) => /^\d+$/.test(n)).map(Number);
    expect(segs.length).toBeGreaterThan(6);
    // Remote write still needs segment 2: only segments 0 and 1 may go.
    await db.truncate(0, 2);
    const after = await readdir(walDir);
    expect(after).toContain('checkpoint.00000001');
    expect(after).toContain('00000002');
    expect(after).not.toContain('00000001');
    // Nothing sent yet: nothing is checkpointed.
    await db.truncate(0, 2);
    expect(db.stats().checkpointCreations).toBe(1);
  });

  it('keeps unsent segments on its own truncations, but not those older than the maximum WAL time', async () => {
    const hour = 3600_000;
    let unsent = 0;
    db = await AgentDB.open(dir, {
      logger: quiet,
      walSegmentSizeBytes: 32 * 1024,
      walCompression: false,
      truncateFrequencyMs: 20,
      maxWALTimeMs: 4 * hour,
      now: () => 10 * hour,
      // Remote write sent nothing: only the maximum WAL time lets segments go.
      remoteWrite: { lowestSentTimestamp: () => 0, lowestUnsentSegment: () => unsent },
    });
    await fill(db, 50, 400, 0); // Samples 10 h old: past the 4 h maximum.
    const oldEnd = db.activeSegment;
    await fill(db, 50, 400, 9 * hour); // Samples 1 h old, unsent.
    const walDir = join(dir, 'wal');
    await vi.waitFor(async () => expect(await lastCheckpoint(walDir)).toBeDefined(), { timeout: 20_000 });
    // Let a few more truncations run: the fresh unsent segments stay.
    // (each truncation starts a new segment).
    const seen = db.activeSegment;
    await vi.waitFor(() => expect(db!.activeSegment).toBeGreaterThan(seen + 2), { timeout: 20_000 });
    const segs = (await readdir(walDir)).filter((n) => /^\d+$/.test(n)).map(Number);
    expect(Math.min(...segs)).toBeGreaterThanOrEqual(oldEnd - 1);
    expect(Math.min(...segs)).toBeLessThanOrEqual(oldEnd + 1);
    expect((await lastCheckpoint(walDir))!.index).toBeLessThan(oldEnd + 1);
    unsent = Number.POSITIVE_INFINITY; // Everything sent now.
    await vi.waitFor(async () => expect((await lastCheckpoint(walDir))!.index).toBeGreaterThan(oldEnd + 1), {
      timeout: 20_000,
    });
  });
});
