// Selects over chunks in chunks_head/ read the chunks they need ahead, asynchronously: what they
// return must be what a head holding every chunk in memory returns, and an aborted signal stops them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { type ChunkQuerier, type Querier, ValueType } from '@tsprom/storage-interfaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from './db.js';
import { Head } from './head.js';

// More series than a select takes at once (4,096), so its snapshots and sort run in slices too.
const numSeries = 4200;
const all = [new Matcher(MatchType.Regexp, '__name__', '.+')];
const labelsOf = (i: number): Labels =>
  Labels.fromStrings('__name__', `m${i % 7}`, 'i', String(i), 'zone', ['a', 'b', 'c'][i % 3]!);

/** Samples by series, values as bit patterns (stale markers and -0 compare exactly). */
async function samples(q: Querier, sortSeries: boolean): Promise<Map<string, string>> {
  const set = await q.select(sortSeries, undefined, all);
  const out = new Map<string, string>();
  const bits = new Float64Array(1);
  const word = new BigUint64Array(bits.buffer);
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const xs: string[] = [];
    while (it.next() !== ValueType.None) {
      bits[0] = it.atV();
      xs.push(`${it.atT()}:${word[0]!.toString(16)}`);
    }
    expect(it.err()).toBeUndefined();
    out.set(s.labels().toString(), xs.join(' '));
  }
  expect(set.err()).toBeUndefined();
  await q.close();
  return out;
}

/** The samples of each chunk the chunk querier hands out, by series. */
async function chunkSamples(q: ChunkQuerier): Promise<Map<string, string>> {
  const set = await q.select(false, undefined, all);
  const out = new Map<string, string>();
  while (set.next()) {
    const s = set.at();
    const ci = s.chunkIterator();
    const chunks: string[] = [];
    while (ci.next()) {
      const it = ci.at().chunk.iterator();
      const ts: number[] = [];
      while (it.next() !== ValueType.None) ts.push(it.atT());
      chunks.push(ts.join(','));
    }
    expect(ci.err()).toBeUndefined();
    out.set(s.labels().toString(), chunks.join(' | '));
  }
  await q.close();
  return out;
}

describe('selects over chunks on disk', () => {
  let dir: string;
  let db: DB;
  let mem: Head;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdb-read-ahead-'));
    // Chunk ranges of 50 s: each series cuts two chunks to chunks_head/ and keeps one open.
    db = await DB.open(dir, { chunkRangeMs: 50_000, logger: () => {} });
    mem = new Head({ chunkRangeMs: 50_000 });
    for (let t = 0; t < 150_000; t += 1000) {
      const a = db.appender();
      const b = mem.appender();
      for (let i = 0; i < numSeries; i++) {
        // Every 13th sample of a series is a stale marker.
        const v = (t / 1000 + i) % 13 === 0 ? Number.NaN : Math.sin(i + t);
        a.append(0, labelsOf(i), t, v);
        b.append(0, labelsOf(i), t, v);
      }
      await a.commit();
      await b.commit();
    }
    // Deleted ranges: one inside a chunk on disk, one covering a whole chunk.
    const zoneA = new Matcher(MatchType.Equal, 'zone', 'a');
    await db.delete(10_000, 20_000, zoneA);
    await mem.delete(10_000, 20_000, [zoneA]);
    await db.delete(50_000, 99_000, new Matcher(MatchType.Equal, 'i', '7'));
    await mem.delete(50_000, 99_000, [new Matcher(MatchType.Equal, 'i', '7')]);
    expect(db.stats().numChunks).toBe(3 * numSeries);
  }, 600_000);

  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('return the samples a head with every chunk in memory returns, sorted or not', async () => {
    for (const sorted of [false, true]) {
      const got = await samples(db.querier(-Infinity, Infinity), sorted);
      const want = await samples(mem.querier(-Infinity, Infinity), sorted);
      expect(got.size).toBe(numSeries);
      expect([...got.keys()]).toEqual([...want.keys()]);
      expect(got).toEqual(want);
    }
    const ranged = await samples(db.querier(30_000, 120_000), false);
    expect(ranged).toEqual(await samples(mem.querier(30_000, 120_000), false));
  }, 600_000);

  it('hand out chunks with the samples of the same chunks in memory', async () => {
    const got = await chunkSamples(db.chunkQuerier(-Infinity, Infinity));
    expect(got).toEqual(await chunkSamples(mem.chunkQuerier(-Infinity, Infinity)));
  }, 600_000);

  it("give up with the signal's reason when it is aborted while the select waits", async () => {
    const q = db.querier(-Infinity, Infinity);
    const ac = new AbortController();
    const selecting = q.select(false, undefined, all, ac.signal);
    // The select has not read a chunk yet: it reads them after an await, at the earliest.
    ac.abort(new Error('query cancelled'));
    await expect(selecting).rejects.toThrow('query cancelled');
    // The querier still works for a select without that signal.
    const set = await q.select(false, undefined, [new Matcher(MatchType.Equal, 'i', '1')]);
    expect(set.next()).toBe(true);
    await q.close();
  }, 600_000);
});
