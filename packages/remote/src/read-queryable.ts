// Prometheus: storage/remote/read.go sampleAndChunkQueryableClient, querier and seriesSetFilter:
// a `remote_read` endpoint as a Queryable. Without `read_recent` it is asked only for what is older
// than the local storage's first sample; `required_matchers` must all be among a select's equality
// matchers; external labels become matchers and are taken off the series read back.
import { type Labels, LabelsBuilder, MatchType, Matcher } from '@tsprom/labels';
import {
  type LabelHints,
  type LabelQueryResult,
  type Querier,
  type Queryable,
  type SelectHints,
  type Series,
  type SeriesSet,
  emptySeriesSet,
  errorSeriesSet,
  seriesSetFromList,
} from '@tsprom/storage-interfaces';
import type { ReadClient } from './read-client.js';
import type { PbMatcherType, PbQuery } from './read-request.js';

/** Settings of a remote read Queryable. */
export interface RemoteReadQueryableOptions {
  readonly client: ReadClient;
  /** The external labels, or empty when `filter_external_labels` is false. */
  readonly externalLabels: Labels;
  /** `required_matchers`: name → value. */
  readonly requiredMatchers: ReadonlyMap<string, string>;
  readonly readRecent: boolean;
  /** The local storage's first timestamp (ms). */
  readonly localStartTime: () => Promise<number>;
}

/** Prometheus: ToQuery. */
export function toQuery(
  mint: number,
  maxt: number,
  matchers: readonly Matcher[],
  hints: SelectHints | undefined,
): PbQuery {
  return {
    startTimestampMs: mint,
    endTimestampMs: maxt,
    matchers: matchers.map((m) => ({
      type: m.type as (typeof PbMatcherType)[keyof typeof PbMatcherType],
      name: m.name,
      value: m.value,
    })),
    hints:
      hints === undefined
        ? undefined
        : {
            stepMs: hints.step ?? 0,
            func: hints.func ?? '',
            startMs: hints.start,
            endMs: hints.end,
            grouping: hints.grouping ?? [],
            by: hints.by ?? false,
            rangeMs: hints.range ?? 0,
          },
  };
}

/** Prometheus: querier.addExternalLabels: matchers for the external labels no matcher names. */
export function addExternalLabels(ms: readonly Matcher[], ext: Labels): { matchers: Matcher[]; added: string[] } {
  const added: string[] = [];
  const matchers = [...ms];
  ext.forEach((name, value) => {
    if (ms.some((m) => m.name === name)) return;
    added.push(name);
    matchers.push(new Matcher(MatchType.Equal, name, value));
  });
  return { matchers, added };
}

/** Prometheus: seriesSetFilter: a series without the labels the querier added. */
class FilteredSeries implements Series {
  readonly #s: Series;
  readonly #labels: Labels;
  constructor(s: Series, drop: readonly string[]) {
    this.#s = s;
    const b = new LabelsBuilder(s.labels());
    for (const n of drop) b.del(n);
    this.#labels = b.labels();
  }
  labels(): Labels {
    return this.#labels;
  }
  iterator(reuse?: Parameters<Series['iterator']>[0]): ReturnType<Series['iterator']> {
    return this.#s.iterator(reuse);
  }
}

/** Prometheus: remote read's querier (one remote endpoint, one time range). */
class RemoteQuerier implements Querier {
  readonly #o: RemoteReadQueryableOptions;
  readonly #mint: number;
  readonly #maxt: number;

  constructor(o: RemoteReadQueryableOptions, mint: number, maxt: number) {
    this.#o = o;
    this.#mint = mint;
    this.#maxt = maxt;
  }

  async select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    signal?.throwIfAborted();
    const o = this.#o;
    if (o.requiredMatchers.size > 0) {
      const missing = new Map(o.requiredMatchers);
      for (const m of matchers) {
        if (m.type === MatchType.Equal && missing.get(m.name) === m.value) missing.delete(m.name);
      }
      if (missing.size > 0) return emptySeriesSet();
    }
    let localStart: number | undefined;
    let maxt = this.#maxt;
    if (!o.readRecent) {
      localStart = await o.localStartTime();
      // Prometheus: preferLocalStorage: only what is older than the local storage's first sample.
      if (this.#mint > localStart) return emptySeriesSet();
      if (maxt > localStart) maxt = localStart;
    }
    const { matchers: ms, added } = addExternalLabels(matchers, o.externalLabels);
    let series: Series[];
    try {
      series = await o.client.read(toQuery(this.#mint, maxt, ms, hints), sortSeries, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      return errorSeriesSet(new Error(`remote_read: ${(err as Error).message}`, { cause: err }));
    }
    const out = added.length === 0 ? series : series.map((s) => new FilteredSeries(s, added));
    return seriesSetFromList(out, false);
  }

  // Prometheus: querier.LabelValues / LabelNames: not implemented by remote read.
  labelValues(_name: string, _hints: LabelHints | undefined, _matchers: readonly Matcher[]): Promise<LabelQueryResult> {
    return Promise.reject(new Error('not implemented'));
  }

  labelNames(_hints: LabelHints | undefined, _matchers: readonly Matcher[]): Promise<LabelQueryResult> {
    return Promise.reject(new Error('not implemented'));
  }

  async close(): Promise<void> {}
}

/** Prometheus: sampleAndChunkQueryableClient (the sample side). */
export class RemoteReadQueryable implements Queryable {
  readonly #o: RemoteReadQueryableOptions;

  constructor(o: RemoteReadQueryableOptions) {
    this.#o = o;
  }

  querier(mint: number, maxt: number): Querier {
    return new RemoteQuerier(this.#o, mint, maxt);
  }

  close(): Promise<void> {
    return this.#o.client.close();
  }
}
