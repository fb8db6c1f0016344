import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RecordEncoder } from '../record/record-encoder.js';
import type { RefSample, RefSeries } from '../record/ref-types.js';
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
