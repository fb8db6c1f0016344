// The WAL decoding worker thread (Node): started by WALDecodeWorker with a WALDecodeJob as its
// workerData, it reads the job's segments (checksums, snappy), decodes samples records into
// columns and posts the records in WAL order as DecodedBatches, at most a few ahead of the thread
// applying them, which sends each back to be filled again. Prometheus decodes WAL records in
// goroutines beside the one applying them; this is that split.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from './block/serialize-error.js';
import { RecordDecoder } from './record/record-decoder.js';
import {
  addRecord,
  type BatchArrays,
  batchArrays,
  type DecodedBatch,
  newDecodedBatch,
  resetDecodedBatch,
  SampleGrouper,
  sameArrays,
} from './wal-decode-batch.js';
import type { WALDecodeJob, WALDecodeMessage, WALDecodeRequest } from './wal-decode-worker-client.js';
import { SegmentsReader } from './wlog/segments-reader.js';

/**
 * A batch is posted once it holds this many samples or raw bytes. Large: the samples of a batch
 * are grouped by series, and the more samples per series a group holds, the fewer series (and
 * their chunks) the replaying thread has to bring into cache per sample.
 */
const BATCH_SAMPLES = 1 << 20;
/**
 * The first batch is posted sooner: the replaying thread has nothing to do until it comes.
 */
const FIRST_BATCH_SAMPLES = 1 << 16;
const BATCH_RAW_BYTES = 1 << 20;
/** Batches posted and not yet sent back: the worker waits beyond this (~30 MB each). */
const MAX_AHEAD = 2;

const port = parentPort;
if (port === null) throw new Error('wal-decode-worker.ts runs as a worker thread (see WALDecodeWorker)');
const job = workerData as WALDecodeJob;
const batches: DecodedBatch[] = [];
/** The arrays of each batch as last posted: posted again only when one was replaced. */
const posted: (BatchArrays | undefined)[] = [];
const free: number[] = [];
let ahead = 0;
let wake: (() => void) | undefined;
port.on('message', (m: WALDecodeRequest) => {
  free.push(m.id);
  ahead--;
  wake?.();
});

function post(m: WALDecodeMessage): void {
  port!.postMessage(m);
}

async function send(b: DecodedBatch): Promise<void> {
  while (ahead >= MAX_AHEAD) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  wake = undefined;
  ahead++;
  let arrays: BatchArrays | undefined;
  if (!sameArrays(posted[b.id], b)) {
    arrays = batchArrays(b);
    posted[b.id] = arrays;
  }
  post({
    type: 'batch',
    id: b.id,
    numOps: b.numOps,
    numSamples: b.samples.length,
    numRuns: b.samples.runs,
    rawLength: b.rawLength,
    arrays,
  });
}

function take(): DecodedBatch {
  const id = free.pop();
  if (id === undefined) {
    const b = newDecodedBatch(batches.length, BATCH_SAMPLES + (BATCH_SAMPLES >> 2));
    batches.push(b);
    return b;
  }
  const b = batches[id]!;
  resetDecodedBatch(b);
  return b;
}

async function run(): Promise<void> {
  const dec = new RecordDecoder();
  const r = await SegmentsReader.open(job.dir, job.range);
  try {
    const g = new SampleGrouper(job.cutAtSegments === true, BATCH_SAMPLES + (BATCH_SAMPLES >> 2));
    let b = take();
    let limit = FIRST_BATCH_SAMPLES;
    do {
      while (r.next()) {
        addRecord(b, g, dec, r.record(), r.segment(), r.recordOffset(), r.offset());
        if (b.samples.length + g.pending() >= limit || b.rawLength >= BATCH_RAW_BYTES) {
          g.closeInto(b);
          await send(b);
          b = take();
          limit = BATCH_SAMPLES;
        }
      }
    } while (await r.fill());
    g.closeInto(b);
    if (b.numOps > 0) await send(b);
    const err = r.err();
    post({
      type: 'end',
      corruption:
        err === undefined
          ? undefined
          : {
              segment: err.segment,
              offset: err.offset,
              reason: err.reason,
              readOffset: err.readOffset,
              cause: err.cause === undefined ? undefined : serializeError(err.cause),
            },
    });
  } finally {
    await r.close();
  }
}

run().catch((err: unknown) => post({ type: 'fail', error: serializeError(err) }));
