// WAL damage that open once rejected on (issue reproducers): a zeroed page inside a segment, a
// checksum-valid record with a garbage payload, a samples record with timestamps beyond 2^53.
// Open repairs as Prometheus does (read-only: loads what precedes the damage), warns with the
// segment, offset and what was dropped, and with `walRepair: false` rejects with CorruptionError.
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@tsprom/chunkenc';
import { Labels } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DB } from './db.js';
import { CorruptionError } from './index.js';
import { counterHistogram } from './testing/histogram-data.js';
import { PAGE_SIZE, RecordDecoder, RecordEncoder, RecordType, SegmentsReader, segmentName } from './wal-api.js';

let dir: string;
let walDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-wal-repair-'));
  walDir = join(dir, 'wal');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const numSeries = 20;
const commits = 800;
const segmentSize = 4 * PAGE_SIZE; // 128 KiB: the WAL fills about a segment and a half.

/** Writes 20 series x 800 samples (value = timestamp = commit index); returns the segment names. */
async function write(): Promise<string[]> {
  const db = await DB.open(dir, { walSegmentSizeBytes: segmentSize, walCompression: 'none' });
  const refs = new Array<number>(numSeries).fill(0);
  for (let j = 0; j < commits; j++) {
    const app = db.appender();
    for (let i = 0; i < numSeries; i++) refs[i] = app.append(refs[i]!, Labels.fromStrings('i', String(i)), j, j);
    await app.commit();
  }
  await db.close();
  // chunks_head/ would restore the chunks cut before the damage; test the WAL alone.
  await rm(join(dir, 'chunks_head'), { recursive: true, force: true });
  return (await readdir(walDir)).filter((n) => /^\d+$/.test(n)).sort();
}

interface RecordPos {
  segment: number;
  start: number;
  end: number;
  samples: number;
}

/** Every record of the WAL with its place and sample count. */
async function layout(): Promise<RecordPos[]> {
  const dec = new RecordDecoder();
  const out: RecordPos[] = [];
  const r = await SegmentsReader.open(walDir);
  try {
    do {
      while (r.next()) {
        const rec = r.record();
        const samples = dec.type(rec) === RecordType.Samples ? dec.samples(rec).length : 0;
        out.push({ segment: r.segment(), start: r.recordOffset(), end: r.offset(), samples });
      }
    } while (await r.fill());
  } finally {
    await r.close();
  }
  expect(r.err()).toBeUndefined();
  return out;
}

/** Per series, the number of samples, checking they are exactly 0, 1, 2, … (a prefix). */
async function prefixes(db: DB): Promise<number[]> {
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    let n = 0;
    while (it.next() !== ValueType.None) {
      if (it.atT() !== n || it.atV() !== n) throw new Error(`gap in series at ${n}: got ${it.atT()}`);
      n++;
    }
    out.push(n);
  }
  await q.close();
  return out;
}

/** A segment holding one Full fragment with `payload`: checksum-valid, whatever the payload. */
function segmentWithRecord(payload: Uint8Array): Uint8Array {
  const seg = new Uint8Array(PAGE_SIZE);
  seg[0] = 1;
  seg[1] = payload.length >> 8;
  seg[2] = payload.length & 0xff;
  new DataView(seg.buffer).setUint32(3, crc32c(payload));
  seg.set(payload, 7);
  return seg;
}

/** A samples record of series ref 1 whose base timestamp is 2^60 ms: no double holds it exactly. */
function unsafeTimestampRecord(): Uint8Array {
  const p = new Uint8Array(27);
  const dv = new DataView(p.buffer);
  p[0] = RecordType.Samples;
  dv.setBigUint64(1, 1n);
  dv.setBigInt64(9, 1n << 60n);
  // One sample: ref delta 0, time delta 0 (zig-zag varints), value 1.5.
  dv.setFloat64(19, 1.5);
  return p;
}

interface Damage {
  segment: number;
  /** Where the damaged record starts: everything before it must survive. */
  offset: number;
  /** Prometheus's offset, in the message. */
  readOffset: number;
  reason: RegExp;
  /** Segments after the damaged one (all dropped), with the samples they held. */
  laterSegments: number[];
  laterSamples: number;
  samplesBefore: number;
}

const cases: [string, () => Promise<Damage>][] = [
  [
    'a zeroed 32 KiB page inside a 128 KiB segment',
    async () => {
      const recs = await layout();
      const segs = [...new Set(recs.map((r) => r.segment))];
      expect(segs.length).toBeGreaterThanOrEqual(2);
      const path = segmentName(walDir, 0);
      const b = await readFile(path);
      expect(b.length).toBe(segmentSize);
      b.fill(0, PAGE_SIZE, 2 * PAGE_SIZE);
      await writeFile(path, b);
      // The first record reaching into the zeroed page is the damaged one.
      const victim = recs.find((r) => r.segment === 0 && r.end > PAGE_SIZE)!;
      const kept = recs.filter((r) => r.segment === 0 && r.end <= victim.start);
      const later = recs.filter((r) => r.segment > 0);
      return {
        segment: 0,
        offset: victim.start,
        readOffset: 2 * PAGE_SIZE,
        reason: /zeroed page/,
        laterSegments: segs.filter((s) => s > 0),
        laterSamples: later.reduce((a, r) => a + r.samples, 0),
        samplesBefore: kept.reduce((a, r) => a + r.samples, 0),
      };
    },
  ],
  [
    'a checksum-valid record with payload 0x02 0x01 between two segments',
    async () => {
      const recs = await layout();
      // Segment 1 moves to 2; the new segment 1 holds the garbage record.
      await rename(segmentName(walDir, 1), segmentName(walDir, 2));
      await writeFile(segmentName(walDir, 1), segmentWithRecord(new Uint8Array([2, 1])));
      return {
        segment: 1,
        offset: 0,
        readOffset: 9,
        reason: /^decode samples: invalid size/,
        laterSegments: [2],
        laterSamples: recs.filter((r) => r.segment === 1).reduce((a, r) => a + r.samples, 0),
        samplesBefore: recs.filter((r) => r.segment === 0).reduce((a, r) => a + r.samples, 0),
      };
    },
  ],
  [
    'a samples record with a timestamp beyond 2^53',
    async () => {
      const recs = await layout();
      await writeFile(segmentName(walDir, 2), segmentWithRecord(unsafeTimestampRecord()));
      return {
        segment: 2,
        offset: 0,
        readOffset: 7 + 27,
        reason: /^decode samples: timestamp 1152921504606847000 is not a safe integer/,
        laterSegments: [],
        laterSamples: 0,
        samplesBefore: recs.reduce((a, r) => a + r.samples, 0),
      };
    },
  ],
  [
    'a histogram record cut short',
    async () => {
      const recs = await layout();
      const h = counterHistogram(3);
      const whole = new RecordEncoder().histogramSamples([{ ref: 1, t: 5, h }])[0]!;
      await writeFile(segmentName(walDir, 2), segmentWithRecord(whole.subarray(0, whole.length - 3)));
      return {
        segment: 2,
        offset: 0,
        readOffset: 7 + whole.length - 3,
        reason: /^decode histogram samples: invalid size/,
        laterSegments: [],
        laterSamples: 0,
        samplesBefore: recs.reduce((a, r) => a + r.samples, 0),
      };
    },
  ],
];

async function walFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of (await readdir(walDir)).sort()) out[n] = (await readFile(join(walDir, n))).toString('hex');
  return out;
}

describe.each(cases)('DB.open on a WAL with %s', (_name, damage) => {
  beforeEach(async () => {
    await write();
  });

  function expectError(err: unknown, d: Damage): void {
    expect(err).toBeInstanceOf(CorruptionError);
    const c = err as CorruptionError;
    expect(c.segment).toBe(d.segment);
    expect(c.offset).toBe(d.offset);
    expect(c.readOffset).toBe(d.readOffset);
    expect(c.reason).toMatch(d.reason);
    expect(c.message).toContain(`corruption in segment ${segmentName(walDir, d.segment)} at ${d.readOffset}: `);
  }

  it('read-write: repairs, keeps everything before the damage and warns what it dropped', async () => {
    const d = await damage();
    const logs: { msg: string; level: string }[] = [];
    const db = await DB.open(dir, { logger: (msg, level) => logs.push({ msg, level }) });
    const c = db.openReport!.wal.corruption!;
    expectError(c.error, d);
    expect(c.repair!.segment).toBe(d.segment);
    expect(c.repair!.droppedSegments).toEqual(d.laterSegments);
    expect(c.lost.laterSegments).toEqual(d.laterSegments);
    expect(c.lost.laterSamples).toBe(d.laterSamples);
    const total = (await prefixes(db)).reduce((a, b) => a + b, 0);
    expect(total).toBe(d.samplesBefore);
    expect(db.openReport!.wal.samples).toBe(d.samplesBefore);
    const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings).toHaveLength(1);
    const seg = String(d.segment).padStart(8, '0');
    expect(warnings[0]).toContain(`corruption in segment ${segmentName(walDir, d.segment)} at ${d.readOffset}`);
    expect(warnings[0]).toContain(`repaired: kept the `);
    expect(warnings[0]).toContain(`(${d.samplesBefore} samples loaded) before it`);
    expect(warnings[0]).toContain(`dropped the rest of segment ${seg} from offset ${d.offset}`);
    if (d.laterSegments.length > 0) {
      expect(warnings[0]).toMatch(new RegExp(`${d.laterSegments.length} later segments? \\(${d.laterSegments[0]}`));
      expect(warnings[0]).toContain(`with ${d.laterSamples} samples`);
    } else expect(warnings[0]).toContain('and no later segment');
    await db.close();

    // The repaired WAL opens cleanly, with the same data.
    const db2 = await DB.open(dir, { logger: () => {} });
    expect(db2.openReport!.wal.corruption).toBeUndefined();
    expect((await prefixes(db2)).reduce((a, b) => a + b, 0)).toBe(d.samplesBefore);
    await db2.close();
  });

  it('read-only: loads what precedes the damage, warns, and writes nothing', async () => {
    const d = await damage();
    const before = await walFiles();
    const logs: string[] = [];
    const db = await DB.open(dir, { readOnly: true, logger: (msg, level) => level === 'warn' && logs.push(msg) });
    const c = db.openReport!.wal.corruption!;
    expectError(c.error, d);
    expect(c.repair).toBeUndefined();
    expect(c.lost.laterSamples).toBe(d.laterSamples);
    expect((await prefixes(db)).reduce((a, b) => a + b, 0)).toBe(d.samplesBefore);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`corruption in segment ${segmentName(walDir, d.segment)} at ${d.readOffset}`);
    expect(logs[0]).toContain('read-only, so not repaired');
    await db.close();
    expect(await walFiles()).toEqual(before);
  });

  it.each([false, true])('walRepair false (readOnly %s): rejects with CorruptionError, WAL untouched', async (ro) => {
    const d = await damage();
    const before = await walFiles();
    const err = await DB.open(dir, { readOnly: ro, walRepair: false, logger: () => {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectError(err, d);
    expect(await walFiles()).toEqual(before);
  });
});

it('warns on console.warn when no logger is given', async () => {
  await write();
  await writeFile(segmentName(walDir, 2), segmentWithRecord(new Uint8Array([2, 1])));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const db = await DB.open(dir);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toMatch(
    /^tsdb: WAL corruption in segment .*00000002 at 9: decode samples: .*; repaired: kept the \d+ records \(16000 samples loaded\) before it/,
  );
  await db.close();
});
