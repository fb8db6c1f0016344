// The logging thread's side of the WAL compression worker (Node): starts wal-compress-worker,
// posts it the records of log() calls and hands its answers to the WL, which writes them in order.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompressJob, CompressResult } from './wal-compress-job.js';

/**
 * How to start the worker: wal-compress-worker.js next to the bundle in dist/ (a tsup entry), or,
 * running from source (the `@tsprom/source` condition), wal-compress-worker.ts through tsx,
 * registered in the worker itself, as WALDecodeWorker does.
 */
function workerEntry(): { entry: string | URL; eval: boolean; execArgv: string[] | undefined } {
  if (!import.meta.url.endsWith('.ts')) {
    return { entry: new URL('./wal-compress-worker.js', import.meta.url), eval: false, execArgv: undefined };
  }
  const url = new URL('./wal-compress-worker.ts', import.meta.url).href;
  const execArgv = [...process.execArgv];
  if (!execArgv.some((a) => a.includes('@tsprom/source'))) execArgv.push('--conditions=@tsprom/source');
  // tsx as this module resolves it: a bare 'tsx/esm/api' in the eval'd code would resolve from the
  // working directory, which need not have it (a server started in its data directory): the
  // worker would exit, and every record be compressed on the logging thread.
  const tsx =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  const entry = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
  return { entry, eval: true, execArgv };
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
