// Prometheus: tsdb/head_append.go headAppender.Commit (the in-memory half) and memSeries.insert
// (the out-of-order chunk). Shared by the appender's commit and by WAL/WBL replay.
import type { Chunk } from '@tsprom/storage-interfaces';
import type { Head } from './head.js';
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

/**
 * Applies buffered samples to their series, synchronously (so readers see all or nothing), and
 * updates the head's counters. Returns the samples that went to the out-of-order head.
 * @internal Also used by WAL replay.
 */
export function applyCommit(
  head: Head,
  series: readonly MemSeries[],
  ts: Float64Array,
  vs: Float64Array,
  n: number,
  headMaxT: number,
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
    s.pendingAppender = 0;
    s.pendingCommits--;
    if (logIso) s.logCommit(commitId, low);
    if (t > s.maxt) {
      s.append(t, v, chunkRange, spc, store);
    } else if (
      window > 0 &&
      t < s.maxt &&
      t >= (headMaxT > s.maxt ? headMaxT : s.maxt) - window &&
      insertOOO(s, t, v, store, markers)
    ) {
      if (ooo === undefined) {
        ooo = { series: [], ts: new Float64Array(n - i), vs: new Float64Array(n - i), length: 0, markers: [] };
      }
      if (markers.length > 0) {
        // A chunk was cut before this sample: the WBL gets the samples before it, then the marker.
        ooo.markers.push(ooo.length, markers[0]!, markers[1]!);
        markers.length = 0;
      }
      ooo.series.push(s);
      ooo.ts[ooo.length] = t;
      ooo.vs[ooo.length++] = v;
      c.oooAppended++;
    } else {
      dropped++; // Duplicate of the latest sample, or made out of order by another commit.
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
