// Prometheus: tsdb/head_read.go headIndexReader, headChunkReader; tsdb/querier.go blockQuerier
import { compareStrings, Labels, type Matcher } from '@tsprom/labels';
import { newChunk, type XOR2Appender, XOR2Chunk, type XORAppender, XORChunk } from '@tsprom/chunkenc';
import {
  Annotations,
  type Chunk,
  type ChunkAppender,
  type ChunkIterator,
  type ChunkMeta,
  type ChunkQuerier,
  type ChunkSeries,
  type ChunkSeriesSet,
  copyFloatHistogram,
  copyHistogram,
  CounterResetHint,
  Encoding,
  type FloatHistogram,
  type Histogram,
  type LabelHints,
  type LabelQueryResult,
  type Querier,
  QuerierClosedError,
  type SampleIterator,
  type SelectHints,
  type Series,
  type SeriesSet,
  ValueType,
} from '@tsprom/storage-interfaces';
import type { HeadState } from './head-state.js';
import { HeadSeriesIterator, type MergedSamples, type SeriesSnapshot } from './head-iterator.js';
import type { IsolationState } from './isolation.js';
import { type HeadChunkStore, MMAP_FIELDS, type MemSeries } from './mem-series.js';
import { type PostingsIndex, postingsForMatchers } from './postings-for-matchers.js';
import type { TimeInterval } from './record/ref-types.js';
import { SnapshotChunks } from './snapshot-chunks.js';
import { sortSliced } from './sort-sliced.js';
import { TimeSlicer } from './time-slicer.js';
import { isSubrange, overlapsAny } from './tombstones.js';

/** The head's postings as matcher evaluation needs them. */
export function headIndex(head: HeadState): PostingsIndex {
  const p = head.postings;
  return {
    allPostings: () => p.get('', ''),
    postings: (name, values) => p.postings(name, values),
    postingsForLabelMatching: (name, match) => p.postingsForLabelMatching(name, match),
    postingsForAllLabelValues: (name) => p.postingsForAllLabelValues(name),
  };
}

/**
 * Prometheus blockBaseSeriesSet: whether the part in [mint, maxt] of a chunk over [cmint, cmaxt]
 * is deleted entirely (the chunk is skipped then).
 */
function gone(
  deleted: readonly TimeInterval[] | undefined,
  cmint: number,
  cmaxt: number,
  mint: number,
  maxt: number,
): boolean {
  return deleted !== undefined && isSubrange(Math.max(cmint, mint), Math.min(cmaxt, maxt), deleted);
}

/**
 * Captures what a reader with `iso` may see of `s` within [mint, maxt], its chunks appended to
 * `table`; undefined if nothing.
 */
export function snapshotSeries(
  head: HeadState,
  s: MemSeries,
  mint: number,
  maxt: number,
  iso: IsolationState,
  table: SnapshotChunks,
  inOrderOnly = false,
): SeriesSnapshot | undefined {
  const limit = s.visibleSeq(iso.maxCommitId);
  // Tombstones as they are now (copied: a later delete must not change what this query sees).
  const tomb = head.tombstones.get(s.ref);
  const deleted = tomb === undefined ? undefined : tomb.slice();
  const from = table.length;
  let openIndex = -1;
  const mm = s.mmapped;
  let seq = mm.length > 0 ? s.mmappedFirstSeq() : 0;
  for (let i = 0; i < mm.length; i += MMAP_FIELDS) {
    const first = seq;
    seq += mm[i + 3]!;
    if (mm[i + 2]! < mint || mm[i + 1]! > maxt || first >= limit || gone(deleted, mm[i + 1]!, mm[i + 2]!, mint, maxt)) {
      continue;
    }
    table.push(undefined, mm[i]!, mm[i + 1]!, mm[i + 2]!, first);
  }
  const completed = s.completed;
  for (let i = 0; i < completed.length; i++) {
    const c = completed[i]!;
    if (c.maxt < mint || c.mint > maxt || c.firstSeq >= limit || gone(deleted, c.mint, c.maxt, mint, maxt)) continue;
    table.push(c.chunk, 0, c.mint, c.maxt, c.firstSeq);
  }
  // An open chunk in a slot is kept as its bytes, as a chunk read ahead is: no object per series.
  const slab = s.openSlab;
  const open = slab === undefined ? s.openChunk : undefined;
  if (
    (open !== undefined || slab !== undefined) &&
    s.maxt >= mint &&
    s.openMint <= maxt &&
    s.openFirstSeq < limit &&
    s.openCount > 0 &&
    !gone(deleted, s.openMint, s.maxt, mint, maxt)
  ) {
    openIndex = table.length;
    table.push(open, 0, s.openMint, s.maxt, s.openFirstSeq);
    if (slab !== undefined) table.setBytes(openIndex, Encoding.XOR, slab, s.openSlabStart, s.openSlabEnd);
  }
  const to = table.length;
  const snap: SeriesSnapshot = { labels: s.labels, table, from, to, openIndex, limit, merged: undefined, deleted };
  if (!inOrderOnly && oooInRange(s, mint, maxt)) {
    snap.merged = mergeWithOOO(head, snap, s, mint, maxt);
    return snap.merged.length > 0 ? snap : undefined;
  }
  return to > from ? snap : undefined;
}

/** Whether `s` has out-of-order samples in [mint, maxt]. */
function oooInRange(s: MemSeries, mint: number, maxt: number): boolean {
  const ooo = s.ooo;
  if (ooo !== undefined && ooo.length > 0 && ooo.maxTime() >= mint && ooo.minTime() <= maxt) return true;
  const done = s.oooCompleted;
  if (done === undefined) return false;
  for (let i = 0; i < done.length; i++) if (done[i]!.maxt >= mint && done[i]!.mint <= maxt) return true;
  return false;
}

/**
 * In-order samples of `snap` merged with the series' out-of-order samples, in [mint, maxt]. As
 * Prometheus's chain of sample iterators: on equal timestamps the in-order sample wins, and a
 * histogram that does not follow a sample of the same source (the in-order chunks, one
 * out-of-order chunk) gets the UnknownCounterReset hint (a gauge one stays a gauge): whether it
 * follows a counter reset is not known.
 */
function mergeWithOOO(head: HeadState, snap: SeriesSnapshot, s: MemSeries, mint: number, maxt: number): MergedSamples {
  let ts = new Float64Array(64);
  let vs = new Float64Array(64);
  let src = new Int32Array(64);
  let n = 0;
  const deleted: readonly TimeInterval[] | undefined = snap.deleted;
  // Histograms of the samples, by index.
  let hs: MergedSamples['hs'];
  let source = 0;
  const push = (t: number, v: number, h?: { vt: ValueType; h: Histogram | FloatHistogram }): void => {
    if (deleted !== undefined && overlapsAny(t, t, deleted)) return;
    if (h !== undefined) {
      hs ??= [];
      hs[n] = h;
    }
    if (n === ts.length) {
      const nt = new Float64Array(n * 2);
      const nv = new Float64Array(n * 2);
      const ns = new Int32Array(n * 2);
      nt.set(ts);
      nv.set(vs);
      ns.set(src);
      ts = nt;
      vs = nv;
      src = ns;
    }
    ts[n] = t;
    src[n] = source;
    vs[n++] = v;
  };
  const pushFrom = (it: SampleIterator, vt: ValueType): void => {
    if (vt === ValueType.Float) push(it.atT(), it.atV());
    else if (vt === ValueType.Histogram) push(it.atT(), 0, { vt, h: copyHistogram(it.atHistogram()) });
    else push(it.atT(), 0, { vt, h: copyFloatHistogram(it.atFloatHistogram()) });
  };
  const it = new HeadSeriesIterator(snap, head.chunkStore, mint, maxt);
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) pushFrom(it, vt);
  if (it.err() !== undefined) throw it.err();
  for (const c of s.oooCompleted ?? []) {
    if (c.maxt < mint || c.mint > maxt) continue;
    source++;
    const chunk = typeof c.chunk === 'number' ? head.chunkStore!.read(c.chunk) : c.chunk;
    const ci = chunk.iterator();
    for (let vt = ci.next(); vt !== ValueType.None; vt = ci.next()) {
      const t = ci.atT();
      if (t >= mint && t <= maxt) pushFrom(ci, vt);
    }
    const err = ci.err();
    if (err !== undefined) throw err;
  }
  const oc = s.ooo;
  if (oc !== undefined) {
    source++;
    for (let i = 0; i < oc.length; i++) {
      const t = oc.t(i);
      if (t < mint || t > maxt) continue;
      const h = oc.h(i);
      if (h === undefined) push(t, oc.v(i));
      else if (oc.isFloatHistogram(i)) {
        push(t, 0, { vt: ValueType.FloatHistogram, h: copyFloatHistogram(h) });
      } else push(t, 0, { vt: ValueType.Histogram, h: copyHistogram(h) });
    }
  }
  // Sort by time (stable: in-order samples come first, so they win on equal timestamps).
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const outT = new Float64Array(n);
  const outV = new Float64Array(n);
  const outH: MergedSamples['hs'] = hs === undefined ? undefined : [];
  let m = 0;
  let prevSource = -1;
  for (const i of idx) {
    if (m > 0 && outT[m - 1] === ts[i]) continue;
    const x = hs?.[i];
    if (outH !== undefined && x !== undefined) {
      if (src[i] !== prevSource && x.h.counterResetHint !== CounterResetHint.Gauge) {
        x.h.counterResetHint = CounterResetHint.Unknown;
      }
      outH[m] = x;
    }
    prevSource = src[i]!;
    outT[m] = ts[i]!;
    outV[m++] = vs[i]!;
  }
  const out: MergedSamples = { ts: outT, vs: outV, length: m };
  if (outH !== undefined) out.hs = outH;
  return out;
}

/**
 * Reads the stored chunks of `table` with the store's `readMany`, if it has one, and keeps their
 * bytes in the table: iterating its snapshots then does no I/O. Those it could not read stay refs,
 * read (or reported) when iterated.
 */
async function prefetchChunks(
  store: HeadChunkStore | undefined,
  table: SnapshotChunks,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (store?.readMany === undefined) return;
  const at = table.storedEntries();
  const count = at.length;
  if (count === 0) return;
  const refs = new Float64Array(count);
  for (let j = 0; j < count; j++) refs[j] = table.ref(at[j]!);
  await store.readMany(
    refs,
    (j, encoding, bytes, start, end) => {
      table.setBytes(at[j]!, encoding, bytes, start, end);
    },
    signal,
  );
}

/** A set over snapshots, making the series of each as it is reached (none allocated at select). */
class SnapshotSet<S> {
  #i = -1;
  #cur: S | undefined;
  readonly #snaps: readonly SeriesSnapshot[];
  readonly #make: (snap: SeriesSnapshot) => S;
  readonly #warnings = new Annotations();
  constructor(snaps: readonly SeriesSnapshot[], make: (snap: SeriesSnapshot) => S) {
    this.#snaps = snaps;
    this.#make = make;
  }
  next(): boolean {
    this.#cur = undefined;
    return ++this.#i < this.#snaps.length;
  }
  at(): S {
    if (this.#cur === undefined) this.#cur = this.#make(this.#snaps[this.#i]!);
    return this.#cur;
  }
  err(): Error | undefined {
    return undefined;
  }
  warnings(): Annotations {
    return this.#warnings;
  }
}

class HeadSeries implements Series {
  constructor(
    readonly snap: SeriesSnapshot,
    readonly head: HeadState,
    readonly mint: number,
    readonly maxt: number,
  ) {}
  labels(): Labels {
    return this.snap.labels;
  }
  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof HeadSeriesIterator) {
      reuse.reset(this.snap, this.head.chunkStore, this.mint, this.maxt);
      return reuse;
    }
    return new HeadSeriesIterator(this.snap, this.head.chunkStore, this.mint, this.maxt);
  }
}

/**
 * Re-encodes samples of an iterator into chunks of at most `perChunk` samples: XOR, or XOR2 with
 * the samples' start timestamps when `xor2` (the head's `floatChunkEncoding`); histogram samples
 * into histogram (or float histogram) chunks, a new chunk starting wherever the sample type changes
 * or the chunk's appender asks for one (Prometheus: the chunk series iterator's re-encoding).
 */
function encodeChunks(it: SampleIterator, perChunk: number, xor2: boolean): ChunkMeta[] {
  const out: ChunkMeta[] = [];
  let c: XORChunk | XOR2Chunk | undefined;
  let app: XORAppender | undefined;
  let app2: XOR2Appender | undefined;
  let meta: ChunkMeta | undefined;
  let hc: Chunk | undefined;
  let happ: ChunkAppender | undefined;
  for (;;) {
    const vt = it.next();
    if (vt === ValueType.None) break;
    const t = it.atT();
    if (vt !== ValueType.Float) {
      c = undefined;
      const enc = vt === ValueType.Histogram ? Encoding.Histogram : Encoding.FloatHistogram;
      if (hc === undefined || meta === undefined || hc.encoding() !== enc || hc.numSamples() >= perChunk) {
        hc = newChunk(enc);
        happ = hc.appender();
        meta = { ref: 0, mint: t, maxt: t, chunk: hc };
        out.push(meta);
      }
      const nc =
        vt === ValueType.Histogram
          ? happ!.appendHistogram!(t, it.atHistogram())
          : happ!.appendFloatHistogram!(t, it.atFloatHistogram());
      if (nc !== undefined) {
        hc = nc;
        happ = nc.appender();
        if (nc.numSamples() > 1) meta.chunk = nc;
        else {
          meta = { ref: 0, mint: t, maxt: t, chunk: nc };
          out.push(meta);
        }
      }
      meta.maxt = t;
      continue;
    }
    hc = undefined;
    if (c === undefined || meta === undefined || c.numSamples() >= perChunk) {
      if (xor2) {
        const c2 = new XOR2Chunk();
        app2 = c2.appender();
        c = c2;
      } else {
        const c1 = new XORChunk();
        app = c1.appender();
        c = c1;
      }
      meta = { ref: 0, mint: t, maxt: t, chunk: c };
      out.push(meta);
    }
    if (xor2) app2!.append(t, it.atV(), it.atST());
    else app!.append(t, it.atV());
    meta.maxt = t;
  }
  return out;
}

class HeadChunkSeries implements ChunkSeries {
  constructor(
    readonly snap: SeriesSnapshot,
    readonly head: HeadState,
  ) {}
  labels(): Labels {
    return this.snap.labels;
  }
  chunkIterator(): ChunkIterator {
    const { snap, head } = this;
    const metas: ChunkMeta[] = [];
    let err: Error | undefined;
    if (snap.merged !== undefined) {
      metas.push(
        ...encodeChunks(
          new HeadSeriesIterator(snap, undefined, -Infinity, Infinity),
          head.samplesPerChunk,
          head.floatChunkEncoding === 'xor2',
        ),
      );
    } else {
      const table = snap.table;
      for (let i = snap.from; i < snap.to; i++) {
        if (i !== snap.openIndex) {
          let chunk: Chunk;
          try {
            chunk = table.chunk(i) ?? head.chunkStore!.read(table.ref(i));
          } catch (e) {
            err = e instanceof Error ? e : new Error(String(e));
            break;
          }
          // Whole when every sample of it is visible to this querier's isolation state and none
          // of it is deleted (Prometheus populateWithDelChunkSeriesIterator re-encodes those).
          const touched = snap.deleted !== undefined && overlapsAny(table.mint(i), table.maxt(i), snap.deleted);
          if (!touched && table.firstSeq(i) + chunk.numSamples() <= snap.limit) {
            metas.push({ ref: table.ref(i), mint: table.mint(i), maxt: table.maxt(i), chunk });
            continue;
          }
        }
        // The open chunk (or one cut by isolation) is copied: it may change after this call.
        const one: SeriesSnapshot = { ...snap, from: i, to: i + 1 };
        metas.push(
          ...encodeChunks(
            new HeadSeriesIterator(one, head.chunkStore, -Infinity, Infinity),
            Infinity,
            head.floatChunkEncoding === 'xor2',
          ),
        );
      }
    }
    let i = -1;
    return {
      next: () => ++i < metas.length,
      at: () => metas[i]!,
      err: () => err,
    };
  }
}

function byLabels(a: SeriesSnapshot, b: SeriesSnapshot): number {
  return Labels.compare(a.labels, b.labels);
}

abstract class HeadBaseQuerier {
  protected readonly head: HeadState;
  protected readonly mint: number;
  protected readonly maxt: number;
  protected readonly iso: IsolationState;
  /** Only the in-order samples (Prometheus's RangeHead, read by head compaction). */
  protected readonly inOrderOnly: boolean;
  #closed = false;

  constructor(head: HeadState, mint: number, maxt: number, inOrderOnly = false) {
    this.head = head;
    this.mint = mint;
    this.maxt = maxt;
    this.inOrderOnly = inOrderOnly;
    this.iso = head.isolation.startRead(mint, maxt);
  }

  protected async snapshots(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal: AbortSignal | undefined,
  ): Promise<{ snaps: SeriesSnapshot[]; table: SnapshotChunks }> {
    signal?.throwIfAborted();
    this.checkOpen();
    const head = this.head;
    const refs = postingsForMatchers(headIndex(head), matchers);
    // As Prometheus's block querier: the hints' range, when given, replaces the querier's.
    const mint = hints?.start ?? this.mint;
    const maxt = hints?.end ?? this.maxt;
    const out: SeriesSnapshot[] = [];
    // A select of 100k series takes a while: in slices. Isolation keeps the in-order samples of
    // each series to this querier's commits, whatever is committed between slices; out-of-order
    // samples have no commit log, so those of a commit made meanwhile show in the series snapshot
    // after it (a select of up to 4,096 series is taken at once, with no such seam).
    // The refs may be a live list of the index, which commits between slices only append to (with
    // series this querier cannot see): read as many as there were at the start.
    const n = refs.length;
    const table = new SnapshotChunks(2 * n);
    const slicer = n > 4096 ? new TimeSlicer() : undefined;
    for (let i = 0; i < n; i++) {
      if ((i & 255) === 255 && slicer?.due() === true) {
        await slicer.yield();
        signal?.throwIfAborted();
        this.checkOpen();
      }
      const s = head.series.getByRef(refs[i]!);
      if (s === undefined) continue;
      const snap = snapshotSeries(head, s, mint, maxt, this.iso, table, this.inOrderOnly);
      if (snap !== undefined) out.push(snap);
    }
    if (sortSeries) {
      if (slicer === undefined) out.sort(byLabels);
      else await sortSliced(out, byLabels, slicer, signal);
    }
    const limit = hints?.limit ?? 0;
    if (limit > 0 && out.length > limit) out.length = limit;
    // The chunk reads that follow start with a few milliseconds of work at once (ordering the
    // refs, parsing the first read): in a slice of their own.
    if (slicer !== undefined) await slicer.yield();
    return { snaps: out, table };
  }

  #seriesFor(matchers: readonly Matcher[]): MemSeries[] {
    const refs = postingsForMatchers(headIndex(this.head), matchers);
    const out: MemSeries[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.head.series.getByRef(refs[i]!);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  protected checkOpen(): void {
    if (this.#closed) throw new QuerierClosedError();
  }

  #overlaps(): boolean {
    return this.head.minTime <= this.maxt && this.head.maxTime >= this.mint;
  }

  async labelValues(
    name: string,
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    // The head answers synchronously: the signal is only checked on entry, as the contract allows.
    signal?.throwIfAborted();
    this.checkOpen();
    let values: string[];
    if (!this.#overlaps()) values = [];
    else if (matchers.length === 0) values = this.head.postings.labelValues(name);
    else {
      const set = new Set<string>();
      for (const s of this.#seriesFor(matchers)) {
        const v = s.labels.get(name);
        if (v !== '') set.add(v);
      }
      values = Array.from(set).sort(compareStrings);
    }
    const limit = hints?.limit ?? 0;
    if (limit > 0 && values.length > limit) values.length = limit;
    return { values, warnings: new Annotations() };
  }

  async labelNames(
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    signal?.throwIfAborted();
    this.checkOpen();
    let values: string[];
    if (!this.#overlaps()) values = [];
    else if (matchers.length === 0) values = this.head.postings.labelNames();
    else {
      const set = new Set<string>();
      for (const s of this.#seriesFor(matchers)) {
        s.labels.forEach((n) => {
          set.add(n);
        });
      }
      values = Array.from(set).sort(compareStrings);
    }
    const limit = hints?.limit ?? 0;
    if (limit > 0 && values.length > limit) values.length = limit;
    return { values, warnings: new Annotations() };
  }

  /** Ends the isolation read; closing again does nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    this.head.isolation.closeRead(this.iso);
  }
}

/** Prometheus: the head's block querier. Sees the commits made before it was opened. */
export class HeadQuerier extends HeadBaseQuerier implements Querier {
  async select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    const trim = hints?.disableTrimming !== true;
    const mint = trim ? (hints?.start ?? this.mint) : -Infinity;
    const maxt = trim ? (hints?.end ?? this.maxt) : Infinity;
    const { snaps, table } = await this.snapshots(sortSeries, hints, matchers, signal);
    await prefetchChunks(this.head.chunkStore, table, signal);
    const head = this.head;
    return new SnapshotSet<Series>(snaps, (s) => new HeadSeries(s, head, mint, maxt));
  }
}

/** Prometheus: the head's block chunk querier. Hands out whole chunks overlapping the range. */
export class HeadChunkQuerier extends HeadBaseQuerier implements ChunkQuerier {
  async select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<ChunkSeriesSet> {
    const { snaps, table } = await this.snapshots(sortSeries, hints, matchers, signal);
    await prefetchChunks(this.head.chunkStore, table, signal);
    const head = this.head;
    return new SnapshotSet<ChunkSeries>(snaps, (s) => new HeadChunkSeries(s, head));
  }
}

/**
 * Samples of one series already merged and sorted (by time, one per timestamp), as a chunk
 * series set reads them: the out-of-order compaction head's series.
 */
export interface MergedSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  length: number;
  /** Histograms of the histogram samples, by index (see MergedSamples). */
  hs?: MergedSamples['hs'];
}

/** A chunk series set over `series` (sorted by labels), each cut into chunks of the head's size. */
export function mergedChunkSeriesSet(head: HeadState, series: readonly MergedSeries[]): ChunkSeriesSet {
  const table = new SnapshotChunks(0);
  const snaps = series.map(
    (m): SeriesSnapshot => ({
      labels: m.labels,
      table,
      from: 0,
      to: 0,
      openIndex: -1,
      limit: Infinity,
      merged:
        m.hs === undefined
          ? { ts: m.ts, vs: m.vs, length: m.length }
          : { ts: m.ts, vs: m.vs, length: m.length, hs: m.hs },
      deleted: undefined,
    }),
  );
  return new SnapshotSet<ChunkSeries>(snaps, (s) => new HeadChunkSeries(s, head));
}
