import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Labels } from '@tsprom/labels';
import { histogramToFloat } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RecordEncoder } from '../record/record-encoder.js';
import type { RefFloatHistogramSample, RefHistogramSample, RefSample, RefSeries } from '../record/ref-types.js';
import { DB } from '../db.js';
import { counterHistogram } from '../testing/histogram-data.js';
import { checkpoint } from './checkpoint.js';
import { Watcher, type WatcherWriter } from './watcher.js';
import { WL } from './wl.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'watcher-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

class Recorder implements WatcherWriter {
  series = new Map<number, { labels: string; segment: number }>();
  samples: RefSample[] = [];
  resets: number[] = [];
  storeSeries(series: RefSeries[], segment: number): void {
    for (const s of series) this.series.set(s.ref, { labels: s.labels.toString(), segment });
  }
  append(samples: RefSample[]): void {
    this.samples.push(...samples);
  }
  seriesReset(segment: number): void {
    this.resets.push(segment);
    for (const [ref, s] of this.series) if (s.segment < segment) this.series.delete(ref);
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000; // A bound for a loaded machine; the poll ends as soon as the condition holds.
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const enc = new RecordEncoder();
const series = (ref: number): RefSeries => ({ ref, labels: Labels.fromStrings('__name__', 'm', 'ref', String(ref)) });

it('follows the WAL like remote write: old series, new samples, segment changes, checkpoints', async () => {
  // History: two segments with series 1..3 and samples at t=1..10, older than the watcher.
  const w0 = await WL.open(dir);
  await w0.log(enc.series([series(1), series(2), series(3)]));
  for (let t = 1; t <= 10; t++) await w0.log(enc.samples([{ ref: 1, t, v: t }]));
  await w0.nextSegment();
  await w0.log(enc.samples([{ ref: 2, t: 11, v: 11 }]));
  await w0.close();

  const rec = new Recorder();
  const errors: unknown[] = [];
  const watcher = new Watcher(dir, rec, { startTimeMs: 1000, pollIntervalMs: 10, onError: (e) => errors.push(e) });
  watcher.start();
  try {
    await until(() => rec.series.size === 3, 'old series');
    expect(rec.samples).toEqual([]); // All older than the start time.

    const w = await WL.open(dir); // Segment 2.
    await w.log(
      enc.series([series(4)]),
      enc.samples([
        { ref: 4, t: 1001, v: 1 },
        { ref: 1, t: 999, v: 0 },
      ]),
    );
    await until(() => rec.samples.length === 1, 'the first new sample');
    expect(rec.samples[0]).toEqual({ ref: 4, t: 1001, v: 1 });
    expect(rec.series.get(4)?.segment).toBe(2);

    await w.nextSegment(); // Segment 3.
    await w.log(enc.samples([{ ref: 4, t: 1002, v: 2 }]));
    await until(() => rec.samples.length === 2, 'a sample in the next segment');

    // A checkpoint of segments 0..2 keeping series 1 and 4: series 2 and 3 may be forgotten.
    await checkpoint(dir, 0, 2, (ref) => ref === 1 || ref === 4, 1000);
    await w.truncate(3);
    await w.log(enc.samples([{ ref: 4, t: 1003, v: 3 }]));
    await until(() => rec.resets.length === 1, 'series reset after the checkpoint');
    expect(rec.resets).toEqual([2]);
    expect([...rec.series.keys()].sort()).toEqual([1, 4]);
    await until(() => rec.samples.length === 3, 'samples after the checkpoint');
    await w.close();
  } finally {
    await watcher.stop();
  }
  expect(errors).toEqual([]);
});

it('hands the histogram samples a head logs to the writer (integer and float)', async () => {
  const db = await DB.open(join(dir, 'data'), { autoCompaction: false, logger: () => {} });
  const got: { ref: number; t: number; count: number; float: boolean }[] = [];
  const rec = new (class extends Recorder {
    appendHistograms(samples: RefHistogramSample[]): void {
      for (const s of samples) got.push({ ref: s.ref, t: s.t, count: s.h.count, float: false });
    }
    appendFloatHistograms(samples: RefFloatHistogramSample[]): void {
      for (const s of samples) got.push({ ref: s.ref, t: s.t, count: s.fh.count, float: true });
    }
  })();
  const watcher = new Watcher(join(dir, 'data', 'wal'), rec, { startTimeMs: 0, pollIntervalMs: 10 });
  watcher.start();
  try {
    const l = Labels.fromStrings('__name__', 'h');
    for (let i = 1; i <= 4; i++) {
      const app = db.appenderV2();
      const h = counterHistogram(i);
      if (i <= 2) app.append(0, l, 0, 1000 * i, 0, h, undefined);
      else app.append(0, l, 0, 1000 * i, 0, undefined, histogramToFloat(h));
      await app.commit();
    }
    await until(() => got.length === 4, 'four histogram samples');
    const ref = [...rec.series.keys()][0]!;
    expect(got).toEqual(
      [1, 2, 3, 4].map((i) => ({ ref, t: 1000 * i, count: counterHistogram(i).count, float: i > 2 })),
    );
  } finally {
    await watcher.stop();
    await db.close();
  }
});
