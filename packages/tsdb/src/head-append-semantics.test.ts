// Table tests of Prometheus's appender semantics (tsdb/head_append.go headAppender.Append,
// memSeries.appendable, commitFloats): append checks only against committed data and the
// appender's head max time; commit applies the samples in order and drops (and counts) those an
// earlier sample of the batch, or another commit, made out of order, or sends them to the
// out-of-order head within the window. The commit never fails for them, and a reopen (WAL + WBL
// replay) gives back the same data.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import {
  DuplicateSampleForTimestampError,
  OutOfOrderSampleError,
  TooOldSampleError,
  ValueType,
} from '@tsprom/storage-interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import { DB } from './db.js';
import type { HeadStats } from './head.js';

/** A sample of series `{__name__=NAME}`: [NAME, t, v]. */
type S = [string, number, number];

interface Case {
  name: string;
  window: number;
  /** Committed first, by one appender. */
  pre?: S[];
  /** One appender each, all created (and all appended to) before any commits. */
  batches: S[][];
  /** Order in which the batches' appenders commit (default: in order). */
  commitOrder?: number[];
  want: Record<string, [number, number][]>;
  stats: Partial<HeadStats>;
}

const cases: Case[] = [
  {
    name: 't=10 then t=5 in one appender, no window: 5 is dropped at commit and counted',
    window: 0,
    batches: [
      [
        ['a', 10, 1],
        ['a', 5, 2],
      ],
    ],
    want: { a: [[10, 1]] },
    stats: { samplesDroppedAtCommit: 1, outOfOrderSamples: 1, outOfOrderSamplesAppended: 0, numSamples: 1 },
  },
  {
    name: 't=10 then t=5 in one appender, with a window: 5 goes to the out-of-order head',
    window: 100,
    batches: [
      [
        ['a', 10, 1],
        ['a', 5, 2],
      ],
    ],
    want: {
      a: [
        [5, 2],
        [10, 1],
      ],
    },
    stats: { samplesDroppedAtCommit: 0, outOfOrderSamples: 0, outOfOrderSamplesAppended: 1, numSamples: 2 },
  },
  {
    name: 'duplicate timestamp with the same value: a no-op, not counted',
    window: 0,
    batches: [
      [
        ['a', 10, 1],
        ['a', 10, 1],
      ],
    ],
    want: { a: [[10, 1]] },
    stats: { samplesDroppedAtCommit: 0, outOfOrderSamples: 0, numSamples: 1 },
  },
  {
    name: 'duplicate timestamp with another value: the later one is dropped at commit',
    window: 0,
    batches: [
      [
        ['a', 10, 1],
        ['a', 10, 2],
      ],
    ],
    want: { a: [[10, 1]] },
    stats: { samplesDroppedAtCommit: 1, outOfOrderSamples: 0, numSamples: 1 },
  },
  {
    name: 'duplicate timestamp with another value, with a window: still dropped (not out of order)',
    window: 100,
    batches: [
      [
        ['a', 10, 1],
        ['a', 10, 2],
      ],
    ],
    want: { a: [[10, 1]] },
    stats: { samplesDroppedAtCommit: 1, outOfOrderSamplesAppended: 0, numSamples: 1 },
  },
  {
    name: 'two concurrent appenders, the older sample committed last, no window: dropped',
    window: 0,
    pre: [['a', 1, 0]],
    batches: [[['a', 10, 1]], [['a', 5, 2]]],
    want: {
      a: [
        [1, 0],
        [10, 1],
      ],
    },
    stats: { samplesDroppedAtCommit: 1, outOfOrderSamples: 1, numSamples: 2 },
  },
  {
    name: 'two concurrent appenders, the older sample committed last, with a window: out of order',
    window: 100,
    pre: [['a', 1, 0]],
    batches: [[['a', 10, 1]], [['a', 5, 2]]],
    want: {
      a: [
        [1, 0],
        [5, 2],
        [10, 1],
      ],
    },
    stats: { samplesDroppedAtCommit: 0, outOfOrderSamplesAppended: 1, numSamples: 3 },
  },
  {
    name: 'two concurrent appenders, the older sample committed first: both in order',
    window: 0,
    pre: [['a', 1, 0]],
    batches: [[['a', 10, 1]], [['a', 5, 2]]],
    commitOrder: [1, 0],
    want: {
      a: [
        [1, 0],
        [5, 2],
        [10, 1],
      ],
    },
    stats: { samplesDroppedAtCommit: 0, outOfOrderSamplesAppended: 0, numSamples: 3 },
  },
  {
    name: "the window is measured from the appender's head max time, not from its own samples",
    window: 10,
    pre: [['a', 100, 0]],
    batches: [
      [
        ['a', 200, 1],
        ['a', 150, 2],
      ],
    ],
    want: {
      a: [
        [100, 0],
        [150, 2],
        [200, 1],
      ],
    },
    stats: { samplesDroppedAtCommit: 0, outOfOrderSamplesAppended: 1, numSamples: 3 },
  },
  {
    name: 'a sample in order at append but too old at commit is dropped and counted',
    window: 10,
    pre: [
      ['a', 100, 0],
      ['b', 0, 0],
    ],
    batches: [
      [
        ['b', 200, 1],
        ['b', 50, 2],
      ],
    ],
    want: {
      a: [[100, 0]],
      b: [
        [0, 0],
        [200, 1],
      ],
    },
    stats: { samplesDroppedAtCommit: 1, tooOldSamples: 1, outOfOrderSamplesAppended: 0, numSamples: 3 },
  },
];

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const L = (name: string): Labels => Labels.fromStrings('__name__', name);

async function readAll(db: DB): Promise<Record<string, [number, number][]>> {
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: Record<string, [number, number][]> = {};
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const xs: [number, number][] = [];
    while (it.next() !== ValueType.None) xs.push([it.atT(), it.atV()]);
    expect(it.err()).toBeUndefined();
    out[s.labels().get('__name__')] = xs;
  }
  await q.close();
  return out;
}

describe('appender semantics (Prometheus headAppender)', () => {
  it.each(cases)('$name', async (c) => {
    const dir = await mkdtemp(join(tmpdir(), 'tsdb-append-sem-'));
    dirs.push(dir);
    const opts = { outOfOrderTimeWindowMs: c.window };
    const db = await DB.open(dir, opts);
    if (c.pre !== undefined) {
      const app = db.appender();
      for (const [n, t, v] of c.pre) app.append(0, L(n), t, v);
      await app.commit();
    }
    const apps = c.batches.map(() => db.appender());
    // Every append is accepted: it is checked against committed data only.
    c.batches.forEach((b, i) => {
      for (const [n, t, v] of b) expect(apps[i]!.append(0, L(n), t, v)).toBeGreaterThan(0);
    });
    for (const i of c.commitOrder ?? c.batches.map((_, i) => i)) await apps[i]!.commit();
    expect(await readAll(db)).toEqual(c.want);
    const stats = db.stats();
    expect(stats).toMatchObject(c.stats);
    await db.close();
    // Replay (WAL, then WBL) applies the same rules: the same data and counts.
    const db2 = await DB.open(dir, opts);
    expect(await readAll(db2)).toEqual(c.want);
    expect(db2.stats().numSamples).toBe(stats.numSamples);
    await db2.close();
  });

  it('rejects at append what the committed data makes out of order, too old or a duplicate', async () => {
    const db = await DB.open(undefined, {});
    const app = db.appender();
    app.append(0, L('a'), 10, 1);
    await app.commit();
    const app2 = db.appender();
    expect(() => app2.append(0, L('a'), 5, 1)).toThrow(OutOfOrderSampleError);
    expect(() => app2.append(0, L('a'), 10, 2)).toThrow(DuplicateSampleForTimestampError);
    await app2.rollback();
    expect(db.stats()).toMatchObject({ outOfOrderSamples: 1, numSamples: 1 });
    await db.close();

    const dbw = await DB.open(undefined, { outOfOrderTimeWindowMs: 10 });
    const a = dbw.appender();
    a.append(0, L('a'), 100, 1);
    await a.commit();
    const a2 = dbw.appender();
    expect(() => a2.append(0, L('a'), 89, 1)).toThrow(TooOldSampleError);
    a2.append(0, L('a'), 90, 1); // Within the window: accepted, out of order.
    await a2.commit();
    expect(dbw.stats()).toMatchObject({ tooOldSamples: 1, outOfOrderSamplesAppended: 1, numSamples: 2 });
    await dbw.close();
  });
});
