// A child process for the crash test (crash.test.ts): opens the DB in argv[2], continues after the
// newest sample it holds, and appends and commits batches in a loop, printing each committed
// batch's timestamp on stdout once commit() resolved. The test kills it with SIGKILL.
import { Labels } from '@tsprom/labels';
import { DB } from '../db.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-writer DIR');
const numSeries = 50;
const db = await DB.open(dir, { walSegmentSizeBytes: 64 * 1024 });
const labels = Array.from({ length: numSeries }, (_, i) => Labels.fromStrings('__name__', 'crash', 'i', String(i)));
const refs = new Array<number>(numSeries).fill(0);
const maxTime = db.stats().maxTime;
let t = maxTime === -Infinity ? 0 : maxTime + 1;
process.stdout.write(`start ${t}\n`);
for (;;) {
  const app = db.appender();
  for (let i = 0; i < numSeries; i++) refs[i] = app.append(refs[i]!, labels[i]!, t, t * 2 + i);
  await app.commit();
  process.stdout.write(`${t}\n`);
  t++;
  // Yield to timers now and then so the WAL stays small enough to replay quickly 20 times.
  if (t % 8 === 0) await new Promise((r) => setTimeout(r, 1));
}
