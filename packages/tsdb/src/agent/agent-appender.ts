// Prometheus: tsdb/agent/db.go appender (Append, AppendExemplar, AppendHistogram,
// AppendCTZeroSample, UpdateMetadata, Commit, log, Rollback)
import type { Labels } from '@tsprom/labels';
import {
  AppenderClosedError,
  type Appender,
  type AppendOptions,
  type Exemplar,
  ExemplarLabelLengthError,
  ExemplarMaxLabelSetLength,
  type FloatHistogram,
  type Histogram,
  InvalidLabelsError,
  type Metadata,
  NotFoundError,
  OutOfOrderSampleError,
  OutOfOrderSTError,
  type SeriesRef,
  zeroHistogramLike,
} from '@tsprom/storage-interfaces';
import { RecordEncoder } from '../record/record-encoder.js';
import {
  growRefSamples,
  newRefSamples,
  type RefExemplar,
  type RefFloatHistogramSample,
  type RefHistogramSample,
  type RefMetadata,
  type RefSamples,
  type RefSeries,
} from '../record/ref-types.js';
import { AgentSeries, type AgentSeriesMap } from './agent-series.js';

/** Samples per samples record, as the head writes them: bounds a record's size. */
const maxSamplesPerRecord = 10_000;
/** Series per series record. */
const maxSeriesPerRecord = 500;

/** What an agent appender needs from its DB. */
export interface AgentAppenderHost {
  readonly series: AgentSeriesMap;
  /** Hands out the next series ref. */
  nextRef(): number;
  /**
   * Writes records to the WAL (synchronously, see WL.logSync); `maxT` is the newest sample time
   * among them (ms), -Infinity when they hold none.
   */
  log(records: readonly Uint8Array[], maxT: number): void;
  readonly counters: AgentCounters;
}

/** Counters the appenders update (Prometheus's `prometheus_agent_*` metrics). */
export interface AgentCounters {
  activeSeries: number;
  samplesAppended: number;
  histogramsAppended: number;
  exemplarsAppended: number;
  outOfOrderSamples: number;
}

/**
 * Buffers what is appended and writes it to the WAL at commit: series records for new series,
 * then samples, histograms, exemplars and metadata. Nothing is kept but the series' refs, labels
 * and newest timestamps. A sample older than its series' newest committed one is rejected with
 * OutOfOrderSampleError, as Prometheus's agent does. Not for concurrent use; after commit or
 * rollback every call throws AppenderClosedError.
 */
export class AgentAppender implements Appender {
  readonly #db: AgentAppenderHost;
  #pendingSeries: RefSeries[] = [];
  #samples: RefSamples = newRefSamples(64);
  #sampleSeries: AgentSeries[] = [];
  #histograms: RefHistogramSample[] = [];
  #floatHistograms: RefFloatHistogramSample[] = [];
  #histogramSeries: AgentSeries[] = [];
  #histogramTs: number[] = [];
  #exemplars: RefExemplar[] = [];
  #metadata: RefMetadata[] = [];
  #metadataSeries: AgentSeries[] = [];
  #done = false;

  /** @internal Use `AgentDB.appender()`. */
  constructor(db: AgentAppenderHost) {
    this.#db = db;
  }

  #check(): void {
    if (this.#done) throw new AppenderClosedError();
  }

  // Prometheus: appender.getOrCreate, with the checks of Append for a new series.
  #seriesFor(ref: SeriesRef, labels: Labels): AgentSeries {
    const db = this.#db;
    if (ref !== 0) {
      const s = db.series.getByRef(ref);
      if (s !== undefined) return s;
    }
    const found = db.series.getByLabels(labels);
    if (found !== undefined) return found;
    if (labels.isEmpty()) throw new InvalidLabelsError('empty labelset');
    const s = new AgentSeries(db.nextRef(), labels);
    db.series.set(s);
    this.#pendingSeries.push({ ref: s.ref, labels });
    db.counters.activeSeries++;
    return s;
  }

  /** Appends a float sample at `t` (ms); returns the series ref to pass next time. */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    this.#check();
    const s = this.#seriesFor(ref, labels);
    if (t < s.lastTs) {
      this.#db.counters.outOfOrderSamples++;
      throw new OutOfOrderSampleError(t, s.lastTs);
    }
    this.#push(s, t, v);
    this.#db.counters.samplesAppended++;
    return s.ref;
  }

  #push(s: AgentSeries, t: number, v: number): void {
    const c = this.#samples;
    if (c.length === c.refs.length) growRefSamples(c, c.length + 1);
    c.refs[c.length] = s.ref;
    c.ts[c.length] = t;
    c.vs[c.length++] = v;
    this.#sampleSeries.push(s);
  }

  /**
   * Adds an exemplar to a series appended before. As Prometheus's agent: labels longer than 128
   * runes are refused, and a repeat of the series' newest exemplar is ignored (returns 0).
   */
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    this.#check();
    let s = ref === 0 ? undefined : this.#db.series.getByRef(ref);
    if (s === undefined) s = this.#db.series.getByLabels(labels);
    if (s === undefined) throw new NotFoundError(`unknown series ref when trying to add exemplar: ${ref}`);
    let runes = 0;
    e.labels.forEach((name, value) => {
      runes += [...name].length + [...value].length;
    });
    if (runes > ExemplarMaxLabelSetLength) throw new ExemplarLabelLengthError();
    const prev = s.lastExemplar;
    if (prev !== undefined && prev.ts === e.ts && Object.is(prev.value, e.value) && prev.labels.equals(e.labels)) {
      return 0;
    }
    s.lastExemplar = e;
    this.#exemplars.push({ ref: s.ref, t: e.ts, v: e.value, labels: e.labels });
    this.#db.counters.exemplarsAppended++;
    return s.ref;
  }

  /** Appends a native histogram sample (integer `h` or float `fh`), written as histogram records. */
  appendHistogram(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    this.#check();
    if (h === undefined && fh === undefined) throw new InvalidLabelsError('histogram sample without a histogram');
    const s = this.#seriesFor(ref, labels);
    if (t < s.lastTs) {
      this.#db.counters.outOfOrderSamples++;
      throw new OutOfOrderSampleError(t, s.lastTs);
    }
    if (h !== undefined) this.#histograms.push({ ref: s.ref, t, h });
    else this.#floatHistograms.push({ ref: s.ref, t, fh: fh! });
    this.#histogramSeries.push(s);
    this.#histogramTs.push(t);
    this.#db.counters.histogramsAppended++;
    return s.ref;
  }

  /**
   * Prometheus: appender.AppendCTZeroSample. A 0 sample at the start timestamp `st` (< t), unless
   * it would not be newer than the series' newest sample.
   */
  appendSTZeroSample(ref: SeriesRef, labels: Labels, t: number, st: number): SeriesRef {
    this.#check();
    if (st >= t) throw new OutOfOrderSTError();
    const s = this.#seriesFor(ref, labels);
    if (st <= s.lastTs) throw new OutOfOrderSTError();
    s.lastTs = st;
    this.#push(s, st, 0);
    this.#db.counters.samplesAppended++;
    return s.ref;
  }
  /**
   * Prometheus: appender.AppendHistogramCTZeroSample. As `appendSTZeroSample`, for a histogram
   * series: a `zeroHistogramLike` of `h` (else of `fh`) at `st`.
   */
  appendHistogramSTZeroSample(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    st: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    this.#check();
    if (h === undefined && fh === undefined) throw new InvalidLabelsError('histogram sample without a histogram');
    if (st >= t) throw new OutOfOrderSTError();
    const s = this.#seriesFor(ref, labels);
    if (st <= s.lastTs) throw new OutOfOrderSTError();
    s.lastTs = st;
    if (h !== undefined) this.#histograms.push({ ref: s.ref, t: st, h: zeroHistogramLike(h) });
    else this.#floatHistograms.push({ ref: s.ref, t: st, fh: zeroHistogramLike(fh!) });
    this.#histogramSeries.push(s);
    this.#histogramTs.push(st);
    this.#db.counters.histogramsAppended++;
    return s.ref;
  }

  /**
   * Records metadata of the series; a change is written to the WAL at commit (a metadata record,
   * which the remote-write watcher sends), as Prometheus does with its metadata WAL records.
   */
  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    this.#check();
    const s = this.#seriesFor(ref, labels);
    const old = s.meta;
    if (old === undefined || old.type !== m.type || old.unit !== m.unit || old.help !== m.help) {
      this.#metadata.push({ ref: s.ref, type: m.type, unit: m.unit, help: m.help });
      this.#metadataSeries.push(s);
    }
    return s.ref;
  }

  /** The agent accepts in-order samples only: the options change nothing. */
  setOptions(_opts: AppendOptions | undefined): void {
    this.#check();
  }

  /**
   * Prometheus: appender.Commit and log. Writes the records (handed to the OS when it resolves)
   * and then sets the series' newest timestamps. If writing fails, nothing is applied and the
   * appender is closed.
   */
  async commit(): Promise<void> {
    this.#check();
    this.#done = true;
    const enc = new RecordEncoder();
    const records: Uint8Array[] = [];
    const ns = this.#pendingSeries;
    for (let from = 0; from < ns.length; from += maxSeriesPerRecord) {
      records.push(enc.series(ns.slice(from, from + maxSeriesPerRecord)));
    }
    const c = this.#samples;
    for (let from = 0; from < c.length; from += maxSamplesPerRecord) {
      records.push(enc.samplesColumnar(c, from, Math.min(c.length, from + maxSamplesPerRecord)));
    }
    if (this.#histograms.length > 0) records.push(...enc.histogramSamples(this.#histograms));
    if (this.#floatHistograms.length > 0) records.push(...enc.floatHistogramSamples(this.#floatHistograms));
    if (this.#exemplars.length > 0) records.push(enc.exemplars(this.#exemplars));
    if (this.#metadata.length > 0) records.push(enc.metadata(this.#metadata));
    let maxT = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < c.length; i++) if (c.ts[i]! > maxT) maxT = c.ts[i]!;
    for (const t of this.#histogramTs) if (t > maxT) maxT = t;
    if (records.length > 0) this.#db.log(records, maxT);
    const ss = this.#sampleSeries;
    for (let i = 0; i < c.length; i++) {
      const s = ss[i]!;
      const t = c.ts[i]!;
      // Prometheus: memSeries.updateTimestamp; an older one means two appenders raced.
      if (t > s.lastTs) s.lastTs = t;
      else if (t < s.lastTs) this.#db.counters.outOfOrderSamples++;
    }
    const hs = this.#histogramSeries;
    const hts = this.#histogramTs;
    for (let i = 0; i < hs.length; i++) {
      const s = hs[i]!;
      if (hts[i]! > s.lastTs) s.lastTs = hts[i]!;
      else if (hts[i]! < s.lastTs) this.#db.counters.outOfOrderSamples++;
    }
    for (let i = 0; i < this.#metadata.length; i++) {
      const m = this.#metadata[i]!;
      this.#metadataSeries[i]!.meta = { type: m.type, unit: m.unit, help: m.help };
    }
    this.#clear();
  }

  /** Drops what was appended. Series created meanwhile stay (with no sample, the next GC drops them). */
  async rollback(): Promise<void> {
    this.#check();
    this.#done = true;
    // Prometheus writes the series records anyway: the refs were handed out.
    if (this.#pendingSeries.length > 0) {
      this.#db.log([new RecordEncoder().series(this.#pendingSeries)], Number.NEGATIVE_INFINITY);
    }
    this.#clear();
  }

  #clear(): void {
    this.#pendingSeries = [];
    this.#samples.length = 0;
    this.#sampleSeries = [];
    this.#histograms = [];
    this.#floatHistograms = [];
    this.#histogramSeries = [];
    this.#histogramTs = [];
    this.#exemplars = [];
    this.#metadata = [];
    this.#metadataSeries = [];
  }
}
