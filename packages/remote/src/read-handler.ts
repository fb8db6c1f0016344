// Prometheus: storage/remote/read_handler.go readHandler and storage/remote/codec.go
// (ToQueryResult, StreamChunkedReadResponses, MergeLabels, NegotiateResponseType): the remote read
// server. SAMPLES answers one snappy ReadResponse; STREAMED_XOR_CHUNKS streams ChunkedReadResponse
// frames (uvarint length, big-endian CRC32-Castagnoli, message), at most one series per frame.
import { crc32c } from '@tsprom/chunkenc';
import { type Labels, MatchType, Matcher } from '@tsprom/labels';
import {
  type ChunkQueryable,
  type ChunkSeriesSet,
  type Queryable,
  type SampleIterator,
  type SelectHints,
  type SeriesSet,
  ValueType,
} from '@tsprom/storage-interfaces';
import { ProtoWriter } from './proto-writer.js';
import { fromFloatHistogram, fromIntHistogram } from './receive-convert.js';
import { httpError, type RemoteRequest, type RemoteResponse } from './receive-http.js';
import type { ReceiveLogger } from './receive-write-handler.js';
import {
  type ChunkedReadResponse,
  decodeReadRequest,
  encodeChunkedReadResponse,
  encodeReadResponse,
  type PbChunk,
  type PbLabelMatcher,
  type PbQuery,
  type PbQueryResult,
  PbResponseType,
  type ReadRequest,
} from './read-request.js';
import { snappyDecode, snappyEncode } from './snappy.js';
import type { PbHistogram } from './proto-histogram.js';
import type { PbLabel, PbSample, PbTimeSeries } from './write-request.js';

/** A query failure Prometheus answers with its own status (HTTPError). */
export class ReadHTTPError extends Error {
  override readonly name = 'ReadHTTPError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Settings of a ReadHandler. */
export interface ReadHandlerOptions {
  /** The local storage (Prometheus reads only the TSDB, never remote-read peers). */
  readonly queryable: Queryable & ChunkQueryable;
  /** The external labels of the current configuration. */
  readonly externalLabels: () => Labels;
  /** --storage.remote.read-sample-limit (0: none); default 5e7. */
  readonly sampleLimit?: number;
  /** --storage.remote.read-concurrent-limit (0: none); default 10. */
  readonly concurrentLimit?: number;
  /** --storage.remote.read-max-bytes-in-frame; default 1048576. */
  readonly maxBytesInFrame?: number;
  readonly logger?: ReceiveLogger;
}

/** Prometheus: gate.Gate: at most `n` holders; the others wait in order. */
class Gate {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(n: number) {
    this.#free = n;
  }
  async start(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  done(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#free++;
  }
}

/** Prometheus: NegotiateResponseType. */
export function negotiateResponseType(accepted: readonly number[]): number {
  const list = accepted.length === 0 ? [PbResponseType.SAMPLES] : accepted;
  for (const t of list) {
    if (t === PbResponseType.SAMPLES || t === PbResponseType.STREAMED_XOR_CHUNKS) return t;
  }
  const names = list.map((t) => (t === 0 ? 'SAMPLES' : t === 1 ? 'STREAMED_XOR_CHUNKS' : String(t)));
  throw new Error(
    `server does not support any of the requested response types: [${names.join(' ')}]; supported: map[SAMPLES:{} STREAMED_XOR_CHUNKS:{}]`,
  );
}

/**
 * Prometheus: filterExtLabelsFromMatchers: an equality matcher on an external label's value looks
 * for the label's absence, since the local storage does not hold external labels.
 */
export function filterExtLabelsFromMatchers(pb: readonly PbLabelMatcher[], ext: Labels): Matcher[] {
  return pb.map((m) => {
    if (m.type > 3) throw new ReadHTTPError(`invalid matcher type ${m.type}`, 400);
    const type = m.type as MatchType;
    if (type === MatchType.Equal && ext.get(m.name) === m.value) return new Matcher(MatchType.Equal, m.name, '');
    return new Matcher(type, m.name, m.value);
  });
}

/** Prometheus: MergeLabels: both sorted by name; `primary` wins on equal names. */
export function mergeLabels(primary: readonly PbLabel[], secondary: readonly PbLabel[]): PbLabel[] {
  const out: PbLabel[] = [];
  let i = 0;
  let j = 0;
  while (i < primary.length && j < secondary.length) {
    const a = primary[i]!;
    const b = secondary[j]!;
    if (a.name < b.name) {
      out.push(a);
      i++;
    } else if (a.name > b.name) {
      out.push(b);
      j++;
    } else {
      out.push(a);
      i++;
      j++;
    }
  }
  while (i < primary.length) out.push(primary[i++]!);
  while (j < secondary.length) out.push(secondary[j++]!);
  return out;
}

function pbLabels(ls: Labels): PbLabel[] {
  const out: PbLabel[] = [];
  ls.forEach((name, value) => {
    out.push({ name, value });
  });
  return out;
}

function toHints(q: PbQuery): SelectHints | undefined {
  const h = q.hints;
  if (h === undefined) return undefined;
  return {
    start: h.startMs,
    end: h.endMs,
    step: h.stepMs,
    func: h.func,
    grouping: h.grouping,
    range: h.rangeMs,
    by: h.by,
  };
}

/** Prometheus: ToQueryResult: every series of `ss` with its samples, at most `limit` samples in all. */
export function toQueryResult(ss: SeriesSet, limit: number, counted: { n: number }): PbQueryResult {
  const res: PbQueryResult = { timeseries: [] };
  let it: SampleIterator | undefined;
  while (ss.next()) {
    const series = ss.at();
    it = series.iterator(it);
    const samples: PbSample[] = [];
    const histograms: PbHistogram[] = [];
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      counted.n++;
      if (limit > 0 && counted.n > limit) throw new ReadHTTPError(`exceeded sample limit (${limit})`, 400);
      if (vt === ValueType.Float) samples.push({ timestamp: it.atT(), value: it.atV() });
      else if (vt === ValueType.Histogram) histograms.push(fromIntHistogram(it.atT(), it.atHistogram()));
      else histograms.push(fromFloatHistogram(it.atT(), it.atFloatHistogram()));
    }
    const err = it.err();
    if (err !== undefined) throw err;
    const ts: PbTimeSeries = { labels: pbLabels(series.labels()), samples, exemplars: [], histograms };
    res.timeseries.push(ts);
  }
  const err = ss.err();
  if (err !== undefined) throw err;
  return res;
}

/** Prometheus: ChunkedWriter.Write: uvarint length, big-endian CRC32C of the message, the message. */
export function chunkedFrame(msg: Uint8Array): Uint8Array {
  const w = new ProtoWriter(msg.length + 9);
  w.uint32(msg.length);
  const head = w.finish();
  const out = new Uint8Array(head.length + 4 + msg.length);
  out.set(head, 0);
  new DataView(out.buffer).setUint32(head.length, crc32c(msg) >>> 0, false);
  out.set(msg, head.length + 4);
  return out;
}

function labelSize(l: PbLabel): number {
  // Prometheus: prompb.Label.Size(): tags, lengths and bytes of name and value.
  const n = Buffer.byteLength(l.name);
  const v = Buffer.byteLength(l.value);
  return (n > 0 ? 1 + varintLen(n) + n : 0) + (v > 0 ? 1 + varintLen(v) + v : 0);
}

function chunkSize(c: PbChunk): number {
  let s = 0;
  if (c.minTimeMs !== 0) s += 1 + varintLen(c.minTimeMs);
  if (c.maxTimeMs !== 0) s += 1 + varintLen(c.maxTimeMs);
  if (c.type !== 0) s += 1 + varintLen(c.type);
  if (c.data.length > 0) s += 1 + varintLen(c.data.length) + c.data.length;
  return s;
}

function varintLen(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/**
 * Prometheus: StreamChunkedReadResponses: one frame per series, split when its chunks pass
 * `maxBytesInFrame` (less the labels' size).
 */
export function* streamChunkedReadResponses(
  queryIndex: number,
  ss: ChunkSeriesSet,
  ext: readonly PbLabel[],
  maxBytesInFrame: number,
): Generator<Uint8Array> {
  while (ss.next()) {
    const series = ss.at();
    const it = series.chunkIterator();
    const lbls = mergeLabels(pbLabels(series.labels()), ext);
    let maxData = maxBytesInFrame;
    for (const l of lbls) maxData -= labelSize(l);
    let left = maxData;
    let chks: PbChunk[] = [];
    let more = it.next();
    while (more) {
      const m = it.at();
      // The bytes are copied: the chunk may be open and appended to after this.
      const c: PbChunk = {
        minTimeMs: m.mint,
        maxTimeMs: m.maxt,
        type: m.chunk.encoding(),
        data: m.chunk.bytes().slice(),
      };
      chks.push(c);
      left -= chunkSize(c);
      more = it.next();
      if (left > 0 && more) continue;
      const resp: ChunkedReadResponse = { chunkedSeries: [{ labels: lbls, chunks: chks }], queryIndex };
      yield chunkedFrame(encodeChunkedReadResponse(resp));
      chks = [];
      left = maxData;
    }
    const err = it.err();
    if (err !== undefined) throw err;
  }
  const err = ss.err();
  if (err !== undefined) throw err;
}

/** The remote read server: `handle` answers one POST /api/v1/read. */
export class ReadHandler {
  readonly #o: ReadHandlerOptions;
  readonly #gate: Gate | undefined;
  readonly #log: ReceiveLogger;
  /** Prometheus: prometheus_api_remote_read_queries (in flight). */
  queriesInFlight = 0;

  constructor(o: ReadHandlerOptions) {
    this.#o = o;
    const limit = o.concurrentLimit ?? 10;
    this.#gate = limit > 0 ? new Gate(limit) : undefined;
    this.#log = o.logger ?? (() => undefined);
  }

  /** Prometheus: readHandler.ServeHTTP. A streamed answer holds its gate slot until it is read. */
  async handle(req: RemoteRequest): Promise<RemoteResponse> {
    await this.#gate?.start();
    this.queriesInFlight++;
    let streaming = false;
    const release = (): void => {
      this.queriesInFlight--;
      this.#gate?.done();
    };
    try {
      let rr: ReadRequest;
      try {
        rr = decodeReadRequest(snappyDecode(req.body));
      } catch (err) {
        return httpError(400, (err as Error).message);
      }
      const ext = this.#o.externalLabels();
      const sortedExt = pbLabels(ext);
      let type: number;
      try {
        type = negotiateResponseType(rr.acceptedResponseTypes);
      } catch (err) {
        return httpError(400, (err as Error).message);
      }
      if (type === PbResponseType.STREAMED_XOR_CHUNKS) {
        streaming = true;
        return {
          status: 200,
          headers: { 'Content-Type': 'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse' },
          stream: this.#streamed(rr, ext, sortedExt, req.signal, release),
        };
      }
      return await this.#samples(rr, ext, sortedExt, req.signal);
    } finally {
      if (!streaming) release();
    }
  }

  async #samples(
    rr: ReadRequest,
    ext: Labels,
    sortedExt: PbLabel[],
    signal: AbortSignal | undefined,
  ): Promise<RemoteResponse> {
    const results: PbQueryResult[] = [];
    const counted = { n: 0 };
    for (const q of rr.queries) {
      try {
        const matchers = filterExtLabelsFromMatchers(q.matchers, ext);
        const querier = this.#o.queryable.querier(q.startTimestampMs, q.endTimestampMs);
        try {
          const ss = await querier.select(false, toHints(q), matchers, signal);
          // Prometheus counts the sample limit per query.
          counted.n = 0;
          const res = toQueryResult(ss, this.#o.sampleLimit ?? 5e7, counted);
          for (const w of ss.warnings().asStrings().warnings)
            this.#log('warn', 'Warnings on remote read query', { err: w });
          for (const ts of res.timeseries) ts.labels = mergeLabels(ts.labels, sortedExt);
          results.push(res);
        } finally {
          await querier.close();
        }
      } catch (err) {
        if (err instanceof ReadHTTPError) return httpError(err.status, err.message);
        return httpError(500, (err as Error).message);
      }
    }
    return {
      status: 200,
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
      body: snappyEncode(encodeReadResponse({ results })),
    };
  }

  async *#streamed(
    rr: ReadRequest,
    ext: Labels,
    sortedExt: PbLabel[],
    signal: AbortSignal | undefined,
    release: () => void,
  ): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0; i < rr.queries.length; i++) {
        const q = rr.queries[i]!;
        const matchers = filterExtLabelsFromMatchers(q.matchers, ext);
        const querier = this.#o.queryable.chunkQuerier(q.startTimestampMs, q.endTimestampMs);
        try {
          // The streaming API has to provide the series sorted.
          const ss = await querier.select(true, toHints(q), matchers, signal);
          yield* streamChunkedReadResponses(i, ss, sortedExt, this.#o.maxBytesInFrame ?? 1048576);
          for (const w of ss.warnings().asStrings().warnings) {
            this.#log('warn', 'Warnings on chunked remote read query', { warnings: w });
          }
        } finally {
          await querier.close();
        }
      }
    } finally {
      release();
    }
  }
}
