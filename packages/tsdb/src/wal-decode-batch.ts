// The unit the WAL decoding worker hands to the replaying thread: the records of a stretch of a
// WAL, in WAL order, with samples records decoded into columns and every other record as its
// bytes. Typed arrays over SharedArrayBuffers, made by the worker and posted once (again only when
// one had to grow): afterwards a batch is named by its id, the replaying thread gives it back
// once applied and the worker fills it again. Nothing is copied or allocated per batch, and the
// replaying thread's heap sees no stream of transferred buffers.
import { RecordDecodeError } from './record/errors.js';
import type { RecordDecoder } from './record/record-decoder.js';
import { RecordType } from './record/record-type.js';
import type { RefSamples } from './record/ref-types.js';

/** What a record of a batch is. */
export const BatchOp = {
  /** A samples record decoded into the batch's columns, entries [a, b). */
  Samples: 0,
  /** Any other record (or a samples record that did not decode): bytes [a, b) of `raw`. */
  Raw: 1,
} as const;
export type BatchOp = (typeof BatchOp)[keyof typeof BatchOp];

/** Numbers per record in {@link DecodedBatch.ops}: kind, segment, start, end, a, b. */
export const OP_WIDTH = 6;

/**
 * Records of a WAL stretch. Record `i` is `ops[i*6 .. i*6+6)`: its {@link BatchOp}, segment, start
 * and end offsets in the segment (as `SegmentsReader` gives them), and its range `[a, b)` in the
 * columns (samples) or in `raw` (other records). Entries past the lengths are garbage.
 */
export interface DecodedBatch {
  /** Names the batch between the threads. */
  id: number;
  ops: Float64Array;
  numOps: number;
  samples: RefSamples;
  raw: Uint8Array;
  rawLength: number;
}

function f64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * n));
}

/** An empty batch `id` over shared memory, with room for `samples` samples. */
export function newDecodedBatch(id: number, samples = 1 << 16): DecodedBatch {
  return {
    id,
    ops: f64(OP_WIDTH * 1024),
    numOps: 0,
    samples: { refs: f64(samples), ts: f64(samples), vs: f64(samples), length: 0 },
    raw: new Uint8Array(new SharedArrayBuffer(1 << 16)),
    rawLength: 0,
  };
}

/** Makes the columns of `b` hold `n` samples, in shared memory, keeping those held. */
function growSamples(b: DecodedBatch, n: number): void {
  const sc = b.samples;
  if (sc.refs.length >= n) return;
  const cap = Math.max(n, sc.refs.length * 2);
  const refs = f64(cap);
  const ts = f64(cap);
  const vs = f64(cap);
  refs.set(sc.refs.subarray(0, sc.length));
  ts.set(sc.ts.subarray(0, sc.length));
  vs.set(sc.vs.subarray(0, sc.length));
  sc.refs = refs;
  sc.ts = ts;
  sc.vs = vs;
}

/** Empties `b` for reuse (its arrays stay). */
export function resetDecodedBatch(b: DecodedBatch): void {
  b.numOps = 0;
  b.samples.length = 0;
  b.rawLength = 0;
}

/**
 * Adds record `rec` (read at `start`-`end` of `segment`) to `b`. A samples record is decoded by
 * `dec` into the columns; one that does not decode, or holds a timestamp beyond ±2^53-1 ms, goes
 * as bytes, so that the replaying thread finds the damage exactly as when it decodes itself.
 */
export function addRecord(
  b: DecodedBatch,
  dec: RecordDecoder,
  rec: Uint8Array,
  segment: number,
  start: number,
  end: number,
): void {
  if (b.ops.length < (b.numOps + 1) * OP_WIDTH) {
    const ops = f64(b.ops.length * 2);
    ops.set(b.ops);
    b.ops = ops;
  }
  const o = b.numOps * OP_WIDTH;
  const ops = b.ops;
  ops[o + 1] = segment;
  ops[o + 2] = start;
  ops[o + 3] = end;
  b.numOps++;
  if (rec.length > 0 && rec[0] === RecordType.Samples) {
    const sc = b.samples;
    const n0 = sc.length;
    // Room for the most samples the record can hold (10 bytes each at least): samplesInto then
    // never grows the columns itself (into memory that is not shared).
    growSamples(b, n0 + Math.ceil(rec.length / 10));
    let ok = true;
    try {
      dec.samplesInto(rec, sc);
    } catch (err) {
      if (!(err instanceof RecordDecodeError)) throw err;
      ok = false; // Decoded again, and reported, by the replaying thread.
    }
    const ts = sc.ts;
    for (let i = n0; ok && i < sc.length; i++) {
      const t = ts[i]!;
      if (t > Number.MAX_SAFE_INTEGER || t < -Number.MAX_SAFE_INTEGER) ok = false;
    }
    if (ok) {
      ops[o] = BatchOp.Samples;
      ops[o + 4] = n0;
      ops[o + 5] = sc.length;
      return;
    }
    sc.length = n0;
  }
  if (b.raw.length < b.rawLength + rec.length) {
    const raw = new Uint8Array(new SharedArrayBuffer(Math.max(b.raw.length * 2, b.rawLength + rec.length)));
    raw.set(b.raw.subarray(0, b.rawLength));
    b.raw = raw;
  }
  b.raw.set(rec, b.rawLength);
  ops[o] = BatchOp.Raw;
  ops[o + 4] = b.rawLength;
  b.rawLength += rec.length;
  ops[o + 5] = b.rawLength;
}

/** The arrays of a batch, as posted when they are new. */
export interface BatchArrays {
  ops: Float64Array;
  refs: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
  raw: Uint8Array;
}

/** The arrays of `b`. */
export function batchArrays(b: DecodedBatch): BatchArrays {
  return { ops: b.ops, refs: b.samples.refs, ts: b.samples.ts, vs: b.samples.vs, raw: b.raw };
}

/** Whether `a` are the arrays `b` holds now. */
export function sameArrays(a: BatchArrays | undefined, b: DecodedBatch): boolean {
  return (
    a !== undefined &&
    a.ops === b.ops &&
    a.refs === b.samples.refs &&
    a.ts === b.samples.ts &&
    a.vs === b.samples.vs &&
    a.raw === b.raw
  );
}
