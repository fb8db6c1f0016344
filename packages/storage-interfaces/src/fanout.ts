// Prometheus: storage/fanout.go fanout, NewFanout
import type { Appender, AppenderV2 } from './appender.js';
import { chainedSeriesMerge } from './chain-sample-iterator.js';
import { compactingChunkSeriesMerger, concatenatingChunkSeriesMerger } from './compacting-chunk-series-merger.js';
import { FanoutAppender, FanoutAppenderV2, type FanoutErrorHandler } from './fanout-appender.js';
import { newMergeChunkQuerier, newMergeQuerier, throwFailures } from './merge-querier.js';
import { isNoopQuerier } from './noop-querier.js';
import type { ChunkQuerier, Querier } from './querier.js';
import { toError } from './secondary-querier.js';
import type { ChunkFactory } from './series-chunk-conversion.js';
import type { Storage } from './storage.js';

/** Settings of a FanoutStorage beyond its storages. */
export interface FanoutOptions {
  /**
   * Makes chunks for re-encoding overlapping chunks in `chunkQuerier` (`newChunk` of
   * @tsprom/chunkenc). Without it, chunk series of several storages are concatenated unchanged.
   */
  newChunk?: ChunkFactory;
  /**
   * Receives the errors Prometheus only logs: a secondary's rollback failing after a failed
   * commit, or a querier failing to close after another failed to open. Default: console.error.
   */
  onError?: FanoutErrorHandler;
}

const logError: FanoutErrorHandler = (err, context) => {
  console.error(`fanout storage: ${context}: ${err.message}`);
};

/**
 * Prometheus: storage.fanout (NewFanout). Writes go to a primary storage and every secondary one
 * (remote write, say); reads merge all of them, the primary's failures failing the read and the
 * secondaries' becoming warnings.
 */
export class FanoutStorage implements Storage {
  readonly #primary: Storage;
  readonly #secondaries: readonly Storage[];
  #newChunk: ChunkFactory | undefined;
  #onError: FanoutErrorHandler = logError;

  constructor(primary: Storage, ...secondaries: Storage[]) {
    this.#primary = primary;
    this.#secondaries = secondaries;
  }

  /** Sets the options (see FanoutOptions); returns this storage. */
  configure(opts: FanoutOptions): this {
    if (opts.newChunk !== undefined) this.#newChunk = opts.newChunk;
    if (opts.onError !== undefined) this.#onError = opts.onError;
    return this;
  }

  /**
   * The earliest start time of all storages (ms). Throws the first storage failure (Prometheus
   * reports it with model.Latest).
   */
  async startTime(): Promise<number> {
    const times = await Promise.all([this.#primary, ...this.#secondaries].map((s) => s.startTime()));
    let first = Number.POSITIVE_INFINITY;
    for (const t of times) if (t < first) first = t;
    return first;
  }

  /**
   * A merge querier over all storages for [mint, maxt] (ms, inclusive), series of equal labels
   * merged by chainedSeriesMerge. If a storage cannot open a querier, the ones opened are closed
   * and that failure is thrown.
   */
  querier(mint: number, maxt: number): Querier {
    const { primary, secondaries } = this.#open((s) => s.querier(mint, maxt));
    return newMergeQuerier([primary], secondaries, chainedSeriesMerge);
  }

  /**
   * As `querier`, for chunks: overlapping chunks of several storages are merged by
   * compactingChunkSeriesMerger when a chunk factory was configured, else concatenated.
   */
  chunkQuerier(mint: number, maxt: number): ChunkQuerier {
    const { primary, secondaries } = this.#open((s) => s.chunkQuerier(mint, maxt));
    const mergeFn =
      this.#newChunk === undefined
        ? concatenatingChunkSeriesMerger()
        : compactingChunkSeriesMerger(chainedSeriesMerge, this.#newChunk);
    return newMergeChunkQuerier([primary], secondaries, mergeFn);
  }

  #open<Q extends Querier | ChunkQuerier>(open: (s: Storage) => Q): { primary: Q; secondaries: Q[] } {
    const primary = open(this.#primary);
    const secondaries: Q[] = [];
    for (const s of this.#secondaries) {
      let q: Q;
      try {
        q = open(s);
      } catch (err) {
        this.#closeQuietly([primary, ...secondaries]);
        throw err;
      }
      if (!isNoopQuerier(q)) secondaries.push(q);
    }
    return { primary, secondaries };
  }

  #closeQuietly(queriers: readonly (Querier | ChunkQuerier)[]): void {
    // The open failure is what the caller gets; close failures are reported, as Prometheus logs them.
    void Promise.allSettled(queriers.map((q) => q.close())).then((results) => {
      for (const r of results) {
        if (r.status === 'rejected') this.#onError(toError(r.reason), 'closing querier after a failed open');
      }
    });
  }

  /** A FanoutAppender over an appender of every storage. */
  appender(): Appender {
    return new FanoutAppender(
      this.#primary.appender(),
      this.#secondaries.map((s) => s.appender()),
      this.#onError,
    );
  }

  /** A FanoutAppenderV2 over an AppenderV2 of every storage. */
  appenderV2(): AppenderV2 {
    return new FanoutAppenderV2(
      this.#primary.appenderV2(),
      this.#secondaries.map((s) => s.appenderV2()),
      this.#onError,
    );
  }

  /** Closes every storage, even when some fail; throws the failure (AggregateError for several). */
  async close(): Promise<void> {
    const results = await Promise.allSettled([this.#primary, ...this.#secondaries].map((s) => s.close()));
    throwFailures(results, 'closing fanout storage failed');
  }
}
