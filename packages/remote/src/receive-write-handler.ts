// Prometheus: storage/remote/write_handler.go writeHandler: the remote-write receiver. Accepts
// Remote Write 1.0 (`prometheus.WriteRequest`) and 2.0 (`io.prometheus.write.v2.Request`) bodies,
// negotiated by Content-Type, snappy-compressed, and appends them through a storage Appender.
import { ScratchBuilder } from '@tsprom/labels';
import { type Appendable, type Appender, OutOfBoundsError, OutOfOrderExemplarError } from '@tsprom/storage-interfaces';
import {
  checkedLabels,
  InvalidSeriesLabelsError,
  isFloatPbHistogram,
  resolveRefs,
  toExemplar,
  toFloatHistogram,
  toIntHistogram,
  toMetadata,
} from './receive-convert.js';
import { isBadSampleError, isHistogramValidationError, type ReceiveLogger } from './receive-errors.js';
import { httpError, noContent, type RemoteRequest, type RemoteResponse } from './receive-http.js';
import { DEFAULT_MAX_DECODED_BYTES, snappyDecode, snappyDecodedLength } from './snappy.js';
import { V1Writer, WireShapeError } from './receive-v1.js';
import { labelRunsWellFormed, type ScannedV1, scanUsualV1 } from './receive-v1-scan.js';
import { V2SeriesCache, v2SeriesKey } from './receive-v2-cache.js';
import { defaultReceiveWorkers, type ReceiveJobResult, ReceiveWorkerPool } from './receive-worker-pool.js';
import { SeriesRefCache } from './series-ref-cache.js';
import { decodeWriteRequest, type WriteRequest } from './write-request.js';
import { decodeV2Request, type V2Request } from './write-v2.js';

/** Prometheus: config.RemoteWriteProtoMsgV1 / V2. */
export const ProtoMsgV1 = 'prometheus.WriteRequest';
export const ProtoMsgV2 = 'io.prometheus.write.v2.Request';
export type RemoteWriteProtoMsg = typeof ProtoMsgV1 | typeof ProtoMsgV2;

const APP_PROTO = 'application/x-protobuf';
/** Largest decoded 1.0 body decoded into the handler's reused buffer (larger ones get their own). */
const SCRATCH_MAX_BYTES = 4 * 1024 * 1024;
/** Prometheus: maxAheadTime: samples more than 10 minutes in the future are out of bounds. */
const MAX_AHEAD_MS = 10 * 60 * 1000;
/**
 * Default smallest (compressed) 1.0 body handed to a receive worker; smaller ones stay here. Measured
 * (main-thread time per sample, 4 requests in flight): from about 3 KB (200 samples) the worker path
 * costs the main thread a quarter of decoding here; around 1.6 KB (100 samples) both are even.
 */
export const DEFAULT_WORKER_MIN_BYTES = 2 * 1024;

/** Prometheus: rw20WrittenSamplesHeader and its siblings. */
export const WrittenSamplesHeader = 'X-Prometheus-Remote-Write-Samples-Written';
export const WrittenHistogramsHeader = 'X-Prometheus-Remote-Write-Histograms-Written';
export const WrittenExemplarsHeader = 'X-Prometheus-Remote-Write-Exemplars-Written';

export { isBadSampleError, isHistogramValidationError, type ReceiveLogger };

/** Settings of a WriteHandler. */
export interface WriteHandlerOptions {
  readonly appendable: Appendable;
  /** The messages accepted (Prometheus: --web.remote-write-receiver.accepted-protobuf-messages); default both. */
  readonly acceptedProtoMsgs?: readonly RemoteWriteProtoMsg[];
  readonly logger?: ReceiveLogger;
  /** The clock (ms) bounding samples in the future; default Date.now. */
  readonly now?: () => number;
  /** Largest decoded body accepted, in bytes (default 32 MiB, as Prometheus's decodeReadLimit). */
  readonly maxDecodedBytes?: number;
  /**
   * Series kept by the raw bytes of their labels (2.0 ones: by their label strings), so that a
   * series seen before is appended by ref (default 512Ki entries each). The storage's refs must
   * stay unique while the handler lives, as a head's do (a ref it no longer holds is looked up
   * again by labels).
   */
  readonly seriesRefCacheSize?: number;
  /**
   * Worker threads snappy-decoding and scanning 1.0 bodies off the main thread (started with the
   * first such body; 0: none). Default: one per core beside the main thread, at most two.
   */
  readonly receiveWorkers?: number;
  /** A receive worker without a body for this long stops (ms; default DEFAULT_WORKER_IDLE_MS). */
  readonly receiveWorkerIdleMs?: number;
  /** Smallest compressed 1.0 body handed to a worker (default DEFAULT_WORKER_MIN_BYTES). */
  readonly workerMinBytes?: number;
}

/** Prometheus: WriteResponseStats: what a 2.0 request wrote. */
export interface WriteResponseStats {
  samples: number;
  histograms: number;
  exemplars: number;
}

function statsHeaders(s: WriteResponseStats): Record<string, string> {
  return {
    [WrittenSamplesHeader]: String(s.samples),
    [WrittenHistogramsHeader]: String(s.histograms),
    [WrittenExemplarsHeader]: String(s.exemplars),
  };
}

/** Prometheus: parseProtoMsg. Throws with the message Prometheus answers 415 with. */
export function parseProtoMsg(contentType: string): RemoteWriteProtoMsg {
  const ct = contentType.trim();
  const parts = ct.split(';');
  if (parts[0] !== APP_PROTO) {
    throw new Error(`expected ${APP_PROTO} as the first (media) part, got ${ct} content-type`);
  }
  for (const p of parts.slice(1)) {
    const pair = p.split('=');
    if (pair.length !== 2) {
      throw new Error(
        `as per https://www.rfc-editor.org/rfc/rfc9110#parameter expected parameters to be key-values, got ${p} in ${ct} content-type`,
      );
    }
    if (pair[0] === 'proto') {
      const m = pair[1];
      if (m === ProtoMsgV1 || m === ProtoMsgV2) return m;
      throw new Error(
        `got ${ct} content type; unknown remote write protobuf message ${m}, supported: ${ProtoMsgV1}, ${ProtoMsgV2}`,
      );
    }
  }
  return ProtoMsgV1;
}

/** The remote-write receiver: `handle` answers one POST /api/v1/write. */
export class WriteHandler {
  readonly #o: WriteHandlerOptions;
  readonly #accepted: readonly RemoteWriteProtoMsg[];
  readonly #log: ReceiveLogger;
  readonly #v1: V1Writer;
  readonly #v2Cache: V2SeriesCache;
  #scratch = new Uint8Array(64 * 1024);
  readonly #b = new ScratchBuilder();
  readonly #eb = new ScratchBuilder();
  readonly #names: string[] = [];
  readonly #values: string[] = [];
  readonly #enames: string[] = [];
  readonly #evalues: string[] = [];
  /** Prometheus: prometheus_api_remote_write_invalid_labels_samples_total. */
  samplesWithInvalidLabels = 0;
  /** Samples (and histograms) appended in all. */
  samplesAppended = 0;
  readonly #pool: ReceiveWorkerPool | undefined;
  readonly #workerMinBytes: number;
  /** The last 1.0 request's turn: 1.0 requests are appended in the order they arrived. */
  #tail: Promise<unknown> = Promise.resolve();
  /** 1.0 requests waiting for their turn. */
  #waiting = 0;

  constructor(o: WriteHandlerOptions) {
    this.#o = o;
    this.#accepted = o.acceptedProtoMsgs ?? [ProtoMsgV1, ProtoMsgV2];
    this.#log = o.logger ?? (() => undefined);
    const cache = new SeriesRefCache(o.seriesRefCacheSize);
    this.#v1 = new V1Writer(this.#log, cache);
    this.#v2Cache = new V2SeriesCache(o.seriesRefCacheSize);
    const workers = o.receiveWorkers ?? defaultReceiveWorkers();
    this.#pool = workers > 0 ? new ReceiveWorkerPool(workers, { cache, idleMs: o.receiveWorkerIdleMs }) : undefined;
    this.#workerMinBytes = o.workerMinBytes ?? DEFAULT_WORKER_MIN_BYTES;
  }

  /** Receive workers running (they start with the first body handed to one). */
  get workersStarted(): number {
    return this.#pool?.started ?? 0;
  }

  /** Receive workers that stopped after idling and have exited. */
  get workersStoppedIdle(): number {
    return this.#pool?.stoppedIdle ?? 0;
  }

  /** Resolves once the receive workers stopping for idling now have exited. */
  async workersSettled(): Promise<void> {
    await this.#pool?.settled();
  }

  /** Terminates the receive workers (requests on them are answered 500). */
  async close(): Promise<void> {
    await this.#pool?.close();
  }

  /** Prometheus: writeHandler.ServeHTTP. */
  async handle(req: RemoteRequest): Promise<RemoteResponse> {
    let msg: RemoteWriteProtoMsg;
    try {
      msg = parseProtoMsg(req.header('content-type') || APP_PROTO);
    } catch (err) {
      this.#log('error', 'Error decoding remote write request', { err: (err as Error).message });
      return httpError(415, (err as Error).message);
    }
    if (!this.#accepted.includes(msg)) {
      return httpError(
        415,
        `${msg} protobuf message is not accepted by this server; accepted [${this.#accepted.join(' ')}]`,
      );
    }
    const enc = req.header('content-encoding') || 'snappy';
    if (enc !== 'snappy') {
      return httpError(415, `${enc} encoding (compression) is not accepted by this server; only snappy is acceptable`);
    }
    const pool = this.#pool;
    if (pool?.usable === true && req.body.length >= this.#workerMinBytes) {
      const v1 = msg === ProtoMsgV1;
      const job = pool.run(req.body, this.#o.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES, v1);
      return v1 ? this.#inTurn(job, this.#receiveDecoded, 'v1') : this.#inTurn(job, this.#receiveDecodedV2, 'v2');
    }
    // A 1.0 body appended at once is read before anything is awaited (#receiveV1): it can be
    // decoded into scratch.
    const now = msg === ProtoMsgV1 && this.#waiting === 0;
    let decompressed: Uint8Array;
    try {
      decompressed = snappyDecode(req.body, this.#o.maxDecodedBytes, now ? this.#scratchFor(req.body) : undefined);
    } catch (err) {
      return this.#decompressError(err as Error);
    }
    if (now) return this.#receiveV1(decompressed);
    // A body decoded here while bodies sent before it wait for a worker waits its turn too: a
    // sender's later samples must not be appended before its earlier ones.
    if (msg === ProtoMsgV1)
      return this.#inTurn(Promise.resolve({ id: 0, decoded: decompressed }), this.#receiveDecoded, 'v1');
    if (this.#waiting > 0)
      return this.#inTurn(Promise.resolve({ id: 0, decoded: decompressed }), this.#receiveDecodedV2, 'v2');
    return this.#receiveV2(decompressed);
  }

  /** A 2.0 body a worker decoded (or decoded here: id 0), appended in its turn (see #receiveDecoded). */
  readonly #receiveDecodedV2 = (r: ReceiveJobResult): Promise<RemoteResponse> => {
    if (r.decodeError !== undefined) return Promise.resolve(this.#decompressError(new Error(r.decodeError)));
    if (r.failure !== undefined || r.decoded === undefined) {
      const message = r.failure ?? 'receive worker answered without a body';
      this.#log('error', 'Error while remote writing the v2 request', { err: message });
      return Promise.resolve(httpError(500, message));
    }
    const answer = this.#receiveV2(r.decoded);
    // Decoded (into strings and numbers: nothing keeps a view of it) before anything is awaited.
    if (r.id !== 0) this.#pool?.recycle(r.decoded.buffer);
    return answer;
  };

  /** Prometheus: writeHandler.handleV2 from the decoded body on. */
  async #receiveV2(decompressed: Uint8Array): Promise<RemoteResponse> {
    let v2: V2Request;
    try {
      v2 = decodeV2Request(decompressed);
    } catch (err) {
      this.#log('error', 'Error decoding v2 remote write request', { err: (err as Error).message });
      return httpError(400, `proto: io.prometheus.write.v2.Request: ${(err as Error).message}`);
    }
    const { stats, code, err } = await this.#writeV2(v2);
    const headers = statsHeaders(stats);
    if (err !== undefined) {
      if (code >= 500) this.#log('error', 'Error while remote writing the v2 request', { err: err.message });
      return httpError(code, err.message, headers);
    }
    return noContent(headers);
  }

  /**
   * Appends Remote Write 1.0 series as a 1.0 request is (the first rejected sample fails and rolls
   * back everything; invalid series are skipped). The OTLP receiver writes through this.
   */
  append(req: WriteRequest): Promise<void> {
    return this.#writeV1(req);
  }

  #decompressError(err: Error): RemoteResponse {
    this.#log('error', 'Error decompressing remote write request', { err: err.message });
    return httpError(400, err.message);
  }

  /**
   * Appends a body (decoded by a worker, or here) with `apply` once the requests before it were:
   * the append itself is synchronous, its commit is not waited for by the next.
   */
  #inTurn(
    job: Promise<ReceiveJobResult>,
    apply: (r: ReceiveJobResult) => Promise<RemoteResponse>,
    version: 'v1' | 'v2',
  ): Promise<RemoteResponse> {
    this.#waiting++;
    const turn = this.#tail.then(
      () => job,
      () => job,
    );
    const applied = turn.then(
      (r) => {
        this.#waiting--;
        return { answer: apply(r) };
      },
      (err: Error) => {
        this.#waiting--;
        this.#log('error', `Error while remote writing the ${version} request`, { err: err.message });
        return { answer: Promise.resolve(httpError(500, err.message)) };
      },
    );
    this.#tail = applied;
    return applied.then((a) => a.answer);
  }

  /** A 1.0 body a worker decoded and scanned (or decoded here: id 0), appended in its turn. */
  readonly #receiveDecoded = (r: ReceiveJobResult): Promise<RemoteResponse> => {
    if (r.decodeError !== undefined) return Promise.resolve(this.#decompressError(new Error(r.decodeError)));
    if (r.failure !== undefined || r.decoded === undefined) {
      const message = r.failure ?? 'receive worker answered without a body';
      this.#log('error', 'Error while remote writing the v1 request', { err: message });
      return Promise.resolve(httpError(500, message));
    }
    const answer = this.#receiveV1(r.decoded, r.scan);
    // #receiveV1 reads the body before it awaits anything: the worker may decode into it again.
    if (r.id !== 0) this.#pool?.recycle(r.decoded.buffer);
    return answer;
  };

  /** The scratch buffer for decoding `body`, grown as needed up to SCRATCH_MAX_BYTES. */
  #scratchFor(body: Uint8Array): Uint8Array | undefined {
    let n: number;
    try {
      n = snappyDecodedLength(body);
    } catch {
      return undefined;
    }
    if (n > SCRATCH_MAX_BYTES) return undefined;
    if (this.#scratch.length < n)
      this.#scratch = new Uint8Array(Math.min(SCRATCH_MAX_BYTES, Math.max(n, 2 * this.#scratch.length)));
    return this.#scratch;
  }

  #appender(): Appender {
    return this.#o.appendable.appender();
  }

  #maxTime(): number {
    return (this.#o.now ?? Date.now)() + MAX_AHEAD_MS;
  }

  /**
   * A 1.0 body read straight into the appender (receive-v1.ts), or its scan (receive-v1-scan.ts). Where the reader does not take the
   * bytes, or appending failed, the reference decoder decides what is answered, as when the whole
   * body was decoded before anything was appended: a malformed body is a 400 naming the decode error.
   */
  async #receiveV1(body: Uint8Array, scan?: ScannedV1): Promise<RemoteResponse> {
    const app = this.#appender();
    let appended: number;
    try {
      appended =
        scan === undefined
          ? this.#v1.appendEncoded(app, body, this.#maxTime())
          : this.#v1.appendScanned(app, body, scan, this.#maxTime());
    } catch (err) {
      // What the reader counted stands only where the reference decoder would have gone as far.
      const invalid = this.#v1.takeInvalid();
      if (!(err instanceof WireShapeError)) {
        // A refused sample (late senders' out-of-order ones are common): when a scan shows that
        // the reference decoder takes the whole body, its decoding (costlier than the append) is
        // skipped, as the answer is the same.
        const scanned = scan ?? scanUsualV1(body);
        if (scanned !== undefined && labelRunsWellFormed(body, scanned)) {
          await app.rollback();
          this.samplesWithInvalidLabels += invalid;
          return this.#answerV1(Promise.reject(err));
        }
      }
      // Decoded before anything is awaited: `body` may be the handler's scratch buffer.
      let req: WriteRequest | undefined;
      let decodeErr: unknown;
      try {
        req = decodeWriteRequest(body);
      } catch (e) {
        decodeErr = e;
      }
      await app.rollback();
      if (req === undefined) {
        this.#log('error', 'Error decoding v1 remote write request', { err: (decodeErr as Error).message });
        return httpError(400, `proto: prometheus.WriteRequest: ${(decodeErr as Error).message}`);
      }
      if (err instanceof WireShapeError) return this.#answerV1(this.#writeV1(req));
      this.samplesWithInvalidLabels += invalid;
      return this.#answerV1(Promise.reject(err));
    }
    this.samplesWithInvalidLabels += this.#v1.takeInvalid();
    return this.#answerV1(
      app.commit().then(() => {
        this.samplesAppended += appended;
      }),
    );
  }

  async #answerV1(written: Promise<void>): Promise<RemoteResponse> {
    try {
      await written;
    } catch (err) {
      if (isBadSampleError(err) || isHistogramValidationError(err)) return httpError(400, err.message);
      this.#log('error', 'Error while remote writing the v1 request', { err: (err as Error).message });
      return httpError(500, (err as Error).message);
    }
    return noContent();
  }

  /**
   * Prometheus: writeHandler.write: the first rejected sample fails the request (rolled back); series
   * with invalid labels are skipped and counted.
   */
  async #writeV1(req: WriteRequest): Promise<void> {
    const app = this.#appender();
    const maxT = this.#maxTime();
    let appended = 0;
    this.#v1.takeInvalid();
    try {
      for (const ts of req.timeseries) appended += this.#v1.appendSeries(app, ts, maxT);
    } catch (err) {
      this.samplesWithInvalidLabels += this.#v1.takeInvalid();
      await app.rollback();
      throw err;
    }
    this.samplesWithInvalidLabels += this.#v1.takeInvalid();
    await app.commit();
    this.samplesAppended += appended;
  }

  /**
   * Prometheus: writeHandler.writeV2/appendV2: rejected samples and invalid series are 400 errors
   * while the rest is written (committed); any other failure rolls everything back with 500.
   */
  async #writeV2(req: V2Request): Promise<{ stats: WriteResponseStats; code: number; err: Error | undefined }> {
    const app = this.#appender();
    const maxT = this.#maxTime();
    const stats: WriteResponseStats = { samples: 0, histograms: 0, exemplars: 0 };
    const bad: string[] = [];
    const names = this.#names;
    const values = this.#values;
    try {
      for (const ts of req.timeseries) {
        let ls: ReturnType<typeof checkedLabels>;
        try {
          resolveRefs(ts.labelsRefs, req.symbols, names, values);
        } catch (err) {
          bad.push(`parsing labels for series [${ts.labelsRefs.join(' ')}]: ${(err as Error).message}`);
          this.samplesWithInvalidLabels += ts.samples.length + ts.histograms.length;
          continue;
        }
        // A series seen before: its labels were checked then, and its last ref is the appends' hint.
        const key = v2SeriesKey(names, values);
        let entry = this.#v2Cache.get(key);
        if (entry === undefined) {
          try {
            ls = checkedLabels(this.#b, names, values);
          } catch (err) {
            if (!(err instanceof InvalidSeriesLabelsError)) throw err;
            bad.push(err.message);
            this.samplesWithInvalidLabels += ts.samples.length + ts.histograms.length;
            continue;
          }
          entry = this.#v2Cache.add(key, ls);
        } else ls = entry.labels;
        const hint = entry.ref;
        // What this request's appends returned (metadata are updated only for a series appended to).
        let ref = 0;
        for (const s of ts.samples) {
          try {
            if (s.timestamp > maxT) throw new OutOfBoundsError(s.timestamp, maxT);
            ref = app.append(ref || hint, ls, s.timestamp, s.value);
            stats.samples++;
          } catch (err) {
            if (!isBadSampleError(err)) throw err;
            this.#log('error', 'Out of order sample from remote write', {
              err: err.message,
              series: ls.toString(),
              timestamp: s.timestamp,
            });
            bad.push(`${err.message} for series ${ls.toString()}`);
          }
        }
        for (const h of ts.histograms) {
          try {
            if (h.timestamp > maxT) throw new OutOfBoundsError(h.timestamp, maxT);
            ref = isFloatPbHistogram(h)
              ? app.appendHistogram(ref || hint, ls, h.timestamp, undefined, toFloatHistogram(h))
              : app.appendHistogram(ref || hint, ls, h.timestamp, toIntHistogram(h), undefined);
            stats.histograms++;
          } catch (err) {
            if (isHistogramValidationError(err)) {
              this.#log('error', 'Invalid histogram received', { err: err.message, series: ls.toString() });
            } else if (!isBadSampleError(err)) throw err;
            bad.push(`${err.message} for series ${ls.toString()}`);
          }
        }
        for (const e of ts.exemplars) {
          try {
            resolveRefs(e.labelsRefs, req.symbols, this.#enames, this.#evalues);
          } catch (err) {
            bad.push(`parsing exemplar for series ${ls.toString()}: ${(err as Error).message}`);
            continue;
          }
          const ex = toExemplar(this.#eb, this.#enames, this.#evalues, e.value, e.timestamp);
          try {
            ref = app.appendExemplar(ref, ls, ex);
            stats.exemplars++;
          } catch (err) {
            if (err instanceof OutOfOrderExemplarError) bad.push(`${err.message} for series ${ls.toString()}`);
            else this.#log('error', 'failed to ingest exemplar', { err: (err as Error).message });
          }
        }
        const m = ts.metadata;
        const md = toMetadata(m.type, req.symbols[m.helpRef] ?? '', req.symbols[m.unitRef] ?? '');
        if (ref !== 0 && (md.type !== 'unknown' || md.help !== '' || md.unit !== '')) {
          try {
            app.updateMetadata(ref, ls, md);
          } catch (err) {
            this.#log('debug', 'error while updating metadata from remote write', { err: (err as Error).message });
          }
        }
        if (ref !== 0) entry.ref = ref;
      }
    } catch (err) {
      // Any other failure: everything rolls back (the sender retries; the TSDB is not idempotent).
      await app.rollback();
      return { stats: { samples: 0, histograms: 0, exemplars: 0 }, code: 500, err: err as Error };
    }
    try {
      await app.commit();
    } catch (err) {
      return { stats: { samples: 0, histograms: 0, exemplars: 0 }, code: 500, err: err as Error };
    }
    this.samplesAppended += stats.samples + stats.histograms;
    if (bad.length === 0) return { stats, code: 0, err: undefined };
    return { stats, code: 400, err: new Error(bad.join('\n')) };
  }
}
