// WAL replay in slices: a series record too large to decode at once is decoded in pieces, and the
// event loop gets turns while a WAL replays.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DB } from './db.js';
import { Head } from './head.js';
import { replayWAL } from './head-replay.js';
import { RecordEncoder, RecordType, TimeSlicer, WL, WLReader } from './wal-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-replay-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function labelsOf(i: number): Labels {
  return Labels.fromStrings('__name__', `metric_${i % 7}`, 'instance', `host-${i}.example.org:9100`, 'job', 'node');
}

/** One commit creates `n` series (one series record), then `rounds` commits of a sample each. */
async function write(n: number, rounds: number): Promise<void> {
  const db = await DB.open(dir, { logger: () => {} });
  const refs = new Array<number>(n).fill(0);
  for (let r = 0; r < rounds; r++) {
    const app = db.appender();
    for (let i = 0; i < n; i++) refs[i] = app.append(refs[i]!, labelsOf(i), r * 1000, r + i);
    await app.commit();
  }
  await db.close();
  await rm(join(dir, 'chunks_head'), { recursive: true, force: true });
}

/**
 * A WAL as Prometheus writes it for a first commit of `n` series: one series record holding them
 * all (the DB's own WAL splits it), then `rounds` samples records of a sample per series.
 */
async function writeOneSeriesRecord(n: number, rounds: number): Promise<void> {
  const wal = await WL.open(join(dir, 'wal'));
  const enc = new RecordEncoder();
  const series = Array.from({ length: n }, (_, i) => ({ ref: i + 1, labels: labelsOf(i) }));
  await wal.log(enc.series(series));
  for (let r = 0; r < rounds; r++) {
    await wal.log(enc.samples(series.map(({ ref }, i) => ({ ref, t: r * 1000, v: r + i }))));
  }
  await wal.close();
}

it('replays a series record of 5,000 series (decoded in pieces) with every series and sample', async () => {
  await writeOneSeriesRecord(5000, 3);
  // The first commit's series record is far larger than a piece (64 KiB).
  const r = await WLReader.open(join(dir, 'wal'));
  let largest = 0;
  while (r.next()) if (r.record()[0] === RecordType.Series) largest = Math.max(largest, r.record().length);
  expect(largest).toBeGreaterThan(3 * 64 * 1024);

  const db = await DB.open(dir, { logger: () => {} });
  expect(db.openReport!.wal.series).toBe(5000);
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const seen = new Set<string>();
  while (set.next()) {
    const s = set.at();
    const i = Number(/host-(\d+)\./.exec(s.labels().get('instance'))![1]);
    expect(s.labels().toString()).toBe(labelsOf(i).toString());
    const it = s.iterator();
    const vs: number[] = [];
    while (it.next() !== ValueType.None) vs.push(it.atV());
    expect(vs).toEqual([i, 1 + i, 2 + i]);
    seen.add(s.labels().toString());
  }
  expect(seen.size).toBe(5000);
  await q.close();
  await db.close();
});

it('gives the event loop turns while it replays', async () => {
  await write(3000, 20);
  let ticks = 0;
  let replaying = true;
  const tick = (): void => {
    if (!replaying) return;
    ticks++;
    setImmediate(tick);
  };
  setImmediate(tick);
  // A slice of 0 ms is always used up: the replay yields at every point where it may.
  const slicer = new TimeSlicer(0);
  const head = new Head();
  const report = await replayWAL(head.state, join(dir, 'wal'), { readOnly: true, slicer });
  replaying = false;
  expect(report.samples).toBe(3000 * 20);
  expect(slicer.yields).toBeGreaterThan(5);
  // Each yield is a setImmediate turn, in which the ticker ran once.
  expect(ticks).toBeGreaterThanOrEqual(slicer.yields - 1);
});
