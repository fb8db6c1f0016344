import { appendFile, mkdtemp, open, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XORChunk } from '@tsprom/chunkenc';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimeSlicer } from '../time-slicer.js';
import { ChunkDiskMapper, type HeadChunkMeta } from './chunk-disk-mapper.js';
import { ChunkCorruptionError } from './errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdm-iter-'));
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

interface Outcome {
  metas: HeadChunkMeta[];
  /** The corruption found, as (file, offset, reason), or undefined. */
  error: [number, number, string] | undefined;
  maxTimes: Array<number | undefined>;
}

function outcomeOf(m: ChunkDiskMapper, metas: HeadChunkMeta[], err: unknown): Outcome {
  if (err !== undefined && !(err instanceof ChunkCorruptionError)) throw err;
  return {
    metas,
    error: err === undefined ? undefined : [err.fileIndex, err.offset, err.reason],
    maxTimes: m.fileIndices().map((i) => m.fileMaxTime(i)),
  };
}

function iterateSync(m: ChunkDiskMapper): Outcome {
  const metas: HeadChunkMeta[] = [];
  try {
    m.iterateAllChunks((meta) => metas.push(meta));
  } catch (err) {
    return outcomeOf(m, metas, err);
  }
  return outcomeOf(m, metas, undefined);
}

async function iterateAsync(m: ChunkDiskMapper, bufferSize: number): Promise<Outcome> {
  const metas: HeadChunkMeta[] = [];
  try {
    await m.iterateAllChunksAsync((meta) => metas.push(meta), { bufferSize, slicer: new TimeSlicer(0) });
  } catch (err) {
    return outcomeOf(m, metas, err);
  }
  return outcomeOf(m, metas, undefined);
}

type Damage = { kind: 'none' } | { kind: 'flip' | 'cut' | 'zero'; file: number; at: number };

async function damage(d: Damage): Promise<void> {
  if (d.kind === 'none') return;
  const names = (await readdir(dir)).sort();
  if (names.length === 0) return;
  const path = join(dir, names[d.file % names.length]!);
  const fh = await open(path, 'r+');
  const size = (await fh.stat()).size;
  // Past the file header: a bad header is refused by open().
  const at = 8 + (d.at % Math.max(1, size - 8));
  if (d.kind === 'flip') {
    const b = new Uint8Array(1);
    await fh.read(b, 0, 1, at);
    b[0]! ^= 0x10;
    await fh.write(b, 0, 1, at);
  } else if (d.kind === 'zero') {
    await fh.write(new Uint8Array(size - at), 0, size - at, at);
  }
  await fh.close();
  if (d.kind === 'cut') await truncate(path, at);
}

describe('ChunkDiskMapper.iterateAllChunksAsync', () => {
  it('finds exactly the chunks, corruptions and file max times iterateAllChunks finds, whatever the buffer size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            series: fc.integer({ min: 1, max: 2 ** 40 }),
            n: fc.integer({ min: 1, max: 300 }),
            ooo: fc.boolean(),
          }),
          { minLength: 0, maxLength: 50 },
        ),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 1, max: 50 }),
        fc.oneof(
          fc.constant<Damage>({ kind: 'none' }),
          fc.record({
            kind: fc.constantFrom<'flip' | 'cut' | 'zero'>('flip', 'cut', 'zero'),
            file: fc.nat(),
            at: fc.nat(),
          }),
        ),
        async (specs, bufferSize, flushAfter, dmg) => {
          await rm(dir, { recursive: true, force: true });
          const m = await ChunkDiskMapper.open(dir, { maxFileSize: 2048, writeBufferSize: 512 });
          specs.forEach((s, i) => {
            m.writeChunk(s.series, i * 1000, i * 1000 + s.n, xor(i * 1000, s.n, i), s.ooo);
            if (i === flushAfter) m.flush();
          });
          // Chunks still in the write buffer are found as well.
          const live = iterateSync(m);
          expect(live.error).toBeUndefined();
          expect(live.metas).toHaveLength(specs.length);
          expect(await iterateAsync(m, bufferSize)).toEqual(live);
          await m.close();

          await damage(dmg);
          const m2 = await ChunkDiskMapper.open(dir, { maxFileSize: 2048 });
          try {
            const want = iterateSync(m2);
            expect(await iterateAsync(m2, bufferSize)).toEqual(want);
            if (dmg.kind === 'none')
              expect(want.metas.map((x) => x.chunkRef)).toEqual(live.metas.map((x) => x.chunkRef));
          } finally {
            await m2.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads chunks longer than its buffer, zero tails as the end, and reports a short tail', async () => {
    const m = await ChunkDiskMapper.open(dir);
    m.writeChunk(1, 0, 100, xor(0, 120)); // Several hundred bytes: longer than the 40-byte buffer.
    m.writeChunk(2, 0, 100, xor(0, 3));
    await m.close();
    const f = join(dir, '000001');
    const size = (await stat(f)).size;
    await appendFile(f, new Uint8Array(100));
    const m2 = await ChunkDiskMapper.open(dir);
    const want = iterateSync(m2);
    expect(want.metas.map((x) => x.seriesRef)).toEqual([1, 2]);
    expect(want.error).toBeUndefined();
    expect(await iterateAsync(m2, 40)).toEqual(want);
    await m2.close();

    // A few non-zero bytes after the last chunk: too short for a chunk header.
    await truncate(f, size);
    await appendFile(f, new Uint8Array([1, 2, 3]));
    const m3 = await ChunkDiskMapper.open(dir);
    const bad = await iterateAsync(m3, 64);
    expect(bad).toEqual(iterateSync(m3));
    expect(bad.error).toEqual([1, size, 'not enough bytes left to read a chunk header']);
    expect(bad.metas).toHaveLength(2);
    await m3.close();
  });

  it('gives the event loop turns while it indexes a chunks_head/ of many chunks', async () => {
    const m = await ChunkDiskMapper.open(dir);
    const n = 20_000;
    const c = xor(0, 4);
    for (let i = 0; i < n; i++) m.writeChunk(1 + i, 0, 45_000, c);
    await m.close();
    const m2 = await ChunkDiskMapper.open(dir);
    expect(m2.fileIndices()).toEqual([1]);
    let seen = 0;
    let done = false;
    // The chunks indexed so far, at each turn of the event loop.
    const seenAtTurns: number[] = [];
    const tick = (): void => {
      seenAtTurns.push(seen);
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    // A slicer whose slices are used up at once, so that the test does not hang on the clock:
    // the structure under test is that the indexing gives the loop a turn part-way through.
    const slicer = new TimeSlicer(0);
    // One file, read in one read: only the slicer can give the loop a turn between two chunks.
    await m2.iterateAllChunksAsync(
      () => {
        seen++;
      },
      { slicer, bufferSize: 64 * 1024 * 1024 },
    );
    done = true;
    await m2.close();
    expect(seen).toBe(n);
    expect(slicer.yields).toBeGreaterThan(0);
    expect(seenAtTurns.some((s) => s > 0 && s < n)).toBe(true);
  });
});
