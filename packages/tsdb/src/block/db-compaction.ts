// Prometheus: tsdb/db.go DB.Compact, compactHead, compactBlocks, rangeForTimestamp and
// head.compactable: the head cut into blocks once it spans 1.5 block ranges, then blocks merged
// as the leveled planner says, each step followed by a reload of the block set.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkQuerier, ChunkSeriesSet } from '@tsprom/storage-interfaces';
import { TimeSlicer } from '../time-slicer.js';
import type { BlockMeta } from './block-meta.js';
import type { BlockSet } from './block-set.js';
import type { LeveledCompactor } from './leveled-compactor.js';

/** What head compaction needs from the head. */
export interface CompactableHead {
  /** Smallest in-order sample time held (ms), Infinity when empty (Prometheus: Head.MinTime). */
  readonly compactionMinTime: number;
  /** Largest sample time held (ms), -Infinity when empty. */
  readonly maxTime: number;
  /** The block range (ms). */
  readonly chunkRangeMs: number;
  /** A chunk querier over [mint, maxt]; with `inOrderOnly`, without the out-of-order samples. */
  chunkQuerier(mint: number, maxt: number, opts?: { inOrderOnly?: boolean }): ChunkQuerier;
  /** Resolves once no appender may still commit an in-order sample before `maxt`. */
  waitForAppendersOverlapping(maxt: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Prometheus: OOOCompactionHead. The out-of-order samples of the head up to a point (the WBL cut
 * at its start): what `compactOOOHead` writes into blocks and then truncates.
 */
export interface OOOCompactionSource {
  /** Smallest and largest out-of-order sample time captured (ms); mint > maxt when none. */
  readonly mint: number;
  readonly maxt: number;
  /** The captured samples in [mint, maxt] (ms, inclusive), series sorted by labels. */
  chunkSeriesSet(mint: number, maxt: number, signal?: AbortSignal): Promise<ChunkSeriesSet>;
}

/** What out-of-order compaction needs from the head. */
export interface OOOCompactableHead<S extends OOOCompactionSource = OOOCompactionSource> {
  /** The block range (ms). */
  readonly chunkRangeMs: number;
  /** Prometheus: NewOOOCompactionHead. Undefined when the head has no out-of-order data. */
  oooCompactionHead(signal?: AbortSignal): Promise<S | undefined>;
  /** Prometheus: Head.truncateOOO. Drops what `source` captured from memory, WBL and chunks_head/. */
  truncateOOO(source: S, signal?: AbortSignal): Promise<void>;
}

/** Prometheus: rangeForTimestamp. End of the aligned range of `width` holding `t`. */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.floor(t / width) * width + width;
}

/** Prometheus: Head.compactable. Whether the head spans more than 1.5 block ranges. */
export function headCompactable(head: CompactableHead): boolean {
  return head.maxTime - head.compactionMinTime > (head.chunkRangeMs / 2) * 3;
}

/** Options of the compaction steps. */
export interface DBCompactionOptions {
  signal?: AbortSignal;
  slicer?: TimeSlicer;
  logger?: (msg: string, level: 'info' | 'warn') => void;
}

/**
 * Prometheus: the head part of DB.Compact. While the head spans more than 1.5 block ranges,
 * waits for the appenders that may still commit in-order samples before the range's end
 * (WaitForAppendersOverlapping), writes its oldest range [mint, maxt) of in-order samples as a
 * block, reloads the blocks, then `truncate(maxt)`s the head (memory, and the WAL with a
 * checkpoint; out-of-order samples stay for `compactOOOHead`). Returns the metas of the blocks
 * written.
 */
export async function compactHead(
  head: CompactableHead,
  blocks: BlockSet,
  compactor: LeveledCompactor,
  truncate: (mint: number) => Promise<void>,
  opts: DBCompactionOptions = {},
): Promise<BlockMeta[]> {
  const out: BlockMeta[] = [];
  const slicer = opts.slicer ?? new TimeSlicer();
  while (headCompactable(head)) {
    opts.signal?.throwIfAborted();
    const mint = head.compactionMinTime;
    const maxt = rangeForTimestamp(mint, head.chunkRangeMs);
    // A commit being applied (in slices) or to come from an appender whose minimum valid time is
    // below maxt may add in-order samples to the range: the block must hold them, the truncation
    // after it would drop them otherwise.
    await head.waitForAppendersOverlapping(maxt, opts.signal);
    // Blocks are half-open: the head is read over [mint, maxt - 1].
    const q = head.chunkQuerier(mint, maxt - 1, { inOrderOnly: true });
    let meta: BlockMeta | undefined;
    try {
      meta = await compactor.write(
        blocks.dir,
        { chunkSeriesSet: (lo, hi, signal) => q.select(true, { start: lo, end: hi }, [], signal) },
        mint,
        maxt,
        undefined,
        { signal: opts.signal, slicer },
      );
    } finally {
      await q.close();
    }
    if (meta !== undefined) {
      try {
        await blocks.reload();
      } catch (err) {
        // Prometheus: a block that does not load is removed, the head keeps its data.
        await rm(join(blocks.dir, meta.ulid), { recursive: true, force: true });
        throw err;
      }
      out.push(meta);
      opts.logger?.(
        `tsdb: wrote block ${meta.ulid} [${mint}, ${maxt}) from the head: ${meta.stats.numSeries} series, ${meta.stats.numSamples} samples`,
        'info',
      );
    }
    await truncate(maxt);
  }
  return out;
}

/**
 * Prometheus: DB.compactOOOHead and compactOOO. Captures the head's out-of-order samples (cutting
 * the WBL first), writes them as one block per aligned block range they cover, reloads the blocks
 * and truncates what was captured (memory, WBL segments, chunks_head/ files). The blocks may
 * overlap others: vertical compaction merges them. Returns the metas of the blocks written.
 */
export async function compactOOOHead<S extends OOOCompactionSource>(
  head: OOOCompactableHead<S>,
  blocks: BlockSet,
  compactor: LeveledCompactor,
  opts: DBCompactionOptions = {},
): Promise<BlockMeta[]> {
  opts.signal?.throwIfAborted();
  const src = await head.oooCompactionHead(opts.signal);
  if (src === undefined) return [];
  const out: BlockMeta[] = [];
  const width = head.chunkRangeMs;
  const slicer = opts.slicer ?? new TimeSlicer();
  try {
    for (let t = Math.floor(src.mint / width) * width; t <= src.maxt; t += width) {
      opts.signal?.throwIfAborted();
      // Blocks are half-open: [t, t + width) holds the samples in [t, t + width - 1].
      const meta = await compactor.write(
        blocks.dir,
        { chunkSeriesSet: (lo, hi, signal) => src.chunkSeriesSet(lo, hi, signal) },
        t,
        t + width,
        undefined,
        { signal: opts.signal, slicer, outOfOrder: true },
      );
      if (meta !== undefined) out.push(meta);
    }
    await blocks.reload();
  } catch (err) {
    // Prometheus: the blocks written are removed, the head keeps its data.
    for (const m of out) await rm(join(blocks.dir, m.ulid), { recursive: true, force: true });
    throw err;
  }
  for (const meta of out) {
    opts.logger?.(
      `tsdb: wrote block ${meta.ulid} [${meta.minTime}, ${meta.maxTime}) from the out-of-order head: ${meta.stats.numSeries} series, ${meta.stats.numSamples} samples`,
      'info',
    );
  }
  await head.truncateOOO(src, opts.signal);
  return out;
}

/**
 * Prometheus: DB.compactBlocks. Compacts the blocks the planner picks, one plan at a time,
 * reloading after each, until it picks none. Returns the metas of the blocks written.
 */
export async function compactBlocks(
  blocks: BlockSet,
  compactor: LeveledCompactor,
  opts: DBCompactionOptions = {},
): Promise<BlockMeta[]> {
  const out: BlockMeta[] = [];
  for (;;) {
    opts.signal?.throwIfAborted();
    const plan = compactor.plan(blocks.dirMetas());
    if (plan.length === 0) return out;
    const open = new Map(blocks.blocks.map((b) => [b.dir, b]));
    const meta = await compactor.compact(blocks.dir, plan, open, { signal: opts.signal, slicer: opts.slicer });
    try {
      await blocks.reload();
    } catch (err) {
      if (meta !== undefined) await rm(join(blocks.dir, meta.ulid), { recursive: true, force: true });
      throw err;
    }
    if (meta !== undefined) {
      out.push(meta);
      opts.logger?.(
        `tsdb: compacted ${plan.length} blocks into ${meta.ulid} [${meta.minTime}, ${meta.maxTime}) (level ${meta.compaction.level})`,
        'info',
      );
    }
  }
}
