import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CorruptionError } from './errors.js';
import { LiveReader } from './live-reader.js';
import { segmentName } from './segments.js';
import { WL } from './wl.js';
import { PAGE_SIZE } from './wlog-constants.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'live-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rec(i: number, n: number): Uint8Array {
  const b = new Uint8Array(n + 4);
  new DataView(b.buffer).setUint32(0, i);
  b.fill(i & 0xff, 4);
  return b;
}

function drain(r: LiveReader, into: number[]): void {
  while (r.next()) {
    const b = r.record();
    const id = new DataView(b.buffer, b.byteOffset).getUint32(0);
    expect(Buffer.from(b).equals(Buffer.from(rec(id, b.length - 4)))).toBe(true);
    into.push(id);
  }
  expect(r.err()).toBeUndefined();
}

it('follows a segment while the WL writes it', async () => {
  const w = await WL.open(dir, { compression: 'snappy' });
  const r = LiveReader.open(dir, 0);
  const seen: number[] = [];
  for (let i = 0; i < 50; i++) {
    await w.log(rec(i, (i * 4099) % 50_000));
    drain(r, seen);
    expect(seen).toEqual(Array.from({ length: i + 1 }, (_, k) => k));
  }
  await w.close();
  drain(r, seen);
  expect(seen.length).toBe(50);
  r.close();
});

it('returns records only once complete, whatever pieces the segment arrives in (property)', async () => {
  // A reference segment, then replayed to a second file in random pieces.
  const w = await WL.open(join(dir, 'src'));
  const sizes = Array.from({ length: 40 }, (_, i) => (i * 7919) % (3 * PAGE_SIZE));
  for (let i = 0; i < sizes.length; i += 2) await w.log(rec(i, sizes[i]!), rec(i + 1, sizes[i + 1]!));
  await w.close();
  const full = await readFile(segmentName(join(dir, 'src'), 0));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 30 }), async (pieces) => {
      const d = join(dir, 'dst');
      await rm(d, { recursive: true, force: true });
      await mkdir(d);
      await writeFile(segmentName(d, 0), new Uint8Array(0));
      const r = LiveReader.open(d, 0);
      const seen: number[] = [];
      let off = 0;
      for (const p of pieces) {
        if (off >= full.length) break;
        await appendFile(segmentName(d, 0), full.subarray(off, off + p));
        off += p;
        drain(r, seen);
      }
      await appendFile(segmentName(d, 0), full.subarray(off));
      drain(r, seen);
      r.close();
      expect(seen).toEqual(Array.from({ length: 40 }, (_, k) => k));
    }),
    { numRuns: 30 },
  );
});

it('reports damage as a CorruptionError', async () => {
  const w = await WL.open(dir);
  await w.log(rec(0, 10), rec(1, 10));
  await w.close();
  const f = new Uint8Array(await readFile(segmentName(dir, 0)));
  f[7 + 14 + 9]! ^= 1; // Inside record 1's data.
  await writeFile(segmentName(dir, 0), f);
  const r = LiveReader.open(dir, 0);
  expect(r.next()).toBe(true);
  expect(r.next()).toBe(false);
  expect(r.err()).toBeInstanceOf(CorruptionError);
  expect((r.err() as CorruptionError).offset).toBe(21);
  r.close();
});
