// The unit the WAL decoding worker hands to the replaying thread: the records of a stretch of a
// WAL, in WAL order, with samples records decoded into columns and every other record as its
// bytes. Typed arrays over SharedArrayBuffers, made by the worker and posted once (again only when
// one had to grow): afterwards a batch is named by its id, the replaying thread gives it back
// once applied and the worker fills it again. Nothing is copied or allocated per batch, and the
// replaying thread's heap sees no stream of transferred buffers.
//
// The samples of consecutive samples records go into the columns grouped by series (a stable
// counting sort by ref, done by the worker), the columns holding times and values and a list of
// runs naming each series once: the replaying thread then appends a series' samples one after
// another, its chunk in cache, looking the series up once per run, and reads the columns in order. Other records between them stay where they are if they cannot affect those samples
// (series, exemplars, metadata, tombstones that decode); any other record (m-map markers,
// histogram samples, a record that does not decode) ends the group first, so that it is applied
// after the samples logged before it, as replay in one thread does.
import { RecordDecodeError } from './record/errors.js';
import type { RecordDecoder } from './record/record-decoder.js';
import { RecordType } from './record/record-type.js';
import {
  newRefSamples,
  type RefExemplar,
  type RefMetadata,
  type RefSamples,
  type RefSeries,
  type Stone,
} from './record/ref-types.js';

/** What a record of a batch is. */
export const BatchOp = {
  /**
   * The samples of `records` consecutive samples records (a group), entries [a, b) of the batch's
   * columns: grouped by series ref, each series' samples in WAL order, in runs [ra, rb).
   */
  Samples: 0,
  /** Any other record (or a samples record that did not decode): bytes [a, b) of `raw`. */
  Raw: 1,
} as const;
export type BatchOp = (typeof BatchOp)[keyof typeof BatchOp];

/** Numbers per op in {@link DecodedBatch.ops}: kind, segment, start, end, a, b, records, ra, rb. */
export const OP_WIDTH = 9;

/**
 * Samples grouped by series: times and values in columns, entries `[0, length)`, and runs
 * `[0, runs)`: run `j` holds the samples of series `runRefs[j]` up to entry `runEnds[j]`
 * (exclusive), from the end of the run before it (or from the start of its op's range).
 */
export interface GroupedSamples {
  ts: Float64Array;
  vs: Float64Array;
  length: number;
  runRefs: Float64Array;
  runEnds: Float64Array;
  runs: number;
}

/**
 * Records of a WAL stretch. Op `i` is `ops[i*9 .. i*9+9)`: its {@link BatchOp}, segment, start
 * and end offsets in the segment (as `SegmentsReader` gives them; of the last record for a
 * group), its range `[a, b)` in the columns (samples) or in `raw` (other records), the number
 * of records it stands for and, for samples, its runs `[ra, rb)`. Entries past the lengths are
 * garbage.
 */
export interface DecodedBatch {
  /** Names the batch between the threads. */
  id: number;
  ops: Float64Array;
  numOps: number;
  samples: GroupedSamples;
  raw: Uint8Array;
  rawLength: number;
}

function f64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * n));
}

/**
 * An empty batch `id` over shared memory, with room for `samples` samples (and runs of 8 samples
 * on average; it grows as needed).
 */
export function newDecodedBatch(id: number, samples = 1 << 16): DecodedBatch {
  const runs = Math.max(16, samples >> 3);
  return {
    id,
    ops: f64(OP_WIDTH * 1024),
    numOps: 0,
    samples: { ts: f64(samples), vs: f64(samples), length: 0, runRefs: f64(runs), runEnds: f64(runs), runs: 0 },
    raw: new Uint8Array(new SharedArrayBuffer(1 << 16)),
    rawLength: 0,
  };
}

/** `a` and `b` in new shared arrays of at least `n` entries (and twice their length), keeping the first `keep`. */
function grownPair(a: Float64Array, b: Float64Array, keep: number, n: number): [Float64Array, Float64Array] {
  const cap = Math.max(n, a.length * 2);
  const a2 = f64(cap);
  const b2 = f64(cap);
  a2.set(a.subarray(0, keep));
  b2.set(b.subarray(0, keep));
  return [a2, b2];
}

/** Makes the columns of `b` hold `n` samples, in shared memory, keeping those held. */
function growSamples(b: DecodedBatch, n: number): void {
  const sc = b.samples;
  if (sc.ts.length < n) [sc.ts, sc.vs] = grownPair(sc.ts, sc.vs, sc.length, n);
}

/** Makes the runs of `b` hold `n` runs, in shared memory, keeping those held. */
function growRuns(b: DecodedBatch, n: number): void {
  const sc = b.samples;
  if (sc.runRefs.length < n) [sc.runRefs, sc.runEnds] = grownPair(sc.runRefs, sc.runEnds, sc.runs, n);
}

/** Empties `b` for reuse (its arrays stay). */
export function resetDecodedBatch(b: DecodedBatch): void {
  b.numOps = 0;
  b.samples.length = 0;
  b.samples.runs = 0;
  b.rawLength = 0;
}

/** Makes room in `b.ops` for one more op and returns its offset, segment and offsets set. */
function addOp(b: DecodedBatch, segment: number, start: number, end: number): number {
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
  ops[o + 6] = 1;
  ops[o + 7] = 0;
  ops[o + 8] = 0;
  b.numOps++;
  return o;
}

/** Adds record `rec` to `b` as bytes. */
function addRaw(b: DecodedBatch, rec: Uint8Array, segment: number, start: number, end: number): void {
  const o = addOp(b, segment, start, end);
  if (b.raw.length < b.rawLength + rec.length) {
    const raw = new Uint8Array(new SharedArrayBuffer(Math.max(b.raw.length * 2, b.rawLength + rec.length)));
    raw.set(b.raw.subarray(0, b.rawLength));
    b.raw = raw;
  }
  b.raw.set(rec, b.rawLength);
  const ops = b.ops;
  ops[o] = BatchOp.Raw;
  ops[o + 4] = b.rawLength;
  b.rawLength += rec.length;
  ops[o + 5] = b.rawLength;
}

/**
 * The worker's samples decoded but not yet in a batch (the open group), in its own memory, and
 * the scratch of the sort that moves them into a batch grouped by series.
 */
// Prometheus: tsdb/head_wal.go loadWAL (samples handed to shards by series ref, each in WAL order)
export class SampleGrouper {
  readonly #staged: RefSamples;
  /** Smallest and largest ref of the open group. */
  #minRef = Number.POSITIVE_INFINITY;
  #maxRef = Number.NEGATIVE_INFINITY;
  #records = 0;
  #segment = 0;
  #start = 0;
  #end = 0;
  #counts = new Int32Array(0);
  /**
   * Whether a record of another segment ends the group: when the replaying thread reports
   * progress by segment, a segment's samples are applied before the next segment's.
   */
  readonly #cutAtSegments: boolean;

  /** `capacity`: the samples a group is expected to reach (more grow it). */
  constructor(cutAtSegments: boolean, capacity = 1 << 16) {
    this.#cutAtSegments = cutAtSegments;
    this.#staged = newRefSamples(capacity);
  }

  /** Samples in the open group. */
  pending(): number {
    return this.#staged.length;
  }

  /**
   * Decodes samples record `rec` into the open group; false, leaving the group as it was, if it
   * does not decode or holds a timestamp beyond ±2^53-1 ms.
   */
  add(dec: RecordDecoder, rec: Uint8Array, segment: number, start: number, end: number): boolean {
    const sc = this.#staged;
    const n0 = sc.length;
    try {
      dec.samplesInto(rec, sc);
    } catch (err) {
      if (!(err instanceof RecordDecodeError)) throw err;
      sc.length = n0;
      return false; // Decoded again, and reported, by the replaying thread.
    }
    const { refs, ts } = sc;
    let min = this.#minRef;
    let max = this.#maxRef;
    for (let i = n0; i < sc.length; i++) {
      const t = ts[i]!;
      if (t > Number.MAX_SAFE_INTEGER || t < -Number.MAX_SAFE_INTEGER) {
        sc.length = n0;
        return false;
      }
      const r = refs[i]!;
      if (r < min) min = r;
      if (r > max) max = r;
    }
    this.#minRef = min;
    this.#maxRef = max;
    this.#records++;
    this.#segment = segment;
    this.#start = start;
    this.#end = end;
    return true;
  }

  /** Whether a record of `segment` must end the open group first. */
  cutsAt(segment: number): boolean {
    return this.#cutAtSegments && this.#records > 0 && segment !== this.#segment;
  }

  /**
   * Moves the open group, if any, into `b` as one Samples op, grouped by series, with its runs;
   * empties it.
   */
  closeInto(b: DecodedBatch): void {
    if (this.#records === 0) return;
    const st = this.#staged;
    const n = st.length;
    const out = b.samples;
    const at = out.length;
    const ra = out.runs;
    growSamples(b, at + n);
    const { ts, vs } = out;
    const sr = st.refs;
    const min = this.#minRef;
    const max = this.#maxRef;
    if (n > 0 && max - min <= 4 * n + 1_000_000) {
      // Counting sort by ref, stable: each series' samples keep their WAL order.
      const span = max - min + 2;
      let counts = this.#counts;
      if (counts.length < span) {
        counts = new Int32Array(span + (span >> 2));
        this.#counts = counts;
      } else counts.fill(0, 0, span);
      for (let i = 0; i < n; i++) {
        const k = sr[i]! - min + 1;
        counts[k] = counts[k]! + 1;
      }
      counts[0] = at;
      for (let k = 1; k < span; k++) counts[k] = counts[k]! + counts[k - 1]!;
      // Series min + k has entries [counts[k], counts[k + 1]): a run when not empty.
      growRuns(b, ra + Math.min(n, span - 1));
      const { runRefs, runEnds } = out;
      let runs = ra;
      let prev = at;
      for (let k = 1; k < span; k++) {
        const e = counts[k]!;
        if (e === prev) continue;
        runRefs[runs] = min + k - 1;
        runEnds[runs++] = e;
        prev = e;
      }
      out.runs = runs;
      const sts = st.ts;
      const svs = st.vs;
      for (let i = 0; i < n; i++) {
        const k = sr[i]! - min;
        const p = counts[k]!;
        counts[k] = p + 1;
        ts[p] = sts[i]!;
        vs[p] = svs[i]!;
      }
    } else if (n > 0) {
      // Refs too sparse to count: in WAL order, a run per stretch of one series.
      ts.set(st.ts.subarray(0, n), at);
      vs.set(st.vs.subarray(0, n), at);
      growRuns(b, ra + n);
      const { runRefs, runEnds } = out;
      let runs = ra;
      let prev = sr[0]!;
      for (let i = 1; i < n; i++) {
        const r = sr[i]!;
        if (r === prev) continue;
        runRefs[runs] = prev;
        runEnds[runs++] = at + i;
        prev = r;
      }
      runRefs[runs] = prev;
      runEnds[runs++] = at + n;
      out.runs = runs;
    }
    out.length = at + n;
    const o = addOp(b, this.#segment, this.#start, this.#end);
    const ops = b.ops;
    ops[o] = BatchOp.Samples;
    ops[o + 4] = at;
    ops[o + 5] = at + n;
    ops[o + 6] = this.#records;
    ops[o + 7] = ra;
    ops[o + 8] = out.runs;
    st.length = 0;
    this.#records = 0;
    this.#minRef = Number.POSITIVE_INFINITY;
    this.#maxRef = Number.NEGATIVE_INFINITY;
  }
}

/**
 * Whether record `rec` (not a samples record) may stay in the batch ahead of the open group's
 * samples: the replaying thread applies it without looking at samples, and it decodes (one that
 * does not stops the replay, which must have applied the samples before it).
 */
function independentOfSamples(dec: RecordDecoder, rec: Uint8Array): boolean {
  try {
    switch (dec.type(rec)) {
      case RecordType.Series:
        dec.series(rec, scratchSeries);
        return true;
      case RecordType.Exemplars:
        dec.exemplars(rec, scratchExemplars);
        return true;
      case RecordType.Metadata:
        dec.metadata(rec, scratchMetadata);
        return true;
      case RecordType.Tombstones:
        dec.tombstones(rec, scratchStones);
        return true;
      case RecordType.Unknown:
        return true; // Skipped.
      default:
        return false; // M-map markers and histogram samples apply after the samples before them.
    }
  } catch (err) {
    if (!(err instanceof RecordDecodeError)) throw err;
    return false;
  } finally {
    scratchSeries.length = 0;
    scratchExemplars.length = 0;
    scratchMetadata.length = 0;
    scratchStones.length = 0;
  }
}
const scratchSeries: RefSeries[] = [];
const scratchExemplars: RefExemplar[] = [];
const scratchMetadata: RefMetadata[] = [];
const scratchStones: Stone[] = [];

/**
 * Adds record `rec` (read at `start`-`end` of `segment`) to `b`. A samples record is decoded by
 * `dec` into the open group of `g`; one that does not decode, or holds a timestamp beyond ±2^53-1
 * ms, goes as bytes, so that the replaying thread finds the damage exactly as when it decodes
 * itself. A record that must be applied after the open group's samples closes the group into `b`
 * first.
 */
export function addRecord(
  b: DecodedBatch,
  g: SampleGrouper,
  dec: RecordDecoder,
  rec: Uint8Array,
  segment: number,
  start: number,
  end: number,
): void {
  if (g.cutsAt(segment)) g.closeInto(b);
  if (rec.length > 0 && rec[0] === RecordType.Samples) {
    if (g.add(dec, rec, segment, start, end)) return;
    g.closeInto(b);
  } else if (g.pending() > 0 && !independentOfSamples(dec, rec)) g.closeInto(b);
  addRaw(b, rec, segment, start, end);
}

/** The arrays of a batch, as posted when they are new. */
export interface BatchArrays {
  ops: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
  runRefs: Float64Array;
  runEnds: Float64Array;
  raw: Uint8Array;
}

/** The arrays of `b`. */
export function batchArrays(b: DecodedBatch): BatchArrays {
  const sc = b.samples;
  return { ops: b.ops, ts: sc.ts, vs: sc.vs, runRefs: sc.runRefs, runEnds: sc.runEnds, raw: b.raw };
}

/** Whether `a` are the arrays `b` holds now. */
export function sameArrays(a: BatchArrays | undefined, b: DecodedBatch): boolean {
  return (
    a !== undefined &&
    a.ops === b.ops &&
    a.ts === b.samples.ts &&
    a.vs === b.samples.vs &&
    a.runRefs === b.samples.runRefs &&
    a.runEnds === b.samples.runEnds &&
    a.raw === b.raw
  );
}
