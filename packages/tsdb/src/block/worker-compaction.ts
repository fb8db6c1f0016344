// Leveled compaction in a worker thread (Node). The sources and the result are block directories on
// disk, so the worker opens the sources itself, merges and writes the new block (tmp dir, fsync,
// rename: see writeBlock), and hands back metas only. The caller's event loop and heap carry none
// of the reading, merging, encoding or garbage, which on the main thread held the loop for up to
// ~80 ms at a time while compacting 100k series (GC pauses and waits on V8's helper threads).
// The in-memory (browser) DB never compacts blocks: nothing outside Node reaches this file.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BlockMeta } from './block-meta.js';
import { TMP_FOR_CREATION_SUFFIX } from './block-writer.js';
import { deserializeError, type SerializedError } from './worker-errors.js';

/** What the worker compacts: `dirs` into a block `ulid` in `dest`. */
export interface CompactJob {
  dest: string;
  dirs: string[];
  /** ULID of the block written: the caller knows its tmp dir, to remove it if the worker dies. */
  ulid: string;
  segmentSize?: number;
  cacheBytes?: number;
}

/** What the worker found and wrote. */
export interface CompactResult {
  /** The block written, undefined when the sources held no sample (nothing is written then). */
  meta: BlockMeta | undefined;
  /** The sources as the worker read them (a DirMeta each). */
  sources: { dir: string; meta: BlockMeta }[];
}

/** Messages to the worker. */
export type WorkerRequest = { type: 'abort' };
/** Messages from the worker: one, then it exits. */
export type WorkerReply = { type: 'done'; result: CompactResult } | { type: 'error'; error: SerializedError };

/** The compaction worker stopped without an answer: it crashed, was terminated, or did not load. */
export class CompactionWorkerError extends Error {
  override readonly name = 'CompactionWorkerError';
  constructor(
    /** The worker's exit code. */
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(`tsdb: the compaction worker stopped without a result (exit code ${exitCode})`, options);
  }
}

/** How long an aborted worker gets to stop at its next slice before it is terminated. */
const ABORT_GRACE_MS = 2000;

/**
 * How to start the worker: compact-worker.js next to the bundle in dist/ (a tsup entry), or, when
 * running from source (the `@tsprom/source` condition: tests, benchmarks, `pnpm start`),
 * compact-worker.ts through tsx, registered in the worker itself (Node 20 applies no `--import`
 * loader of a worker's execArgv to its entry), with the source condition.
 */
function workerEntry(): { entry: string | URL; eval: boolean; execArgv: string[] | undefined } {
  if (!import.meta.url.endsWith('.ts')) {
    return { entry: new URL('./compact-worker.js', import.meta.url), eval: false, execArgv: undefined };
  }
  const url = new URL('./compact-worker.ts', import.meta.url).href;
  const execArgv = [...process.execArgv];
  if (!execArgv.some((a) => a.includes('@tsprom/source'))) execArgv.push('--conditions=@tsprom/source');
  const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
  return { entry, eval: true, execArgv };
}

/** Options of {@link compactInWorker}. */
export interface CompactInWorkerOptions {
  signal?: AbortSignal;
  /** Receives the worker once started (tests kill it in the middle of a compaction). */
  onWorker?: (w: Worker) => void;
}

/**
 * Runs `job` in a new worker thread and resolves once the worker has exited. A failure in the
 * worker rejects with the error it threw, as its class (CorruptBlockError naming the block and
 * file, errno errors with their code…); a worker that dies without answering rejects with
 * CompactionWorkerError. On abort the worker stops at its next slice (terminated if it does not
 * within 2 s) and the promise rejects with the signal's reason. Whenever no block was written,
 * the tmp dir of the block is removed: no half-written block is left behind.
 */
export function compactInWorker(job: CompactJob, opts: CompactInWorkerOptions = {}): Promise<CompactResult> {
  const { signal, onWorker } = opts;
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  const { entry, eval: isCode, execArgv } = workerEntry();
  let worker: Worker;
  try {
    worker = new Worker(entry, { eval: isCode, workerData: job, execArgv });
  } catch (err) {
    return Promise.reject(err);
  }
  onWorker?.(worker);
  let reply: WorkerReply | undefined;
  let failure: Error | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => {
    worker.postMessage({ type: 'abort' } satisfies WorkerRequest);
    killTimer = setTimeout(() => void worker.terminate(), ABORT_GRACE_MS);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  worker.on('message', (m: WorkerReply) => {
    reply = m;
  });
  worker.on('error', (err) => {
    failure = err; // Uncaught in the worker (it catches what compaction throws): it exits next.
  });
  return new Promise<CompactResult>((resolve, reject) => {
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      const done = reply?.type === 'done' ? reply.result : undefined;
      const settle = (): void => {
        if (done !== undefined) resolve(done);
        else if (signal?.aborted === true) reject(signal.reason);
        else if (reply?.type === 'error') reject(deserializeError(reply.error));
        else reject(new CompactionWorkerError(code, { cause: failure }));
      };
      if (done !== undefined) {
        settle();
        return;
      }
      // The worker removes its tmp dir when compaction throws, not when it is killed. Should this
      // removal fail, the dir is still never served (not a ULID) and the next open removes it.
      rm(join(job.dest, job.ulid + TMP_FOR_CREATION_SUFFIX), { recursive: true, force: true })
        .catch(() => undefined)
        .then(settle);
    });
  });
}
