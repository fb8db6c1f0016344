// Prometheus: storage/secondary.go secondaryQuerier
import type { Matcher } from '@tsprom/labels';
import { Annotations } from './annotations.js';
import type { LabelHints, LabelQueryResult, SelectHints } from './querier.js';
import { warningsOnlySeriesSet } from './series-set.js';
import type { GenericSeriesSet, Labeled } from './series.js';

/** A Querier or ChunkQuerier, generic over what its sets hold. */
export interface GenericQuerier<S extends Labeled> {
  select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<GenericSeriesSet<S>>;
  labelValues(
    name: string,
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult>;
  labelNames(
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult>;
  close(): Promise<void>;
}

/** `err` as an Error (a thrown non-Error is wrapped with its string form). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Prometheus: storage.secondaryQuerier. Wraps a querier whose failures must not fail the query (a
 * remote-read endpoint, say): a rejected select, a set that ends with an error and a failed label
 * look-up all become warnings, and what was read before the failure is kept. A call rejected
 * because its AbortSignal fired is rejected with the signal's reason, not warned about. `close()`
 * errors are passed on.
 */
export class SecondaryQuerier<S extends Labeled> implements GenericQuerier<S> {
  readonly #q: GenericQuerier<S>;

  constructor(q: GenericQuerier<S>) {
    this.#q = q;
  }

  async select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<GenericSeriesSet<S>> {
    let set: GenericSeriesSet<S>;
    try {
      set = await this.#q.select(sortSeries, hints, matchers, signal);
    } catch (err) {
      // The caller gave up: that is no failure of this querier to warn about.
      signal?.throwIfAborted();
      // A secondary's failure is reported as a warning; the primaries still answer.
      return warningsOnlySeriesSet<S>(new Annotations().add(toError(err)));
    }
    return new SecondarySeriesSet(set);
  }

  labelValues(
    name: string,
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    return this.#labels(signal, () => this.#q.labelValues(name, hints, matchers, signal));
  }

  labelNames(
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    return this.#labels(signal, () => this.#q.labelNames(hints, matchers, signal));
  }

  async #labels(signal: AbortSignal | undefined, fn: () => Promise<LabelQueryResult>): Promise<LabelQueryResult> {
    try {
      return await fn();
    } catch (err) {
      signal?.throwIfAborted();
      // As for select: the failure becomes a warning and this querier contributes no values.
      return { values: [], warnings: new Annotations().add(toError(err)) };
    }
  }

  close(): Promise<void> {
    return this.#q.close();
  }
}

/** A set whose error, if it fails, ends it and is reported among its warnings instead. */
class SecondarySeriesSet<S extends Labeled> implements GenericSeriesSet<S> {
  readonly #set: GenericSeriesSet<S>;
  #failure: Error | undefined;

  constructor(set: GenericSeriesSet<S>) {
    this.#set = set;
  }

  next(): boolean {
    if (this.#failure !== undefined) return false;
    if (this.#set.next()) return true;
    this.#failure = this.#set.err();
    return false;
  }

  at(): S {
    return this.#set.at();
  }

  err(): Error | undefined {
    return undefined;
  }

  warnings(): Annotations {
    const ws = this.#set.warnings();
    if (this.#failure === undefined) return ws;
    return new Annotations().merge(ws).add(this.#failure);
  }
}
