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
import type { SerializedError } from './serialize-error.js';
import { deserializeError } from './worker-errors.js';
import { tsdbWorkerEntry, type WorkerEntry } from '../worker-entry.js';

/** What the worker compacts: `dirs` into a block `ulid` in `dest`. */
export interface CompactJob {
  dest: string;
  dirs: string[];
  /** ULID of the block written: the caller knows its tmp dir, to remove it if the worker dies. */
  ulid: string;
  segmentSize?: number;
  cacheBytes?: number;
  /**
   * Test hook, set by compactInWorker when given `onTmpCreated`: once the first series of the new
   * block has gone to its tmp dir, the worker posts `tmp-created` and waits for `continue` (or
   * `abort`) before writing further.
   */
  holdAfterTmpDir?: boolean;
}

/** What the worker found and wrote. */
export interface CompactResult {
  /** The block written, undefined when the sources held no sample (nothing is written then). */
  meta: BlockMeta | undefined;
  /** The sources as the worker read them (a DirMeta each). */
  sources: { dir: string; meta: BlockMeta }[];
}

/** Messages to the worker: `continue` releases a worker held by `holdAfterTmpDir`. */
export type WorkerRequest = { type: 'abort' } | { type: 'continue' };
/** The worker's answer: one, then it exits. */
export type WorkerReply = { type: 'done'; result: CompactResult } | { type: 'error'; error: SerializedError };
/** Messages from the worker: `tmp-created` (only with `holdAfterTmpDir`), then its reply. */
export type WorkerMessage = WorkerReply | { type: 'tmp-created' };

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

/** How to start the worker: compact-worker.js next to the bundle in dist/, or compact-worker.ts from source. */
function workerEntry(): WorkerEntry {
  return tsdbWorkerEntry(import.meta.url, 'compact-worker');
}

/** Options of {@link compactInWorker}. */
export interface CompactInWorkerOptions {
  signal?: AbortSignal;
  /** Receives the worker once started. */
  onWorker?: (w: Worker) => void;
  /**
   * Test hook: the worker stops once the first series of the new block has gone to its tmp dir,
   * this is called with it and awaited, then the worker goes on (unless aborted meanwhile). Tests
   * kill, cancel or close in it to act in the middle of a write deterministically. Should it
   * reject, the worker is told to stop and the compaction rejects with that error.
   */
  onTmpCreated?: (w: Worker) => void | Promise<void>;
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
  const { signal, onWorker, onTmpCreated } = opts;
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  const { entry, eval: isCode, execArgv } = workerEntry();
  let worker: Worker;
  try {
    const workerData: CompactJob = { ...job, holdAfterTmpDir: onTmpCreated !== undefined };
    worker = new Worker(entry, { eval: isCode, workerData, execArgv });
  } catch (err) {
    return Promise.reject(err);
  }
  onWorker?.(worker);
  let reply: WorkerReply | undefined;
  let failure: Error | undefined;
  let hookFailure: { error: unknown } | undefined;
  let exited = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    if (exited || killTimer !== undefined) return;
    worker.postMessage({ type: 'abort' } satisfies WorkerRequest);
    killTimer = setTimeout(() => void worker.terminate(), ABORT_GRACE_MS);
  };
  signal?.addEventListener('abort', stop, { once: true });
  worker.on('message', (m: WorkerMessage) => {
    if (m.type !== 'tmp-created') {
      reply = m;
      return;
    }
    Promise.resolve()
      .then(() => onTmpCreated?.(worker))
      .then(
        () => {
          if (!exited && signal?.aborted !== true) worker.postMessage({ type: 'continue' } satisfies WorkerRequest);
        },
        (error: unknown) => {
          hookFailure = { error };
          stop();
        },
      );
  });
  worker.on('error', (err) => {
    failure = err; // Uncaught in the worker (it catches what compaction throws): it exits next.
  });
  return new Promise<CompactResult>((resolve, reject) => {
    worker.on('exit', (code) => {
      exited = true;
      signal?.removeEventListener('abort', stop);
      clearTimeout(killTimer);
      const done = reply?.type === 'done' ? reply.result : undefined;
      const settle = (): void => {
        if (done !== undefined) resolve(done);
        else if (signal?.aborted === true) reject(signal.reason);
        else if (hookFailure !== undefined) reject(hookFailure.error);
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
