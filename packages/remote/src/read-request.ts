// Prometheus: prompb/remote.proto ReadRequest, Query, ReadResponse, QueryResult,
// ChunkedReadResponse and prompb/types.proto LabelMatcher, ReadHints, Chunk, ChunkedSeries: the
// remote read messages, encoded and decoded.
import {
  checkEnd,
  newReader,
  type Reader,
  readBytes,
  readEnd,
  readInt64,
  readRepeated,
  readString,
  readUint32,
} from './proto-reader.js';
import { ProtoWriter } from './proto-writer.js';
import { type PbLabel, type PbTimeSeries, readLabel, readTimeSeries, writeLabel } from './write-request.js';
import { encodeWriteRequest } from './write-request.js';

/** prometheus.LabelMatcher.Type */
export const PbMatcherType = { EQ: 0, NEQ: 1, RE: 2, NRE: 3 } as const;

/** prometheus.LabelMatcher */
export interface PbLabelMatcher {
  type: number;
  name: string;
  value: string;
}

/** prometheus.ReadHints (times in ms). */
export interface PbReadHints {
  stepMs: number;
  func: string;
  startMs: number;
  endMs: number;
  grouping: string[];
  by: boolean;
  rangeMs: number;
}

/** prometheus.Query (times in ms, inclusive). */
export interface PbQuery {
  startTimestampMs: number;
  endTimestampMs: number;
  matchers: PbLabelMatcher[];
  hints: PbReadHints | undefined;
}

/** prometheus.ReadRequest.ResponseType */
export const PbResponseType = { SAMPLES: 0, STREAMED_XOR_CHUNKS: 1 } as const;

/** prometheus.ReadRequest */
export interface ReadRequest {
  queries: PbQuery[];
  acceptedResponseTypes: number[];
}

/** prometheus.QueryResult */
export interface PbQueryResult {
  timeseries: PbTimeSeries[];
}

/** prometheus.ReadResponse: one result per query, in order. */
export interface ReadResponse {
  results: PbQueryResult[];
}

/** prometheus.Chunk.Encoding */
export const PbChunkEncoding = {
  UNKNOWN: 0,
  XOR: 1,
  HISTOGRAM: 2,
  FLOAT_HISTOGRAM: 3,
  XOR2: 4,
  HISTOGRAM_ST: 5,
  FLOAT_HISTOGRAM_ST: 6,
} as const;

/** prometheus.Chunk (times in ms, inclusive). */
export interface PbChunk {
  minTimeMs: number;
  maxTimeMs: number;
  type: number;
  data: Uint8Array;
}

/** prometheus.ChunkedSeries */
export interface PbChunkedSeries {
  labels: PbLabel[];
  chunks: PbChunk[];
}

/** prometheus.ChunkedReadResponse: one frame of a STREAMED_XOR_CHUNKS response. */
export interface ChunkedReadResponse {
  chunkedSeries: PbChunkedSeries[];
  queryIndex: number;
}

function i64(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, 0);
  w.int64(v);
}

function str(w: ProtoWriter, field: number, s: string): void {
  if (s === '') return;
  w.tag(field, 2);
  w.string(s);
}

/** Encodes a ReadRequest to new bytes. */
export function encodeReadRequest(req: ReadRequest): Uint8Array {
  const w = new ProtoWriter(256);
  for (const q of req.queries) {
    w.tag(1, 2);
    const at = w.fork();
    i64(w, 1, q.startTimestampMs);
    i64(w, 2, q.endTimestampMs);
    for (const m of q.matchers) {
      w.tag(3, 2);
      const mat = w.fork();
      if (m.type !== 0) {
        w.tag(1, 0);
        w.uint32(m.type);
      }
      str(w, 2, m.name);
      str(w, 3, m.value);
      w.ldelim(mat);
    }
    const h = q.hints;
    if (h !== undefined) {
      w.tag(4, 2);
      const hat = w.fork();
      i64(w, 1, h.stepMs);
      str(w, 2, h.func);
      i64(w, 3, h.startMs);
      i64(w, 4, h.endMs);
      for (const g of h.grouping) {
        w.tag(5, 2);
        w.string(g);
      }
      if (h.by) {
        w.tag(6, 0);
        w.uint32(1);
      }
      i64(w, 7, h.rangeMs);
      w.ldelim(hat);
    }
    w.ldelim(at);
  }
  if (req.acceptedResponseTypes.length > 0) {
    w.tag(2, 2);
    const at = w.fork();
    for (const t of req.acceptedResponseTypes) w.uint32(t);
    w.ldelim(at);
  }
  return w.finish().slice();
}

function readMatcher(r: Reader): PbLabelMatcher {
  const e = readEnd(r);
  const m: PbLabelMatcher = { type: 0, name: '', value: '' };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) m.type = r.uint32();
    else if (tag === 0x12) m.name = readString(r);
    else if (tag === 0x1a) m.value = readString(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return m;
}

function readHints(r: Reader): PbReadHints {
  const e = readEnd(r);
  const h: PbReadHints = { stepMs: 0, func: '', startMs: 0, endMs: 0, grouping: [], by: false, rangeMs: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) h.stepMs = readInt64(r);
    else if (tag === 0x12) h.func = readString(r);
    else if (tag === 0x18) h.startMs = readInt64(r);
    else if (tag === 0x20) h.endMs = readInt64(r);
    else if (tag === 0x2a) h.grouping.push(readString(r));
    else if (tag === 0x30) h.by = r.bool();
    else if (tag === 0x38) h.rangeMs = readInt64(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return h;
}

function readQuery(r: Reader): PbQuery {
  const e = readEnd(r);
  const q: PbQuery = { startTimestampMs: 0, endTimestampMs: 0, matchers: [], hints: undefined };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) q.startTimestampMs = readInt64(r);
    else if (tag === 0x10) q.endTimestampMs = readInt64(r);
    else if (tag === 0x1a) q.matchers.push(readMatcher(r));
    else if (tag === 0x22) q.hints = readHints(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return q;
}

/** Decodes a ReadRequest (already snappy-decoded). */
export function decodeReadRequest(buf: Uint8Array): ReadRequest {
  const r = newReader(buf);
  const req: ReadRequest = { queries: [], acceptedResponseTypes: [] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) req.queries.push(readQuery(r));
    else if (tag >>> 3 === 2) readRepeated(r, tag & 7, req.acceptedResponseTypes, readUint32);
    else r.skipType(tag & 7);
  }
  return req;
}

/** Encodes a ReadResponse (SAMPLES) to new bytes. */
export function encodeReadResponse(res: ReadResponse): Uint8Array {
  const w = new ProtoWriter(1024);
  const inner = new ProtoWriter(1024);
  for (const qr of res.results) {
    // A QueryResult's body is a WriteRequest's timeseries field (field 1, same shape).
    const body = encodeWriteRequest({ timeseries: qr.timeseries, metadata: [] }, inner);
    w.tag(1, 2);
    w.bytes(body);
  }
  return w.finish().slice();
}

/** Decodes a ReadResponse (already snappy-decoded). */
export function decodeReadResponse(buf: Uint8Array): ReadResponse {
  const r = newReader(buf);
  const res: ReadResponse = { results: [] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      const e = readEnd(r);
      const qr: PbQueryResult = { timeseries: [] };
      while (r.pos < e) {
        const t2 = r.uint32();
        if (t2 === 0x0a) qr.timeseries.push(readTimeSeries(r));
        else r.skipType(t2 & 7);
      }
      checkEnd(r, e);
      res.results.push(qr);
    } else r.skipType(tag & 7);
  }
  return res;
}

/** Encodes one ChunkedReadResponse frame body (without the stream's length and CRC). */
export function encodeChunkedReadResponse(res: ChunkedReadResponse): Uint8Array {
  const w = new ProtoWriter(1024);
  for (const cs of res.chunkedSeries) {
    w.tag(1, 2);
    const at = w.fork();
    for (const l of cs.labels) writeLabel(w, 1, l.name, l.value);
    for (const c of cs.chunks) {
      w.tag(2, 2);
      const cat = w.fork();
      i64(w, 1, c.minTimeMs);
      i64(w, 2, c.maxTimeMs);
      if (c.type !== 0) {
        w.tag(3, 0);
        w.uint32(c.type);
      }
      if (c.data.length > 0) {
        w.tag(4, 2);
        w.bytes(c.data);
      }
      w.ldelim(cat);
    }
    w.ldelim(at);
  }
  i64(w, 2, res.queryIndex);
  return w.finish().slice();
}

function readChunk(r: Reader): PbChunk {
  const e = readEnd(r);
  const c: PbChunk = { minTimeMs: 0, maxTimeMs: 0, type: 0, data: new Uint8Array(0) };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) c.minTimeMs = readInt64(r);
    else if (tag === 0x10) c.maxTimeMs = readInt64(r);
    else if (tag === 0x18) c.type = r.uint32();
    else if (tag === 0x22) c.data = readBytes(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return c;
}

/** Decodes one ChunkedReadResponse frame body. */
export function decodeChunkedReadResponse(buf: Uint8Array): ChunkedReadResponse {
  const r = newReader(buf);
  const res: ChunkedReadResponse = { chunkedSeries: [], queryIndex: 0 };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      const e = readEnd(r);
      const cs: PbChunkedSeries = { labels: [], chunks: [] };
      while (r.pos < e) {
        const t2 = r.uint32();
        if (t2 === 0x0a) cs.labels.push(readLabel(r));
        else if (t2 === 0x12) cs.chunks.push(readChunk(r));
        else r.skipType(t2 & 7);
      }
      checkEnd(r, e);
      res.chunkedSeries.push(cs);
    } else if (tag === 0x10) res.queryIndex = readInt64(r);
    else r.skipType(tag & 7);
  }
  return res;
}
