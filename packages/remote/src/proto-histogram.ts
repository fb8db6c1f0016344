// Prometheus: prompb/types.proto Histogram and BucketSpan (identical in write/v2/types.proto, which
// adds start_timestamp = 17): the wire form of a native histogram, shared by both protocols.
import type { ProtoWriter } from './proto-writer.js';
import {
  checkEnd,
  type Reader,
  readDouble,
  readEnd,
  readInt64,
  readRepeated,
  readSint64,
  readUint64,
} from './proto-reader.js';

/** prometheus.BucketSpan */
export interface PbBucketSpan {
  offset: number;
  length: number;
}

/** prometheus.Histogram.ResetHint (and write.v2's RESET_HINT_*, same numbers). */
export const PbResetHint = { UNKNOWN: 0, YES: 1, NO: 2, GAUGE: 3 } as const;

/**
 * prometheus.Histogram / io.prometheus.write.v2.Histogram. An integer histogram sets `countInt`,
 * `zeroCountInt` and the `*Deltas`; a float histogram sets `countFloat`, `zeroCountFloat` and the
 * `*Counts`. Of each oneof, the field that is not undefined is encoded.
 */
export interface PbHistogram {
  countInt: number | undefined;
  countFloat: number | undefined;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt: number | undefined;
  zeroCountFloat: number | undefined;
  negativeSpans: PbBucketSpan[];
  negativeDeltas: number[];
  negativeCounts: number[];
  positiveSpans: PbBucketSpan[];
  positiveDeltas: number[];
  positiveCounts: number[];
  resetHint: number;
  timestamp: number;
  customValues: number[];
  /** Remote Write 2.0 only (field 17). */
  startTimestamp: number;
}

/** A histogram with every field at its zero value. */
export function emptyPbHistogram(): PbHistogram {
  return {
    countInt: undefined,
    countFloat: undefined,
    sum: 0,
    schema: 0,
    zeroThreshold: 0,
    zeroCountInt: undefined,
    zeroCountFloat: undefined,
    negativeSpans: [],
    negativeDeltas: [],
    negativeCounts: [],
    positiveSpans: [],
    positiveDeltas: [],
    positiveCounts: [],
    resetHint: 0,
    timestamp: 0,
    customValues: [],
    startTimestamp: 0,
  };
}

function spans(w: ProtoWriter, field: number, ss: readonly PbBucketSpan[]): void {
  for (const s of ss) {
    w.tag(field, 2);
    const at = w.fork();
    if (s.offset !== 0) {
      w.tag(1, 0);
      w.sint64(s.offset);
    }
    if (s.length !== 0) {
      w.tag(2, 0);
      w.uint32(s.length);
    }
    w.ldelim(at);
  }
}

function packedSint64(w: ProtoWriter, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  w.tag(field, 2);
  const at = w.fork();
  for (const v of vs) w.sint64(v);
  w.ldelim(at);
}

function packedDouble(w: ProtoWriter, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  w.tag(field, 2);
  w.uint32(vs.length * 8);
  for (const v of vs) w.double(v);
}

/** Writes the body of a histogram message (no key, no length); `v2` adds start_timestamp. */
export function writeHistogramBody(w: ProtoWriter, h: PbHistogram, v2: boolean): void {
  if (h.countInt !== undefined) {
    w.tag(1, 0);
    w.uint64(h.countInt);
  } else if (h.countFloat !== undefined) {
    w.tag(2, 1);
    w.double(h.countFloat);
  }
  if (!Object.is(h.sum, 0)) {
    w.tag(3, 1);
    w.double(h.sum);
  }
  if (h.schema !== 0) {
    w.tag(4, 0);
    w.sint64(h.schema);
  }
  if (!Object.is(h.zeroThreshold, 0)) {
    w.tag(5, 1);
    w.double(h.zeroThreshold);
  }
  if (h.zeroCountInt !== undefined) {
    w.tag(6, 0);
    w.uint64(h.zeroCountInt);
  } else if (h.zeroCountFloat !== undefined) {
    w.tag(7, 1);
    w.double(h.zeroCountFloat);
  }
  spans(w, 8, h.negativeSpans);
  packedSint64(w, 9, h.negativeDeltas);
  packedDouble(w, 10, h.negativeCounts);
  spans(w, 11, h.positiveSpans);
  packedSint64(w, 12, h.positiveDeltas);
  packedDouble(w, 13, h.positiveCounts);
  if (h.resetHint !== 0) {
    w.tag(14, 0);
    w.uint32(h.resetHint);
  }
  if (h.timestamp !== 0) {
    w.tag(15, 0);
    w.int64(h.timestamp);
  }
  packedDouble(w, 16, h.customValues);
  if (v2 && h.startTimestamp !== 0) {
    w.tag(17, 0);
    w.int64(h.startTimestamp);
  }
}

function readSpan(r: Reader): PbBucketSpan {
  const e = readEnd(r);
  const s: PbBucketSpan = { offset: 0, length: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) s.offset = r.sint32();
    else if (tag === 0x10) s.length = r.uint32();
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return s;
}

/** Reads a length-prefixed histogram message. */
export function readHistogram(r: Reader): PbHistogram {
  const e = readEnd(r);
  const h = emptyPbHistogram();
  while (r.pos < e) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    switch (field) {
      case 1:
        h.countInt = readUint64(r);
        h.countFloat = undefined;
        break;
      case 2:
        h.countFloat = r.double();
        h.countInt = undefined;
        break;
      case 3:
        h.sum = r.double();
        break;
      case 4:
        h.schema = r.sint32();
        break;
      case 5:
        h.zeroThreshold = r.double();
        break;
      case 6:
        h.zeroCountInt = readUint64(r);
        h.zeroCountFloat = undefined;
        break;
      case 7:
        h.zeroCountFloat = r.double();
        h.zeroCountInt = undefined;
        break;
      case 8:
        h.negativeSpans.push(readSpan(r));
        break;
      case 9:
        readRepeated(r, wt, h.negativeDeltas, readSint64);
        break;
      case 10:
        readRepeated(r, wt, h.negativeCounts, readDouble);
        break;
      case 11:
        h.positiveSpans.push(readSpan(r));
        break;
      case 12:
        readRepeated(r, wt, h.positiveDeltas, readSint64);
        break;
      case 13:
        readRepeated(r, wt, h.positiveCounts, readDouble);
        break;
      case 14:
        h.resetHint = r.uint32();
        break;
      case 15:
        h.timestamp = readInt64(r);
        break;
      case 16:
        readRepeated(r, wt, h.customValues, readDouble);
        break;
      case 17:
        h.startTimestamp = readInt64(r);
        break;
      default:
        r.skipType(wt);
    }
  }
  checkEnd(r, e);
  return h;
}
