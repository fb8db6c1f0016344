// WAL replay with the records read and decoded by a worker thread gives the head, the report and
// the damage that replay in one thread gives: every record type in WAL order, several segments,
// records that do not decode, damaged bytes.
import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Head } from './head.js';
import { type ReplayReport, replayWAL } from './head-replay.js';
import { counterHistogram } from './testing/histogram-data.js';
import { RecordEncoder, WL } from './wal-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-replay-worker-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const segmentSize = 4 * 32 * 1024;

function labelsOf(i: number): Labels {
  return Labels.fromStrings('__name__', `metric_${i % 7}`, 'instance', `host-${i}:9100`, 'job', 'node');
}

/**
 * A WAL of several segments: series created in three waves, samples records between them (one
 * referring to series of a later wave: unknown refs then), a tombstone, metadata, a duplicate
 * series record under a new ref.
 */
async function writeWAL(opts: { badSamples?: boolean } = {}): Promise<void> {
  const wal = await WL.open(join(dir, 'wal'), { segmentSize, compression: 'snappy' });
  const enc = new RecordEncoder();
  const n = 900;
  for (let wave = 0; wave < 3; wave++) {
    const series = Array.from({ length: n / 3 }, (_, k) => {
      const i = wave * (n / 3) + k;
      return { ref: i + 1, labels: labelsOf(i) };
    });
    await wal.log(enc.series(series));
    for (let r = 0; r < 40; r++) {
      const t = (wave * 40 + r) * 15_000;
      const upTo = (wave + 1) * (n / 3) + (r === 3 ? 5 : 0);
      const samples = Array.from({ length: upTo }, (_, i) => ({ ref: i + 1, t, v: i * 0.5 + r }));
      await wal.log(enc.samples(samples));
      if (opts.badSamples === true && wave === 2 && r === 20) {
        const rec = enc.samples([{ ref: 1, t: t + 1, v: 1 }]);
        await wal.log(rec.subarray(0, rec.length - 3));
      }
    }
    await wal.log(enc.tombstones([{ ref: wave + 1, intervals: [{ mint: 0, maxt: 30_000 }] }]));
    await wal.log(enc.metadata([{ ref: wave + 2, type: 'counter', unit: 'seconds', help: `wave ${wave}` }]));
  }
  await wal.log(enc.series([{ ref: 5000, labels: labelsOf(4) }]));
  await wal.log(enc.samples([{ ref: 5000, t: 10_000_000, v: 42 }]));
  await wal.close();
}

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

async function replayBoth(readOnly = true): Promise<{ reports: ReplayReport[]; dumps: string[][] }> {
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

it('loads what replay in one thread loads, record for record', async () => {
  await writeWAL();
  const { reports, dumps } = await replayBoth();
  // The last series record repeats a series under another ref: not a new series.
  expect(reports[0]!.series).toBe(900);
  // Refs of the last wave +5 never get a series (those of earlier waves do before the flush).
  expect(reports[0]!.unknownRefs).toBe(5);
  expect(reports[0]!.tombstones).toBe(3);
  expect(reports[1]).toEqual(reports[0]);
  expect(dumps[1]).toEqual(dumps[0]);
  expect(dumps[0]!.length).toBe(900);
});

it('stops at a samples record that does not decode, as replay in one thread does', async () => {
  await writeWAL({ badSamples: true });
  const { reports, dumps } = await replayBoth();
  const c = reports[0]!.corruption!;
  expect(c.error.kind).toBe('decode');
  expect(c.error.message).toMatch(/decode samples/);
  expect(reports[1]!.corruption!.error.message).toBe(c.error.message);
  expect(reports[1]).toEqual(reports[0]);
  expect(dumps[1]).toEqual(dumps[0]);
});

it('stops at damaged bytes in a middle segment and repairs the WAL as replay in one thread does', async () => {
  await writeWAL();
  // A byte in the middle of the second segment's records.
  const fh = await open(join(dir, 'wal', '00000001'), 'r+');
  await fh.write(new Uint8Array([0xff ^ 0x5a]), 0, 1, segmentSize / 2 + 7);
  await fh.close();
  const { reports, dumps } = await replayBoth();
  const c = reports[0]!.corruption!;
  expect(c.error.kind).toBe('read');
  expect(c.error.segment).toBe(1);
  expect(c.lost.laterSegments.length).toBeGreaterThan(0);
  expect(reports[1]!.corruption!.error.message).toBe(c.error.message);
  expect(reports[1]!.corruption!.error.offset).toBe(c.error.offset);
  expect(reports[1]).toEqual(reports[0]);
  expect(dumps[1]).toEqual(dumps[0]);

  // Repaired in the worker's replay: the WAL is cut at the damage, and reads whole after.
  const head = new Head();
  const rep = await replayWAL(head.state, join(dir, 'wal'), { decodeInWorker: true });
  expect(rep.corruption!.repair).toBeDefined();
  const again = await replayWAL(new Head().state, join(dir, 'wal'), { decodeInWorker: true });
  expect(again.corruption).toBeUndefined();
  expect(again.samples).toBe(rep.samples);
  await head.close();
});

it('applies histograms and m-map markers after the float samples logged before them, as replay in one thread does', async () => {
  for (const damaged of [false, true]) {
    await rm(join(dir, 'wal'), { recursive: true, force: true });
    const wal = await WL.open(join(dir, 'wal'), { segmentSize, compression: 'snappy' });
    const enc = new RecordEncoder();
    const n = 60;
    await wal.log(enc.series(Array.from({ length: n }, (_, i) => ({ ref: i + 1, labels: labelsOf(i) }))));
    for (let r = 0; r < 30; r++) {
      const t = r * 15_000;
      // Series 3 turns histogram for rounds 10-19 (a new chunk each time it turns).
      const floats = Array.from({ length: n }, (_, i) => ({ ref: i + 1, t, v: i + r })).filter(
        (s) => s.ref !== 3 || r < 10 || r >= 20,
      );
      await wal.log(enc.samples(floats));
      if (r >= 10 && r < 20) await wal.log(...enc.histogramSamples([{ ref: 3, t, h: counterHistogram(r) }]));
      if (r === 15) await wal.log(enc.mmapMarkers([{ ref: 4, mmapRef: 1 }]));
      if (r === 25) {
        const rec = enc.series([{ ref: n + 1, labels: labelsOf(n) }]);
        // A series record between samples records: damaged, it stops the replay after the samples before it.
        await wal.log(damaged ? rec.subarray(0, rec.length - 2) : rec);
      }
    }
    await wal.close();
    const reports: ReplayReport[] = [];
    const dumps: string[][] = [];
    for (const decodeInWorker of [false, true]) {
      const head = new Head();
      reports.push(await replayWAL(head.state, join(dir, 'wal'), { readOnly: true, decodeInWorker }));
      const q = head.querier(-Infinity, Infinity);
      const set = await q.select(true, undefined, []);
      const out: string[] = [];
      while (set.next()) {
        const it = set.at().iterator();
        const pts: string[] = [];
        for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
          pts.push(vt === ValueType.Float ? `${it.atT()}=${it.atV()}` : `${it.atT()}:h`);
        }
        out.push(`${set.at().labels().toString()} ${pts.join(',')}`);
      }
      await q.close();
      dumps.push(out);
      await head.close();
    }
    expect(reports[1]).toEqual(reports[0]);
    expect(dumps[1]).toEqual(dumps[0]);
    expect(reports[0]!.corruption !== undefined).toBe(damaged);
    // Every float sample and histogram up to the damage (26 rounds of 60 less the 10 turned into
    // histograms, plus those), or all 30 rounds.
    expect(reports[0]!.samples).toBe(damaged ? 26 * n : 30 * n);
    expect(dumps[0]!.find((l) => l.includes('host-2:'))).toMatch(/:h/);
  }
});
