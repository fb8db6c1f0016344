// Prometheus: tsdb/compact.go ExponentialBlockRanges, LeveledCompactor (Plan, plan, selectDirs,
// selectOverlappingDirs, splitByRange, Compact, Write), CompactBlockMetas.
import type { Worker } from 'node:worker_threads';
import { newChunk } from '@tsprom/chunkenc';
import {
  type ChunkSeries,
  type ChunkSeriesSet,
  chainedSeriesMerge,
  compactingChunkSeriesMerger,
  mergeSeriesSets,
  type VerticalChunkSeriesMergeFunc,
} from '@tsprom/storage-interfaces';
import type { TimeSlicer } from '../time-slicer.js';
import { Block } from './block.js';
import {
  type BlockMeta,
  type BlockMetaCompaction,
  compactionHintFromOutOfOrder,
  fromOutOfOrder,
  writeBlockMeta,
} from './block-meta.js';
import { BlockChunkSeriesSet } from './block-series.js';
import { writeBlock } from './block-writer.js';
import { mergeSortedStrings } from './sorted-strings.js';
import { newULID } from './ulid.js';
import { compactInWorker } from './worker-compaction.js';

/**
 * Prometheus: ExponentialBlockRanges. `steps` ranges starting at `minSize`, each `stepSize` times
 * the previous (2h, 6h, 18h, 54h… for the defaults 2h, 10, 3).
 */
export function exponentialBlockRanges(minSize: number, steps: number, stepSize: number): number[] {
  const out: number[] = [];
  let cur = minSize;
  for (let i = 0; i < steps; i++) {
    out.push(cur);
    cur *= stepSize;
  }
  return out;
}

/** A block directory and its meta, as the planner sees it. */
export interface DirMeta {
  dir: string;
  meta: BlockMeta;
}

/** Options of {@link LeveledCompactor}. */
export interface LeveledCompactorOptions {
  /** Block ranges in ms, smallest first (exponentialBlockRanges). At least one. */
  ranges: number[];
  /** Chunk segment size of the blocks written. Default 512 MiB. */
  segmentSize?: number;
  /** How series with the same labels in overlapping blocks are merged. Default: the compacting merger. */
  mergeFunc?: VerticalChunkSeriesMergeFunc;
  /**
   * Node: `compact` reads, merges and writes in a worker thread (see compactInWorker), so the
   * caller's event loop and heap carry none of it. Not with a custom `mergeFunc` (a function does
   * not cross threads).
   */
  worker?: boolean;
  /** Bound of the page cache of each file `compact` reads (BlockOptions.cacheBytes). */
  cacheBytes?: number;
  /**
   * Test hook, with `worker` only: each `compact` stops once the first series of its new block
   * has gone to the tmp dir, until what this returns settles (see CompactInWorkerOptions.onTmpCreated).
   */
  onWorkerTmpCreated?: (w: Worker) => void | Promise<void>;
}

/** Options of a compaction or write: cancellation and event-loop slicing. */
export interface CompactOptions {
  signal?: AbortSignal;
  slicer?: TimeSlicer;
  /** `write` only: the block holds out-of-order samples (Prometheus SetOutOfOrder). */
  outOfOrder?: boolean;
}

/** What `write` needs from the head (or any source of series): sorted chunk series and their symbols. */
export interface BlockSourceForWrite {
  /** Series with chunks in [mint, maxt] (ms, inclusive), sorted by labels. */
  chunkSeriesSet(mint: number, maxt: number, signal?: AbortSignal): Promise<ChunkSeriesSet>;
  /** Every label name and value, sorted and unique, if cheaply known. */
  symbols?(): Iterable<string>;
}

/**
 * Prometheus: CompactBlockMetas. The meta of the block made of `metas`: their overall range, level
 * one above the highest, the union of their sources, and them as parents.
 */
export function compactBlockMetas(ulid: string, ...metas: BlockMeta[]): BlockMeta {
  let mint = metas[0]!.minTime;
  let maxt = metas[0]!.maxTime;
  let level = 0;
  const sources = new Set<string>();
  const parents: BlockMetaCompaction['parents'] = [];
  let ooo = 0;
  for (const m of metas) {
    if (fromOutOfOrder(m.compaction)) ooo++;
    if (m.minTime < mint) mint = m.minTime;
    if (m.maxTime > maxt) maxt = m.maxTime;
    if (m.compaction.level > level) level = m.compaction.level;
    for (const s of m.compaction.sources ?? []) sources.add(s);
    parents.push({ ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime });
  }
  const compaction: BlockMetaCompaction = { level: level + 1, sources: [...sources].sort(), parents };
  // Made of out-of-order blocks only, it still holds only out-of-order samples.
  if (ooo === metas.length) compaction.hints = [compactionHintFromOutOfOrder];
  return { ulid, minTime: mint, maxTime: maxt, stats: {}, compaction, version: 1 };
}

/**
 * Prometheus: tsdb.LeveledCompactor. Plans which blocks to compact (overlapping ones first, then
 * neighbours that fill a larger range), and writes blocks: from the head (`write`) or by merging
 * blocks (`compact`, vertically when they overlap).
 */
export class LeveledCompactor {
  readonly ranges: number[];
  readonly #segmentSize: number | undefined;
  readonly #mergeFunc: VerticalChunkSeriesMergeFunc;
  readonly #worker: boolean;
  readonly #cacheBytes: number | undefined;
  readonly #onWorkerTmpCreated: LeveledCompactorOptions['onWorkerTmpCreated'];

  constructor(opts: LeveledCompactorOptions) {
    if (opts.ranges.length === 0) throw new Error('at least one block range must be provided');
    if (opts.worker === true && opts.mergeFunc !== undefined) {
      throw new Error('LeveledCompactor: a custom mergeFunc cannot run in a worker thread');
    }
    this.ranges = opts.ranges;
    this.#segmentSize = opts.segmentSize;
    this.#mergeFunc = opts.mergeFunc ?? defaultMergeFunc();
    this.#worker = opts.worker === true;
    this.#cacheBytes = opts.cacheBytes;
    this.#onWorkerTmpCreated = opts.onWorkerTmpCreated;
  }

  /**
   * Prometheus: LeveledCompactor.plan. The directories to compact together next, or none. The most
   * recent block is never picked by range (it may still get a neighbour), only for overlaps.
   */
  plan(dms: readonly DirMeta[]): string[] {
    const ds = [...dms].sort((a, b) => a.meta.minTime - b.meta.minTime);
    const overlapping = selectOverlappingDirs(ds);
    if (overlapping.length > 0) return overlapping;
    const older = ds.slice(0, -1);
    const picked = this.#selectDirs(older);
    if (picked.length > 0) return picked.map((d) => d.dir);
    // Blocks big enough with more than 5% of their series under tombstones are rewritten.
    for (let i = older.length - 1; i >= 0; i--) {
      const m = older[i]!.meta;
      const tomb = m.stats.numTombstones ?? 0;
      const series = m.stats.numSeries ?? 0;
      if (m.maxTime - m.minTime < this.ranges[Math.floor(this.ranges.length / 2)]!) {
        // A block entirely deleted is rewritten whatever its size.
        if (tomb > 0 && tomb >= series) return [older[i]!.dir];
        break;
      }
      if (tomb / (series + 1) > 0.05) return [older[i]!.dir];
    }
    return [];
  }

  /** Prometheus: selectDirs. */
  #selectDirs(ds: DirMeta[]): DirMeta[] {
    if (this.ranges.length < 2 || ds.length < 1) return [];
    const highTime = ds[ds.length - 1]!.meta.minTime;
    for (const iv of this.ranges.slice(1)) {
      const parts = splitByRange(ds, iv);
      outer: for (const p of parts) {
        for (const dm of p) if (dm.meta.compaction.failed === true) continue outer;
        const mint = p[0]!.meta.minTime;
        const maxt = p[p.length - 1]!.meta.maxTime;
        // The whole range is covered (maybe with gaps), or it lies before the newest block: no
        // block of this size can still join it.
        if ((maxt - mint === iv || maxt <= highTime) && p.length > 1) return p;
      }
    }
    return [];
  }

  /**
   * Prometheus: LeveledCompactor.Compact. Merges the blocks in `dirs` (opened here unless given in
   * `open`) into one new block in `dest`, in a worker thread with the `worker` option. Returns its
   * meta; when the result holds no sample, no block is written, the sources are marked deletable,
   * and undefined is returned.
   */
  async compact(
    dest: string,
    dirs: readonly string[],
    open: ReadonlyMap<string, Block> = new Map(),
    opts: CompactOptions = {},
  ): Promise<BlockMeta | undefined> {
    if (this.#worker) return this.#compactInWorker(dest, dirs, open, opts);
    const blocks: Block[] = [];
    const opened: Block[] = [];
    try {
      for (const d of dirs) {
        let b = open.get(d);
        if (b === undefined) {
          b = await Block.open(d, { cacheBytes: this.#cacheBytes });
          opened.push(b);
        }
        blocks.push(b);
      }
      const meta = compactBlockMetas(newULID(), ...blocks.map((b) => b.meta));
      const written = await populateBlock(dest, meta, blocks, {
        mergeFunc: this.#mergeFunc,
        segmentSize: this.#segmentSize,
        signal: opts.signal,
        slicer: opts.slicer,
      });
      if (written === undefined)
        await markDeletable(
          blocks.map((b) => ({ dir: b.dir, meta: b.meta })),
          open,
        );
      return written;
    } finally {
      for (const b of opened) await b.close();
    }
  }

  /** `compact` in a worker thread: the worker opens the blocks itself; open ones stay untouched. */
  async #compactInWorker(
    dest: string,
    dirs: readonly string[],
    open: ReadonlyMap<string, Block>,
    opts: CompactOptions,
  ): Promise<BlockMeta | undefined> {
    const res = await compactInWorker(
      { dest, dirs: [...dirs], ulid: newULID(), segmentSize: this.#segmentSize, cacheBytes: this.#cacheBytes },
      { signal: opts.signal, onTmpCreated: this.#onWorkerTmpCreated },
    );
    if (res.meta === undefined) await markDeletable(res.sources, open);
    return res.meta;
  }

  /**
   * Prometheus: LeveledCompactor.Write. Writes the series of `source` in [mint, maxt) (ms) as a new
   * level-1 block in `dest` (level and parent taken from `parent` when given). Returns its meta,
   * or undefined when there was no sample.
   */
  async write(
    dest: string,
    source: BlockSourceForWrite,
    mint: number,
    maxt: number,
    parent?: BlockMeta,
    opts: CompactOptions = {},
  ): Promise<BlockMeta | undefined> {
    const ulid = newULID();
    const compaction: BlockMetaCompaction = { level: 1, sources: [ulid] };
    if (parent !== undefined) {
      compaction.parents = [{ ulid: parent.ulid, minTime: parent.minTime, maxTime: parent.maxTime }];
    }
    if (opts.outOfOrder === true) compaction.hints = [compactionHintFromOutOfOrder];
    const set = await source.chunkSeriesSet(mint, maxt - 1, opts.signal);
    return writeBlock(dest, set, {
      mint,
      maxt,
      ulid,
      compaction,
      symbols: source.symbols?.(),
      segmentSize: this.#segmentSize,
      signal: opts.signal,
      slicer: opts.slicer,
    });
  }
}

/** How series with the same labels in overlapping blocks are merged unless told otherwise. */
function defaultMergeFunc(): VerticalChunkSeriesMergeFunc {
  return compactingChunkSeriesMerger(chainedSeriesMerge, newChunk);
}

/** Options of {@link populateBlock}. */
export interface PopulateOptions {
  mergeFunc?: VerticalChunkSeriesMergeFunc;
  segmentSize?: number;
  signal?: AbortSignal;
  slicer?: TimeSlicer;
  /** Test hook: see WriteBlockOptions.afterFirstSeries. */
  afterFirstSeries?: (tmpDir: string) => Promise<void>;
}

/**
 * Prometheus: LeveledCompactor.populateBlock. Writes the series of `blocks` within `meta`'s range,
 * merged (vertically where they overlap), as the block `meta` describes, in `dest`. Returns the
 * meta written, or undefined when no sample is left (and nothing is written).
 */
export async function populateBlock(
  dest: string,
  meta: BlockMeta,
  blocks: readonly Block[],
  opts: PopulateOptions = {},
): Promise<BlockMeta | undefined> {
  const sets: ChunkSeriesSet[] = [];
  const reading: Block[] = [];
  try {
    for (const b of blocks) {
      b.startRead();
      reading.push(b);
      // Blocks are half-open [min, max): the last millisecond is max - 1.
      sets.push(new BlockChunkSeriesSet(b.source, b.index.allPostings(), meta.minTime, meta.maxTime - 1, false, 0));
    }
    const merge = opts.mergeFunc ?? defaultMergeFunc();
    const set = sets.length === 1 ? sets[0]! : mergeSeriesSets<ChunkSeries>(sets, merge);
    return await writeBlock(dest, set, {
      mint: meta.minTime,
      maxt: meta.maxTime,
      ulid: meta.ulid,
      compaction: meta.compaction,
      symbols: mergeSortedStrings(blocks.map((b) => b.index.symbols())),
      segmentSize: opts.segmentSize,
      signal: opts.signal,
      slicer: opts.slicer,
      afterFirstSeries: opts.afterFirstSeries,
    });
  } finally {
    for (const b of reading) b.endRead();
  }
}

/**
 * Marks the sources of a compaction that left no sample deletable (the next reload deletes them):
 * through their open Block where there is one (so its meta in memory says so too), else in their
 * meta.json.
 */
async function markDeletable(sources: readonly DirMeta[], open: ReadonlyMap<string, Block>): Promise<void> {
  for (const s of sources) {
    const b = open.get(s.dir);
    const m = b?.meta ?? s.meta;
    const meta: BlockMeta = { ...m, compaction: { ...m.compaction, deletable: true } };
    if (b !== undefined) await b.setMeta(meta);
    else await writeBlockMeta(s.dir, meta);
  }
}

/** Prometheus: selectOverlappingDirs. The first run of blocks (sorted by minTime) that overlap. */
function selectOverlappingDirs(ds: readonly DirMeta[]): string[] {
  if (ds.length < 2) return [];
  const out: string[] = [];
  let globalMaxt = ds[0]!.meta.maxTime;
  for (let i = 1; i < ds.length; i++) {
    const d = ds[i]!;
    if (d.meta.minTime < globalMaxt) {
      if (out.length === 0) out.push(ds[i - 1]!.dir);
      out.push(d.dir);
    } else if (out.length > 0) {
      break;
    }
    if (d.meta.maxTime > globalMaxt) globalMaxt = d.meta.maxTime;
  }
  return out;
}

/**
 * Prometheus: splitByRange. Groups blocks (sorted by minTime) by the aligned range of size `tr`
 * they fall into; blocks reaching past their aligned range are left out.
 */
export function splitByRange(ds: readonly DirMeta[], tr: number): DirMeta[][] {
  const out: DirMeta[][] = [];
  for (let i = 0; i < ds.length; ) {
    const m = ds[i]!.meta;
    // Start of the aligned range of size tr holding the block's start (Go's division truncates).
    const t0 = m.minTime >= 0 ? tr * Math.trunc(m.minTime / tr) : tr * Math.trunc((m.minTime - tr + 1) / tr);
    if (m.maxTime > t0 + tr) {
      i++;
      continue;
    }
    const group: DirMeta[] = [];
    for (; i < ds.length; i++) {
      if (ds[i]!.meta.maxTime > t0 + tr) break;
      group.push(ds[i]!);
    }
    if (group.length > 0) out.push(group);
  }
  return out;
}
