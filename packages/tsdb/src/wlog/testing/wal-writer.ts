// A child process for durability.test.ts: opens the WAL in argv[2] and logs records from sequence
// number argv[3] on, forever, printing each number on stdout once its log() resolved. Record n
// holds n (BE32) and filler bytes of a size varying with n, so some records span pages. The
// test kills it with SIGKILL.
import { WL } from '../wl.js';

const dir = process.argv[2];
const start = Number(process.argv[3] ?? '0');
if (dir === undefined) throw new Error('usage: wal-writer DIR START');

/** The record with sequence number `n`. */
export function walWriterRecord(n: number): Uint8Array {
  const b = new Uint8Array(4 + ((n * 7919) % 70_000));
  new DataView(b.buffer).setUint32(0, n);
  b.fill(n & 0xff, 4);
  return b;
}

const w = await WL.open(dir, { segmentSize: 256 * 1024, compression: start % 2 === 0 ? 'none' : 'snappy' });
for (let n = start; ; n++) {
  await w.log(walWriterRecord(n));
  process.stdout.write(`${n}\n`);
}
