// readFloats through the querier's iterators (head, blocks, and both merged) reads exactly what
// next() reads: the same times and value bits, tombstones and the query range honoured.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { type FloatBuffer, readFloats, type SampleIterator, StaleNaN, ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB } from './db.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-read-floats-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bits = (v: number): string => {
  const f = new Float64Array([v]);
  return Array.from(new Uint32Array(f.buffer)).join(':');
};

/** Every sample as `t=bits`, by next() one at a time. */
function oneByOne(it: SampleIterator): string[] {
  const out: string[] = [];
  while (it.next() !== ValueType.None) out.push(`${it.atT()}=${bits(it.atV())}`);
  expect(it.err()).toBeUndefined();
  return out;
}

/** Every sample as `t=bits`, by readFloats into a buffer of `cap` points up to `stride` ms ahead. */
function bulk(it: SampleIterator, cap: number, stride: number): string[] {
  const out: string[] = [];
  const buf: FloatBuffer = { ts: new Float64Array(cap), vs: new Float64Array(cap), n: 0 };
  let vt = it.next();
  while (vt !== ValueType.None) {
    buf.n = 0;
    vt = readFloats(it, buf, it.atT() + stride);
    for (let i = 0; i < buf.n; i++) out.push(`${buf.ts[i]}=${bits(buf.vs[i]!)}`);
  }
  expect(it.err()).toBeUndefined();
  return out;
}

async function compareReads(db: DB, mint: number, maxt: number): Promise<number> {
  let n = 0;
  for (const [cap, stride] of [
    [1, 1e9],
    [7, 1e9],
    [1000, 1e9],
    [64, 100_000],
  ] as const) {
    const q = db.querier(mint, maxt);
    const set = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', 'm')]);
    while (set.next()) {
      const s = set.at();
      const want = oneByOne(s.iterator());
      expect(bulk(s.iterator(), cap, stride)).toEqual(want);
      n += want.length;
    }
    await q.close();
  }
  return n;
}

describe('readFloats through the querier', () => {
  it('matches next() over blocks, the head and tombstones', async () => {
    const db = await DB.open(dir, { chunkRangeMs: 3600_000, autoCompaction: false, logger: () => {} });
    const refs = [0, 0, 0];
    const end = 3 * 3600_000;
    for (let t = 0; t < end; t += 15_000) {
      const app = db.appender();
      for (let i = 0; i < refs.length; i++) {
        const v = t === 600_000 && i === 1 ? StaleNaN : t === 900_000 ? Number.NaN : t / 1000 + i;
        refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), t, v);
      }
      await app.commit();
    }
    await db.compact();
    expect(db.blocks().length).toBeGreaterThan(0);
    await db.delete(1_000_000, 1_200_000, new Matcher(MatchType.Equal, 'i', '0'));
    await db.delete(10_000_000, 10_100_000, new Matcher(MatchType.Equal, 'i', '2'));
    // The whole data, a range inside one block, and one across a block and the head.
    expect(await compareReads(db, -Infinity, Infinity)).toBeGreaterThan(4 * 2000);
    expect(await compareReads(db, 500_000, 2_000_000)).toBeGreaterThan(0);
    expect(await compareReads(db, 6_000_000, 10_050_000)).toBeGreaterThan(0);
    await db.close();
  });
});
