// Prometheus: tsdb/block.go Block (OpenBlock, Index, Chunks, Tombstones, Delete, Close with its
// pending readers): a persistent block directory opened for reading.
import { join } from 'node:path';
import type { Matcher } from '@tsprom/labels';
import type { Chunk, ChunkQuerier, Querier } from '@tsprom/storage-interfaces';
import { BlockChunkReader } from '../chunks/block-chunks.js';
import { IndexReader, type IndexSeries } from '../index/index-reader.js';
import { postingsForMatchers } from '../postings-for-matchers.js';
import type { TimeInterval } from '../record/ref-types.js';
import { MemTombstones } from '../tombstones.js';
import { BlockChunkQuerier, BlockQuerier, type BlockReader } from './block-querier.js';
import type { BlockSource } from './block-source.js';
import { type BlockMeta, META_FILENAME, readBlockMeta, writeBlockMeta } from './block-meta.js';
import { BlockClosedError, CorruptBlockError } from './errors.js';
import { readTombstonesFile, TOMBSTONES_FILENAME, writeTombstonesFile } from './tombstones-file.js';

/** Name of a block's index file. */
export const INDEX_FILENAME = 'index';
/** Name of a block's chunks directory. */
export const CHUNKS_DIRNAME = 'chunks';

/** Options of {@link Block.open}. */
export interface BlockOptions {
  /** Bound of the page cache of the index file, and of each chunk segment's. Default 4 MiB. */
  cacheBytes?: number;
  signal?: AbortSignal;
}

// Go's wording of the errno errors Prometheus reports for a block's files.
const goErrno: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
};

/**
 * Wraps a failure to open one of the block's files as damage of that file, worded as Prometheus's
 * OpenBlock words it (`open <path>: no such file or directory`; the index is opened through its
 * mmap helper: `try lock file: open …`).
 */
function openFailure(dir: string, file: string, err: unknown): unknown {
  if (err instanceof CorruptBlockError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  const text = e?.code === undefined ? undefined : goErrno[e.code];
  if (text === undefined) return err;
  const open = `open ${e!.path ?? join(dir, file)}: ${text}`;
  return new CorruptBlockError(dir, file, -1, file === INDEX_FILENAME ? `try lock file: ${open}` : open, {
    cause: err,
  });
}

/**
 * Prometheus: tsdb.Block. A block directory (`<ULID>/` holding meta.json, index, chunks/,
 * tombstones) opened for reading. Queriers over it count as pending readers: `close()` waits for
 * them. Damage found on open or on read is a CorruptBlockError naming the block and the file.
 */
export class Block implements BlockReader {
  readonly dir: string;
  #meta: BlockMeta;
  readonly index: IndexReader;
  readonly chunks: BlockChunkReader;
  #tombstones: MemTombstones;
  #metaBytes: number;
  #tombstoneBytes: number;
  #pending = 0;
  #drained: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  readonly #source: BlockSource;

  private constructor(
    dir: string,
    meta: BlockMeta,
    metaBytes: number,
    index: IndexReader,
    chunks: BlockChunkReader,
    tombstones: MemTombstones,
    tombstoneBytes: number,
  ) {
    this.dir = dir;
    this.#meta = meta;
    this.#metaBytes = metaBytes;
    this.index = index;
    this.chunks = chunks;
    this.#tombstones = tombstones;
    this.#tombstoneBytes = tombstoneBytes;
    this.#source = {
      series: (id: number): IndexSeries => index.series(id),
      chunk: (ref: number): Chunk => chunks.chunk(ref),
      transientChunk: (ref: number): Chunk => chunks.transientChunk(ref),
      tombstones: (id: number): readonly TimeInterval[] | undefined => this.#tombstones.get(id),
    };
  }

  /** Prometheus: OpenBlock. Opens the block in `dir`, reading its meta, index and tombstones. */
  static async open(dir: string, opts: BlockOptions = {}): Promise<Block> {
    let meta: { meta: BlockMeta; sizeBytes: number };
    try {
      meta = await readBlockMeta(dir);
    } catch (err) {
      throw openFailure(dir, META_FILENAME, err);
    }
    let chunks: BlockChunkReader;
    try {
      chunks = BlockChunkReader.open(join(dir, CHUNKS_DIRNAME), opts);
    } catch (err) {
      throw openFailure(dir, CHUNKS_DIRNAME, err);
    }
    let index: IndexReader;
    try {
      index = await IndexReader.open(join(dir, INDEX_FILENAME), opts);
    } catch (err) {
      chunks.close();
      throw openFailure(dir, INDEX_FILENAME, err);
    }
    try {
      const t = await readTombstonesFile(dir);
      return new Block(dir, meta.meta, meta.sizeBytes, index, chunks, t.tombstones, t.sizeBytes);
    } catch (err) {
      chunks.close();
      index.close();
      throw openFailure(dir, TOMBSTONES_FILENAME, err);
    }
  }

  /** The block's meta (do not modify). */
  get meta(): BlockMeta {
    return this.#meta;
  }

  get ulid(): string {
    return this.#meta.ulid;
  }

  /** First timestamp (ms, inclusive). */
  get minTime(): number {
    return this.#meta.minTime;
  }

  /** End of the block's range (ms, exclusive). */
  get maxTime(): number {
    return this.#meta.maxTime;
  }

  /** Prometheus: Block.Size. Bytes on disk: index, chunks, tombstones and meta.json. */
  get sizeBytes(): number {
    return this.index.size + this.chunks.sizeBytes + this.#tombstoneBytes + this.#metaBytes;
  }

  /** The block's tombstones (do not modify). */
  get tombstones(): MemTombstones {
    return this.#tombstones;
  }

  /** Prometheus: Block.OverlapsClosedInterval: whether [mint, maxt] (ms, inclusive) meets the block. */
  overlapsClosedInterval(mint: number, maxt: number): boolean {
    return this.#meta.minTime <= maxt && mint < this.#meta.maxTime;
  }

  /** What series sets read: series, chunks and tombstones. */
  get source(): BlockSource {
    return this.#source;
  }

  /** A querier over [mint, maxt] (ms, inclusive). Close it: the block waits for it to close. */
  querier(mint: number, maxt: number): Querier {
    return new BlockQuerier(this, mint, maxt);
  }

  /** A chunk querier over [mint, maxt] (ms, inclusive), as `querier`. */
  chunkQuerier(mint: number, maxt: number): ChunkQuerier {
    return new BlockChunkQuerier(this, mint, maxt);
  }

  /** Registers a reader; throws once the block is closing. Pair with `endRead`. */
  startRead(): void {
    if (this.#closing !== undefined) throw new BlockClosedError(`block ${this.ulid}`);
    this.#pending++;
  }

  /** Ends a reader registered with `startRead`. */
  endRead(): void {
    this.#pending--;
    if (this.#pending === 0) this.#drained?.();
  }

  /**
   * Prometheus: Block.Delete. Marks the samples in [mint, maxt] (ms, inclusive) of the series
   * matching `matchers` deleted, clamped to each series' data, and rewrites the tombstones file and
   * meta.json (numTombstones).
   */
  async delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    const p = postingsForMatchers(this.index, matchers);
    const stones = new MemTombstones();
    for (let i = 0; i < p.length; i++) {
      const id = p[i]!;
      const { chunks } = this.index.series(id);
      for (const c of chunks) {
        if (c.mint <= maxt && mint <= c.maxt) {
          const tmin = Math.max(mint, chunks[0]!.mint);
          const tmax = Math.min(maxt, chunks[chunks.length - 1]!.maxt);
          stones.addInterval(id, { mint: tmin, maxt: tmax });
          break;
        }
      }
    }
    for (const s of this.#tombstones.stones()) stones.addInterval(s.ref, ...s.intervals);
    this.#tombstones = stones;
    this.#meta = { ...this.#meta, stats: { ...this.#meta.stats, numTombstones: stones.total() } };
    this.#tombstoneBytes = await writeTombstonesFile(this.dir, stones);
    this.#metaBytes = await writeBlockMeta(this.dir, this.#meta);
  }

  /** Rewrites meta.json with `meta` (same ULID). */
  async setMeta(meta: BlockMeta): Promise<void> {
    if (meta.ulid !== this.#meta.ulid) throw new Error(`setMeta: ULID ${meta.ulid} is not ${this.#meta.ulid}`);
    this.#meta = meta;
    this.#metaBytes = await writeBlockMeta(this.dir, meta);
  }

  /** Waits for pending readers, then closes the files. Closing again waits for the same. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#pending > 0) {
        await new Promise<void>((resolve) => {
          this.#drained = resolve;
        });
      }
      this.index.close();
      this.chunks.close();
    })();
    return this.#closing;
  }
}
