// Prometheus: storage/remote/queue_manager.go QueueManager.StoreSeries, StoreMetadata,
// SeriesReset, processExternalLabels: the ref → labels map of one queue, with labels as they
// will be sent (external labels added, write_relabel_configs applied) and encoded once per series
// so that a batch copies bytes instead of encoding strings per sample.
import { type Labels, LabelsBuilder } from '@tsprom/labels';
import { processBuilder, type RelabelConfig } from '@tsprom/relabel';
import type { MetricType } from '@tsprom/storage-interfaces';
import type { RefMetadata, RefSeries } from '@tsprom/tsdb/wal';
import { ProtoWriter } from './proto-writer.js';
import { PbMetricType, writeLabel } from './write-request.js';

/** One series of a queue as it is sent. */
export interface SentSeries {
  /** The Remote Write 1.0 `labels` fields (key and body per label), ready to copy. */
  readonly v1Labels: Uint8Array;
  /** name, value, name, value... (sorted by name) for Remote Write 2.0's symbol table. */
  readonly flat: readonly string[];
  /** Ids of `flat`'s strings in the store's string table (see `SeriesStore.strings`). */
  symIds: Uint32Array;
  /** The metric name (`__name__`), '' when absent. */
  readonly metricName: string;
  /** Segment the series record was last seen in. */
  segment: number;
  /** Metadata of the series from WAL metadata records, when any. */
  type: number;
  help: string;
  unit: string;
  /** Ids of help and unit in the string table (0: empty). */
  helpId: number;
  unitId: number;
}

const METRIC_TYPES: Record<MetricType, number> = {
  unknown: PbMetricType.UNKNOWN,
  counter: PbMetricType.COUNTER,
  gauge: PbMetricType.GAUGE,
  histogram: PbMetricType.HISTOGRAM,
  gaugehistogram: PbMetricType.GAUGEHISTOGRAM,
  summary: PbMetricType.SUMMARY,
  info: PbMetricType.INFO,
  stateset: PbMetricType.STATESET,
};

/** The wire number of a metric type. */
export function metricTypeNumber(t: MetricType): number {
  return METRIC_TYPES[t] ?? PbMetricType.UNKNOWN;
}

/**
 * Prometheus: processExternalLabels. Adds the external labels a series does not have (the series'
 * own value wins).
 */
export function withExternalLabels(ls: Labels, external: Labels): Labels {
  if (external.isEmpty()) return ls;
  const b = new LabelsBuilder(ls);
  external.forEach((n, v) => {
    if (!ls.has(n)) b.set(n, v);
  });
  return b.labels();
}

/** The series of one queue by WAL ref. Series dropped by relabeling are remembered as dropped. */
export class SeriesStore {
  readonly #series = new Map<number, SentSeries>();
  /** Refs dropped by relabeling, with the segment they were last seen in. */
  readonly #dropped = new Map<number, number>();
  readonly #external: Labels;
  readonly #relabel: readonly RelabelConfig[];
  readonly #w = new ProtoWriter(1024);
  readonly #lb = new LabelsBuilder();
  #strings: string[] = [''];
  #ids = new Map<string, number>([['', 0]]);
  #generation = 0;

  constructor(externalLabels: Labels, relabelConfigs: readonly RelabelConfig[]) {
    this.#external = externalLabels;
    this.#relabel = relabelConfigs;
  }

  /** The series of `ref`; undefined when unknown or dropped (see `isDropped`). */
  get(ref: number): SentSeries | undefined {
    return this.#series.get(ref);
  }

  /**
   * Every string of the series' labels, help and unit, by id: Remote Write 2.0 batches map ids to
   * symbol refs with typed arrays instead of a string map per label. Id 0 is ''. Rebuilt (ids
   * change) on `seriesReset`; valid until then.
   */
  get strings(): readonly string[] {
    return this.#strings;
  }

  /** Changes whenever series are forgotten (and string ids renumbered). */
  get generation(): number {
    return this.#generation;
  }

  #intern(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.#strings.length;
      this.#strings.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }

  /** Whether relabeling dropped series `ref`. */
  isDropped(ref: number): boolean {
    return this.#dropped.has(ref);
  }

  /** Number of series kept. */
  get size(): number {
    return this.#series.size;
  }

  /** Stores series records seen in `segment`. */
  storeSeries(series: readonly RefSeries[], segment: number): void {
    for (const s of series) {
      const old = this.#series.get(s.ref);
      if (old !== undefined) {
        old.segment = segment;
        continue;
      }
      if (this.#dropped.has(s.ref)) {
        this.#dropped.set(s.ref, segment);
        continue;
      }
      const ls = this.#process(s.labels);
      if (ls === null) {
        this.#dropped.set(s.ref, segment);
        continue;
      }
      const w = this.#w;
      w.reset();
      const flat: string[] = [];
      ls.forEach((n, v) => {
        writeLabel(w, 1, n, v);
        flat.push(n, v);
      });
      const symIds = new Uint32Array(flat.length);
      for (let i = 0; i < flat.length; i++) symIds[i] = this.#intern(flat[i]!);
      this.#series.set(s.ref, {
        v1Labels: w.finish().slice(),
        flat,
        symIds,
        metricName: ls.get('__name__'),
        segment,
        type: PbMetricType.UNKNOWN,
        help: '',
        unit: '',
        helpId: 0,
        unitId: 0,
      });
    }
  }

  /** Stores metadata records. */
  storeMetadata(meta: readonly RefMetadata[]): void {
    for (const m of meta) {
      const s = this.#series.get(m.ref);
      if (s === undefined) continue;
      s.type = metricTypeNumber(m.type);
      s.help = m.help;
      s.unit = m.unit;
      s.helpId = this.#intern(m.help);
      s.unitId = this.#intern(m.unit);
    }
  }

  /** Prometheus: SeriesReset. Forgets series last seen before segment `segment`. */
  seriesReset(segment: number): void {
    for (const [ref, s] of this.#series) if (s.segment < segment) this.#series.delete(ref);
    for (const [ref, seg] of this.#dropped) if (seg < segment) this.#dropped.delete(ref);
    // Renumber the string table from the series left, so that strings of gone series go too.
    this.#strings = [''];
    this.#ids = new Map([['', 0]]);
    for (const s of this.#series.values()) {
      for (let i = 0; i < s.flat.length; i++) s.symIds[i] = this.#intern(s.flat[i]!);
      s.helpId = this.#intern(s.help);
      s.unitId = this.#intern(s.unit);
    }
    this.#generation++;
  }

  /** Metadata per metric family (first series seen of each name wins), for Remote Write 1.0. */
  metadata(): { name: string; type: number; help: string; unit: string }[] {
    const seen = new Map<string, { name: string; type: number; help: string; unit: string }>();
    for (const s of this.#series.values()) {
      if (s.metricName === '' || seen.has(s.metricName)) continue;
      if (s.type === PbMetricType.UNKNOWN && s.help === '' && s.unit === '') continue;
      seen.set(s.metricName, { name: s.metricName, type: s.type, help: s.help, unit: s.unit });
    }
    return [...seen.values()];
  }

  #process(ls: Labels): Labels | null {
    const withExt = withExternalLabels(ls, this.#external);
    if (this.#relabel.length === 0) return withExt;
    const lb = this.#lb.reset(withExt);
    if (!processBuilder(lb, this.#relabel)) return null;
    const out = lb.labels();
    return out.isEmpty() ? null : out;
  }
}
