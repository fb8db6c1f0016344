// Prometheus: tsdb/db.go DB.Compact, compactHead, compactBlocks, rangeForTimestamp and
// head.compactable: the head cut into blocks once it spans 1.5 block ranges, then blocks merged
// as the leveled planner says, each step followed by a reload of the block set.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkQuerier } from '@tsprom/storage-interfaces';
import { TimeSlicer } from '../time-slicer.js';
import type { BlockMeta } from './block-meta.js';
import type { BlockSet } from './block-set.js';
import type { LeveledCompactor } from './leveled-compactor.js';

/** What head compaction needs from the head. */
export interface CompactableHead {
  /** Smallest sample time held (ms), Infinity when empty. */
  readonly minTime: number;
  /** Largest sample time held (ms), -Infinity when empty. */
  readonly maxTime: number;
  /** The block range (ms). */
  readonly chunkRangeMs: number;
  chunkQuerier(mint: number, maxt: number): ChunkQuerier;
}

/** Prometheus: rangeForTimestamp. End of the aligned range of `width` holding `t`. */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.floor(t / width) * width + width;
}

/** Prometheus: Head.compactable. Whether the head spans more than 1.5 block ranges. */
export function headCompactable(head: CompactableHead): boolean {
  return head.maxTime - head.minTime > (head.chunkRangeMs / 2) * 3;
}

/** Options of the compaction steps. */
export interface DBCompactionOptions {
  signal?: AbortSignal;
  slicer?: TimeSlicer;
  logger?: (msg: string, level: 'info' | 'warn') => void;
}

/**
 * Prometheus: the head part of DB.Compact. While the head spans more than 1.5 block ranges,
 * writes its oldest range [mint, maxt) as a block, reloads the blocks, then `truncate(maxt)`s the
 * head (memory, and the WAL with a checkpoint). Returns the metas of the blocks written.
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
    const mint = head.minTime;
    const maxt = rangeForTimestamp(mint, head.chunkRangeMs);
    // Blocks are half-open: the head is read over [mint, maxt - 1].
    const q = head.chunkQuerier(mint, maxt - 1);
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
