import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, XORChunk } from '@tsprom/chunkenc';
import { ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkDiskMapper, type HeadChunkMeta, orderByRef } from './chunk-disk-mapper.js';
import { chunkDiskMapperRef, chunkRefFile, chunkRefOffset } from './chunk-refs.js';
import { ChunkCorruptionError, ChunkRefError } from './errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdm-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function xor(mint: number, n: number, seed = 1): XORChunk {
  const c = new XORChunk();
  const app = c.appender();
  for (let i = 0; i < n; i++) app.append(mint + i * 15_000, Math.sin(seed + i) * 1000);
  return c;
}

function samplesOf(c: { iterator(): import('@tsprom/storage-interfaces').SampleIterator }): Array<[number, number]> {
  const it = c.iterator();
  const out: Array<[number, number]> = [];
  while (it.next() === ValueType.Float) out.push([it.atT(), it.atV()]);
  expect(it.err()).toBeUndefined();
  return out;
}

describe('orderByRef', () => {
  it('orders any refs by file, then offset, stably (equal refs keep their order)', () => {
    const ref = fc.tuple(fc.integer({ min: 0, max: 2 ** 21 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(ref, fc.constantFrom<[number, number]>([1, 8], [1, 4096], [2, 8])), { maxLength: 300 }),
        fc.boolean(),
        (pairs, presorted) => {
          const refs = pairs.map(([f, o]) => chunkDiskMapperRef(f, o));
          if (presorted) refs.sort((a, b) => a - b);
          const order = Array.from(orderByRef(refs));
          const want = refs.map((_, i) => i).sort((a, b) => refs[a]! - refs[b]! || a - b);
          expect(order).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ChunkDiskMapper', () => {
  it('writes the head chunks format: file header, then ref, mint, maxt, encoding, len, data, CRC32C', async () => {
    const m = await ChunkDiskMapper.open(dir);
    const c = xor(1000, 3);
    const ref = m.writeChunk(7, 1000, 31_000, c);
    expect(chunkRefFile(ref)).toBe(1);
    expect(chunkRefOffset(ref)).toBe(8);
    await m.close();
    expect(await readdir(dir)).toEqual(['000001']);
    const f = new Uint8Array(await readFile(join(dir, '000001')));
    expect(Array.from(f.subarray(0, 8))).toEqual([0x01, 0x30, 0xbc, 0x91, 1, 0, 0, 0]);
    const dv = new DataView(f.buffer, f.byteOffset);
    expect(dv.getBigUint64(8)).toBe(7n);
    expect(dv.getBigInt64(16)).toBe(1000n);
    expect(dv.getBigInt64(24)).toBe(31_000n);
    expect(f[32]).toBe(1); // XOR
    const data = c.bytes();
    expect(f[33]).toBe(data.length);
    expect(Array.from(f.subarray(34, 34 + data.length))).toEqual(Array.from(data));
    expect(dv.getUint32(34 + data.length)).toBe(crc32c(f.subarray(8, 34 + data.length)));
    expect(f.length).toBe(34 + data.length + 4);
  });

  it('reads chunks back by ref from the buffer, from disk and after reopening', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            series: fc.integer({ min: 1, max: 2 ** 40 }),
            n: fc.integer({ min: 1, max: 200 }),
            ooo: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        async (specs) => {
          const d = await mkdtemp(join(tmpdir(), 'cdm-prop-'));
          try {
            const m = await ChunkDiskMapper.open(d, { maxFileSize: 8 * 1024, writeBufferSize: 1024 });
            const written: Array<HeadChunkMeta & { samples: Array<[number, number]> }> = [];
            specs.forEach((s, i) => {
              const mint = i * 10_000_000;
              const c = xor(mint, s.n, i);
              const maxt = mint + (s.n - 1) * 15_000;
              const ref = m.writeChunk(s.series, mint, maxt, c, s.ooo);
              written.push({
                seriesRef: s.series,
                chunkRef: ref,
                mint,
                maxt,
                numSamples: s.n,
                encoding: 1,
                isOOO: s.ooo,
                samples: samplesOf(c),
              });
              // Readable at once, while still buffered.
              expect(samplesOf(m.chunk(ref))).toEqual(samplesOf(c));
            });
            for (const w of written) expect(samplesOf(m.chunk(w.chunkRef))).toEqual(w.samples);
            await m.close();

            const m2 = await ChunkDiskMapper.open(d, { maxFileSize: 8 * 1024 });
            const seen: HeadChunkMeta[] = [];
            m2.iterateAllChunks((meta) => seen.push(meta));
            expect(seen).toEqual(written.map(({ samples: _, ...meta }) => meta));
            for (const w of written) {
              expect(samplesOf(m2.chunk(w.chunkRef))).toEqual(w.samples);
              expect(m2.chunkData(w.chunkRef).isOOO).toBe(w.isOOO);
            }
            // Writing resumes in a new file after the existing ones.
            const last = m2.fileIndices().pop()!;
            expect(chunkRefFile(m2.writeChunk(1, 0, 0, xor(0, 1)))).toBe(last + 1);
            await m2.close();
          } finally {
            await rm(d, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('reads chunks asynchronously in batches: from disk, from the write buffer, long ones alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (sizes, seed) => {
          const d = await mkdtemp(join(tmpdir(), 'cdm-async-'));
          try {
            // Small files and a small write buffer: some chunks on disk, some still buffered.
            const m = await ChunkDiskMapper.open(d, { maxFileSize: 16 * 1024, writeBufferSize: 2048 });
            const refs = sizes.map((n, i) => m.writeChunk(1 + i, i * 1e7, i * 1e7 + n, xor(i * 1e7, n, i)));
            // Every ref once or twice, in a shuffled order, and refs that point at no chunk.
            const asked = [...refs, ...refs.filter((_, i) => (seed >> (i % 31)) & 1)];
            for (let i = asked.length - 1; i > 0; i--) {
              const j = (seed + i * 7919) % (i + 1);
              [asked[i], asked[j]] = [asked[j]!, asked[i]!];
            }
            asked.push(chunkDiskMapperRef(99, 8), chunkDiskMapperRef(1, 3), refs[0]! + 1);
            const got = await m.readChunks(asked);
            expect(got).toHaveLength(asked.length);
            asked.forEach((ref, i) => {
              if (i >= asked.length - 3) expect(got[i]).toBeUndefined();
              else expect(samplesOf(got[i]!)).toEqual(samplesOf(m.chunk(ref)));
            });
            await m.close();
          } finally {
            await rm(d, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stops reading ahead at its byte budget, and copes with files deleted meanwhile', async () => {
    const m = await ChunkDiskMapper.open(dir, { maxFileSize: 4096 });
    const refs: number[] = [];
    for (let i = 0; i < 200; i++) refs.push(m.writeChunk(1 + i, i * 1000, i * 1000 + 999, xor(i * 1000, 30)));
    m.flush();
    const some = await m.readChunks(refs, 8000);
    const read = some.filter((c) => c !== undefined).length;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(refs.length);
    some.forEach((c, i) => {
      if (c !== undefined) expect(samplesOf(c)).toEqual(samplesOf(m.chunk(refs[i]!)));
    });
    // Files deleted while the reads are under way: their chunks come back undefined or whole.
    const pending = m.readChunks(refs);
    const cur = m.fileIndices().pop()!;
    await m.truncate(cur);
    const after = await pending;
    after.forEach((c, i) => {
      if (c !== undefined) expect(samplesOf(c)).toHaveLength(30);
      else expect(chunkRefFile(refs[i]!)).toBeLessThan(cur);
    });
    await m.close();
    // Once closed, nothing is read.
    expect((await m.readChunks(refs)).every((c) => c === undefined)).toBe(true);
  });

  it('cuts files at the maximum size and truncates old ones', async () => {
    const m = await ChunkDiskMapper.open(dir, { maxFileSize: 1024 });
    const refs: number[] = [];
    for (let i = 0; i < 30; i++) refs.push(m.writeChunk(1 + i, i * 1000, i * 1000 + 999, xor(i * 1000, 20)));
    const files = m.fileIndices();
    expect(files.length).toBeGreaterThan(3);
    expect(files).toEqual(files.map((_, i) => i + 1));
    await m.truncate(3);
    expect(m.fileIndices()[0]).toBe(3);
    expect((await readdir(dir)).sort()[0]).toBe('000003');
    expect(() => m.chunk(refs[0]!)).toThrow(ChunkRefError);
    const kept = refs.filter((r) => chunkRefFile(r) >= 3);
    for (const r of kept) expect(samplesOf(m.chunk(r)).length).toBe(20);
    // Truncating past the file being written cuts a new one first.
    const cur = m.fileIndices().pop()!;
    await m.truncate(cur + 1);
    expect(m.fileIndices()).toEqual([cur + 1]);
    const r = m.writeChunk(5, 0, 1, xor(0, 2));
    expect(chunkRefFile(r)).toBe(cur + 1);
    await m.close();
  });

  it('reports damage with file and offset; deleteCorrupted drops that file and later ones', async () => {
    const m = await ChunkDiskMapper.open(dir, { maxFileSize: 1024 });
    const refs: number[] = [];
    for (let i = 0; i < 20; i++) refs.push(m.writeChunk(1 + i, i, i + 1, xor(i, 20)));
    await m.close();
    const victim = refs.find((r) => chunkRefFile(r) === 2 && chunkRefOffset(r) > 8)!;
    const fh = await open(join(dir, '000002'), 'r+');
    const b = new Uint8Array(1);
    await fh.read(b, 0, 1, chunkRefOffset(victim) + 40);
    b[0]! ^= 1;
    await fh.write(b, 0, 1, chunkRefOffset(victim) + 40);
    await fh.close();

    const m2 = await ChunkDiskMapper.open(dir, { maxFileSize: 1024 });
    expect(() => m2.chunk(victim)).toThrow(ChunkCorruptionError);
    let err: unknown;
    const seen: number[] = [];
    try {
      m2.iterateAllChunks((meta) => seen.push(meta.chunkRef));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChunkCorruptionError);
    const cerr = err as ChunkCorruptionError;
    expect(cerr.fileIndex).toBe(2);
    expect(cerr.offset).toBe(chunkRefOffset(victim));
    expect(seen).toEqual(refs.slice(0, refs.indexOf(victim)));
    await m2.deleteCorrupted(cerr);
    expect(m2.fileIndices()).toEqual([1]);
    expect(await readdir(dir)).toEqual(['000001']);
    await m2.close();
  });

  it('deletes an empty last file on open, rejects a bad header and treats zero tails as the end', async () => {
    const m = await ChunkDiskMapper.open(dir);
    const ref = m.writeChunk(3, 0, 10, xor(0, 5));
    await m.close();
    // A zeroed tail (Prometheus preallocates files) and an empty next file (a crash after a cut).
    const f1 = await readFile(join(dir, '000001'));
    await writeFile(join(dir, '000001'), Buffer.concat([f1, Buffer.alloc(100)]));
    await writeFile(join(dir, '000002'), Buffer.alloc(0));
    const m2 = await ChunkDiskMapper.open(dir);
    expect(m2.fileIndices()).toEqual([1]);
    const seen: number[] = [];
    m2.iterateAllChunks((meta) => seen.push(meta.chunkRef));
    expect(seen).toEqual([ref]);
    expect(ref).toBe(chunkDiskMapperRef(1, 8));
    await m2.close();

    await writeFile(join(dir, '000002'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 0, 0, 0]));
    await expect(ChunkDiskMapper.open(dir)).rejects.toThrow(ChunkCorruptionError);
  });
});
