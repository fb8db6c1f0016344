// A child process for review-regressions.test.ts: opens the DB in argv[2] with an out-of-order
// window, commits one in-order sample and then 40 out-of-order ones, and SIGKILLs itself before
// the out-of-order chunk could be m-mapped to disk.
import { Labels } from '@tsprom/labels';
import { DB } from '../db.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: ooo-kill-writer DIR');
const db = await DB.open(dir, { outOfOrderTimeWindowMs: 1_000_000 });
const L = Labels.fromStrings('__name__', 'o');
let a = db.appender();
a.append(0, L, 1_000_000, 0);
await a.commit();
for (let i = 0; i < 40; i++) {
  a = db.appender();
  a.append(1, L, 500_000 + i * 1000, i);
  await a.commit();
}
process.kill(process.pid, 'SIGKILL');
