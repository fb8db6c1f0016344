// A small in-memory Storage for this package's tests (fanout, adapters, the README example). It
// follows the Head's append rules that matter here: buffered until commit, an identical sample at
// the last timestamp is a no-op, a different one a DuplicateSampleForTimestampError, an older one
// an OutOfOrderSampleError. Not exported from the package.
import type { Labels, Matcher } from '@tsprom/labels';
import { Annotations } from '../annotations.js';
import type { Appender, AppenderV2, AppendV2Options, SeriesRef } from '../appender.js';
import { appenderFromV2 } from '../appender-v2-adapter.js';
import type { Chunk, ChunkMeta } from '../chunk.js';
import { AppendPartialError, DuplicateSampleForTimestampError, OutOfOrderSampleError } from '../errors.js';
import type { FloatHistogram, Histogram } from '../histogram.js';
import { ListChunkSeries, ListSeries } from '../list-series.js';
import type { Exemplar, Metadata } from '../metadata.js';
import type { ChunkQuerier, LabelHints, LabelQueryResult, Querier, SelectHints } from '../querier.js';
import type { Sample } from '../sample.js';
import { seriesSetFromList } from '../series-set.js';
import type { ChunkSeriesSet, SeriesSet } from '../series.js';
import type { Storage } from '../storage.js';

/** One stored series. */
export interface MemSeries {
  ref: SeriesRef;
  labels: Labels;
  samples: Sample[];
  exemplars: Exemplar[];
  metadata: Metadata | undefined;
}

/** Failure injection for tests. */
export interface MemStorageFaults {
  append?: Error;
  commit?: Error;
  rollback?: Error;
  select?: Error;
  labels?: Error;
  close?: Error;
  startTime?: Error;
  /** Exemplars are rejected with this error (as an AppendPartialError). */
  exemplar?: Error;
}

/** An in-memory Storage for tests; `faults` can be changed at any time. */
export class MemStorage implements Storage {
  readonly series = new Map<string, MemSeries>();
  readonly byRef = new Map<SeriesRef, MemSeries>();
  faults: MemStorageFaults = {};
  /** Chunks handed out by chunkQuerier: one per series holding all its samples, built by this. */
  chunkOf: ((samples: readonly Sample[]) => Chunk) | undefined;
  #nextRef = 1;
  closed = false;

  constructor(readonly name = 'mem') {}

  getOrCreate(labels: Labels): MemSeries {
    const key = labels.key();
    let s = this.series.get(key);
    if (s === undefined) {
      s = { ref: this.#nextRef++, labels, samples: [], exemplars: [], metadata: undefined };
      this.series.set(key, s);
      this.byRef.set(s.ref, s);
    }
    return s;
  }

  async startTime(): Promise<number> {
    if (this.faults.startTime !== undefined) throw this.faults.startTime;
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.series.values()) if (s.samples[0] !== undefined && s.samples[0].t < min) min = s.samples[0].t;
    return min;
  }

  #matching(matchers: readonly Matcher[]): MemSeries[] {
    const out: MemSeries[] = [];
    for (const s of this.series.values()) if (matchers.every((m) => m.matches(s.labels.get(m.name)))) out.push(s);
    return out;
  }

  querier(mint: number, maxt: number): Querier {
    return {
      select: async (
        sortSeries: boolean,
        _hints: SelectHints | undefined,
        matchers: readonly Matcher[],
        signal?: AbortSignal,
      ): Promise<SeriesSet> => {
        signal?.throwIfAborted();
        if (this.faults.select !== undefined) throw this.faults.select;
        const list = this.#matching(matchers).map(
          (s) =>
            new ListSeries(
              s.labels,
              s.samples.filter((x) => x.t >= mint && x.t <= maxt),
            ),
        );
        return seriesSetFromList(list, sortSeries);
      },
      labelValues: (name: string, hints: LabelHints | undefined, matchers: readonly Matcher[], signal?: AbortSignal) =>
        this.#labelQuery(hints, matchers, signal, (s) => (s.labels.has(name) ? [s.labels.get(name)] : [])),
      labelNames: (hints: LabelHints | undefined, matchers: readonly Matcher[], signal?: AbortSignal) =>
        this.#labelQuery(hints, matchers, signal, (s) => s.labels.names()),
      close: async () => {
        if (this.faults.close !== undefined) throw this.faults.close;
      },
    };
  }

  chunkQuerier(mint: number, maxt: number): ChunkQuerier {
    return {
      select: async (
        sortSeries: boolean,
        _hints: SelectHints | undefined,
        matchers: readonly Matcher[],
        signal?: AbortSignal,
      ): Promise<ChunkSeriesSet> => {
        signal?.throwIfAborted();
        if (this.faults.select !== undefined) throw this.faults.select;
        const chunkOf = this.chunkOf;
        if (chunkOf === undefined) throw new Error('MemStorage.chunkOf not set');
        const list = this.#matching(matchers).map((s) => {
          const samples = s.samples.filter((x) => x.t >= mint && x.t <= maxt);
          const metas: ChunkMeta[] =
            samples.length === 0
              ? []
              : [{ ref: 0, mint: samples[0]!.t, maxt: samples[samples.length - 1]!.t, chunk: chunkOf(samples) }];
          return new ListChunkSeries(s.labels, metas);
        });
        return seriesSetFromList(list, sortSeries);
      },
      labelValues: (name: string, hints: LabelHints | undefined, matchers: readonly Matcher[], signal?: AbortSignal) =>
        this.#labelQuery(hints, matchers, signal, (s) => (s.labels.has(name) ? [s.labels.get(name)] : [])),
      labelNames: (hints: LabelHints | undefined, matchers: readonly Matcher[], signal?: AbortSignal) =>
        this.#labelQuery(hints, matchers, signal, (s) => s.labels.names()),
      close: async () => {
        if (this.faults.close !== undefined) throw this.faults.close;
      },
    };
  }

  async #labelQuery(
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal: AbortSignal | undefined,
    fn: (s: MemSeries) => string[],
  ): Promise<LabelQueryResult> {
    signal?.throwIfAborted();
    if (this.faults.labels !== undefined) throw this.faults.labels;
    const set = new Set<string>();
    for (const s of this.#matching(matchers)) for (const v of fn(s)) set.add(v);
    let values = [...set].sort();
    if (hints?.limit !== undefined && hints.limit > 0) values = values.slice(0, hints.limit);
    return { values, warnings: new Annotations() };
  }

  appender(): Appender {
    return appenderFromV2(this.appenderV2());
  }

  appenderV2(): AppenderV2 {
    return new MemAppender(this);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.faults.close !== undefined) throw this.faults.close;
  }
}

interface Pending {
  series: MemSeries;
  /** Undefined for a duplicate that only carries exemplars or metadata. */
  sample: Sample | undefined;
  exemplars: readonly Exemplar[];
  metadata: Metadata | undefined;
}

class MemAppender implements AppenderV2 {
  #pending: Pending[] = [];
  /** Last timestamp and sample per series, including the uncommitted ones. */
  #last = new Map<MemSeries, Sample>();

  constructor(readonly storage: MemStorage) {}

  append(
    ref: SeriesRef,
    labels: Labels,
    st: number,
    t: number,
    v: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
    opts?: AppendV2Options,
  ): SeriesRef {
    const faults = this.storage.faults;
    if (faults.append !== undefined) throw faults.append;
    const series = this.storage.byRef.get(ref) ?? this.storage.getOrCreate(labels);
    const last = this.#last.get(series) ?? series.samples[series.samples.length - 1];
    const sample: Sample = fh !== undefined ? { t, fh } : h !== undefined ? { t, h } : { t, v };
    if (st !== 0) sample.st = st;
    let duplicate = false;
    if (last !== undefined && t < last.t) throw new OutOfOrderSampleError(t, last.t);
    if (last !== undefined && t === last.t) {
      const same = last.v === sample.v && last.h === sample.h && last.fh === sample.fh;
      if (!same) throw new DuplicateSampleForTimestampError(t, last.v, sample.v);
      duplicate = true;
    }
    const exemplars = opts?.exemplars ?? [];
    if (exemplars.length > 0 && faults.exemplar !== undefined) {
      if (!duplicate) this.#add(series, sample, [], opts?.metadata);
      else if (opts?.metadata !== undefined) this.#add(series, undefined, [], opts.metadata);
      throw new AppendPartialError(series.ref, [faults.exemplar]);
    }
    this.#add(series, duplicate ? undefined : sample, exemplars, opts?.metadata);
    return series.ref;
  }

  #add(
    series: MemSeries,
    sample: Sample | undefined,
    exemplars: readonly Exemplar[],
    metadata: Metadata | undefined,
  ): void {
    if (sample !== undefined) this.#last.set(series, sample);
    this.#pending.push({ series, sample, exemplars, metadata });
  }

  async commit(): Promise<void> {
    if (this.storage.faults.commit !== undefined) throw this.storage.faults.commit;
    for (const p of this.#pending) {
      if (p.sample !== undefined) p.series.samples.push(p.sample);
      for (const e of p.exemplars) p.series.exemplars.push(e);
      if (p.metadata !== undefined) p.series.metadata = p.metadata;
    }
    this.#pending = [];
    this.#last.clear();
  }

  async rollback(): Promise<void> {
    this.#pending = [];
    this.#last.clear();
    if (this.storage.faults.rollback !== undefined) throw this.storage.faults.rollback;
  }
}
