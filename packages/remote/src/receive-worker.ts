// A receive worker (a worker_threads entry; see receive-worker-pool.ts): snappy-decodes a Remote
// Write body (a 2.0 one is only decoded: the main thread reads it) and scans a 1.0 one's series
// (receive-v1-scan.ts) off the main thread, naming each series the main thread's cache has by its id there (series-ref-mirror.ts). The body comes in
// transferred; the decoded bytes and the scan's arrays go back transferred. A body that does not
// decode is answered with the decoder's message; one the scan does not take, with its decoded bytes
// alone (the main thread reads it as the reference decoder does). Series with exemplars or native
// histograms are only located by the scan (ScannedV1.objects): the main thread decodes those alone.
import { parentPort } from 'node:worker_threads';
import type { ReceiveJob, ReceiveJobResult } from './receive-worker-pool.js';
import { scanUsualV1 } from './receive-v1-scan.js';
import { snappyBlockDecode, snappyHeader } from '@tsprom/tsdb/wal';
import { SeriesRefMirror } from './series-ref-mirror.js';

/** Buffers of decoded bodies the main thread is done with (sent back with later jobs). */
const free: ArrayBuffer[] = [];
const MAX_FREE = 4;
/** The main thread's series ids, as taught with the jobs. */
const mirror = new SeriesRefMirror();

/** A free buffer for a body decoding to the length `block` announces, if one is large enough. */
function takeFree(block: Uint8Array, maxBytes: number): Uint8Array | undefined {
  let n: number;
  try {
    n = snappyHeader(block).length;
  } catch {
    return undefined; // The decoder says what is wrong.
  }
  if (n > maxBytes) return undefined;
  for (let i = free.length - 1; i >= 0; i--) {
    if (free[i]!.byteLength >= n) return new Uint8Array(free.splice(i, 1)[0]!);
  }
  return undefined;
}

function run(job: ReceiveJob): { result: ReceiveJobResult; transfer: ArrayBuffer[] } {
  for (const b of job.recycled) if (free.length < MAX_FREE) free.push(b);
  if (job.lesson !== undefined) mirror.learn(job.lesson);
  const scratch = takeFree(job.body, job.maxBytes);
  let decoded: Uint8Array;
  try {
    decoded = snappyBlockDecode(job.body, job.maxBytes, scratch);
  } catch (err) {
    if (scratch !== undefined) free.push(scratch.buffer as ArrayBuffer);
    return { result: { id: job.id, decodeError: (err as Error).message }, transfer: [] };
  }
  // Taught (epoch >= 0), the mirror hashes only the series it does not find in a row.
  const taught = mirror.epoch >= 0;
  if (!job.scan) return { result: { id: job.id, decoded }, transfer: [decoded.buffer as ArrayBuffer] };
  const scanned = scanUsualV1(decoded, !taught);
  const scan =
    scanned === undefined || !taught
      ? scanned
      : { ...scanned, ids: mirror.resolve(decoded, scanned, false), epoch: mirror.epoch };
  const transfer = [decoded.buffer as ArrayBuffer];
  if (scan !== undefined) {
    if (scan.ids !== undefined) transfer.push(scan.ids.buffer as ArrayBuffer);
    if (scan.objects !== undefined) transfer.push(scan.objects.buffer as ArrayBuffer);
    if (scan.metadata !== undefined) transfer.push(scan.metadata.buffer as ArrayBuffer);
    transfer.push(
      scan.labels.buffer as ArrayBuffer,
      scan.hashes.buffer as ArrayBuffer,
      scan.ends.buffer as ArrayBuffer,
      scan.timestamps.buffer as ArrayBuffer,
      scan.values.buffer as ArrayBuffer,
    );
  }
  return { result: { id: job.id, decoded, scan }, transfer };
}

const port = parentPort;
if (port === null) throw new Error('receive-worker runs as a worker thread');
port.on('message', (job: ReceiveJob) => {
  let out: { result: ReceiveJobResult; transfer: ArrayBuffer[] };
  try {
    out = run(job);
  } catch (err) {
    out = { result: { id: job.id, failure: (err as Error).message }, transfer: [] };
  }
  port.postMessage(out.result, out.transfer);
});
