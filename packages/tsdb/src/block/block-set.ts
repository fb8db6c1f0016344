// Prometheus: tsdb/db.go reloadBlocks, deleteBlocks, removeBestEffortTmpDirs and the block part of
// DB.Querier: the persistent blocks a DB serves, reloaded from its directory after every write,
// compaction or retention pass. Unlike Prometheus, a block that does not open does not fail the
// DB: it is reported (its ULID, the file and why) and the others keep serving.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkQuerier, Querier } from '@tsprom/storage-interfaces';
import { fromOutOfOrder } from './block-meta.js';
import type { Block, BlockOptions } from './block.js';
import { TMP_FOR_CREATION_SUFFIX } from './block-writer.js';
import type { DirMeta } from './leveled-compactor.js';
import { openBlocks } from './open-blocks.js';
import { type DeletionReason, deletableBlocks, overlappingBlocks } from './retention.js';

/** Prometheus: tmpForDeletionBlockDirSuffix. A block being deleted: renamed first, then removed. */
export const TMP_FOR_DELETION_SUFFIX = '.tmp-for-deletion';

/** Options of {@link BlockSet.open}. */
export interface BlockSetOptions extends BlockOptions {
  /** Time retention in ms (0: none). */
  retentionMs?: number;
  /** Size retention in bytes (0: none). */
  maxBytes?: number;
  /** Bytes of the head on disk, counted against `maxBytes`. */
  headBytes?: () => Promise<number>;
  /** Receives what reloads find and do. */
  logger?: (msg: string, level: 'info' | 'warn') => void;
  /**
   * Change nothing on disk (as promtool's read-only DB): no leftovers removed, no block deleted,
   * no retention applied; blocks compacted into others are still served (queries merge them).
   */
  readOnly?: boolean;
}

/** What a reload found and did. */
export interface ReloadReport {
  /** Blocks served after the reload, by ULID. */
  loaded: string[];
  /** Blocks deleted, with why. */
  deleted: Map<string, DeletionReason | 'parent'>;
  /** Blocks that do not open (left on disk, not served), by ULID. */
  corrupted: Map<string, Error>;
}

/**
 * Prometheus: the blocks of a DB. `reload()` opens the blocks that appeared in the directory,
 * deletes those compacted into others and those beyond retention, and swaps the list queriers see.
 */
export class BlockSet {
  readonly dir: string;
  readonly #opts: BlockSetOptions;
  #blocks: Block[] = [];
  #corrupted = new Map<string, Error>();
  #reloading: Promise<ReloadReport> | undefined;

  private constructor(dir: string, opts: BlockSetOptions) {
    this.dir = dir;
    this.#opts = opts;
  }

  /** Removes leftovers of interrupted writes and deletions, then loads the blocks of `dir`. */
  static async open(dir: string, opts: BlockSetOptions = {}): Promise<{ set: BlockSet; report: ReloadReport }> {
    if (opts.readOnly !== true) await removeTmpDirs(dir, opts.logger);
    const set = new BlockSet(dir, opts);
    const report = await set.reload();
    return { set, report };
  }

  /** The blocks served, sorted by minTime. Do not modify. */
  get blocks(): readonly Block[] {
    return this.#blocks;
  }

  /** Blocks that did not open at the last reload, by ULID. */
  get corrupted(): ReadonlyMap<string, Error> {
    return this.#corrupted;
  }

  /** End (ms, exclusive) of the newest block, or -Infinity without blocks. */
  get maxTime(): number {
    let t = Number.NEGATIVE_INFINITY;
    for (const b of this.#blocks) if (b.maxTime > t) t = b.maxTime;
    return t;
  }

  /**
   * End (ms, exclusive) of the newest block of in-order samples (Prometheus inOrderBlocksMaxTime),
   * -Infinity without one: blocks of out-of-order samples may overlap the head.
   */
  get inOrderMaxTime(): number {
    let t = Number.NEGATIVE_INFINITY;
    for (const b of this.#blocks) if (!fromOutOfOrder(b.meta.compaction) && b.maxTime > t) t = b.maxTime;
    return t;
  }

  /** The blocks as the compaction planner sees them (the corrupted ones are left out). */
  dirMetas(): DirMeta[] {
    return this.#blocks.map((b) => ({ dir: b.dir, meta: b.meta }));
  }

  /** Bytes of the blocks served. */
  get sizeBytes(): number {
    let n = 0;
    for (const b of this.#blocks) n += b.sizeBytes;
    return n;
  }

  /**
   * Prometheus: reloadBlocks. Reloads serially (a call while one runs waits for it, then runs).
   */
  reload(): Promise<ReloadReport> {
    const prev = this.#reloading;
    const next = (async () => {
      if (prev !== undefined) await prev.catch(() => undefined);
      return this.#reload();
    })();
    this.#reloading = next;
    return next;
  }

  async #reload(): Promise<ReloadReport> {
    const log = this.#opts.logger ?? (() => {});
    const loaded = new Map(this.#blocks.map((b) => [b.ulid, b]));
    const res = await openBlocks(this.dir, { ...this.#opts, loaded });
    for (const u of res.unreadable) log(`tsdb: skipping block dir ${u.dir}: ${u.error.message}`, 'warn');
    if (this.#opts.readOnly === true) {
      for (const [ulid, err] of res.corrupted) log(`tsdb: block ${ulid} is not served: ${err.message}`, 'warn');
      this.#corrupted = res.corrupted;
      this.#blocks = res.blocks;
      return { loaded: res.blocks.map((b) => b.ulid), deleted: new Map(), corrupted: res.corrupted };
    }
    const headBytes = (await this.#opts.headBytes?.()) ?? 0;
    const reasons = deletableBlocks(res.blocks, {
      retentionMs: this.#opts.retentionMs ?? 0,
      maxBytes: this.#opts.maxBytes ?? 0,
      headBytes,
    });
    const deleted = new Map<string, DeletionReason | 'parent'>(reasons);
    // Parents of loaded blocks go, whether they opened or not: a crash between writing a
    // compacted block and deleting its sources leaves them to be deleted now.
    const corrupted = new Map(res.corrupted);
    for (const b of res.blocks) {
      for (const p of b.meta.compaction.parents ?? []) {
        corrupted.delete(p.ulid);
        if (!deleted.has(p.ulid)) deleted.set(p.ulid, 'parent');
      }
    }
    for (const [ulid, err] of corrupted) {
      if (!this.#corrupted.has(ulid)) log(`tsdb: block ${ulid} is not served: ${err.message}`, 'warn');
    }
    this.#corrupted = corrupted;
    const keep = res.blocks.filter((b) => !deleted.has(b.ulid));
    const overlaps = overlappingBlocks(keep.map((b) => b.meta));
    if (overlaps.length > 0) {
      log(
        `tsdb: overlapping blocks: ${overlaps.map((o) => `[${o.minTime}, ${o.maxTime}): ${o.blocks.map((m) => m.ulid).join(', ')}`).join('; ')}`,
        'info',
      );
    }
    const old = this.#blocks;
    // Swap first: queriers made from here on see the new list.
    this.#blocks = keep;
    const toClose = new Map<string, Block>();
    for (const b of [...old, ...res.blocks]) {
      if (deleted.has(b.ulid)) toClose.set(b.ulid, b);
    }
    for (const [ulid, reason] of deleted) {
      await toClose.get(ulid)?.close();
      await this.#deleteDir(ulid);
      log(
        `tsdb: deleted block ${ulid} (${reason === 'parent' ? 'compacted into another block' : reason === 'compacted' ? 'marked deletable' : `beyond ${reason} retention`})`,
        'info',
      );
    }
    return { loaded: keep.map((b) => b.ulid), deleted, corrupted };
  }

  /** Prometheus: deleteBlocks' removal: renamed aside first, so a crash leaves no half block. */
  async #deleteDir(ulid: string): Promise<void> {
    const dir = join(this.dir, ulid);
    try {
      await stat(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const tmp = dir + TMP_FOR_DELETION_SUFFIX;
    await rm(tmp, { recursive: true, force: true });
    await rename(dir, tmp);
    await rm(tmp, { recursive: true, force: true });
  }

  /** Queriers of the blocks overlapping [mint, maxt] (ms, inclusive). */
  queriers(mint: number, maxt: number): Querier[] {
    const out: Querier[] = [];
    for (const b of this.#blocks) if (b.overlapsClosedInterval(mint, maxt)) out.push(b.querier(mint, maxt));
    return out;
  }

  /** Chunk queriers of the blocks overlapping [mint, maxt]. */
  chunkQueriers(mint: number, maxt: number): ChunkQuerier[] {
    const out: ChunkQuerier[] = [];
    for (const b of this.#blocks) if (b.overlapsClosedInterval(mint, maxt)) out.push(b.chunkQuerier(mint, maxt));
    return out;
  }

  /** Closes every block (waiting for their queriers). */
  async close(): Promise<void> {
    await this.#reloading?.catch(() => undefined);
    const blocks = this.#blocks;
    this.#blocks = [];
    for (const b of blocks) await b.close();
  }
}

/**
 * Prometheus: removeBestEffortTmpDirs. Removes the directories of block writes and deletions that
 * a crash interrupted (`<ulid>.tmp-for-creation`, `<ulid>.tmp-for-deletion`).
 */
export async function removeTmpDirs(dir: string, log?: (msg: string, level: 'info' | 'warn') => void): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const n of names) {
    if (!n.endsWith(TMP_FOR_CREATION_SUFFIX) && !n.endsWith(TMP_FOR_DELETION_SUFFIX)) continue;
    await rm(join(dir, n), { recursive: true, force: true });
    log?.(`tsdb: removed leftover ${n}`, 'info');
  }
}
