// The writer's file equals the bytes written, whatever mix of small writes, big writes and patches
// of bytes already handed to the OS (asynchronous writes run in order), and abort leaves no write
// running on a closed descriptor.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedFileWriter } from './buffered-file-writer.js';

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('BufferedFileWriter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bfw-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([1, 2, 3, 4, 5])('writes exactly the bytes given, patches included (seed %i)', async (seed) => {
    const rnd = prng(seed);
    const path = join(dir, `f${seed}`);
    const w = BufferedFileWriter.create(path);
    const want: number[] = [];
    for (let op = 0; op < 400; op++) {
      const r = rnd();
      if (r < 0.6) {
        // Small to over-a-buffer writes (the buffer is 1 MiB).
        const len = rnd() < 0.05 ? (1 << 20) + Math.floor(rnd() * 4096) : Math.floor(rnd() * 20_000);
        const b = new Uint8Array(len);
        for (let i = 0; i < len; i++) {
          b[i] = Math.floor(rnd() * 256);
          want.push(b[i]!);
        }
        w.write(b);
        b.fill(7); // The writer copied it: changing it now must not change the file.
      } else if (r < 0.8) {
        w.writeByte(op & 255);
        want.push(op & 255);
      } else if (want.length > 8) {
        const pos = Math.floor(rnd() * (want.length - 8));
        const b = new Uint8Array(8).map((_, i) => (op + i) & 255);
        w.writeAt(pos, b);
        b.fill(9);
        for (let i = 0; i < 8; i++) want[pos + i] = (op + i) & 255;
      }
      if (op % 50 === 0) await new Promise((r) => setImmediate(r)); // Let writes complete meanwhile.
    }
    expect(w.pos).toBe(want.length);
    await w.close();
    const got = await readFile(path);
    expect(got.length).toBe(want.length);
    const firstDiff = want.findIndex((v, i) => got[i] !== v);
    expect(firstDiff).toBe(-1);
  });

  it('abort closes the file after the writes in flight, and close after abort does nothing', async () => {
    const path = join(dir, 'aborted');
    const w = BufferedFileWriter.create(path);
    for (let i = 0; i < 5; i++) w.write(new Uint8Array((1 << 20) + 1).fill(i + 1));
    await w.abort();
    await w.close();
    // The queued writes ran before the close: the file holds what was handed over.
    const got = await readFile(path);
    expect(got.length).toBe(5 * ((1 << 20) + 1));
    expect(got[got.length - 1]).toBe(5);
  });
});
