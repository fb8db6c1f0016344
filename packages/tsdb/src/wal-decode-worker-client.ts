// The replaying thread's side of the WAL decoding worker (Node): starts wal-decode-worker, hands
// out its DecodedBatches in WAL order and sends each back once applied. The in-memory (browser)
// DB never replays a WAL: nothing outside Node reaches this file.
import { Worker } from 'node:worker_threads';
import type { SerializedError } from './block/serialize-error.js';
import { deserializeError } from './block/worker-errors.js';
import type { BatchArrays, DecodedBatch } from './wal-decode-batch.js';
import { CorruptionError } from './wlog/errors.js';
import { tsdbWorkerEntry, type WorkerEntry } from './worker-entry.js';

/** What the worker reads: the segments of `dir` in `range`. */
export interface WALDecodeJob {
  dir: string;
  range: { from?: number; to?: number };
  /** Whether a group of samples ends with its segment (the replay reports progress by segment). */
  cutAtSegments?: boolean;
}

/** Damage the worker's reader found, as data. */
export interface WALDecodeCorruption {
  segment: number;
  offset: number;
  reason: string;
  readOffset: number;
  cause: SerializedError | undefined;
}

/** Messages from the worker: batches, then `end` (read to the end or to damage) or `fail`. */
export type WALDecodeMessage =
  | {
      type: 'batch';
      id: number;
      numOps: number;
      numSamples: number;
      numRuns: number;
      rawLength: number;
      /** The batch's arrays (shared memory) when new since it was last posted. */
      arrays: BatchArrays | undefined;
    }
  | { type: 'end'; corruption: WALDecodeCorruption | undefined }
  | { type: 'fail'; error: SerializedError };

/** Message to the worker: a batch given back, applied. */
export interface WALDecodeRequest {
  id: number;
}

/** The decoding worker stopped without reaching the end of what it read. */
export class WALDecodeWorkerError extends Error {
  override readonly name = 'WALDecodeWorkerError';
  constructor(
    /** The worker's exit code. */
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(`tsdb: the WAL decoding worker stopped before the end of the WAL (exit code ${exitCode})`, options);
  }
}

/** How to start the worker: wal-decode-worker.js next to the bundle in dist/, or wal-decode-worker.ts from source. */
function workerEntry(): WorkerEntry {
  return tsdbWorkerEntry(import.meta.url, 'wal-decode-worker');
}

/**
 * The records of a WAL directory's segments, decoded by a worker thread while the caller applies
 * the ones before: `next()` gives the next batch (undefined at the end: then `corruption()`),
 * `release()` gives it back once its records are applied. `close()` always, even after an error.
 */
export class WALDecodeWorker {
  readonly #dir: string;
  readonly #worker: Worker;
  readonly #queue: WALDecodeMessage[] = [];
  /** The batches by id: their arrays are shared with the worker. */
  readonly #batches: DecodedBatch[] = [];
  #wait: (() => void) | undefined;
  #exit: { code: number; error: Error | undefined } | undefined;
  #error: Error | undefined;
  #corruption: CorruptionError | undefined;
  #done = false;

  private constructor(job: WALDecodeJob) {
    this.#dir = job.dir;
    const { entry, eval: isCode, execArgv } = workerEntry();
    this.#worker = new Worker(entry, { eval: isCode, workerData: job, execArgv });
    let error: Error | undefined;
    this.#worker.on('message', (m: WALDecodeMessage) => this.#push(m));
    this.#worker.on('error', (err) => {
      error = err;
    });
    this.#worker.on('exit', (code) => {
      this.#exit = { code, error };
      this.#wake();
    });
  }

  /** Starts a worker reading the segments of `job.dir` in `job.range`. */
  static start(job: WALDecodeJob): WALDecodeWorker {
    return new WALDecodeWorker(job);
  }

  #push(m: WALDecodeMessage): void {
    this.#queue.push(m);
    this.#wake();
  }

  #wake(): void {
    const w = this.#wait;
    this.#wait = undefined;
    w?.();
  }

  /**
   * The next batch, in WAL order; undefined once the worker read everything or reached damage
   * (see {@link corruption}). Rejects with what the worker failed on (I/O errors), or
   * {@link WALDecodeWorkerError} if it died.
   */
  async next(): Promise<DecodedBatch | undefined> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      if (this.#done) return undefined;
      const m = this.#queue.shift();
      if (m !== undefined) {
        if (m.type === 'batch') return this.#batch(m);
        if (m.type === 'fail') {
          this.#error = deserializeError(m.error);
          throw this.#error;
        }
        this.#done = true;
        const c = m.corruption;
        if (c !== undefined) {
          this.#corruption = new CorruptionError(this.#dir, c.segment, c.offset, c.reason, {
            readOffset: c.readOffset,
            cause: c.cause === undefined ? undefined : deserializeError(c.cause),
          });
        }
        return undefined;
      }
      const exit = this.#exit;
      if (exit !== undefined) {
        this.#error = new WALDecodeWorkerError(exit.code, { cause: exit.error });
        throw this.#error;
      }
      await new Promise<void>((resolve) => {
        this.#wait = resolve;
      });
    }
  }

  #batch(m: Extract<WALDecodeMessage, { type: 'batch' }>): DecodedBatch {
    let b = this.#batches[m.id];
    const a = m.arrays;
    if (a !== undefined) {
      b = {
        id: m.id,
        ops: a.ops,
        numOps: 0,
        samples: { ts: a.ts, vs: a.vs, length: 0, runRefs: a.runRefs, runEnds: a.runEnds, runs: 0 },
        raw: a.raw,
        rawLength: 0,
      };
      this.#batches[m.id] = b;
    }
    if (b === undefined) throw new Error(`tsdb: WAL decoding worker posted batch ${m.id} before its arrays`);
    b.numOps = m.numOps;
    b.samples.length = m.numSamples;
    b.samples.runs = m.numRuns;
    b.rawLength = m.rawLength;
    return b;
  }

  /**
   * Gives `b` back to the worker, which fills it again: its records must be applied, and no view
   * of its arrays kept.
   */
  release(b: DecodedBatch): void {
    if (this.#done || this.#exit !== undefined) return;
    this.#worker.postMessage({ id: b.id } satisfies WALDecodeRequest);
  }

  /** The damage that ended reading, once {@link next} returned undefined. */
  corruption(): CorruptionError | undefined {
    return this.#corruption;
  }

  /** Stops the worker (done or not). */
  async close(): Promise<void> {
    if (this.#exit === undefined) await this.#worker.terminate();
  }
}
