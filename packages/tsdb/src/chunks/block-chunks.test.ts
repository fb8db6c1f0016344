import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, XORChunk } from '@tsprom/chunkenc';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BlockChunkReader, type BlockChunkMeta, BlockChunkWriter } from './block-chunks.js';
import { CorruptBlockError } from '../block/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bchunks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function xor(n: number, seed: number): XORChunk {
  const c = new XORChunk();
  const app = c.appender();
  for (let i = 0; i < n; i++) app.append(i * 1000, seed * 10 + i);
  return c;
}

function values(c: { iterator(): import('@tsprom/storage-interfaces').SampleIterator }): number[] {
  const it = c.iterator();
  const out: number[] = [];
  while (it.next() === ValueType.Float) out.push(it.atV());
  return out;
}

it('writes the block chunks format: segment header, then len, encoding, data, CRC32C(encoding, data)', async () => {
  const w = await BlockChunkWriter.open(dir);
  const c = xor(3, 1);
  const meta: BlockChunkMeta = { ref: 0, mint: 0, maxt: 2000, chunk: c };
  w.writeChunks(meta);
  await w.close();
  expect(meta.ref).toBe(8);
  expect(await readdir(dir)).toEqual(['000001']);
  const f = new Uint8Array(await readFile(join(dir, '000001')));
  expect(Array.from(f.subarray(0, 8))).toEqual([0x85, 0xbd, 0x40, 0xdd, 1, 0, 0, 0]);
  const data = c.bytes();
  expect(f[8]).toBe(data.length);
  expect(f[9]).toBe(1);
  expect(Array.from(f.subarray(10, 10 + data.length))).toEqual(Array.from(data));
  expect(new DataView(f.buffer, f.byteOffset).getUint32(10 + data.length)).toBe(
    crc32c(f.subarray(9, 10 + data.length)),
  );
});

it('round-trips chunks across segments of bounded size', async () => {
  const w = await BlockChunkWriter.open(dir, { segmentSize: 1024 });
  const metas: BlockChunkMeta[] = [];
  for (let s = 0; s < 20; s++) {
    const batch = [0, 1, 2].map((k) => ({ ref: 0, mint: k, maxt: k, chunk: xor(30, s * 3 + k) }));
    w.writeChunks(...batch);
    metas.push(...batch);
  }
  await w.close();
  const r = BlockChunkReader.open(dir);
  expect(r.segments).toBeGreaterThan(3);
  for (const f of await readdir(dir)) expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(1024);
  for (const [i, m] of metas.entries()) expect(values(r.chunk(m.ref))).toEqual(values(xor(30, i)));
  r.close();

  // A flipped byte is caught by the CRC.
  const f = join(dir, '000001');
  const b = new Uint8Array(await readFile(f));
  b[20]! ^= 1;
  await writeFile(f, b);
  const r2 = BlockChunkReader.open(dir);
  expect(() => r2.chunk(metas[0]!.ref)).toThrow(CorruptBlockError);
  r2.close();
});

it('hands out transient chunks with the samples of copied ones, within a page or across pages', async () => {
  const w = await BlockChunkWriter.open(dir);
  // Chunks of up to ~2 KiB: some lie within a 4 KiB page of the reader's cache, some cross one.
  const metas = [5, 120, 40, 700, 3, 900, 1].map((n, i) => ({ ref: 0, mint: 0, maxt: n, chunk: xor(n, i) }));
  w.writeChunks(...metas);
  await w.close();
  const r = BlockChunkReader.open(dir);
  for (const [i, m] of metas.entries()) {
    const t = r.transientChunk(m.ref);
    expect(values(t)).toEqual(values(xor(m.maxt, i)));
    expect(values(t)).toEqual(values(r.chunk(m.ref)));
  }
  r.close();
  // Damage is reported as by chunk().
  const f = join(dir, '000001');
  const b = new Uint8Array(await readFile(f));
  b[20]! ^= 1;
  await writeFile(f, b);
  const r2 = BlockChunkReader.open(dir);
  expect(() => r2.transientChunk(metas[0]!.ref)).toThrow(CorruptBlockError);
  r2.close();
});
