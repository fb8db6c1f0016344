// Prometheus: storage/remote/otlptranslator/prometheusremotewrite (metrics_to_prw.go, helper.go,
// histograms.go): an OTLP ExportMetricsServiceRequest (as @opentelemetry/otlp-transformer's
// generated protobuf decoder gives it) into Remote Write 1.0 time series, as Prometheus 3 converts
// it: gauges, sums (monotonic ones as counters), classic histograms, summaries, job and instance
// from the service attributes, promoted resource attributes and `target_info`.
import type { OTLPConfig } from '@tsprom/config';
import { StaleNaN } from '@tsprom/storage-interfaces';
import { buildLabelName, buildMetricName, type OTLPMetricKind } from './otlp-names.js';
import type { PbLabel, PbTimeSeries } from './write-request.js';

/** A 64-bit integer as protobufjs hands it out: a number, or a Long when long.js is present. */
export type PbInt64 = number | { low: number; high: number; unsigned?: boolean } | null | undefined;

export interface OTLPAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: PbInt64;
  doubleValue?: number | null;
  arrayValue?: { values?: OTLPAnyValue[] | null } | null;
  kvlistValue?: { values?: OTLPKeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}
export interface OTLPKeyValue {
  key: string;
  value?: OTLPAnyValue | null;
}
interface DataPointBase {
  attributes?: OTLPKeyValue[] | null;
  timeUnixNano?: PbInt64;
  flags?: number | null;
}
export interface OTLPNumberDataPoint extends DataPointBase {
  asDouble?: number | null;
  asInt?: PbInt64;
}
export interface OTLPHistogramDataPoint extends DataPointBase {
  count?: PbInt64;
  sum?: number | null;
  bucketCounts?: PbInt64[] | null;
  explicitBounds?: number[] | null;
}
export interface OTLPSummaryDataPoint extends DataPointBase {
  count?: PbInt64;
  sum?: number | null;
  quantileValues?: { quantile?: number | null; value?: number | null }[] | null;
}
export interface OTLPMetric {
  name: string;
  unit?: string | null;
  gauge?: { dataPoints?: OTLPNumberDataPoint[] | null } | null;
  sum?: {
    dataPoints?: OTLPNumberDataPoint[] | null;
    aggregationTemporality?: number | null;
    isMonotonic?: boolean | null;
  } | null;
  histogram?: { dataPoints?: OTLPHistogramDataPoint[] | null; aggregationTemporality?: number | null } | null;
  exponentialHistogram?: { dataPoints?: unknown[] | null } | null;
  summary?: { dataPoints?: OTLPSummaryDataPoint[] | null } | null;
}
export interface OTLPExportMetricsServiceRequest {
  resourceMetrics?:
    | {
        resource?: { attributes?: OTLPKeyValue[] | null } | null;
        scopeMetrics?: { metrics?: OTLPMetric[] | null }[] | null;
      }[]
    | null;
}

/** What a translation produced, and what it could not translate (Prometheus logs these). */
export interface OTLPTranslation {
  timeseries: PbTimeSeries[];
  /** Errors of single metrics (unsupported type or temporality); the rest was translated. */
  errors: string[];
  /** Data points of exponential histograms, left out (no native-histogram conversion yet). */
  droppedExponentialHistogramPoints: number;
}

/** Prometheus accepts only cumulative sums and histograms (without its delta features). */
const AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
const FLAG_NO_RECORDED_VALUE = 1;
/** Prometheus: defaultLookbackDelta / 2, the step of target_info samples. */
const TARGET_INFO_INTERVAL_MS = 150_000;
const IDENTIFYING = ['service.namespace', 'service.name', 'service.instance.id'];

/** A uint64/int64 as a number (exact below 2^53). */
export function int64ToNumber(v: PbInt64): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const n = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return Number(v.unsigned === false ? BigInt.asIntN(64, n) : n);
}

/** Nanoseconds since the epoch as whole ms (Go's integer division). */
function nanosToMs(v: PbInt64): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Math.trunc(v / 1e6);
  const n = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return Number(n / 1_000_000n);
}

/** Prometheus: pcommon.Value.AsString. */
export function anyValueString(v: OTLPAnyValue | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (v.stringValue !== null && v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== null && v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== null && v.intValue !== undefined) return String(int64ToNumber(v.intValue));
  if (v.doubleValue !== null && v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.bytesValue !== null && v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  if (v.arrayValue !== null && v.arrayValue !== undefined) return JSON.stringify(toJSON(v));
  if (v.kvlistValue !== null && v.kvlistValue !== undefined) return JSON.stringify(toJSON(v));
  return '';
}

function toJSON(v: OTLPAnyValue | null | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(toJSON);
  if (v.kvlistValue) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, toJSON(kv.value)]));
  if (v.boolValue !== null && v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== null && v.intValue !== undefined) return int64ToNumber(v.intValue);
  if (v.doubleValue !== null && v.doubleValue !== undefined) return v.doubleValue;
  return anyValueString(v);
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64) for bucket bounds and quantiles. */
function formatFloat(f: number): string {
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(f)) return 'NaN';
  const s = String(f);
  if (!/e/.test(s)) return s;
  // Exponent form in JS: write it out in full as Go's 'f' format does.
  return f.toFixed(20).replace(/\.?0+$/, '');
}

/** The translator for one request, with the `otlp:` settings. */
export class OTLPTranslator {
  readonly #cfg: OTLPConfig;

  constructor(cfg: OTLPConfig) {
    this.#cfg = cfg;
  }

  /** Prometheus: FromMetrics. */
  translate(req: OTLPExportMetricsServiceRequest): OTLPTranslation {
    const out: OTLPTranslation = { timeseries: [], errors: [], droppedExponentialHistogramPoints: 0 };
    const byKey = new Map<string, PbTimeSeries>();
    for (const rm of req.resourceMetrics ?? []) {
      const resAttrs = rm.resource?.attributes ?? [];
      const base = this.#resourceLabels(resAttrs);
      let minT = Number.POSITIVE_INFINITY;
      let maxT = Number.NEGATIVE_INFINITY;
      const add = (
        name: string,
        attrs: OTLPKeyValue[] | null | undefined,
        extra: [string, string] | undefined,
        t: number,
        v: number,
      ): void => {
        const labels = this.#labels(base, attrs ?? [], name, extra);
        const key = labels.map((l) => `${l.name}\xff${l.value}`).join('\xfe');
        let ts = byKey.get(key);
        if (ts === undefined) {
          ts = { labels, samples: [], exemplars: [], histograms: [] };
          byKey.set(key, ts);
          out.timeseries.push(ts);
        }
        ts.samples.push({ timestamp: t, value: v });
        if (t < minT) minT = t;
        if (t > maxT) maxT = t;
      };
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) this.#metric(m, add, out);
      }
      if (Number.isFinite(minT)) this.#targetInfo(resAttrs, base, minT, maxT, out);
    }
    return out;
  }

  #metric(
    m: OTLPMetric,
    add: (
      name: string,
      attrs: OTLPKeyValue[] | null | undefined,
      extra: [string, string] | undefined,
      t: number,
      v: number,
    ) => void,
    out: OTLPTranslation,
  ): void {
    const unit = m.unit ?? '';
    const strategy = this.#cfg.translationStrategy;
    const value = (dp: DataPointBase, v: number): number => ((dp.flags ?? 0) & FLAG_NO_RECORDED_VALUE ? StaleNaN : v);
    const num = (dp: OTLPNumberDataPoint): number =>
      dp.asDouble !== null && dp.asDouble !== undefined ? dp.asDouble : int64ToNumber(dp.asInt);
    if (m.gauge) {
      const name = buildMetricName(m.name, unit, 'gauge', strategy);
      for (const dp of m.gauge.dataPoints ?? [])
        add(name, dp.attributes, undefined, nanosToMs(dp.timeUnixNano), value(dp, num(dp)));
      return;
    }
    if (m.sum) {
      if (m.sum.aggregationTemporality !== AGGREGATION_TEMPORALITY_CUMULATIVE) {
        out.errors.push(`invalid temporality and type combination for metric "${m.name}"`);
        return;
      }
      const kind: OTLPMetricKind = m.sum.isMonotonic ? 'monotonic-counter' : 'gauge';
      const name = buildMetricName(m.name, unit, kind, strategy);
      for (const dp of m.sum.dataPoints ?? [])
        add(name, dp.attributes, undefined, nanosToMs(dp.timeUnixNano), value(dp, num(dp)));
      return;
    }
    if (m.histogram) {
      if (m.histogram.aggregationTemporality !== AGGREGATION_TEMPORALITY_CUMULATIVE) {
        out.errors.push(`invalid temporality and type combination for metric "${m.name}"`);
        return;
      }
      const name = buildMetricName(m.name, unit, 'histogram', strategy);
      for (const dp of m.histogram.dataPoints ?? []) {
        const t = nanosToMs(dp.timeUnixNano);
        if (dp.sum !== null && dp.sum !== undefined) add(`${name}_sum`, dp.attributes, undefined, t, value(dp, dp.sum));
        const count = int64ToNumber(dp.count);
        add(`${name}_count`, dp.attributes, undefined, t, value(dp, count));
        const bounds = dp.explicitBounds ?? [];
        const counts = dp.bucketCounts ?? [];
        let cum = 0;
        for (let i = 0; i < bounds.length && i < counts.length; i++) {
          cum += int64ToNumber(counts[i]);
          add(`${name}_bucket`, dp.attributes, ['le', formatFloat(bounds[i]!)], t, value(dp, cum));
        }
        add(`${name}_bucket`, dp.attributes, ['le', '+Inf'], t, value(dp, count));
      }
      return;
    }
    if (m.summary) {
      const name = buildMetricName(m.name, unit, 'summary', strategy);
      for (const dp of m.summary.dataPoints ?? []) {
        const t = nanosToMs(dp.timeUnixNano);
        add(`${name}_sum`, dp.attributes, undefined, t, value(dp, dp.sum ?? 0));
        add(`${name}_count`, dp.attributes, undefined, t, value(dp, int64ToNumber(dp.count)));
        for (const q of dp.quantileValues ?? []) {
          add(name, dp.attributes, ['quantile', formatFloat(q.quantile ?? 0)], t, value(dp, q.value ?? 0));
        }
      }
      return;
    }
    if (m.exponentialHistogram) {
      out.droppedExponentialHistogramPoints += m.exponentialHistogram.dataPoints?.length ?? 0;
      out.errors.push(
        `exponential histogram "${m.name}" not converted: native-histogram conversion of OTLP is not supported`,
      );
      return;
    }
    out.errors.push(`unsupported metric type for metric "${m.name}"`);
  }

  /** job, instance and the promoted resource attributes of a resource. */
  #resourceLabels(attrs: readonly OTLPKeyValue[]): { promoted: [string, string][]; job?: string; instance?: string } {
    const get = (k: string): string | undefined => {
      const kv = attrs.find((a) => a.key === k);
      return kv === undefined ? undefined : anyValueString(kv.value);
    };
    const cfg = this.#cfg;
    const promoted: [string, string][] = [];
    for (const kv of attrs) {
      const keep = cfg.promoteAllResourceAttributes
        ? !cfg.ignoreResourceAttributes.includes(kv.key)
        : cfg.promoteResourceAttributes.includes(kv.key);
      if (keep) promoted.push([kv.key, anyValueString(kv.value)]);
    }
    const name = get('service.name');
    const ns = get('service.namespace');
    return {
      promoted,
      job: name === undefined ? undefined : ns !== undefined && ns !== '' ? `${ns}/${name}` : name,
      instance: get('service.instance.id'),
    };
  }

  /**
   * Prometheus: createAttributes: data point attributes (colliding sanitized names joined with
   * `;` in key order), promoted resource attributes that no data point attribute overrides, job
   * and instance, the extra label (le, quantile) and the name.
   */
  #labels(
    base: { promoted: [string, string][]; job?: string; instance?: string },
    attrs: readonly OTLPKeyValue[],
    name: string,
    extra: [string, string] | undefined,
  ): PbLabel[] {
    const strategy = this.#cfg.translationStrategy;
    const m = new Map<string, string>();
    const sorted = [...attrs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const kv of sorted) {
      const k = buildLabelName(kv.key, strategy);
      const v = anyValueString(kv.value);
      const prev = m.get(k);
      m.set(k, prev === undefined ? v : `${prev};${v}`);
    }
    for (const [key, v] of base.promoted) {
      const k = buildLabelName(key, strategy);
      if (!m.has(k)) m.set(k, v);
    }
    if (base.job !== undefined) m.set('job', base.job);
    if (base.instance !== undefined) m.set('instance', base.instance);
    if (extra !== undefined) m.set(extra[0], extra[1]);
    m.set('__name__', name);
    const out: PbLabel[] = [];
    for (const [n, value] of m) if (value !== '') out.push({ name: n, value });
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  /** Prometheus: addResourceTargetInfo: `target_info` 1 every 2.5 minutes over the request's span. */
  #targetInfo(
    attrs: readonly OTLPKeyValue[],
    base: { promoted: [string, string][]; job?: string; instance?: string },
    minT: number,
    maxT: number,
    out: OTLPTranslation,
  ): void {
    const identifying = attrs.filter((a) => IDENTIFYING.includes(a.key)).length;
    if (attrs.length - identifying === 0) return;
    if (base.job === undefined && base.instance === undefined) return;
    const keepIdentifying = this.#cfg.keepIdentifyingResourceAttributes;
    const info = attrs.filter((a) => keepIdentifying || !IDENTIFYING.includes(a.key));
    const labels = this.#labels(
      { promoted: [], job: base.job, instance: base.instance },
      info,
      'target_info',
      undefined,
    );
    const ts: PbTimeSeries = { labels, samples: [], exemplars: [], histograms: [] };
    for (let t = minT; t < maxT; t += TARGET_INFO_INTERVAL_MS) ts.samples.push({ timestamp: t, value: 1 });
    ts.samples.push({ timestamp: maxT, value: 1 });
    out.timeseries.push(ts);
  }
}
