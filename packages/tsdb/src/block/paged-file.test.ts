import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PAGE_SIZE, PagedFile, ShortReadError } from './paged-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paged-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('reads any range as the file holds it, its page cache staying within its bound', async () => {
  const size = 20 * PAGE_SIZE + 123;
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  const path = join(dir, 'f');
  await writeFile(path, data);
  const f = PagedFile.open(path, { cacheBytes: 4 * PAGE_SIZE });
  try {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 0, max: 3 * PAGE_SIZE }))
            .map(([pos, len]) => [pos, Math.min(len, size - pos)] as const),
          { maxLength: 60 },
        ),
        (reads) => {
          for (const [pos, len] of reads) {
            expect(Array.from(f.read(pos, len))).toEqual(Array.from(data.subarray(pos, pos + len)));
            expect(f.cachedBytes).toBeLessThanOrEqual(4 * PAGE_SIZE);
          }
        },
      ),
    );
    expect(() => f.read(size - 1, 2)).toThrow(ShortReadError);
  } finally {
    f.close();
  }
});

it('keeps a page read again over pages read once when it must evict', async () => {
  const path = join(dir, 'f');
  await writeFile(path, new Uint8Array(8 * PAGE_SIZE));
  const f = PagedFile.open(path, { cacheBytes: 3 * PAGE_SIZE });
  try {
    f.read(0, 1); // Page 0, then read again below: it survives the evictions.
    f.read(PAGE_SIZE, 1);
    f.read(2 * PAGE_SIZE, 1);
    f.read(0, 1);
    f.read(3 * PAGE_SIZE, 1); // Evicts page 1 (read once), not page 0.
    f.read(4 * PAGE_SIZE, 1); // Evicts page 2.
    const before = f.reads;
    f.read(10, 1);
    expect(f.reads).toBe(before);
    f.read(PAGE_SIZE + 10, 1);
    expect(f.reads).toBe(before + 1);
  } finally {
    f.close();
  }
});
