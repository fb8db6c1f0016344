import { open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptionError } from './errors.js';
import { readAllRecords } from './read-all.js';
import { repair } from './repair.js';
import { segmentName } from './segments.js';
import { WL } from './wl.js';
import { WLReader } from './wl-reader.js';
import { PAGE_SIZE, type WalCompression } from './wlog-constants.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-corrupt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SEGMENT_SIZE = 4 * PAGE_SIZE;

/** Record i: its index (BE32) then filler, sizes varying so records span pages now and then. */
function record(i: number): Uint8Array {
  const n = 4 + ((i * 7919) % 20000);
  const b = new Uint8Array(n);
  new DataView(b.buffer).setUint32(0, i);
  // First half pseudo-random, second half constant: snappy shrinks records but not to nothing.
  let x = i * 2654435761 + 1;
  for (let k = 4; k < n; k++) {
    if (k < n / 2) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[k] = x & 0xff;
    } else b[k] = i & 0xff;
  }
  return b;
}

interface Pos {
  id: number;
  segment: number;
  start: number;
  end: number;
}

/** Writes `n` records (a few per log call) and returns where each landed. */
async function buildWal(n: number, compression: WalCompression, closeIt = true): Promise<Pos[]> {
  const w = await WL.open(dir, { segmentSize: SEGMENT_SIZE, compression });
  for (let i = 0; i < n; i += 3) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 3); k++) batch.push(record(k));
    await w.log(...batch);
  }
  if (closeIt) await w.close();
  const r = await WLReader.open(dir);
  const pos: Pos[] = [];
  while (r.next()) {
    pos.push({
      id: new DataView(r.record().buffer, r.record().byteOffset).getUint32(0),
      segment: r.segment(),
      start: r.recordOffset(),
      end: r.offset(),
    });
  }
  expect(r.err()).toBeUndefined();
  expect(pos.map((p) => p.id)).toEqual(Array.from({ length: n }, (_, i) => i));
  return pos;
}

async function readIds(): Promise<{ ids: number[]; corruption?: CorruptionError }> {
  const ids: number[] = [];
  const res = await readAllRecords(dir, (rec) => {
    const id = new DataView(rec.buffer, rec.byteOffset).getUint32(0);
    if (!Buffer.from(rec).equals(Buffer.from(record(id)))) expect.fail(`record ${id} differs`);
    ids.push(id);
  });
  return { ids, corruption: res.corruption };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function flipByte(path: string, offset: number): Promise<void> {
  const fh = await open(path, 'r+');
  const b = new Uint8Array(1);
  await fh.read(b, 0, 1, offset);
  b[0]! ^= 0x40;
  await fh.write(b, 0, 1, offset);
  await fh.close();
}

describe.each(['none', 'snappy'] as const)('WAL damage (compression %s)', (compression) => {
  it('a torn last page: the torn record is reported and cut, everything before survives', async () => {
    const pos = await buildWal(60, compression, false); // Not closed: as after a crash.
    const last = pos[pos.length - 1]!;
    const path = segmentName(dir, last.segment);
    await truncate(path, last.start + Math.floor((last.end - last.start) / 2));

    const got = await readIds();
    expect(got.ids).toEqual(range(59));
    expect(got.corruption).toBeInstanceOf(CorruptionError);
    expect(got.corruption!.segment).toBe(last.segment);
    expect(got.corruption!.offset).toBe(last.start);

    const res = await repair(dir, got.corruption!);
    expect(res.droppedSegments).toEqual([]);
    expect(res.droppedBytes).toBeGreaterThan(0);
    expect(await readIds()).toEqual({ ids: range(59), corruption: undefined });

    // The repaired WAL takes new records after the kept ones.
    const w = await WL.open(dir, { segmentSize: SEGMENT_SIZE, compression });
    await w.log(record(59), record(60));
    await w.close();
    expect(await readIds()).toEqual({ ids: range(61), corruption: undefined });
  });

  it('a record torn exactly at a fragment boundary is reported as torn', async () => {
    const pos = await buildWal(60, compression, false);
    // A record spanning pages: cut it at the end of its first page.
    const spanning = pos.filter((p) => Math.floor(p.start / PAGE_SIZE) !== Math.floor((p.end - 1) / PAGE_SIZE)).pop()!;
    const cut = (Math.floor(spanning.start / PAGE_SIZE) + 1) * PAGE_SIZE;
    const later = pos.filter(
      (p) => p.segment > spanning.segment || (p.segment === spanning.segment && p.start >= spanning.end),
    );
    for (const s of new Set(later.map((p) => p.segment))) if (s > spanning.segment) await rm(segmentName(dir, s));
    await truncate(segmentName(dir, spanning.segment), cut);
    const got = await readIds();
    expect(got.ids).toEqual(range(spanning.id));
    expect(got.corruption!.reason).toBe('last record is torn');
    expect(got.corruption!.offset).toBe(spanning.start);
  });

  it('a flipped byte in a middle segment: cut there, later segments dropped and reported', async () => {
    const pos = await buildWal(120, compression);
    const segs = [...new Set(pos.map((p) => p.segment))];
    expect(segs.length).toBeGreaterThanOrEqual(4);
    const mid = segs[Math.floor(segs.length / 2)]!;
    const inMid = pos.filter((p) => p.segment === mid);
    const victim = inMid[Math.floor(inMid.length / 2)]!;
    await flipByte(segmentName(dir, mid), victim.start + 7 + 2); // Inside its first fragment's data.

    const got = await readIds();
    expect(got.ids).toEqual(range(victim.id));
    expect(got.corruption!.segment).toBe(mid);
    expect(got.corruption!.offset).toBe(victim.start);
    expect(got.corruption!.reason).toMatch(/checksum/);

    const later = segs.filter((s) => s > mid);
    const laterBytes = (await Promise.all(later.map((s) => stat(segmentName(dir, s))))).reduce((a, s) => a + s.size, 0);
    const midSize = (await stat(segmentName(dir, mid))).size;
    const res = await repair(dir, got.corruption!);
    expect(res.droppedSegments).toEqual(later);
    expect(res.droppedBytes).toBe(laterBytes + midSize - victim.start);
    expect(await readIds()).toEqual({ ids: range(victim.id), corruption: undefined });
    expect((await readdir(dir)).sort()).toEqual(segs.filter((s) => s <= mid).map((s) => String(s).padStart(8, '0')));
  });

  it('a truncated middle segment: the cut-off record is reported, nothing before it lost', async () => {
    const pos = await buildWal(120, compression);
    const segs = [...new Set(pos.map((p) => p.segment))];
    const mid = segs[1]!;
    const inMid = pos.filter((p) => p.segment === mid);
    const victim = inMid[inMid.length - 2]!;
    await truncate(segmentName(dir, mid), victim.start + 3);

    const got = await readIds();
    expect(got.ids).toEqual(range(victim.id));
    expect(got.corruption!.segment).toBe(mid);
    expect(got.corruption!.offset).toBe(victim.start);
    await repair(dir, got.corruption!);
    expect(await readIds()).toEqual({ ids: range(victim.id), corruption: undefined });
  });

  it('garbage in page padding and a bad fragment type are damage', async () => {
    await buildWal(3, compression);
    const path = segmentName(dir, 0);
    const f = new Uint8Array(await readFile(path));
    const tail = f.length - 10;
    f[tail] = 1;
    await writeFile(path, f);
    let got = await readIds();
    expect(got.ids).toEqual([0, 1, 2]);
    expect(got.corruption!.reason).toBe('unexpected non-zero byte in padded page');

    await rm(dir, { recursive: true });
    await buildWal(3, compression);
    const g = new Uint8Array(await readFile(path));
    g[0] = 6;
    await writeFile(path, g);
    got = await readIds();
    expect(got.ids).toEqual([]);
    expect(got.corruption!.offset).toBe(0);
    expect(got.corruption!.reason).toBe('unexpected record type 6');
  });
});
