// Property test: whatever mix of in-order, out-of-order, duplicate and rejected appends a DB with a
// directory took, closing and reopening it (WAL, WBL, chunks_head/ replay) gives back exactly what
// it served before.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { AppendError, ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { DB } from './db.js';

async function readAll(db: DB): Promise<[string, number[]][]> {
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: [string, number[]][] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const xs: number[] = [];
    while (it.next() !== ValueType.None) xs.push(it.atT(), it.atV());
    expect(it.err()).toBeUndefined();
    out.push([s.labels().toString(), xs]);
  }
  await q.close();
  return out;
}

const opArb = fc.record({
  series: fc.integer({ min: 0, max: 3 }),
  t: fc.integer({ min: 0, max: 20_000 }),
  v: fc.integer({ min: -5, max: 5 }),
});

it('reopening a DB restores exactly what it served', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(opArb, { maxLength: 60 }), { minLength: 1, maxLength: 8 }),
      fc.constantFrom(0, 5_000),
      async (batches, window) => {
        const dir = await mkdtemp(join(tmpdir(), 'tsdb-prop-'));
        try {
          const opts = {
            outOfOrderTimeWindowMs: window,
            chunkRangeMs: 4_000,
            samplesPerChunk: 8,
            autoCompaction: false,
          };
          const db = await DB.open(dir, opts);
          for (const ops of batches) {
            const app = db.appender();
            for (const op of ops) {
              try {
                app.append(0, Labels.fromStrings('s', String(op.series)), op.t, op.v);
              } catch (err) {
                if (!(err instanceof AppendError)) throw err; // Rejections are part of the test.
              }
            }
            await app.commit();
          }
          const before = await readAll(db);
          const stats = db.stats();
          await db.close();
          const db2 = await DB.open(dir, opts);
          expect(await readAll(db2)).toEqual(before);
          expect(db2.stats().numSamples).toBe(stats.numSamples);
          await db2.close();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 40 },
  );
});
