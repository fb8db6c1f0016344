// DB.open's onWALReplayStatus (Prometheus's status/walreplay): the segments after the checkpoint,
// reported before the first and after each one, the replay waiting on the callback.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB } from './db.js';
import type { WALReplayStatus } from './head-replay.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-walstatus-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fill(db: DB, nSeries: number, nSamples: number): Promise<void> {
  const refs = new Array<number>(nSeries).fill(0);
  for (let j = 0; j < nSamples; j++) {
    const app = db.appender();
    for (let i = 0; i < nSeries; i++) {
      refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), j * 1000, i * j);
    }
    await app.commit();
  }
}

async function segments(): Promise<number[]> {
  return (await readdir(join(dir, 'wal'))).filter((n) => /^\d{8}$/.test(n)).map(Number);
}

const opts = { walSegmentSizeBytes: 32 * 1024, walCompression: 'none', chunkRangeMs: 3600_000 } as const;

describe('onWALReplayStatus', () => {
  it('reports min and max, then each segment loaded, while the replay waits', async () => {
    const db = await DB.open(dir, opts);
    await fill(db, 20, 600);
    await db.close();
    const segs = await segments();
    expect(segs.length).toBeGreaterThan(3);

    const seen: WALReplayStatus[] = [];
    const callsDone: number[] = [];
    const db2 = await DB.open(dir, {
      ...opts,
      onWALReplayStatus: async (s) => {
        seen.push(s);
        // The replay waits: nothing else moves while the callback's promise is pending.
        await new Promise((resolve) => setTimeout(resolve, 1));
        callsDone.push(seen.length);
      },
    });
    try {
      const min = segs[0]!;
      const max = segs.at(-1)!;
      expect(seen[0]).toEqual({ min, max, current: min });
      expect(seen.at(-1)).toEqual({ min, max, current: max });
      for (const s of seen) expect([s.min, s.max]).toEqual([min, max]);
      const currents = seen.map((s) => s.current);
      // Each segment that holds records is reported once, in order.
      for (let i = 1; i < currents.length; i++) expect(currents[i]!).toBeGreaterThan(currents[i - 1]!);
      expect(currents.length).toBeGreaterThan(2);
      // Each call finished before the next began.
      expect(callsDone).toEqual(seen.map((_, i) => i + 1));
      expect(db2.stats().numSeries).toBe(20);
    } finally {
      await db2.close();
    }
  });

  it('starts after the checkpoint', async () => {
    const db = await DB.open(dir, opts);
    await fill(db, 20, 600);
    await db.truncateHead(300_000);
    await db.close();
    const names = await readdir(join(dir, 'wal'));
    const cp = names.find((n) => n.startsWith('checkpoint.'));
    expect(cp).toBeDefined();
    const after = Number(cp!.slice('checkpoint.'.length)) + 1;
    const segs = (await segments()).filter((s) => s >= after);

    const seen: WALReplayStatus[] = [];
    const db2 = await DB.open(dir, { ...opts, onWALReplayStatus: (s) => void seen.push(s) });
    await db2.close();
    expect(seen[0]).toEqual({ min: segs[0], max: segs.at(-1), current: segs[0] });
    expect(seen.at(-1)!.current).toBe(segs.at(-1));
  });
});
