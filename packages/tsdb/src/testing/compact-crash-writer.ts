// A child process for the compaction crash test (db-compaction-crash.test.ts): opens the DB in
// argv[2] with a 200 ms block range, continues after the newest sample it holds, appends one
// sample per series per millisecond of sample time and compacts every 50 commits, printing each
// committed timestamp once commit() resolved. The test kills it with SIGKILL, often mid-compaction.
import { Labels } from '@tsprom/labels';
import { DB } from '../db.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: compact-crash-writer DIR');
const numSeries = 20;
const db = await DB.open(dir, {
  chunkRangeMs: 200,
  walSegmentSizeBytes: 64 * 1024,
  autoCompaction: false,
  retentionMs: 0,
  logger: () => {},
});
const labels = Array.from({ length: numSeries }, (_, i) => Labels.fromStrings('__name__', 'crash', 'i', String(i)));
const refs = new Array<number>(numSeries).fill(0);
let newest = db.stats().maxTime;
for (const m of db.blocks()) if (m.maxTime - 1 > newest) newest = m.maxTime - 1;
let t = newest === -Infinity ? 0 : newest + 1;
process.stdout.write(`start ${t}\n`);
for (;;) {
  const app = db.appender();
  for (let i = 0; i < numSeries; i++) refs[i] = app.append(refs[i]!, labels[i]!, t, t * 2 + i);
  await app.commit();
  process.stdout.write(`${t}\n`);
  t++;
  if (t % 50 === 0) await db.compact();
}
