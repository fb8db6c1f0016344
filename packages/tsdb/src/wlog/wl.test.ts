import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@tsprom/chunkenc';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAllRecords } from './read-all.js';
import { segmentName } from './segments.js';
import { WL } from './wl.js';
import { WLReader } from './wl-reader.js';
import { PAGE_SIZE, SNAPPY_MASK } from './wlog-constants.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(d: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const res = await readAllRecords(d, (rec) => out.push(rec.slice()));
  expect(res.corruption).toBeUndefined();
  return out;
}

/** Compares lists of byte arrays fast (deep equality of large typed arrays is slow). */
function expectSameRecords(got: Uint8Array[], want: Uint8Array[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!Buffer.from(got[i]!).equals(Buffer.from(want[i]!))) expect.fail(`record ${i} differs`);
  }
}

function bytesOf(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

describe('WL on-disk layout', () => {
  it('writes a full fragment: type 1, BE16 length, BE32 CRC32C, data; close pads the page', async () => {
    const w = await WL.open(dir);
    const rec = new TextEncoder().encode('hello');
    await w.log(rec);
    const f = await readFile(segmentName(dir, 0));
    expect(f.length).toBe(12); // Flushed, not padded, while open.
    await w.close();
    const g = await readFile(segmentName(dir, 0));
    expect(g.length).toBe(PAGE_SIZE);
    const crc = crc32c(rec);
    expect(Array.from(g.subarray(0, 7))).toEqual([
      1,
      0,
      5,
      crc >>> 24,
      (crc >>> 16) & 0xff,
      (crc >>> 8) & 0xff,
      crc & 0xff,
    ]);
    expect(new TextDecoder().decode(g.subarray(7, 12))).toBe('hello');
    expect(g.subarray(12).every((b) => b === 0)).toBe(true);
    expect(await readdir(dir)).toEqual(['00000000']);
  });

  it('splits records over pages into first/middle/last fragments', async () => {
    const w = await WL.open(dir);
    const rec = bytesOf(2 * PAGE_SIZE + 100, 7);
    await w.log(rec);
    await w.close();
    const g = await readFile(segmentName(dir, 0));
    expect(g.length).toBe(3 * PAGE_SIZE);
    expect(g[0]).toBe(2);
    expect((g[1]! << 8) | g[2]!).toBe(PAGE_SIZE - 7);
    expect(g[PAGE_SIZE]).toBe(3);
    expect(g[2 * PAGE_SIZE]).toBe(4);
    expect((g[2 * PAGE_SIZE + 1]! << 8) | g[2 * PAGE_SIZE + 2]!).toBe(rec.length - 2 * (PAGE_SIZE - 7));
    expectSameRecords(await readAll(dir), [rec]);
  });

  it('pads a page with less than a header of room left and continues on the next', async () => {
    const w = await WL.open(dir);
    const a = bytesOf(PAGE_SIZE - 7 - 7 - 3, 1); // Leaves 3 bytes after the next 0-byte record.
    await w.log(a, new Uint8Array(0), new Uint8Array([9]));
    await w.close();
    const g = await readFile(segmentName(dir, 0));
    expect(g[PAGE_SIZE - 10]).toBe(1); // The empty record's header.
    expect(Array.from(g.subarray(PAGE_SIZE - 3, PAGE_SIZE))).toEqual([0, 0, 0]);
    expect(g[PAGE_SIZE]).toBe(1);
    expectSameRecords(await readAll(dir), [a, new Uint8Array(0), new Uint8Array([9])]);
  });

  it('sets the snappy bit only when compression shrinks the record', async () => {
    const w = await WL.open(dir, { compression: 'snappy' });
    const compressible = new Uint8Array(1000).fill(7);
    const random = bytesOf(50, 3);
    await w.log(compressible, random);
    await w.close();
    const g = await readFile(segmentName(dir, 0));
    expect(g[0]).toBe(1 | SNAPPY_MASK);
    const len = (g[1]! << 8) | g[2]!;
    expect(len).toBeLessThan(100);
    expect(g[7 + len]).toBe(1);
    expectSameRecords(await readAll(dir), [compressible, random]);
  });

  it('starts a new segment on every open, on nextSegment() and when a record does not fit', async () => {
    const w = await WL.open(dir, { segmentSize: 2 * PAGE_SIZE });
    expect(w.activeSegment).toBe(0);
    await w.log(bytesOf(PAGE_SIZE, 1)); // Fills page 0 and part of page 1.
    await w.log(bytesOf(PAGE_SIZE, 2)); // Does not fit in the rest: goes to segment 1.
    expect(w.activeSegment).toBe(1);
    expect(await w.nextSegment()).toBe(2);
    await w.log(bytesOf(5 * PAGE_SIZE, 3)); // Larger than a segment: gets its own, larger one.
    await w.log(bytesOf(10, 4));
    await w.close();
    expect((await stat(segmentName(dir, 0))).size).toBe(2 * PAGE_SIZE);
    expect((await stat(segmentName(dir, 3))).size).toBe(6 * PAGE_SIZE);
    const w2 = await WL.open(dir, { segmentSize: 2 * PAGE_SIZE });
    expect(w2.activeSegment).toBe(5);
    await w2.log(bytesOf(3, 5));
    await w2.close();
    expect(await w2.segments()).toEqual({ first: 0, last: 5 });
    expectSameRecords(await readAll(dir), [
      bytesOf(PAGE_SIZE, 1),
      bytesOf(PAGE_SIZE, 2),
      bytesOf(5 * PAGE_SIZE, 3),
      bytesOf(10, 4),
      bytesOf(3, 5),
    ]);
  });

  it('truncate deletes the segments below the given index', async () => {
    const w = await WL.open(dir, { segmentSize: PAGE_SIZE });
    for (let i = 0; i < 4; i++) {
      await w.log(bytesOf(10, i));
      await w.nextSegment();
    }
    await w.truncate(3);
    expect(await w.segments()).toEqual({ first: 3, last: 4 });
    await w.close();
    expectSameRecords(await readAll(dir), [bytesOf(10, 3)]);
    const r = await WLReader.open(dir, { from: 4 });
    expect(r.next()).toBe(false);
    expect(r.err()).toBeUndefined();
  });

  it('rejects a segment size that is not a multiple of the page size', async () => {
    await expect(WL.open(dir, { segmentSize: 1000 })).rejects.toThrow(RangeError);
  });
});

describe('WL round trip (property)', () => {
  it('reads back exactly what was logged, across pages, segments, reopenings and compression', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            sizes: fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 3 * PAGE_SIZE })), {
              minLength: 1,
              maxLength: 6,
            }),
            cut: fc.boolean(),
            reopen: fc.boolean(),
            compressible: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom('none' as const, 'snappy' as const),
        async (batches, compression) => {
          const d = await mkdtemp(join(tmpdir(), 'wl-prop-'));
          try {
            const want: Uint8Array[] = [];
            let w = await WL.open(d, { segmentSize: 2 * PAGE_SIZE, compression });
            let seed = 1;
            for (const b of batches) {
              const recs = b.sizes.map((n) =>
                b.compressible ? new Uint8Array(n).fill(seed++ & 0xff) : bytesOf(n, seed++),
              );
              want.push(...recs);
              await w.log(...recs);
              if (b.cut) await w.nextSegment();
              if (b.reopen) {
                await w.close();
                w = await WL.open(d, { segmentSize: 2 * PAGE_SIZE, compression });
              }
            }
            await w.close();
            expectSameRecords(await readAll(d), want);
          } finally {
            await rm(d, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
