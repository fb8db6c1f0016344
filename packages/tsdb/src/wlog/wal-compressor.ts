// The logging thread's side of the WAL compression worker (Node): starts wal-compress-worker,
// posts it the records of log() calls and hands its answers to the WL, which writes them in order.
import { Worker } from 'node:worker_threads';
import type { CompressJob, CompressResult } from './wal-compress-job.js';
import { tsdbWorkerEntry, type WorkerEntry } from '../worker-entry.js';

/** How to start the worker: wal-compress-worker.js next to the bundle in dist/, or wal-compress-worker.ts from source. */
function workerEntry(): WorkerEntry {
  return tsdbWorkerEntry(import.meta.url, 'wal-compress-worker');
}

/**
 * A worker thread compressing WAL records. Answers come in the order jobs were posted. After a
 * failure (the worker died or could not start) `onFailure` is called once and nothing more is
 * answered: the WL then compresses what is left itself.
 */
export class WALCompressor {
  readonly #worker: Worker;
  #failed = false;
  /** Jobs posted and not answered: the worker keeps the process alive only while there are some. */
  #pending = 0;

  constructor(onResult: (r: CompressResult) => void, onFailure: (err: Error) => void) {
    const { entry, eval: isCode, execArgv } = workerEntry();
    this.#worker = new Worker(entry, { eval: isCode, execArgv });
    this.#worker.unref();
    this.#worker.on('message', (r: CompressResult) => {
      if (--this.#pending === 0) this.#worker.unref();
      if (!this.#failed) onResult(r);
    });
    const fail = (err: Error): void => {
      if (this.#failed) return;
      this.#failed = true;
      onFailure(err);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`tsdb: the WAL compression worker exited (code ${code})`)));
  }

  /** Whether the worker failed: nothing more will be answered. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Posts `job`; its buffers are transferred (detached here). */
  post(job: CompressJob): void {
    if (this.#pending++ === 0) this.#worker.ref();
    this.#worker.postMessage(job, job.out === undefined ? [job.bytes.buffer] : [job.bytes.buffer, job.out]);
  }

  /** Stops the worker; nothing more is answered. */
  async close(): Promise<void> {
    this.#failed = true;
    await this.#worker.terminate();
  }
}
