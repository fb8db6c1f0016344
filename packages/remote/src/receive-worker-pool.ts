// The remote-write receiver's worker threads: Remote Write 1.0 bodies are snappy-decoded and scanned
// (receive-worker.ts) on other cores, as Prometheus's handler goroutines decode requests in
// parallel, while the main thread only looks series up and appends. Workers start with the first
// job, are unref'd while idle (they never hold the process open), stop after DEFAULT_WORKER_IDLE_MS
// without a job (their isolate, series mirror and kept buffers are given back; the next job starts a
// fresh worker, taught the whole series cache again), and close() terminates them.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScannedV1 } from './receive-v1-scan.js';
import type { SeriesRefCache } from './series-ref-cache.js';
import type { SeriesRefLesson } from './series-ref-mirror.js';

/** A body sent to a worker (transferred). */
export interface ReceiveJob {
  readonly id: number;
  readonly body: Uint8Array;
  readonly maxBytes: number;
  /** Scan the decoded body as a 1.0 WriteRequest (false: a 2.0 body, only decoded). */
  readonly scan: boolean;
  /** Buffers of earlier results the main thread is done with: decoded into again. */
  readonly recycled: ArrayBuffer[];
  /** The series cache's entries this worker has not learnt yet (transferred). */
  readonly lesson?: SeriesRefLesson;
}

/** What a worker answers: the decoded body (and its scan, when usual), or why it failed. */
export interface ReceiveJobResult {
  readonly id: number;
  /** The snappy decoder's message: the body is answered 400. */
  readonly decodeError?: string;
  /** The worker failed otherwise (a bug): the request is answered 500. */
  readonly failure?: string;
  readonly decoded?: Uint8Array;
  readonly scan?: ScannedV1;
}

/** A worker stopped or failed with jobs in flight. */
export class ReceiveWorkerError extends Error {
  override readonly name = 'ReceiveWorkerError';
}

/** The default pool size: one worker per core beside the main thread, at most two. */
export function defaultReceiveWorkers(): number {
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}

/** Result buffers held for recycling at most. */
const MAX_RECYCLED = 4;

/**
 * How long a worker waits for a job before it stops (ms). An idle worker holds ~20 MiB (its
 * isolate, its copy of the series cache's keys, decoded-body buffers); restarting one costs a few
 * tens of ms and the cache's keys sent again, so it only stops after a real lull in writes.
 */
export const DEFAULT_WORKER_IDLE_MS = 30_000;

/** ReceiveWorkerPool's options. */
export interface ReceiveWorkerPoolOptions {
  /** The main thread's series cache (see the constructor). */
  readonly cache?: SeriesRefCache;
  /** A worker without a job for this long stops (ms; default DEFAULT_WORKER_IDLE_MS). */
  readonly idleMs?: number;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (r: ReceiveJobResult) => void; reject: (e: Error) => void }>;
  /** The cache's epoch and entries of it the worker was sent. */
  taughtEpoch: number;
  taught: number;
  /** Armed while the worker has no job: it then stops (retire). */
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Stopped for idling (taken out of the pool): its exit is no failure. */
  retired: boolean;
}

function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./receive-worker.js', self));
  // Running from source (tests, `--conditions=@tsprom/source` with tsx): the worker registers tsx's
  // loader, then imports the TypeScript entry.
  const tsx =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(self).resolve('tsx/esm/api')).href;
  const entry = new URL('./receive-worker.ts', self).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
}

/** Worker threads decoding receive bodies; jobs go to the least busy one. */
export class ReceiveWorkerPool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;
  /** Set when a worker failed: the caller then keeps bodies on the main thread. */
  #broken = false;
  /** Result buffers given back (recycle), sent along with the next job. */
  readonly #recycled: ArrayBuffer[] = [];

  readonly #cache: SeriesRefCache | undefined;
  readonly #idleMs: number;
  #stopped = 0;
  /** Idle workers terminating. */
  readonly #stopping = new Set<Promise<void>>();

  /**
   * `o.cache`: the main thread's series cache, whose ids the workers resolve scanned series to (its
   * new entries go along with the jobs); without it, series come back unresolved.
   */
  constructor(size: number, o: ReceiveWorkerPoolOptions = {}) {
    if (!(size >= 1) || !Number.isInteger(size))
      throw new RangeError(`receive workers must be a positive integer, got ${size}`);
    const idleMs = o.idleMs ?? DEFAULT_WORKER_IDLE_MS;
    if (!(idleMs >= 0)) throw new RangeError(`receive worker idle time must be >= 0, got ${idleMs}`);
    this.#size = size;
    this.#cache = o.cache;
    this.#idleMs = idleMs;
  }

  /** False once closed, or after a worker failed. */
  get usable(): boolean {
    return !this.#closed && !this.#broken;
  }

  /** Workers running. */
  get started(): number {
    return this.#slots.length;
  }

  /** Workers that stopped for idling and have exited. */
  get stoppedIdle(): number {
    return this.#stopped;
  }

  /** Resolves once the idle workers stopping now have exited. */
  async settled(): Promise<void> {
    await Promise.all(this.#stopping);
  }

  /**
   * Decodes and (with `scan`, for a 1.0 body) scans `body` on a worker. `body` is transferred
   * when it owns its whole buffer (it is then unusable here), copied otherwise.
   */
  run(body: Uint8Array, maxBytes: number, scan = true): Promise<ReceiveJobResult> {
    if (!this.usable) return Promise.reject(new ReceiveWorkerError('receive workers are closed'));
    const slot = this.#pick();
    const id = this.#nextId++;
    const owned =
      body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
    const sent = owned ? body : body.slice();
    return new Promise((resolve, reject) => {
      if (slot.idleTimer !== undefined) {
        clearTimeout(slot.idleTimer);
        slot.idleTimer = undefined;
      }
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      const recycled = this.#recycled.splice(0);
      const transfer = [sent.buffer as ArrayBuffer, ...recycled];
      const lesson = this.#lessonFor(slot);
      if (lesson !== undefined)
        transfer.push(
          lesson.hashes.buffer as ArrayBuffer,
          lesson.ends.buffer as ArrayBuffer,
          lesson.keys.buffer as ArrayBuffer,
        );
      const job: ReceiveJob = { id, body: sent, maxBytes, scan, recycled, lesson };
      slot.worker.postMessage(job, transfer);
    });
  }

  /**
   * Gives the buffer of a result's decoded body back, to be decoded into again (it is transferred
   * with the next job: nothing may use it after this).
   */
  recycle(buffer: ArrayBufferLike): void {
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && this.#recycled.length < MAX_RECYCLED) {
      this.#recycled.push(buffer);
    }
  }

  /** Terminates the workers; jobs in flight are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    this.#recycled.length = 0;
    for (const s of slots) {
      if (s.idleTimer !== undefined) clearTimeout(s.idleTimer);
      s.idleTimer = undefined;
      this.#fail(s, new ReceiveWorkerError('receive workers closed'));
    }
    await Promise.all([...slots.map((s) => s.worker.terminate()), this.settled()]);
  }

  /**
   * Stops `slot`'s worker, idle since its timer was armed. It leaves the pool at once (all on this
   * thread, as run() is), so no job can reach it: the next one starts a fresh worker.
   */
  #retire(slot: Slot): void {
    slot.idleTimer = undefined;
    const at = this.#slots.indexOf(slot);
    if (at < 0 || slot.pending.size > 0) return;
    this.#slots.splice(at, 1);
    slot.retired = true;
    // Buffers kept for a worker that is gone: a fresh one allocates its own as it needs them.
    if (this.#slots.length === 0) this.#recycled.length = 0;
    const done: Promise<void> = slot.worker.terminate().then(
      () => {
        this.#stopped++;
        this.#stopping.delete(done);
      },
      () => {
        this.#stopping.delete(done);
      },
    );
    this.#stopping.add(done);
  }

  /** Arms `slot`'s idle timer (unref'd: it never holds the process open). */
  #idle(slot: Slot): void {
    if (this.#closed || slot.retired) return;
    const t = setTimeout(() => this.#retire(slot), this.#idleMs);
    t.unref();
    slot.idleTimer = t;
  }

  /** What `slot`'s worker has not been sent of the cache yet (it is then counted as sent). */
  #lessonFor(slot: Slot): SeriesRefLesson | undefined {
    const cache = this.#cache;
    if (cache === undefined) return undefined;
    const lesson = cache.lesson(slot.taughtEpoch, slot.taught);
    if (lesson !== undefined) {
      slot.taughtEpoch = lesson.epoch;
      slot.taught = lesson.from + lesson.hashes.length;
    }
    return lesson;
  }

  #pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.#slots) if (best === undefined || s.pending.size < best.pending.size) best = s;
    if (best !== undefined && (best.pending.size === 0 || this.#slots.length >= this.#size)) return best;
    const worker = startWorker();
    worker.unref();
    // A fresh worker's mirror is empty: taughtEpoch -1 has it taught the whole cache with its first job.
    const slot: Slot = {
      worker,
      pending: new Map(),
      taughtEpoch: -1,
      taught: 0,
      idleTimer: undefined,
      retired: false,
    };
    worker.on('message', (r: ReceiveJobResult) => {
      const p = slot.pending.get(r.id);
      if (p === undefined) return;
      slot.pending.delete(r.id);
      if (slot.pending.size === 0) {
        worker.unref();
        this.#idle(slot);
      }
      p.resolve(r);
    });
    worker.on('error', (err) => {
      if (slot.retired) return;
      this.#broken = true;
      this.#fail(slot, new ReceiveWorkerError(`receive worker failed: ${err.message}`, { cause: err }));
    });
    worker.on('exit', (code) => {
      if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      if (slot.retired) return;
      if (!this.#closed) this.#broken = true;
      this.#fail(slot, new ReceiveWorkerError(`receive worker exited with code ${code}`));
    });
    this.#slots.push(slot);
    return slot;
  }

  #fail(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }
}
