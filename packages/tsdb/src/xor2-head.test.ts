import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uvarint, XOR2Chunk } from '@tsprom/chunkenc';
import { Labels } from '@tsprom/labels';
import { Encoding, ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DB, type DBOptions } from './db.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-xor2-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const N = 300; // 2 full chunks of 120 go to chunks_head/; the rest stays in the open chunk.
const T0 = 10_000_000;
const tAt = (i: number): number => T0 + i * 1000;
// A counter that resets after sample 150: its start timestamp changes there.
const stAt = (i: number): number => (i < 150 ? 5_000_000 : tAt(150) - 1);
const lbls = Labels.fromStrings('__name__', 'requests_total', 'job', 'x');

async function fill(db: DB): Promise<void> {
  const app = db.appenderV2();
  let ref = 0;
  for (let i = 0; i < N; i++) ref = app.append(ref, lbls, stAt(i), tAt(i), i * 1.5, undefined, undefined);
  await app.commit();
}

/** Every sample as [t, v, st] through the sample querier. */
async function readAll(db: DB): Promise<[number, number, number][]> {
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const xs: [number, number, number][] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next() !== ValueType.None) xs.push([it.atT(), it.atV(), it.atST()]);
    expect(it.err()).toBeUndefined();
  }
  await q.close();
  return xs;
}

/** Every chunk of the chunk querier: its encoding and its samples' start timestamps. */
async function readChunks(db: DB): Promise<{ encoding: number; sts: number[] }[]> {
  const q = db.chunkQuerier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: { encoding: number; sts: number[] }[] = [];
  while (set.next()) {
    const ci = set.at().chunkIterator();
    while (ci.next()) {
      const { chunk } = ci.at();
      const it = chunk.iterator();
      const sts: number[] = [];
      while (it.next() !== ValueType.None) sts.push(it.atST());
      out.push({ encoding: chunk.encoding(), sts });
    }
  }
  await q.close();
  return out;
}

/** Encoding byte and maxt of every chunk in the chunks_head/ files (parsed independently). */
async function chunksHeadFiles(): Promise<{ encoding: number; maxt: number }[]> {
  const cdir = join(dir, 'chunks_head');
  const out: { encoding: number; maxt: number }[] = [];
  for (const f of (await readdir(cdir)).sort()) {
    const b = new Uint8Array(await readFile(join(cdir, f)));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    expect(dv.getUint32(0)).toBe(0x0130bc91);
    let p = 8;
    while (p + 25 < b.length) {
      const seriesRef = Number(dv.getBigUint64(p));
      if (seriesRef === 0) break; // Zeroed tail.
      const maxt = Number(dv.getBigInt64(p + 16));
      const encoding = b[p + 24]!;
      const { value: len, n } = uvarint(b, p + 25, { value: 0, n: 0 });
      out.push({ encoding, maxt });
      p += 25 + n + len + 4;
    }
  }
  return out;
}

describe("floatChunkEncoding 'xor2'", () => {
  const opts: DBOptions = { floatChunkEncoding: 'xor2' };

  it('keeps start timestamps in memory, on chunks_head/, and through the chunk querier', async () => {
    const db = await DB.open(dir, opts);
    await fill(db);
    const xs = await readAll(db);
    expect(xs).toEqual(Array.from({ length: N }, (_, i) => [tAt(i), i * 1.5, stAt(i)]));
    const chunks = await readChunks(db);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const c of chunks) expect(c.encoding).toBe(Encoding.XOR2);
    expect(chunks.flatMap((c) => c.sts)).toEqual(Array.from({ length: N }, (_, i) => stAt(i)));
    await db.close();
    const onDisk = await chunksHeadFiles();
    expect(onDisk.length).toBeGreaterThanOrEqual(2);
    for (const c of onDisk) expect(c.encoding).toBe(Encoding.XOR2);
  });

  it('after reopen: chunks from chunks_head/ keep their start timestamps, WAL-only samples get 0', async () => {
    let db = await DB.open(dir, opts);
    await fill(db);
    await db.close();
    const onDisk = await chunksHeadFiles();
    const diskMaxT = Math.max(...onDisk.map((c) => c.maxt));
    // Some samples are on chunks_head/, some only in the WAL (the open chunk is not written out).
    expect(diskMaxT).toBeGreaterThanOrEqual(tAt(119));
    expect(diskMaxT).toBeLessThan(tAt(N - 1));

    db = await DB.open(dir, opts);
    const xs = await readAll(db);
    // The WAL's samples records carry no start timestamp: replayed samples have st 0.
    expect(xs).toEqual(Array.from({ length: N }, (_, i) => [tAt(i), i * 1.5, tAt(i) <= diskMaxT ? stAt(i) : 0]));
    // Appending after the replay keeps start timestamps again.
    const app = db.appenderV2();
    app.append(0, lbls, 7_777, tAt(N), 1, undefined, undefined);
    await app.commit();
    const after = await readAll(db);
    expect(after[after.length - 1]).toEqual([tAt(N), 1, 7_777]);
    await db.close();
  });

  it('appends to the open XOR2 chunk without a view of its bytes per sample', async () => {
    // The cut check reads the open chunk's size on every append: it must be a field read, as for
    // XOR (it was bytes().length, a subarray per sample). In memory nothing else asks for bytes.
    const bytes = vi.spyOn(XOR2Chunk.prototype, 'bytes');
    try {
      const db = await DB.open(undefined, opts);
      await fill(db);
      expect(db.stats().numChunks).toBeGreaterThanOrEqual(3);
      expect(bytes).not.toHaveBeenCalled();
      await db.close();
    } finally {
      bytes.mockRestore();
    }
  });

  it('an in-memory head keeps start timestamps too', async () => {
    const db = await DB.open(undefined, opts);
    await fill(db);
    expect(await readAll(db)).toEqual(Array.from({ length: N }, (_, i) => [tAt(i), i * 1.5, stAt(i)]));
    await db.close();
  });
});

describe("floatChunkEncoding default ('xor')", () => {
  it('writes XOR chunks (encoding byte 1) to chunks_head/ and drops start timestamps', async () => {
    const db = await DB.open(dir);
    await fill(db);
    const xs = await readAll(db);
    expect(xs).toEqual(Array.from({ length: N }, (_, i) => [tAt(i), i * 1.5, 0]));
    for (const c of await readChunks(db)) expect(c.encoding).toBe(Encoding.XOR);
    await db.close();
    const onDisk = await chunksHeadFiles();
    expect(onDisk.length).toBeGreaterThanOrEqual(2);
    for (const c of onDisk) expect(c.encoding).toBe(1);
  });

  it("reads XOR2 chunks a 'xor2' head wrote to chunks_head/", async () => {
    let db = await DB.open(dir, { floatChunkEncoding: 'xor2' });
    await fill(db);
    await db.close();
    const diskMaxT = Math.max(...(await chunksHeadFiles()).map((c) => c.maxt));
    db = await DB.open(dir);
    const xs = await readAll(db);
    expect(xs).toEqual(Array.from({ length: N }, (_, i) => [tAt(i), i * 1.5, tAt(i) <= diskMaxT ? stAt(i) : 0]));
    await db.close();
  });
});
