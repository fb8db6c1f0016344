// Prometheus: tsdb/head_append.go headAppender.Commit (the in-memory half) and memSeries.insert
// (the out-of-order chunk), memSeries.appendable. insertOOO is shared with WBL replay.
import { type Chunk, CounterResetHint, type FloatHistogram, type Histogram } from '@tsprom/storage-interfaces';
import type { CommitBatch, HistogramEntry, OOOBatch } from './head-log.js';
import type { HeadState } from './head-state.js';
import { type CommitSlots, commitInSlot, type HeadChunkStore, type MemSeries } from './mem-series.js';
import { OOOChunk } from './ooo-chunk.js';
import { COMMIT_SLICE_MS, TimeSlicer } from './time-slicer.js';

/** Samples held in an OOO chunk before it is encoded (Prometheus `DefaultOutOfOrderCapMax`). */
export const oooCapMax = 32;

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
    if (t === maxt) {
      // After a histogram, a float at the same time is a duplicate whatever its value.
      return sameBits(s.lastValue, v) && s.lastHistogram === undefined
        ? Appendable.InOrder
        : Appendable.RejectDuplicate;
    }
  }
  if (window > 0) return t >= headMaxT - window ? Appendable.OutOfOrder : Appendable.RejectTooOld;
  if (t < minValidTime) return Appendable.RejectOutOfBounds;
  return Appendable.RejectOutOfOrder;
}

/**
 * Prometheus: memSeries.appendableHistogram. As {@link appendable}, for a histogram sample (exactly
 * one of `h`, `fh`): at the latest sample's time it must equal the latest histogram.
 */
export function appendableHistogram(
  s: MemSeries,
  t: number,
  h: Histogram | FloatHistogram,
  headMaxT: number,
  minValidTime: number,
  window: number,
): number {
  if (t >= minValidTime) {
    const maxt = s.maxt;
    if (t > maxt) return Appendable.InOrder;
    if (t === maxt) {
      const last = s.lastHistogram;
      return last !== undefined && histogramsEqual(last, h) ? Appendable.InOrder : Appendable.RejectDuplicate;
    }
  }
  if (window > 0) return t >= headMaxT - window ? Appendable.OutOfOrder : Appendable.RejectTooOld;
  if (t < minValidTime) return Appendable.RejectOutOfBounds;
  return Appendable.RejectOutOfOrder;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameBits(a[i]!, b[i]!)) return false;
  return true;
}

/**
 * Prometheus: Histogram.Equals / FloatHistogram.Equals (same kind, schema, zero bucket, count,
 * sum bit for bit, spans, buckets and custom bounds; the counter-reset hint is not compared). Two
 * histograms whose spans differ only in empty spans are not equal here, where Prometheus would
 * call them equal: such an append is then a duplicate error rather than a no-op.
 */
export function histogramsEqual(a: Histogram | FloatHistogram, b: Histogram | FloatHistogram): boolean {
  if (
    a.schema !== b.schema ||
    !sameBits(a.zeroThreshold, b.zeroThreshold) ||
    !sameBits(a.zeroCount, b.zeroCount) ||
    !sameBits(a.count, b.count) ||
    !sameBits(a.sum, b.sum) ||
    a.positiveSpans.length !== b.positiveSpans.length ||
    a.negativeSpans.length !== b.negativeSpans.length
  ) {
    return false;
  }
  for (let i = 0; i < a.positiveSpans.length; i++) {
    const x = a.positiveSpans[i]!;
    const y = b.positiveSpans[i]!;
    if (x.offset !== y.offset || x.length !== y.length) return false;
  }
  for (let i = 0; i < a.negativeSpans.length; i++) {
    const x = a.negativeSpans[i]!;
    const y = b.negativeSpans[i]!;
    if (x.offset !== y.offset || x.length !== y.length) return false;
  }
  return (
    sameNumbers(a.positiveBuckets, b.positiveBuckets) &&
    sameNumbers(a.negativeBuckets, b.negativeBuckets) &&
    sameNumbers(a.customValues ?? [], b.customValues ?? [])
  );
}

/**
 * Prometheus: headAppender.commitHistograms / commitFloatHistograms. Applies buffered histogram
 * samples in order, re-checked as floats are: one made out of order by an earlier sample goes to
 * the out-of-order head when the window allows, else it is dropped and counted. Runs in the
 * commit's last, synchronous slice. Adds the out-of-order ones to `ooo` (for the WBL), creating it
 * when needed; returns it.
 */
function applyHistograms(
  head: HeadState,
  hs: readonly HistogramEntry[],
  headMaxT: number,
  minValidTime: number,
  commitId: number,
  logIso: boolean,
  low: number,
  ooo: OOOBatch | undefined,
): OOOBatch | undefined {
  const c = head.counters;
  const window = head.oooWindowMs;
  let mint = Infinity;
  let maxt = -Infinity;
  let appended = 0;
  const markers: number[] = [];
  for (let i = 0; i < hs.length; i++) {
    const e = hs[i]!;
    const { series: s, t, h, fh } = e;
    s.pendingCommits--;
    if (logIso) s.logCommit(commitId, low);
    let verdict = appendableHistogram(s, t, (h ?? fh)!, headMaxT, minValidTime, window);
    // As for floats: after the series' latest sample, in order even below minValidTime.
    if (verdict === Appendable.OutOfOrder && t > s.maxt) verdict = Appendable.InOrder;
    if (verdict === Appendable.InOrder) {
      if (!s.appendHistogram(t, h, fh, head.chunkRangeMs, head.chunkStore)) continue;
    } else if (verdict === Appendable.OutOfOrder) {
      const ok = insertOOO(s, t, 0, head.chunkStore, markers, (h ?? fh)!, h === undefined);
      if (ok || markers.length > 0) {
        ooo ??= {
          series: [],
          ts: new Float64Array(0),
          vs: new Float64Array(0),
          length: 0,
          markers: [],
          histograms: [],
          histogramMarkers: [],
        };
        if (markers.length > 0) {
          for (let k = 0; k < markers.length; k += 2)
            ooo.histogramMarkers.push(ooo.histograms.length, markers[k]!, markers[k + 1]!);
          markers.length = 0;
        }
      }
      // A sample at a timestamp the open OOO chunk has already: dropped silently, as Prometheus.
      if (!ok) continue;
      ooo!.histograms.push(e);
      c.oooAppended++;
    } else {
      c.droppedAtCommit++;
      if (verdict === Appendable.RejectOutOfBounds) c.outOfBoundRejected++;
      else if (verdict === Appendable.RejectTooOld) c.tooOldRejected++;
      else c.outOfOrderRejected++;
      continue;
    }
    appended++;
    if (t < mint) mint = t;
    if (t > maxt) maxt = t;
  }
  if (mint < c.minTime) c.minTime = mint;
  if (maxt > c.maxTime) c.maxTime = maxt;
  c.samplesAppended += appended;
  c.numSamples += appended;
  return ooo;
}

/** Samples applied between two reads of the clock in a big commit. */
const samplesPerCheck = 256;

/**
 * Prometheus: headAppender.commitFloats. Applies buffered samples to their series in order,
 * re-checking each with `appendable` against the series as this commit left it: a sample that an
 * earlier sample of the same batch (or another commit) made out of order goes to the out-of-order
 * head when the window allows, else it is dropped and counted; an exact duplicate is a silent
 * no-op. Then the exemplars and metadata of the batch. The commit itself never fails.
 *
 * The caller holds `head.isolation.lockCommits()`. A big commit is applied in time slices of
 * `sliceMs` with the event loop free between them; readers see none of it until it is all applied
 * (isolation: the in-order samples by the series' commit log, the out-of-order samples, exemplars
 * and metadata by applying them in the last, synchronous, slice). Returns the samples that went to
 * the out-of-order head (for the WBL).
 * @internal
 */
export async function applyCommit(
  head: HeadState,
  batch: CommitBatch,
  headMaxT: number,
  minValidTime: number,
  sts?: Float64Array,
  sliceMs?: number,
  slots?: CommitSlots,
): Promise<OOOBatch | undefined> {
  const { series, ts, vs, length: n } = batch;
  const iso = head.isolation;
  const c = head.counters;
  const chunkRange = head.chunkRangeMs;
  const spc = head.samplesPerChunk;
  const store = head.chunkStore;
  const window = head.oooWindowMs;
  const slicer = n > samplesPerCheck ? new TimeSlicer(sliceMs ?? COMMIT_SLICE_MS) : undefined;
  // Per sample, the seq of its series before it was applied: what a reader opening in the middle
  // of the commit must be cut at, for the series applied without logging (no reader was open).
  const seqBefore = iso.commitScratch(n);
  // What the hook below shares with the loop, read by the loop once per slice (readers open only
  // between slices), so that the per-sample loop keeps its variables local.
  const st = { applied: 0, logIso: iso.hasReaders, low: iso.hasReaders ? iso.lowWatermark() : 0 };
  const commitId = iso.beginCommit(() => {
    if (st.logIso) return; // Logging as it goes already.
    st.logIso = true;
    st.low = iso.lowWatermark();
    for (let k = 0; k < st.applied; k++) series[k]!.logCommit(commitId, st.low, seqBefore[k]!);
  });
  // Samples going out of order, by index: inserted in the last slice, so that they appear with the
  // rest of the commit (the out-of-order head has no commit log).
  const oooAt: number[] = [];
  let appended = 0;
  const cols = head.columns;
  let i = 0;
  try {
    while (i < n) {
      const end = slicer === undefined ? n : Math.min(n, i + samplesPerCheck);
      const logIso = st.logIso;
      const low = st.low;
      // Chunks cut to the store may be reused while no querier (none opened since the last slice
      // either) can hold an open chunk.
      cols.reuseChunks = !iso.hasReaders;
      let mint = Infinity;
      let maxt = -Infinity;
      let dropped = 0;
      const from = appended;
      // Samples of series whose open chunk is in a slot go in through the columns alone (see
      // commitInSlot) when they need nothing else: no isolation log, no cut, in order.
      const slabs = logIso ? undefined : slots?.slabs;
      for (; i < end; i++) {
        const t = ts[i]!;
        const v = vs[i]!;
        if (slabs !== undefined) {
          const slab = slabs[i];
          if (slab !== undefined) {
            const seq = commitInSlot(cols, slots!.offsets[i]!, slab, slots!.ids[i]!, t, v, minValidTime, spc);
            if (seq >= 0) {
              seqBefore[i] = seq;
              appended++;
              if (t < mint) mint = t;
              if (t > maxt) maxt = t;
              continue;
            }
          }
        }
        const s = series[i]!;
        seqBefore[i] = s.seq;
        if (logIso) s.logCommit(commitId, low);
        let verdict = appendable(s, t, v, headMaxT, minValidTime, window);
        // Prometheus sends a sample below minValidTime but after the series' latest one to the OOO
        // head; its WAL replay then appends it in order, as any sample after the latest. Appended in
        // order here, so that the head after a replay is the head before it (counts included).
        if (verdict === Appendable.OutOfOrder && t > s.maxt) verdict = Appendable.InOrder;
        if (verdict === Appendable.OutOfOrder) {
          oooAt.push(i); // Still pending for garbage collection until inserted.
          continue;
        }
        s.pendingCommits--;
        if (verdict === Appendable.InOrder) {
          if (!s.append(t, v, chunkRange, spc, store, sts === undefined ? 0 : sts[i]!)) continue; // An exact duplicate: a no-op.
          appended++;
          if (t < mint) mint = t;
          if (t > maxt) maxt = t;
          continue;
        }
        dropped++;
        if (verdict === Appendable.RejectOutOfOrder) c.outOfOrderRejected++;
        else if (verdict === Appendable.RejectTooOld) c.tooOldRejected++;
        else if (verdict === Appendable.RejectOutOfBounds) c.outOfBoundRejected++;
      }
      // Counted per slice: a truncation between slices counts what it drops against these.
      if (mint < c.minTime) c.minTime = mint;
      if (maxt > c.maxTime) c.maxTime = maxt;
      c.samplesAppended += appended - from;
      c.numSamples += appended - from;
      c.droppedAtCommit += dropped;
      st.applied = i;
      if (i < n && slicer!.due()) await slicer!.yield();
    }
    // The last slice: what has no commit log becomes visible with the end of the commit.
    let ooo = insertOOOSamples(head, batch, oooAt);
    if (batch.histograms.length > 0) {
      ooo = applyHistograms(head, batch.histograms, headMaxT, minValidTime, commitId, st.logIso, st.low, ooo);
    }
    for (const { series, e } of batch.exemplars) {
      try {
        head.exemplars.add(series.labels, e);
      } catch (err) {
        // Validated at append time; another commit may have added a newer one since. Dropped.
        if (!(err instanceof Error)) throw err;
      }
    }
    for (const { series, m } of batch.metadata) series.meta = m;
    return ooo;
  } finally {
    cols.reuseChunks = false;
    iso.endCommit(commitId);
  }
}

/** Inserts the samples at `at` of `batch` into the out-of-order head; returns them for the WBL. */
function insertOOOSamples(head: HeadState, batch: CommitBatch, at: readonly number[]): OOOBatch | undefined {
  if (at.length === 0) return undefined;
  const { series, ts, vs } = batch;
  const c = head.counters;
  const store = head.chunkStore;
  let ooo: OOOBatch | undefined;
  const markers: number[] = [];
  let mint = c.minTime;
  let maxt = c.maxTime;
  for (let k = 0; k < at.length; k++) {
    const i = at[k]!;
    const s = series[i]!;
    const t = ts[i]!;
    const v = vs[i]!;
    s.pendingCommits--;
    const ok = insertOOO(s, t, v, store, markers);
    if (ok || markers.length > 0) {
      if (ooo === undefined) {
        const left = at.length - k;
        ooo = {
          series: [],
          ts: new Float64Array(left),
          vs: new Float64Array(left),
          length: 0,
          markers: [],
          histograms: [],
          histogramMarkers: [],
        };
      }
      if (markers.length > 0) {
        // A chunk was cut before this sample: the WBL gets the samples before it, then the marker.
        for (let j = 0; j < markers.length; j += 2) ooo.markers.push(ooo.length, markers[j]!, markers[j + 1]!);
        markers.length = 0;
      }
    }
    // A sample at a timestamp the open OOO chunk has already: dropped silently, as Prometheus.
    if (!ok) continue;
    ooo!.series.push(s);
    ooo!.ts[ooo!.length] = t;
    ooo!.vs[ooo!.length++] = v;
    c.oooAppended++;
    c.samplesAppended++;
    c.numSamples++;
    if (t < mint) mint = t;
    if (t > maxt) maxt = t;
  }
  c.minTime = mint;
  c.maxTime = maxt;
  return ooo;
}

/**
 * Prometheus: memSeries.insert. Inserts an out-of-order sample (the float `v`, or the histogram
 * `h`, a float histogram when `isFloat`); false if the open OOO chunk has one at `t` already. A
 * full OOO chunk is cut first (as Prometheus does, before the new sample): encoded (one chunk per
 * run of one sample type) and written to the chunk store when there is one, in which case the pair
 * (series ref, chunk ref) of each chunk is appended to `markers` for the WBL's m-map marker record.
 * A histogram goes in with the UnknownCounterReset hint (a gauge one stays a gauge): out of order,
 * nothing says what it follows.
 */
export function insertOOO(
  s: MemSeries,
  t: number,
  v: number,
  store?: HeadChunkStore,
  markers?: number[],
  h?: Histogram | FloatHistogram,
  isFloat = false,
): boolean {
  let oc = s.ooo;
  if (oc !== undefined && oc.length >= oooCapMax) {
    if (s.oooCompleted === undefined) s.oooCompleted = [];
    for (const e of oc.toChunks()) {
      let chunk: Chunk | number = e.chunk;
      if (store !== undefined) {
        chunk = store.write(s.ref, e.mint, e.maxt, e.chunk, true);
        markers?.push(s.ref, chunk);
      }
      s.oooCompleted.push({ chunk, mint: e.mint, maxt: e.maxt, numSamples: e.numSamples });
    }
    oc = undefined;
  }
  if (oc === undefined) {
    oc = new OOOChunk();
    s.ooo = oc;
  }
  if (h === undefined) return oc.insert(t, v);
  const hint = h.counterResetHint;
  const unknown =
    hint === CounterResetHint.Unknown || hint === CounterResetHint.Gauge
      ? h
      : { ...h, counterResetHint: CounterResetHint.Unknown };
  return oc.insert(t, 0, unknown, isFloat);
}
