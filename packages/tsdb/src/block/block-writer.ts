// Prometheus: tsdb/compact.go LeveledCompactor.write and populateBlock: a block written from a
// sorted ChunkSeriesSet into `<ulid>.tmp-for-creation`, then renamed into place.
import { open, rename, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Labels } from '@tsprom/labels';
import { type Chunk, type ChunkIterator, type ChunkSeriesSet, Encoding } from '@tsprom/storage-interfaces';
import { type BlockChunkMeta, BlockChunkWriter, DEFAULT_CHUNK_SEGMENT_SIZE } from '../chunks/block-chunks.js';
import { type IndexChunkMeta, IndexWriter } from '../index/index-writer.js';
import { MemTombstones } from '../tombstones.js';
import { TimeSlicer } from '../time-slicer.js';
import { CHUNKS_DIRNAME, INDEX_FILENAME } from './block.js';
import { type BlockMeta, type BlockMetaCompaction, META_VERSION_1, writeBlockMeta } from './block-meta.js';
import { sortStringsSliced } from './sorted-strings.js';
import { writeTombstonesFile } from './tombstones-file.js';
import { newULID } from './ulid.js';

/** Prometheus: tmpForCreationBlockDirSuffix. A block being written; removed on open if left over. */
export const TMP_FOR_CREATION_SUFFIX = '.tmp-for-creation';

/** Options of {@link writeBlock}. */
export interface WriteBlockOptions {
  /** First timestamp of the block (ms, inclusive). */
  mint: number;
  /** End of the block (ms, exclusive): chunks must end before it. */
  maxt: number;
  /** The block's ULID; a new one by default. */
  ulid?: string;
  /** Compaction meta; default level 1 with the block itself as source. */
  compaction?: BlockMetaCompaction;
  /**
   * Every label name and value of the series, sorted (Go string order) and unique, when known up
   * front (the symbols of the blocks compacted): series are then written to the index as they
   * come. Without it series metas are held until the set ends, to collect the symbols first.
   */
  symbols?: Iterable<string>;
  /** Size of chunk segment files. Default 512 MiB. */
  segmentSize?: number;
  /** Gives the event loop turns between series (default: a new TimeSlicer). */
  slicer?: TimeSlicer;
  signal?: AbortSignal;
  /**
   * Test hook: awaited once, when the first series has gone to the writers of the tmp dir (its
   * `chunks/` segment and `index` exist), before the next. A rejection fails the write as any error
   * does: the tmp dir is removed. Tests use it to stop a write in its middle deterministically.
   */
  afterFirstSeries?: (tmpDir: string) => Promise<void>;
}

/** A chunk written by populateBlock, outside the block's range or otherwise invalid. */
export class BlockWriteError extends Error {
  override readonly name = 'BlockWriteError';
}

/**
 * Series held until their symbols are known: label sets by reference (the source's own objects)
 * and chunk metas as (mint, maxt, ref) triplets in one Float64Array. As objects, a million
 * chunk metas would survive young-generation collections and make each one copy them (pauses of
 * tens of ms while the head is written).
 */
class HeldSeries {
  readonly labels: Labels[] = [];
  /** Index into `metas` (in triplets) where each series' chunks start; one more at the end. */
  readonly starts: number[] = [0];
  metas = new Float64Array(3 * 1024);
  #n = 0;

  push(lset: Labels, chunks: readonly IndexChunkMeta[]): void {
    if (3 * (this.#n + chunks.length) > this.metas.length) {
      let cap = this.metas.length * 2;
      while (cap < 3 * (this.#n + chunks.length)) cap *= 2;
      const m = new Float64Array(cap);
      m.set(this.metas);
      this.metas = m;
    }
    for (const c of chunks) {
      this.metas[3 * this.#n] = c.mint;
      this.metas[3 * this.#n + 1] = c.maxt;
      this.metas[3 * this.#n + 2] = c.ref;
      this.#n++;
    }
    this.labels.push(lset);
    this.starts.push(this.#n);
  }

  /** The chunk metas of series `i` (fresh objects, short-lived). */
  chunks(i: number): IndexChunkMeta[] {
    const out: IndexChunkMeta[] = [];
    const m = this.metas;
    for (let k = this.starts[i]!; k < this.starts[i + 1]!; k++)
      out.push({ mint: m[3 * k]!, maxt: m[3 * k + 1]!, ref: m[3 * k + 2]! });
    return out;
  }
}

/**
 * Prometheus: LeveledCompactor.write + populateBlock. Writes the series of `set` (sorted by labels,
 * each series' chunks sorted by time and not overlapping) as a block in `parentDir`: chunks,
 * index, meta.json and an empty tombstones file go into `<ulid>.tmp-for-creation`, which is
 * fsynced and renamed to `<ulid>` once complete. Series left without chunks are skipped. Returns
 * the meta, or undefined (and leaves nothing behind) when the set holds no sample.
 */
export async function writeBlock(
  parentDir: string,
  set: ChunkSeriesSet,
  opts: WriteBlockOptions,
): Promise<BlockMeta | undefined> {
  const ulid = opts.ulid ?? newULID();
  const dir = join(parentDir, ulid);
  const tmp = dir + TMP_FOR_CREATION_SUFFIX;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const meta: BlockMeta = {
    ulid,
    minTime: opts.mint,
    maxTime: opts.maxt,
    stats: { numSamples: 0, numSeries: 0, numChunks: 0 },
    compaction: opts.compaction ?? { level: 1, sources: [ulid] },
    version: META_VERSION_1,
  };
  const chunkw = await BlockChunkWriter.open(join(tmp, CHUNKS_DIRNAME), {
    segmentSize: opts.segmentSize ?? DEFAULT_CHUNK_SEGMENT_SIZE,
  });
  let indexw: IndexWriter | undefined;
  try {
    const slicer = opts.slicer ?? new TimeSlicer();
    const held = new HeldSeries();
    const syms = opts.symbols === undefined ? new Set<string>() : undefined;
    if (opts.symbols !== undefined) {
      indexw = IndexWriter.create(join(tmp, INDEX_FILENAME));
      let n = 0;
      for (const s of opts.symbols) {
        indexw.addSymbol(s);
        if (++n % 8192 === 0 && slicer.due()) {
          opts.signal?.throwIfAborted();
          await slicer.yield();
        }
      }
      await indexw.writeSymbols({ slicer, signal: opts.signal });
    }
    const metas: BlockChunkMeta[] = [];
    let chunkIt: ChunkIterator | undefined;
    let nSeries = 0;
    let afterFirstSeries = opts.afterFirstSeries;
    while (set.next()) {
      // Series of the head may read chunks from chunks_head/: check the clock every 32.
      if (++nSeries % 32 === 0 && slicer.due()) {
        opts.signal?.throwIfAborted();
        await slicer.yield();
      }
      const s = set.at();
      chunkIt = s.chunkIterator(chunkIt);
      metas.length = 0;
      while (chunkIt.next()) {
        const c = chunkIt.at();
        if (c.mint < meta.minTime || c.maxt >= meta.maxTime) {
          throw new BlockWriteError(
            `found chunk with minTime: ${c.mint} maxTime: ${c.maxt} outside of compacted minTime: ${meta.minTime} maxTime: ${meta.maxTime}`,
          );
        }
        metas.push({ ref: 0, mint: c.mint, maxt: c.maxt, chunk: c.chunk });
      }
      const err = chunkIt.err();
      if (err !== undefined) throw new BlockWriteError(`chunk iter: ${err.message}`, { cause: err });
      if (metas.length === 0) continue; // Every chunk deleted.
      chunkw.writeChunks(...metas);
      const lset = s.labels();
      const chunks: IndexChunkMeta[] = metas.map((m) => ({ mint: m.mint, maxt: m.maxt, ref: m.ref }));
      if (indexw !== undefined) indexw.addSeries(lset, chunks);
      else {
        held.push(lset, chunks);
        lset.forEach((n, v) => {
          syms!.add(n);
          syms!.add(v);
        });
      }
      meta.stats.numSeries!++;
      meta.stats.numChunks! += metas.length;
      for (const m of metas) addChunkStats(meta.stats, m.chunk as Chunk);
      if (afterFirstSeries !== undefined) {
        const hook = afterFirstSeries;
        afterFirstSeries = undefined;
        await hook(tmp);
      }
    }
    const err = set.err();
    if (err !== undefined) throw err;
    if (indexw === undefined) {
      indexw = IndexWriter.create(join(tmp, INDEX_FILENAME));
      syms!.add('');
      const sorted = await sortStringsSliced([...syms!], slicer, opts.signal);
      for (let i = 0; i < sorted.length; i++) {
        indexw.addSymbol(sorted[i]!);
        if (i % 4096 === 4095 && slicer.due()) {
          opts.signal?.throwIfAborted();
          await slicer.yield();
        }
      }
      await indexw.writeSymbols({ slicer, signal: opts.signal });
      for (let i = 0; i < held.labels.length; i++) {
        if (i % 256 === 0 && slicer.due()) {
          opts.signal?.throwIfAborted();
          await slicer.yield();
        }
        indexw.addSeries(held.labels[i]!, held.chunks(i));
      }
    }
    await chunkw.close();
    await indexw.close({ slicer, signal: opts.signal });
    if (meta.stats.numSamples === 0) {
      await rm(tmp, { recursive: true, force: true });
      return undefined;
    }
    await writeBlockMeta(tmp, meta);
    await writeTombstonesFile(tmp, new MemTombstones());
    await syncDir(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await syncDir(parentDir);
    return meta;
  } catch (err) {
    chunkw.abort();
    indexw?.abort();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** fsyncs a directory, so that the entries created or renamed in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some file systems refuse fsync on a directory; the data files themselves were synced.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
  } finally {
    await fh.close();
  }
}

/**
 * Prometheus: LeveledCompactor.populateBlock's stats: every chunk's samples count in numSamples,
 * those of histogram chunks in numHistogramSamples too. Prometheus 3 leaves numFloatSamples unset
 * (its meta.json of a float-only block has numSamples, numSeries and numChunks alone), and a zero
 * count is left out of meta.json as Go's omitempty does.
 */
function addChunkStats(stats: BlockMeta['stats'], c: Chunk): void {
  const n = c.numSamples();
  stats.numSamples! += n;
  switch (c.encoding()) {
    case Encoding.Histogram:
    case Encoding.FloatHistogram:
    case Encoding.HistogramST:
    case Encoding.FloatHistogramST:
      // Set only once there is one: the stats of a float-only block stay as Prometheus gives them.
      stats.numHistogramSamples = (stats.numHistogramSamples ?? 0) + n;
      break;
  }
}
