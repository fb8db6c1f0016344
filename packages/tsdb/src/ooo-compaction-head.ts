// Prometheus: tsdb/ooo_head_read.go OOOCompactionHead (NewOOOCompactionHead, CloneForTimeRange)
// and tsdb/head.go Head.truncateOOO: the out-of-order samples of the head captured for
// compaction into blocks, and dropped once the blocks hold them.
import { Labels } from '@tsprom/labels';
import {
  type Chunk,
  type ChunkSeriesSet,
  copyFloatHistogram,
  copyHistogram,
  CounterResetHint,
  type FloatHistogram,
  type Histogram,
  ValueType,
} from '@tsprom/storage-interfaces';
import { mergedChunkSeriesSet, type MergedSeries } from './head-read.js';
import type { HeadState } from './head-state.js';
import type { MemSeries, OOOMemChunk } from './mem-series.js';
import { TimeSlicer } from './time-slicer.js';
import { overlapsAny } from './tombstones.js';

/** Series visited between two looks at the clock. */
const seriesPerCheck = 256;

/**
 * Prometheus: OOOCompactionHead. The out-of-order chunks of every series at the time it was made
 * (the open out-of-order chunks cut to chunks first: m-mapped when the head has a chunk store),
 * and the WBL segment cut before: the segments below it hold no sample that is not captured.
 */
export class OOOCompactionHead {
  readonly #head: HeadState;
  /** The captured series, sorted by labels, with the chunks captured of each (a prefix of its list). */
  readonly #series: { s: MemSeries; chunks: OOOMemChunk[] }[];
  readonly mint: number;
  readonly maxt: number;
  /** Prometheus: lastWBLFile. The WBL segment started before capturing (-1: no WBL). */
  readonly lastWBLFile: number;

  private constructor(
    head: HeadState,
    series: { s: MemSeries; chunks: OOOMemChunk[] }[],
    mint: number,
    maxt: number,
    lastWBLFile: number,
  ) {
    this.#head = head;
    this.#series = series;
    this.mint = mint;
    this.maxt = maxt;
    this.lastWBLFile = lastWBLFile;
  }

  /**
   * Prometheus: NewOOOCompactionHead. `lastWBLFile` is the WBL segment the caller has just
   * started (-1 without a WBL): samples committed from then on may be left out, never the ones
   * before. Cuts each series' open out-of-order chunk (Prometheus mmapCurrentOOOHeadChunk) and
   * captures its out-of-order chunks, in slices. Undefined when there are none.
   */
  static async open(
    head: HeadState,
    lastWBLFile: number,
    signal?: AbortSignal,
    slicer = new TimeSlicer(),
  ): Promise<OOOCompactionHead | undefined> {
    const out: { s: MemSeries; chunks: OOOMemChunk[] }[] = [];
    let mint = Infinity;
    let maxt = -Infinity;
    let visited = 0;
    for (const s of head.series.values()) {
      if (++visited % seriesPerCheck === 0 && slicer.due()) {
        await slicer.yield();
        signal?.throwIfAborted();
      }
      const oc = s.ooo;
      if (oc !== undefined && oc.length > 0) {
        if (s.oooCompleted === undefined) s.oooCompleted = [];
        for (const e of oc.toChunks()) {
          let chunk: Chunk | number = e.chunk;
          if (head.chunkStore !== undefined) chunk = head.chunkStore.write(s.ref, e.mint, e.maxt, e.chunk, true);
          s.oooCompleted.push({ chunk, mint: e.mint, maxt: e.maxt, numSamples: e.numSamples });
        }
        s.ooo = undefined;
      }
      const done = s.oooCompleted;
      if (done === undefined || done.length === 0) continue;
      for (const c of done) {
        if (c.mint < mint) mint = c.mint;
        if (c.maxt > maxt) maxt = c.maxt;
      }
      out.push({ s, chunks: done.slice() });
    }
    if (out.length === 0) return undefined;
    return new OOOCompactionHead(head, out, mint, maxt, lastWBLFile);
  }

  /**
   * Prometheus: CloneForTimeRange and its chunk reader. The captured samples in [mint, maxt] (ms,
   * inclusive) of each series, merged (the first of a timestamp kept) and cut into chunks, series
   * sorted by labels; samples deleted by the head's tombstones are left out.
   */
  async chunkSeriesSet(mint: number, maxt: number, signal?: AbortSignal): Promise<ChunkSeriesSet> {
    const slicer = new TimeSlicer();
    const out: MergedSeries[] = [];
    const store = this.#head.chunkStore;
    for (let k = 0; k < this.#series.length; k++) {
      if ((k & 63) === 63 && slicer.due()) {
        await slicer.yield();
        signal?.throwIfAborted();
      }
      const { s, chunks } = this.#series[k]!;
      const deleted = this.#head.tombstones.get(s.ref);
      let n = 0;
      for (const c of chunks) if (c.maxt >= mint && c.mint <= maxt) n += c.numSamples;
      if (n === 0) continue;
      const ts = new Float64Array(n);
      const vs = new Float64Array(n);
      // Histogram samples by index (created at the first).
      let hs: ({ vt: ValueType; h: Histogram | FloatHistogram } | undefined)[] | undefined;
      let m = 0;
      for (const c of chunks) {
        if (c.maxt < mint || c.mint > maxt) continue;
        const chunk = typeof c.chunk === 'number' ? store!.read(c.chunk) : c.chunk;
        const it = chunk.iterator();
        for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
          const t = it.atT();
          if (t < mint || t > maxt || m === n) continue;
          if (deleted !== undefined && overlapsAny(t, t, deleted)) continue;
          if (vt !== ValueType.Float) {
            hs ??= [];
            const h =
              vt === ValueType.Histogram ? copyHistogram(it.atHistogram()) : copyFloatHistogram(it.atFloatHistogram());
            hs[m] = { vt, h };
          }
          ts[m] = t;
          vs[m++] = vt === ValueType.Float ? it.atV() : 0;
        }
        const err = it.err();
        if (err !== undefined) throw err;
      }
      if (m === 0) continue;
      // Sorted by time, stable: on equal timestamps the earlier chunk's sample is kept.
      const idx = new Uint32Array(m);
      for (let i = 0; i < m; i++) idx[i] = i;
      idx.sort((a, b) => ts[a]! - ts[b]! || a - b);
      const st = new Float64Array(m);
      const sv = new Float64Array(m);
      const sh: typeof hs = hs === undefined ? undefined : [];
      let len = 0;
      for (let i = 0; i < m; i++) {
        const j = idx[i]!;
        if (len > 0 && st[len - 1] === ts[j]) continue;
        const x = hs?.[j];
        if (x !== undefined) {
          // Prometheus: samples of different out-of-order chunks are not known to follow each other.
          if (x.h.counterResetHint !== CounterResetHint.Gauge) x.h.counterResetHint = CounterResetHint.Unknown;
          sh![len] = x;
        }
        st[len] = ts[j]!;
        sv[len++] = vs[j]!;
      }
      const merged: MergedSeries = { labels: s.labels, ts: st, vs: sv, length: len };
      if (sh !== undefined) merged.hs = sh;
      out.push(merged);
    }
    out.sort((a, b) => Labels.compare(a.labels, b.labels));
    return mergedChunkSeriesSet(this.#head, out);
  }

  /**
   * Prometheus: Head.truncateOOO, the memory half. Drops the captured chunks from their series
   * (chunks cut since stay), in slices.
   */
  async truncate(signal?: AbortSignal): Promise<void> {
    const slicer = new TimeSlicer();
    for (let k = 0; k < this.#series.length; k++) {
      if ((k & 255) === 255 && slicer.due()) {
        await slicer.yield();
        signal?.throwIfAborted();
      }
      const { s, chunks } = this.#series[k]!;
      const done = s.oooCompleted;
      if (done === undefined) continue;
      // The captured chunks are the first ones of the list, unless the series was truncated since.
      let i = 0;
      while (i < chunks.length && i < done.length && done[i] === chunks[i]) i++;
      if (i === 0) continue;
      let samples = 0;
      for (let j = 0; j < i; j++) samples += done[j]!.numSamples;
      done.splice(0, i);
      this.#head.counters.numSamples -= samples;
      if (done.length === 0) s.oooCompleted = undefined;
    }
  }
}

/**
 * The smallest chunk-store ref held in out-of-order chunks by the head's series (Infinity: none),
 * in slices.
 */
export async function minOOOChunkRef(head: HeadState, signal?: AbortSignal): Promise<number> {
  const slicer = new TimeSlicer();
  let min = Infinity;
  let visited = 0;
  for (const s of head.series.values()) {
    if (++visited % seriesPerCheck === 0 && slicer.due()) {
      await slicer.yield();
      signal?.throwIfAborted();
    }
    const done = s.oooCompleted;
    if (done === undefined) continue;
    for (const c of done) if (typeof c.chunk === 'number' && c.chunk < min) min = c.chunk;
  }
  return min;
}
