// Prometheus: tsdb/db.go deletableBlocks, BeyondTimeRetention, BeyondSizeRetention,
// OverlappingBlocks: which blocks a DB deletes, and which overlap.
import type { BlockMeta } from './block-meta.js';

/** A block as retention sees it: its meta and its size on disk. */
export interface RetentionBlock {
  readonly meta: BlockMeta;
  readonly sizeBytes: number;
}

/** Retention settings: 0 disables either. */
export interface RetentionOptions {
  /** Blocks whose end is more than this (ms) before the newest block's end go. */
  retentionMs: number;
  /** Blocks beyond this many bytes (counting `headBytes` first, newest blocks first) go. */
  maxBytes: number;
  /** Bytes of the head on disk (WAL, WBL, chunks_head/), counted against `maxBytes`. */
  headBytes: number;
}

/** Why a block is deletable. */
export type DeletionReason = 'compacted' | 'time' | 'size';

/**
 * Prometheus: deletableBlocks. The ULIDs of `blocks` to delete and why: marked deletable (their
 * data was compacted into another block), beyond time retention, or beyond size retention.
 * Retention counts from the newest block (by maxTime), so the oldest go first.
 */
export function deletableBlocks(
  blocks: readonly RetentionBlock[],
  opts: RetentionOptions,
): Map<string, DeletionReason> {
  const out = new Map<string, DeletionReason>();
  const sorted = [...blocks].sort((a, b) => b.meta.maxTime - a.meta.maxTime);
  for (const b of sorted) if (b.meta.compaction.deletable === true) out.set(b.meta.ulid, 'compacted');
  if (sorted.length === 0) return out;
  if (opts.retentionMs > 0) {
    const newest = sorted[0]!.meta.maxTime;
    for (let i = 1; i < sorted.length; i++) {
      if (newest - sorted[i]!.meta.maxTime > opts.retentionMs) {
        for (const b of sorted.slice(i)) if (!out.has(b.meta.ulid)) out.set(b.meta.ulid, 'time');
        break;
      }
    }
  }
  if (opts.maxBytes > 0) {
    let size = opts.headBytes;
    for (let i = 0; i < sorted.length; i++) {
      size += sorted[i]!.sizeBytes;
      if (size > opts.maxBytes) {
        for (const b of sorted.slice(i)) if (!out.has(b.meta.ulid)) out.set(b.meta.ulid, 'size');
        break;
      }
    }
  }
  return out;
}

/** A time range (ms, half-open) over which several blocks overlap, with those blocks. */
export interface Overlap {
  minTime: number;
  maxTime: number;
  blocks: BlockMeta[];
}

/**
 * Prometheus: OverlappingBlocks. The ranges where blocks (any order) overlap, each with the blocks
 * overlapping there.
 */
export function overlappingBlocks(metas: readonly BlockMeta[]): Overlap[] {
  if (metas.length <= 1) return [];
  const sorted = [...metas].sort((a, b) => a.minTime - b.minTime);
  const out: Overlap[] = [];
  let group: BlockMeta[] = [sorted[0]!];
  let groupMax = sorted[0]!.maxTime;
  const flush = (): void => {
    if (group.length < 2) return;
    out.push({
      minTime: group[1]!.minTime,
      maxTime: Math.min(groupMax, ...group.map((m) => m.maxTime)),
      blocks: group,
    });
  };
  for (let i = 1; i < sorted.length; i++) {
    const m = sorted[i]!;
    if (m.minTime < groupMax) {
      group.push(m);
      groupMax = Math.max(groupMax, m.maxTime);
      continue;
    }
    flush();
    group = [m];
    groupMax = m.maxTime;
  }
  flush();
  return out;
}
