// Prometheus: tsdb/db.go blockDirs, isBlockDir, openBlocks, and DBReadOnly.Blocks' handling of
// corrupted blocks that a loadable block supersedes.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Block, type BlockOptions } from './block.js';
import { readBlockMeta } from './block-meta.js';
import { isULID } from './ulid.js';

/** Prometheus: blockDirs. The block directories (named by a ULID) in `dir`, sorted by name. */
export async function blockDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && isULID(e.name))
    .map((e) => e.name)
    .sort()
    .map((n) => join(dir, n));
}

/** What {@link openBlocks} found. */
export interface OpenBlocksResult {
  /** The blocks opened (or reused), sorted by minTime. */
  blocks: Block[];
  /** Blocks whose meta.json read but whose files did not open, by ULID. */
  corrupted: Map<string, Error>;
  /** Block directories whose meta.json did not read: skipped, as Prometheus skips them. */
  unreadable: { dir: string; error: Error }[];
}

/**
 * Prometheus: openBlocks. Opens every block directory of `dir`, reusing those in `loaded` (by
 * ULID). A directory whose meta.json does not read is skipped (listed in `unreadable`); a block
 * that does not open is listed in `corrupted`, unless a loadable block names it as a parent (it
 * was compacted into that block and is about to be deleted).
 */
export async function openBlocks(
  dir: string,
  opts: BlockOptions & { loaded?: ReadonlyMap<string, Block> } = {},
): Promise<OpenBlocksResult> {
  const blocks: Block[] = [];
  const corrupted = new Map<string, Error>();
  const unreadable: { dir: string; error: Error }[] = [];
  for (const bDir of await blockDirs(dir)) {
    let ulid: string;
    try {
      ulid = (await readBlockMeta(bDir)).meta.ulid;
    } catch (err) {
      unreadable.push({ dir: bDir, error: err instanceof Error ? err : new Error(String(err)) });
      continue;
    }
    const have = opts.loaded?.get(ulid);
    if (have !== undefined) {
      blocks.push(have);
      continue;
    }
    try {
      blocks.push(await Block.open(bDir, opts));
    } catch (err) {
      corrupted.set(ulid, err instanceof Error ? err : new Error(String(err)));
    }
  }
  for (const b of blocks) for (const p of b.meta.compaction.parents ?? []) corrupted.delete(p.ulid);
  blocks.sort((a, b) => a.minTime - b.minTime);
  return { blocks, corrupted, unreadable };
}
