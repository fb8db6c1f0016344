// A commit applied in time slices: selects made while it runs see none of it (in-order and
// out-of-order samples, exemplars), whether their reader opened before or during it; readers
// opened after see all of it; commits run one at a time in the order they were made.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { type Querier, ValueType } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { DB } from './db.js';
import { Head } from './head.js';
import { applyCommit } from './head-commit.js';
import type { CommitBatch } from './head-log.js';
import type { MemSeries } from './mem-series.js';

const all = [new Matcher(MatchType.Regexp, '__name__', '.+')];
const nameOf = (i: number): Labels => Labels.fromStrings('__name__', `s${i}`);

async function read(q: Querier): Promise<Record<string, [number, number][]>> {
  const selected = q.select(true, undefined, all); // The snapshot is taken here, synchronously.
  const set = await selected;
  const out: Record<string, [number, number][]> = {};
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const xs: [number, number][] = [];
    while (it.next() !== ValueType.None) xs.push([it.atT(), it.atV()]);
    expect(it.err()).toBeUndefined();
    out[s.labels().toString()] = xs;
  }
  return out;
}

/** A head with 300 series of 100 samples (t = 0..99,000 by 1,000), some of it cut into chunks. */
async function filled(): Promise<Head> {
  const head = new Head({ outOfOrderTimeWindowMs: 1_000_000, chunkRangeMs: 3_600_000 });
  const app = head.appender();
  for (let t = 0; t < 100_000; t += 1000) for (let i = 0; i < 300; i++) app.append(0, nameOf(i), t, t + i);
  await app.commit();
  return head;
}

/**
 * The batch a commit of 300 series x 20 samples would hand over: in order from t = 100,000 on
 * (crossing a 120-sample chunk cut), and every fifth sample out of order (t - 99,500), with an
 * exemplar per series.
 */
function bigBatch(head: Head): CommitBatch {
  const series: MemSeries[] = [];
  const ts = new Float64Array(6000);
  const vs = new Float64Array(6000);
  let n = 0;
  for (let k = 0; k < 20; k++) {
    for (let i = 0; i < 300; i++) {
      const s = head.state.getOrCreate(nameOf(i)).series;
      s.pendingCommits++;
      series.push(s);
      const t = 100_000 + k * 1000;
      ts[n] = k % 5 === 4 ? t - 99_500 : t;
      vs[n++] = -(k * 1000 + i);
    }
  }
  const exemplars = [];
  for (let i = 0; i < 300; i++) {
    exemplars.push({
      series: head.state.getOrCreate(nameOf(i)).series,
      e: { labels: Labels.fromStrings('trace_id', `t${i}`), value: i, ts: 110_000, hasTs: true },
    });
  }
  return { newSeries: [], series, ts, vs, length: n, histograms: [], exemplars, metadata: [] };
}

describe('a commit applied in slices', () => {
  it.each([
    ['with no reader open when it starts', false],
    ['with a reader open before it', true],
  ])('is invisible to readers opened during it, and whole to readers opened after (%s)', async (_, withEarly) => {
    const head = await filled();
    const q0 = head.querier(-Infinity, Infinity);
    const before = await read(q0);
    await q0.close();
    const early = withEarly ? head.querier(-Infinity, Infinity) : undefined;
    const batch = bigBatch(head);
    const release = await head.state.isolation.lockCommits();
    // On every turn of the event loop while the commit runs in 0 ms slices: a reader opened then,
    // which selects at once (and a select by the reader opened before, if any). A select takes its
    // snapshot when called; the sets are read after the commit.
    const sets: Promise<Record<string, [number, number][]>>[] = [];
    let done = false;
    const open = (): void => {
      if (done) return;
      if (early !== undefined) sets.push(read(early));
      sets.push(read(head.querier(-Infinity, Infinity)));
      setImmediate(open);
    };
    setImmediate(open);
    expect(head.state.isolation.hasReaders).toBe(withEarly);
    const ooo = await applyCommit(head.state, batch, head.maxTime, -Infinity, undefined, 0);
    done = true;
    release();
    expect(sets.length).toBeGreaterThan(10);
    expect(ooo?.length).toBe(4 * 300);
    for (const got of await Promise.all(sets)) expect(got).toEqual(before);
    const after = await read(head.querier(-Infinity, Infinity));
    expect(after['{__name__="s7"}']).toHaveLength(120);
    expect(after['{__name__="s7"}']!.filter(([t]) => t >= 100_000)).toHaveLength(16);
    expect(after['{__name__="s7"}']!.filter(([, v]) => v < 0)).toHaveLength(20);
    // Exemplars too appear with the end of the commit.
    expect(head.state.exemplars.select(0, 1e9, all)).toHaveLength(300);
    expect(head.stats().numSamples).toBe(300 * 120);
  });

  it('runs commits one at a time, in the order they were made', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsdb-commit-order-'));
    try {
      const db = await DB.open(dir);
      const apps = Array.from({ length: 6 }, () => db.appender());
      // Each appender writes t = 1000 k of series s0..s2999 (value k); the third sample of a
      // series at the same t (and another value) is a duplicate and dropped at commit.
      for (let k = 0; k < apps.length; k++) {
        for (let i = 0; i < 3000; i++) apps[k]!.append(0, nameOf(i), 1000 * (k >> 1), k);
      }
      await Promise.all(apps.map((a) => a.commit()));
      const want: Record<string, [number, number][]> = {};
      for (let i = 0; i < 3000; i++) {
        want[nameOf(i).toString()] = [
          [0, 0],
          [1000, 2],
          [2000, 4],
        ];
      }
      expect(await read(db.querier(-Infinity, Infinity))).toEqual(want);
      expect(db.stats().samplesDroppedAtCommit).toBe(3 * 3000);
      await db.close();
      const reopened = await DB.open(dir);
      expect(await read(reopened.querier(-Infinity, Infinity))).toEqual(want);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a commit of samples appended before another commit changed their series', () => {
  // The commit appends to a series' open chunk through the slab it took at append time only while
  // the series still has that slot: here another commit moved the chunk out of it, or cut it.
  it.each([
    ['moved out of its slot', 40, 3_600_000],
    ['cut at chunk range boundaries', 10, 60_000],
  ])('applies them to the open chunk after it was %s', async (_, n, chunkRangeMs) => {
    const head = new Head({ chunkRangeMs });
    const ls = Labels.fromStrings('__name__', 'x');
    const want: [number, number][] = [[1000, 1]];
    const first = head.appender();
    first.append(0, ls, 1000, 1);
    // Slots come 512 to a slab: with these, the slot a cut gives x next is in another slab.
    for (let k = 0; k < 600; k++) first.append(0, Labels.fromStrings('__name__', `filler${k}`), 1000, k);
    await first.commit();
    const lateT = 1000 + (n + 1) * 15_000;
    const late = head.appender();
    late.append(0, ls, lateT, 0.25);
    const mid = head.appender();
    for (let k = 1; k <= n; k++) {
      const t = 1000 + k * 15_000;
      const v = Math.sin(k) * 1e6; // Every bit changes: ~9 bytes a sample, the slot is full at ~27.
      mid.append(0, ls, t, v);
      want.push([t, v]);
    }
    await mid.commit();
    await late.commit();
    want.push([lateT, 0.25]);
    const q = head.querier(-Infinity, Infinity);
    expect((await read(q))[ls.toString()]).toEqual(want);
    await q.close();
  });
});
