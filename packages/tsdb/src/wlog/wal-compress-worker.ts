// The WAL compression worker thread (Node): started by WALCompressor, it snappy-compresses the
// records of each job it is posted and posts them back, so that the thread logging to the WAL
// only frames, checksums and writes them. Prometheus compresses in the goroutine calling Log; a
// JS thread receiving remote write or scraping has no cycles to spare for it.
import { parentPort } from 'node:worker_threads';
import { compressJob } from './wal-compress-job.js';
import type { CompressJob } from './wal-compress-job.js';

const port = parentPort;
if (port === null) throw new Error('wal-compress-worker.ts runs as a worker thread (see WALCompressor)');
port.on('message', (job: CompressJob) => {
  const res = compressJob(job);
  port.postMessage(res, [res.bytes.buffer, res.input]);
});
