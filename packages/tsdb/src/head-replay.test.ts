// WAL replay in slices: a series record too large to decode at once is decoded in pieces (a
// damaged one is corruption, as any damaged record, in both replay paths), and the event loop gets
// turns while a WAL replays.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DB } from './db.js';
import { Head } from './head.js';
import { type ReplayReport, replayWAL } from './head-replay.js';
import {
  RecordDecoder,
  RecordEncoder,
  RecordType,
  SegmentsReader,
  segmentName,
  TimeSlicer,
  WL,
  WLReader,
} from './wal-api.js';

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

/** Every series of `head` with its samples, as text. */
async function dump(head: Head): Promise<string[]> {
  const q = head.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: string[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const pts: string[] = [];
    while (it.next() !== ValueType.None) pts.push(`${it.atT()}=${it.atV()}`);
    out.push(`${s.labels().toString()} ${pts.join(',')}`);
  }
  await q.close();
  return out;
}

/** Replays the WAL in one thread, then with a decoding worker: the reports and heads (as text). */
async function replayBoth(readOnly: boolean): Promise<{ reports: ReplayReport[]; dumps: string[][] }> {
  const reports: ReplayReport[] = [];
  const dumps: string[][] = [];
  for (const decodeInWorker of [false, true]) {
    const head = new Head();
    reports.push(await replayWAL(head.state, join(dir, 'wal'), { readOnly, decodeInWorker }));
    dumps.push(await dump(head));
    await head.close();
  }
  return { reports, dumps };
}

/** Where each record of the WAL starts and ends (one segment). */
async function recordSpans(): Promise<{ start: number; end: number; type: number }[]> {
  const out: { start: number; end: number; type: number }[] = [];
  const r = await SegmentsReader.open(join(dir, 'wal'));
  try {
    do {
      while (r.next()) out.push({ start: r.recordOffset(), end: r.offset(), type: r.record()[0]! });
    } while (await r.fill());
  } finally {
    await r.close();
  }
  return out;
}

/** A series record entry of `ref` with one label: `name` (its length and bytes), value "v". */
function rawEntry(ref: number, name: number[]): Uint8Array {
  const e = new Uint8Array(8 + 1 + name.length + 2);
  new DataView(e.buffer).setBigUint64(0, BigInt(ref));
  e[8] = 1;
  e.set(name, 9);
  e.set([1, 0x76], 9 + name.length);
  return e;
}

/**
 * A WAL of a large series record of `n` series and two samples records, then a second large series
 * record of `n` more series with `entry` between its halves (so that it falls in a middle piece),
 * then a samples record of all those series (and of ref 2n+1).
 */
async function writeWithSecondSeriesRecord(n: number, entry: Uint8Array): Promise<Uint8Array> {
  const wal = await WL.open(join(dir, 'wal'));
  const enc = new RecordEncoder();
  const first = Array.from({ length: n }, (_, i) => ({ ref: i + 1, labels: labelsOf(i) }));
  await wal.log(enc.series(first));
  for (let r = 0; r < 2; r++) await wal.log(enc.samples(first.map(({ ref }, i) => ({ ref, t: r * 1000, v: r + i }))));
  const second = Array.from({ length: n }, (_, k) => ({ ref: n + k + 1, labels: labelsOf(n + k) }));
  const a = enc.series(second.slice(0, n / 2));
  const b = enc.series(second.slice(n / 2));
  const rec = new Uint8Array(a.length + entry.length + b.length - 1);
  rec.set(a);
  rec.set(entry, a.length);
  rec.set(b.subarray(1), a.length + entry.length);
  await wal.log(rec);
  const all = [...first, ...second, { ref: 2 * n + 1 }];
  await wal.log(enc.samples(all.map(({ ref }) => ({ ref, t: 2000, v: 7 }))));
  await wal.close();
  return rec;
}

it('reports a large series record with a label length past its end as corruption, in both replay paths, and repairs it', async () => {
  const n = 3000;
  // Label name length 2^40: past the end of the record, in its middle piece.
  const rec = await writeWithSecondSeriesRecord(n, rawEntry(2 * n + 1, [0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x61]));
  expect(rec.length).toBeGreaterThan(3 * 64 * 1024);
  const spans = await recordSpans();
  expect(spans.map((s) => s.type)).toEqual([1, 2, 2, 1, 2]);
  const damaged = spans[3]!;

  const { reports, dumps } = await replayBoth(true);
  for (const report of reports) {
    const c = report.corruption!;
    expect(c.error.kind).toBe('decode');
    expect(c.error.segment).toBe(0);
    expect(c.error.offset).toBe(damaged.start);
    expect(c.error.readOffset).toBe(damaged.end);
    expect(c.error.reason).toMatch(/^decode series: invalid size/);
    expect(c.lost.laterSegments).toEqual([]);
    // Every sample before the damage, and no series of the damaged record.
    expect(report.series).toBe(n);
    expect(report.samples).toBe(2 * n);
    expect(report.records).toBe(3);
  }
  expect(reports[1]).toEqual(reports[0]);
  expect(dumps[1]).toEqual(dumps[0]);
  expect(dumps[0]!.length).toBe(n);

  // A read-write open repairs (the WAL is cut at the damaged record) and logs it.
  const logs: { msg: string; level: string }[] = [];
  const db = await DB.open(dir, { logger: (msg, level) => logs.push({ msg, level }) });
  const c = db.openReport!.wal.corruption!;
  expect(c.error.offset).toBe(damaged.start);
  expect(c.repair!.segment).toBe(0);
  expect(db.openReport!.wal.samples).toBe(2 * n);
  const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.msg);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(
    `corruption in segment ${segmentName(join(dir, 'wal'), 0)} at ${damaged.end}: decode series`,
  );
  expect(warnings[0]).toContain(`dropped the rest of segment 00000000 from offset ${damaged.start}`);
  await db.close();
  await rm(join(dir, 'chunks_head'), { recursive: true, force: true });
  const again = await replayBoth(true);
  for (const report of again.reports) {
    expect(report.corruption).toBeUndefined();
    expect(report.series).toBe(n);
    expect(report.samples).toBe(2 * n);
  }
  expect(again.dumps[0]).toEqual(dumps[0]);
  expect(again.dumps[1]).toEqual(dumps[0]);
});

it('loads a large series record with a label that is not UTF-8 as a small one, in both replay paths (not damage, as in Prometheus)', async () => {
  const n = 3000;
  const rec = await writeWithSecondSeriesRecord(n, rawEntry(2 * n + 1, [4, 0x61, 0xff, 0xfe, 0xc3]));
  const { reports, dumps } = await replayBoth(true);
  for (const report of reports) {
    expect(report.corruption).toBeUndefined();
    expect(report.series).toBe(2 * n + 1);
    expect(report.samples).toBe(4 * n + 1);
  }
  expect(reports[1]).toEqual(reports[0]);
  expect(dumps[1]).toEqual(dumps[0]);
  // The label as the decoder reads the whole record at once.
  const odd = new RecordDecoder().series(rec).find((s) => s.ref === 2 * n + 1)!;
  expect(dumps[0]).toContain(`${odd.labels.toString()} 2000=7`);
});
