// Prometheus: tsdb/querier.go blockQuerier, blockChunkQuerier, blockBaseQuerier (LabelValues,
// LabelNames, labelValuesWithMatchers, labelNamesWithMatchers).
import { compareStrings, type Matcher } from '@tsprom/labels';
import {
  Annotations,
  type ChunkQuerier,
  type ChunkSeriesSet,
  errorChunkSeriesSet,
  errorSeriesSet,
  type LabelHints,
  type LabelQueryResult,
  type Querier,
  QuerierClosedError,
  type SelectHints,
  type SeriesSet,
} from '@tsprom/storage-interfaces';
import { intersectPostings, type Postings } from '../postings.js';
import { postingsForMatchers } from '../postings-for-matchers.js';
import type { IndexReader } from '../index/index-reader.js';
import { BlockChunkSeriesSet, BlockSeriesSet } from './block-series.js';
import type { BlockSource } from './block-source.js';

/** What a block querier reads through: the index, series and chunks, and reader registration. */
export interface BlockReader {
  readonly index: IndexReader;
  readonly source: BlockSource;
  /** Registers a reader (throws when the block is closing). */
  startRead(): void;
  endRead(): void;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function applyLimit(values: string[], hints: LabelHints | undefined): string[] {
  const limit = hints?.limit ?? 0;
  if (limit > 0 && values.length > limit) values.length = limit;
  return values;
}

/** Prometheus: blockBaseQuerier. Label look-ups over a block; registered as a reader of it. */
abstract class BlockBaseQuerier {
  protected readonly block: BlockReader;
  protected readonly mint: number;
  protected readonly maxt: number;
  #closed = false;

  constructor(block: BlockReader, mint: number, maxt: number) {
    block.startRead();
    this.block = block;
    this.mint = mint;
    this.maxt = maxt;
  }

  protected checkOpen(): void {
    if (this.#closed) throw new QuerierClosedError();
  }

  /** The postings of `matchers`, and the range and options a select uses. */
  protected selectArgs(
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
  ): { p: Postings; mint: number; maxt: number; disableTrimming: boolean; limit: number } {
    this.checkOpen();
    const p = postingsForMatchers(this.block.index, matchers);
    return {
      p,
      // As Prometheus: the hints' range, when given, replaces the querier's.
      mint: hints?.start ?? this.mint,
      maxt: hints?.end ?? this.maxt,
      disableTrimming: hints?.disableTrimming === true,
      limit: hints?.limit ?? 0,
    };
  }

  /**
   * Prometheus: LabelValues / labelValuesWithMatchers. The index is read synchronously: the signal
   * is checked on entry, as the contract allows.
   */
  async labelValues(
    name: string,
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    signal?.throwIfAborted();
    this.checkOpen();
    const ix = this.block.index;
    if (matchers.length === 0) return { values: applyLimit(ix.labelValues(name), hints), warnings: new Annotations() };
    const p = postingsForMatchers(ix, matchers);
    let all = ix.labelValues(name);
    for (const m of matchers) if (m.name === name) all = all.filter((v) => m.matches(v));
    const values: string[] = [];
    if (p.length < all.length) {
      // Fewer series than values: read the series.
      const set = new Set<string>();
      for (let i = 0; i < p.length; i++) {
        const v = ix.series(p[i]!).labels.get(name);
        if (v !== '') set.add(v);
      }
      values.push(...set);
      values.sort(compareStrings);
    } else {
      for (const v of all) if (intersectPostings([p, ix.postings(name, [v])]).length > 0) values.push(v);
    }
    return { values: applyLimit(values, hints), warnings: new Annotations() };
  }

  /** Prometheus: LabelNames / labelNamesWithMatchers. */
  async labelNames(
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    signal?.throwIfAborted();
    this.checkOpen();
    const ix = this.block.index;
    if (matchers.length === 0) return { values: applyLimit(ix.labelNames(), hints), warnings: new Annotations() };
    const p = postingsForMatchers(ix, matchers);
    const set = new Set<string>();
    for (let i = 0; i < p.length; i++) {
      ix.series(p[i]!).labels.forEach((n) => {
        set.add(n);
      });
    }
    return { values: applyLimit([...set].sort(compareStrings), hints), warnings: new Annotations() };
  }

  /** Ends this reader of the block; closing again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.block.endRead();
  }
}

/**
 * Prometheus: blockQuerier. Series of the block matching the matchers, sorted by labels whatever
 * `sortSeries` says (series IDs sort as labels do). Series are read as the set reaches them.
 */
export class BlockQuerier extends BlockBaseQuerier implements Querier {
  async select(
    _sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    signal?.throwIfAborted();
    this.checkOpen();
    try {
      const a = this.selectArgs(hints, matchers);
      return new BlockSeriesSet(this.block.source, a.p, a.mint, a.maxt, {
        disableTrimming: a.disableTrimming,
        // Metadata look-ups (the series API) need no samples: chunks are not read.
        skipChunks: hints?.func === 'series',
        limit: a.limit,
      });
    } catch (err) {
      return errorSeriesSet(toError(err));
    }
  }
}

/** Prometheus: blockChunkQuerier. As BlockQuerier, handing out chunks. */
export class BlockChunkQuerier extends BlockBaseQuerier implements ChunkQuerier {
  async select(
    _sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<ChunkSeriesSet> {
    signal?.throwIfAborted();
    this.checkOpen();
    try {
      const a = this.selectArgs(hints, matchers);
      return new BlockChunkSeriesSet(this.block.source, a.p, a.mint, a.maxt, a.disableTrimming, a.limit);
    } catch (err) {
      return errorChunkSeriesSet(toError(err));
    }
  }
}
