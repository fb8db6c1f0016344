// The compaction worker thread (Node): started by compactInWorker with a CompactJob as its
// workerData, it opens the source blocks, merges them into the new block (as
// LeveledCompactor.compact does in-thread), posts one WorkerReply and exits. An abort request
// stops the write at its next slice; writeBlock then removes its tmp dir. With the test hook
// `holdAfterTmpDir` it waits, after the first series written, for a `continue` or an `abort`.
import { parentPort, workerData } from 'node:worker_threads';
import { TimeSlicer } from '../time-slicer.js';
import { Block } from './block.js';
import { compactBlockMetas, populateBlock } from './leveled-compactor.js';
import type { CompactJob, WorkerMessage, WorkerReply, WorkerRequest } from './worker-compaction.js';
import { serializeError } from './serialize-error.js';

/** Slices of the worker's own loop: long enough to cost nothing, short enough to see an abort. */
const WORKER_SLICE_MS = 50;

async function run(
  job: CompactJob,
  signal: AbortSignal,
  afterFirstSeries: (() => Promise<void>) | undefined,
): Promise<WorkerReply> {
  const blocks: Block[] = [];
  try {
    for (const d of job.dirs) blocks.push(await Block.open(d, { cacheBytes: job.cacheBytes }));
    const sources = blocks.map((b) => ({ dir: b.dir, meta: b.meta }));
    const meta = compactBlockMetas(job.ulid, ...sources.map((s) => s.meta));
    const written = await populateBlock(job.dest, meta, blocks, {
      segmentSize: job.segmentSize,
      signal,
      slicer: new TimeSlicer(WORKER_SLICE_MS),
      afterFirstSeries,
    });
    return { type: 'done', result: { meta: written, sources } };
  } catch (err) {
    return { type: 'error', error: serializeError(err) };
  } finally {
    for (const b of blocks) await b.close();
  }
}

const port = parentPort;
if (port === null) throw new Error('compact-worker.ts runs as a worker thread (see compactInWorker)');
const abort = new AbortController();
let release: (() => void) | undefined;
const onMessage = (m: WorkerRequest): void => {
  if (m.type === 'abort') abort.abort(new Error('tsdb: compaction cancelled'));
  else release?.();
};
port.on('message', onMessage);

/** The test hook of `holdAfterTmpDir`: tells the caller, then waits for `continue` or `abort`. */
function hold(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(abort.signal.reason);
    if (abort.signal.aborted) {
      onAbort();
      return;
    }
    abort.signal.addEventListener('abort', onAbort, { once: true });
    release = () => {
      abort.signal.removeEventListener('abort', onAbort);
      resolve();
    };
    port!.postMessage({ type: 'tmp-created' } satisfies WorkerMessage);
  });
}

const job = workerData as CompactJob;
const reply = await run(job, abort.signal, job.holdAfterTmpDir === true ? hold : undefined);
port.postMessage(reply);
// Without a listener the port no longer keeps the thread alive: it exits once the reply is sent.
port.off('message', onMessage);
