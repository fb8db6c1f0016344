// Prometheus: tsdb/head_append.go headAppender.Commit (the in-memory half) and memSeries.insert
// (the out-of-order chunk), memSeries.appendable. insertOOO is shared with WBL replay.
import type { Chunk } from '@tsprom/storage-interfaces';
import type { HeadState } from './head-state.js';
import type { HeadChunkStore, MemSeries } from './mem-series.js';
import { OOOChunk } from './ooo-chunk.js';

/** Samples held in an OOO chunk before it is encoded (Prometheus `DefaultOutOfOrderCapMax`). */
export const oooCapMax = 32;

/** Out-of-order samples applied by a commit, to be written to the WBL. */
export interface OOOBatch {
  series: MemSeries[];
  ts: Float64Array;
  vs: Float64Array;
  length: number;
  /**
   * OOO chunks written to the chunk store meanwhile, as triples (index of the first sample after
   * the cut, series ref, chunk ref).
   */
  markers: number[];
}

/** `appendable` verdicts (Prometheus returns them as (isOOO, err)). */
export const Appendable = {
  /** Goes to the in-order chunk (an exact duplicate of the latest sample included: a no-op). */
  InOrder: 0,
  /** Goes to the out-of-order head (within the window). */
  OutOfOrder: 1,
  /** Rejected: older than the series' latest sample and no window (`ErrOutOfOrderSample`). */
  RejectOutOfOrder: 2,
  /** Rejected: before the out-of-order window (`ErrTooOldSample`). */
  RejectTooOld: 3,
  /** Rejected: before the appendable minimum time, no window (`ErrOutOfBounds`). */
  RejectOutOfBounds: 4,
  /** Rejected: the latest sample's timestamp with another value (`ErrDuplicateSampleForTimestamp`). */
  RejectDuplicate: 5,
} as const;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Whether two floats have the same bits (NaN payloads and the sign of zero included). */
export function sameBits(a: number, b: number): boolean {
  if (a === b) return a !== 0 || 1 / a === 1 / b;
  f64[0] = a;
  const lo = u32[0];
  const hi = u32[1];
  f64[0] = b;
  return lo === u32[0] && hi === u32[1];
}

/**
 * Prometheus: tsdb/head_append.go memSeries.appendable. Where (t, v) may go given the series'
 * COMMITTED state, and the appender's `headMaxT` and `minValidTime` (taken when it was created or
 * at its first append); one of the `Appendable` values.
 */
export function appendable(
  s: MemSeries,
  t: number,
  v: number,
  headMaxT: number,
  minValidTime: number,
  window: number,
): number {
  if (t >= minValidTime) {
    const maxt = s.maxt;
    if (t > maxt) return Appendable.InOrder;
    if (t === maxt) return sameBits(s.lastValue, v) ? Appendable.InOrder : Appendable.RejectDuplicate;
  }
  if (window > 0) return t >= headMaxT - window ? Appendable.OutOfOrder : Appendable.RejectTooOld;
  if (t < minValidTime) return Appendable.RejectOutOfBounds;
  return Appendable.RejectOutOfOrder;
}

/**
 * Prometheus: headAppender.commitFloats. Applies buffered samples to their series in order,
 * synchronously (so readers see all or nothing), re-checking each with `appendable` against the
 * series as this commit left it: a sample that an earlier sample of the same batch (or another
 * commit) made out of order goes to the out-of-order head when the window allows, else it is
 * dropped and counted; an exact duplicate is a silent no-op. The commit itself never fails.
 * Returns the samples that went to the out-of-order head (for the WBL).
 * @internal
 */
export function applyCommit(
  head: HeadState,
  series: readonly MemSeries[],
  ts: Float64Array,
  vs: Float64Array,
  n: number,
  headMaxT: number,
  minValidTime: number,
  sts?: Float64Array,
): OOOBatch | undefined {
  const iso = head.isolation;
  const logIso = iso.hasReaders;
  const commitId = iso.nextCommitId();
  const low = logIso ? iso.lowWatermark() : 0;
  const c = head.counters;
  const chunkRange = head.chunkRangeMs;
  const spc = head.samplesPerChunk;
  const store = head.chunkStore;
  const window = head.oooWindowMs;
  let mint = c.minTime;
  let maxt = c.maxTime;
  let appended = 0;
  let dropped = 0;
  let ooo: OOOBatch | undefined;
  const markers: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = series[i]!;
    const t = ts[i]!;
    const v = vs[i]!;
    s.pendingCommits--;
    if (logIso) s.logCommit(commitId, low);
    let verdict = appendable(s, t, v, headMaxT, minValidTime, window);
    // Prometheus sends a sample below minValidTime but after the series' latest one to the OOO
    // head; its WAL replay then appends it in order, as any sample after the latest. Appended in
    // order here, so that the head after a replay is the head before it (counts included).
    if (verdict === Appendable.OutOfOrder && t > s.maxt) verdict = Appendable.InOrder;
    if (verdict === Appendable.InOrder) {
      if (!s.append(t, v, chunkRange, spc, store, sts === undefined ? 0 : sts[i]!)) continue; // An exact duplicate: a no-op.
    } else if (verdict === Appendable.OutOfOrder) {
      const ok = insertOOO(s, t, v, store, markers);
      if (ok || markers.length > 0) {
        if (ooo === undefined) {
          ooo = { series: [], ts: new Float64Array(n - i), vs: new Float64Array(n - i), length: 0, markers: [] };
        }
        if (markers.length > 0) {
          // A chunk was cut before this sample: the WBL gets the samples before it, then the marker.
          ooo.markers.push(ooo.length, markers[0]!, markers[1]!);
          markers.length = 0;
        }
      }
      // A sample at a timestamp the open OOO chunk has already: dropped silently, as Prometheus.
      if (!ok) continue;
      ooo!.series.push(s);
      ooo!.ts[ooo!.length] = t;
      ooo!.vs[ooo!.length++] = v;
      c.oooAppended++;
    } else {
      dropped++;
      if (verdict === Appendable.RejectOutOfOrder) c.outOfOrderRejected++;
      else if (verdict === Appendable.RejectTooOld) c.tooOldRejected++;
      else if (verdict === Appendable.RejectOutOfBounds) c.outOfBoundRejected++;
      continue;
    }
    appended++;
    if (t < mint) mint = t;
    if (t > maxt) maxt = t;
  }
  c.minTime = mint;
  c.maxTime = maxt;
  c.samplesAppended += appended;
  c.numSamples += appended;
  c.droppedAtCommit += dropped;
  return ooo;
}

/**
 * Prometheus: memSeries.insert. Inserts an out-of-order sample; false if the open OOO chunk has
 * one at `t` already. A full OOO chunk is cut first (as Prometheus does, before the new sample):
 * encoded as XOR and written to the chunk store when there is one, in which case the pair
 * (series ref, chunk ref) is appended to `markers` for the WBL's m-map marker record.
 */
export function insertOOO(s: MemSeries, t: number, v: number, store?: HeadChunkStore, markers?: number[]): boolean {
  let oc = s.ooo;
  if (oc !== undefined && oc.length >= oooCapMax) {
    const c = oc.toXOR();
    c.compact();
    let chunk: Chunk | number = c;
    if (store !== undefined) {
      chunk = store.write(s.ref, oc.minTime(), oc.maxTime(), c, true);
      markers?.push(s.ref, chunk);
    }
    if (s.oooCompleted === undefined) s.oooCompleted = [];
    s.oooCompleted.push({ chunk, mint: oc.minTime(), maxt: oc.maxTime(), numSamples: oc.length });
    oc = undefined;
  }
  if (oc === undefined) {
    oc = new OOOChunk();
    s.ooo = oc;
  }
  return oc.insert(t, v);
}
