// SegmentsReader reads in bounded pieces exactly what WLReader reads from whole segments (records,
// offsets, damage), and zeroed pages are damage unless they are a segment's tail.
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CorruptionError } from './errors.js';
import { listSegments, segmentName } from './segments.js';
import { SegmentsReader } from './segments-reader.js';
import { WL } from './wl.js';
import { WLReader } from './wl-reader.js';
import { PAGE_SIZE } from './wlog-constants.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segments-reader-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Record i: BE32 index, then pseudo-random filler; some are many pages long. From 1000 on, each
 * fills exactly one page (one fragment), so the next starts a page.
 */
function record(i: number): Uint8Array {
  const n =
    i >= 1000 ? PAGE_SIZE - 7 : 4 + (i % 9 === 4 ? 3 * PAGE_SIZE + ((i * 7919) % PAGE_SIZE) : (i * 7919) % 9000);
  const b = new Uint8Array(n);
  new DataView(b.buffer).setUint32(0, i);
  let x = i * 2654435761 + 1;
  for (let k = 4; k < n; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[k] = x & 0xff;
  }
  return b;
}

async function build(n: number, segmentSize = 16 * PAGE_SIZE, first = 0): Promise<void> {
  const w = await WL.open(dir, { segmentSize });
  for (let i = 0; i < n; i += 2) {
    await w.log(...[record(first + i), record(first + i + 1)].slice(0, Math.min(2, n - i)));
  }
  await w.close();
}

interface Read {
  records: { id: number; segment: number; start: number; end: number; len: number }[];
  err: CorruptionError | undefined;
}

async function readPieces(pieceBytes: number): Promise<Read> {
  const r = await SegmentsReader.open(dir, {}, pieceBytes);
  const records: Read['records'] = [];
  try {
    do {
      while (r.next()) {
        const rec = r.record();
        const id = new DataView(rec.buffer, rec.byteOffset).getUint32(0);
        if (!Buffer.from(rec).equals(Buffer.from(record(id)))) expect.fail(`record ${id} differs`);
        records.push({ id, segment: r.segment(), start: r.recordOffset(), end: r.offset(), len: rec.length });
      }
    } while (await r.fill());
  } finally {
    await r.close();
  }
  return { records, err: r.err() };
}

async function readWhole(): Promise<Read> {
  const segs = await listSegments(dir);
  const sources = await Promise.all(segs.map(async (s) => ({ index: s.index, bytes: await readFile(s.path) })));
  const r = new WLReader(sources, dir);
  const records: Read['records'] = [];
  while (r.next()) {
    const rec = r.record();
    const id = new DataView(rec.buffer, rec.byteOffset).getUint32(0);
    records.push({ id, segment: r.segment(), start: r.recordOffset(), end: r.offset(), len: rec.length });
  }
  return { records, err: r.err() as CorruptionError | undefined };
}

function summary(r: Read) {
  const e = r.err;
  return {
    records: r.records,
    err: e && { segment: e.segment, offset: e.offset, readOffset: e.readOffset, message: e.message },
  };
}

/** Reads with pieces of 1, 2 and 8 pages and whole segments: all four must agree. */
async function readAgreeing(): Promise<Read> {
  const whole = await readWhole();
  for (const pages of [1, 2, 8]) expect(summary(await readPieces(pages * PAGE_SIZE))).toEqual(summary(whole));
  return whole;
}

describe('SegmentsReader', () => {
  it('reads what WLReader reads, records several pieces long included', async () => {
    await build(60);
    const got = await readAgreeing();
    expect(got.err).toBeUndefined();
    expect(got.records.map((r) => r.id)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(Math.max(...got.records.map((r) => r.len))).toBeGreaterThan(3 * PAGE_SIZE);
    expect(new Set(got.records.map((r) => r.segment)).size).toBeGreaterThan(2);
  });

  it('reads segments cut short and empty segments', async () => {
    await build(20);
    const segs = await listSegments(dir);
    await writeFile(segmentName(dir, segs.length), new Uint8Array(0));
    const got = await readAgreeing();
    expect(got.err).toBeUndefined();
    expect(got.records).toHaveLength(20);
  });

  it('reports a flipped byte and a cut-off segment where WLReader does, as Prometheus words it', async () => {
    await build(40);
    const { records } = await readWhole();
    const victim = records[17]!;
    const path = segmentName(dir, victim.segment);
    const b = await readFile(path);
    b[victim.start + 7 + 3]! ^= 0x40;
    await writeFile(path, b);
    let got = await readAgreeing();
    expect(got.err!.offset).toBe(victim.start);
    expect(got.err!.message).toMatch(
      /^corruption in segment .*\/0000000\d at \d+: unexpected checksum [0-9a-f]+, expected [0-9a-f]+$/,
    );
    // Prometheus reads a fragment fully before checking its checksum: its offset is the fragment's end.
    expect(got.err!.readOffset).toBeGreaterThan(victim.start + 7);

    await rm(dir, { recursive: true });
    await build(40);
    // A cut inside a page: Prometheus reads the segment as zero padded, so the checksum fails.
    await truncate(path, victim.start + 7 + 5);
    got = await readAgreeing();
    expect(got.records.map((r) => r.id)).toEqual(Array.from({ length: 17 }, (_, i) => i));
    expect(got.err!.offset).toBe(victim.start);
    expect(got.err!.reason).toMatch(/^unexpected checksum/);
  });

  it('a zeroed page inside a record is damage at the record, not two records joined', async () => {
    await build(60, 64 * PAGE_SIZE);
    const { records } = await readWhole();
    // A record spanning a page boundary: zero the page its second fragment is in.
    const spanning = records.find(
      (r) => r.start % PAGE_SIZE !== 0 && Math.floor(r.start / PAGE_SIZE) !== Math.floor((r.end - 1) / PAGE_SIZE),
    )!;
    const page = Math.floor(spanning.start / PAGE_SIZE) + 1;
    const path = segmentName(dir, spanning.segment);
    const b = await readFile(path);
    b.fill(0, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    await writeFile(path, b);
    const got = await readAgreeing();
    expect(got.records.map((r) => r.id)).toEqual(Array.from({ length: spanning.id }, (_, i) => i));
    expect(got.err!.segment).toBe(spanning.segment);
    expect(got.err!.offset).toBe(spanning.start);
    expect(got.err!.reason).toBe('unexpected zeroed page inside a record');
  });

  it('a zeroed page between records is damage when data follows it, and a zeroed tail is not', async () => {
    await build(8, 64 * PAGE_SIZE, 1000);
    const path = segmentName(dir, 0);
    const b = await readFile(path);
    b.fill(0, 2 * PAGE_SIZE, 3 * PAGE_SIZE);
    await writeFile(path, b);
    const got = await readAgreeing();
    expect(got.records.map((r) => r.id)).toEqual([1000, 1001]);
    expect(got.err!.offset).toBe(2 * PAGE_SIZE);
    expect(got.err!.readOffset).toBe(3 * PAGE_SIZE);
    expect(got.err!.reason).toBe(`unexpected zeroed page at ${2 * PAGE_SIZE}, followed by data`);

    // A page that starts with a zero byte but holds more: Prometheus's damage, in its words.
    b[2 * PAGE_SIZE + 100] = 1;
    await writeFile(path, b);
    const garbage = await readAgreeing();
    expect(garbage.err!.offset).toBe(2 * PAGE_SIZE);
    expect(garbage.err!.readOffset).toBe(3 * PAGE_SIZE);
    expect(garbage.err!.reason).toBe('unexpected non-zero byte in padded page');

    // Zeros from that page to the end of the segment (a torn write): its end, no damage.
    b.fill(0, 2 * PAGE_SIZE);
    await writeFile(path, b);
    const tail = await readAgreeing();
    expect(tail.err).toBeUndefined();
    expect(tail.records.map((r) => r.id)).toEqual([1000, 1001]);
  });

  it('agrees with WLReader after any damage, whatever the piece size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
        fc.option(fc.nat()),
        fc.constantFrom(1, 2, 3),
        async (ids, flips, cutAt, pages) => {
          await rm(dir, { recursive: true, force: true });
          const w = await WL.open(dir, { segmentSize: 8 * PAGE_SIZE });
          for (const id of ids) await w.log(record(id));
          await w.close();
          const path = segmentName(dir, 0);
          let b = await readFile(path);
          if (cutAt !== null) b = b.subarray(0, cutAt % (b.length + 1));
          for (const [pos, x] of flips) if (b.length > 0) b[pos % b.length]! ^= x;
          await writeFile(path, b);
          const whole = await readWhole();
          const pieces = await readPieces(pages * PAGE_SIZE).catch((err: unknown) => {
            throw new Error(`SegmentsReader failed where WLReader read ${whole.records.length} records`, {
              cause: err,
            });
          });
          expect(summary(pieces)).toEqual(summary(whole));
        },
      ),
      { numRuns: 60 },
    );
  });
});
