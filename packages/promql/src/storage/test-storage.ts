// Prometheus: util/teststorage (an in-memory Queryable for tests, benchmarks and embedders)
import { type Labels, type Matcher, Labels as LabelsClass } from '@tsprom/labels';
import {
  Annotations,
  type FloatHistogram,
  type LabelHints,
  type LabelQueryResult,
  ListSeriesSet,
  type Querier,
  type Queryable,
  type SelectHints,
  type SeriesSet,
} from '@tsprom/storage-interfaces';
import { MemorySeries } from './memory-series.js';

/**
 * A Queryable over series held in memory (typed arrays). Selects filter by matchers only and return
 * series sorted by labels; each series is returned whole, and the engine trims to the time range. Not safe to append while a
 * query iterates.
 */
export class TestStorage implements Queryable {
  #series = new Map<string, MemorySeries>();
  /** All series sorted by labels, rebuilt after a series is added. */
  #sorted: MemorySeries[] | null = null;

  /** The series with these labels, created if needed. */
  series(labels: Labels): MemorySeries {
    const k = labels.key();
    let s = this.#series.get(k);
    if (s === undefined) {
      s = new MemorySeries(labels);
      this.#series.set(k, s);
      this.#sorted = null;
    }
    return s;
  }

  /** Adds a float sample (t in ms; `st` its start timestamp, 0 = unknown). */
  append(labels: Labels, t: number, v: number, st = 0): void {
    this.series(labels).append(t, v, undefined, st);
  }

  /** Adds a native-histogram sample (t in ms; `st` its start timestamp, 0 = unknown). */
  appendHistogram(labels: Labels, t: number, h: FloatHistogram, st = 0): void {
    this.series(labels).append(t, 0, h, st);
  }

  /** Removes every series. */
  clear(): void {
    this.#series.clear();
    this.#sorted = null;
  }

  /** Number of series held. */
  get size(): number {
    return this.#series.size;
  }

  /** Every series, sorted by labels (as Prometheus's head returns them). */
  #all(): MemorySeries[] {
    this.#sorted ??= [...this.#series.values()].sort((a, b) => LabelsClass.compare(a.metric, b.metric));
    return this.#sorted;
  }

  querier(_mint: number, _maxt: number): Querier {
    const all = this.#all();
    const matching = (ms: readonly Matcher[]) => all.filter((s) => ms.every((m) => m.matches(s.metric.get(m.name))));
    return {
      async select(
        _sortSeries: boolean,
        _hints: SelectHints | undefined,
        matchers: readonly Matcher[],
        signal?: AbortSignal,
      ): Promise<SeriesSet> {
        signal?.throwIfAborted();
        // Always sorted, whatever `sortSeries` says, as from Prometheus's TSDB.
        return new ListSeriesSet(matching(matchers));
      },
      async labelValues(
        name: string,
        _hints: LabelHints | undefined,
        matchers: readonly Matcher[],
        signal?: AbortSignal,
      ): Promise<LabelQueryResult> {
        signal?.throwIfAborted();
        const vals = new Set<string>();
        for (const s of matching(matchers)) {
          const v = s.metric.get(name);
          if (v !== '') vals.add(v);
        }
        return { values: [...vals].sort(), warnings: new Annotations() };
      },
      async labelNames(
        _hints: LabelHints | undefined,
        matchers: readonly Matcher[],
        signal?: AbortSignal,
      ): Promise<LabelQueryResult> {
        signal?.throwIfAborted();
        const names = new Set<string>();
        for (const s of matching(matchers)) for (const n of s.metric.names()) names.add(n);
        return { values: [...names].sort(), warnings: new Annotations() };
      },
      async close(): Promise<void> {},
    };
  }
}
