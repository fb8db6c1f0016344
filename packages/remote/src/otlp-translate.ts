// Prometheus: storage/remote/otlptranslator/prometheusremotewrite (metrics_to_prw.go, helper.go,
// histograms.go): an OTLP ExportMetricsServiceRequest (as @opentelemetry/otlp-transformer's
// generated protobuf decoder gives it) into Remote Write 1.0 time series, as Prometheus 3 converts
// it: gauges, sums (monotonic ones as counters), classic histograms (or native histograms with
// custom buckets), exponential histograms as native histograms, summaries, exemplars, job and
// instance from the service attributes, promoted resource attributes and `target_info`.
import type { OTLPConfig } from '@tsprom/config';
import { StaleNaN } from '@tsprom/storage-interfaces';
import { otlpExemplars, UnsupportedExemplarValueError } from './otlp-exemplars.js';
import {
  type ConvertedHistogram,
  explicitHistogramToCustomBucketsHistogram,
  exponentialToNativeHistogram,
  UnsupportedExponentialScaleError,
} from './otlp-histograms.js';
import { buildLabelName, buildMetricName, type OTLPMetricKind } from './otlp-names.js';
import {
  AggregationTemporality,
  anyValueString,
  int64ToNumber,
  nanosToMs,
  noRecordedValue,
  type OTLPExportMetricsServiceRequest,
  type OTLPKeyValue,
  type OTLPMetric,
  type OTLPNumberDataPoint,
} from './otlp-types.js';
import type { PbLabel, PbTimeSeries } from './write-request.js';

/** What a translation produced, and what it could not translate (Prometheus logs these). */
export interface OTLPTranslation {
  timeseries: PbTimeSeries[];
  /** Errors of single metrics (unsupported type or temporality, bad scale); the rest was translated. */
  errors: string[];
  /** Prometheus's annotations: data points translated with something odd about them. */
  warnings: string[];
}

/** Settings of the translator beyond the `otlp:` section. */
export interface OTLPTranslatorOptions {
  /**
   * Prometheus: Settings.AllowDeltaTemporality (`--enable-feature=otlp-native-delta-ingestion`):
   * delta sums and histograms are stored as they come (histograms with the gauge reset hint)
   * instead of being refused.
   */
  readonly allowDeltaTemporality?: boolean;
}

/** Prometheus: defaultLookbackDelta / 2, the step of target_info samples. */
const TARGET_INFO_INTERVAL_MS = 150_000;
const IDENTIFYING = ['service.namespace', 'service.name', 'service.instance.id'];

interface ResourceLabels {
  promoted: [string, string][];
  job?: string;
  instance?: string;
}

/** The series of one resource, found or created by labels, and the time span of its samples. */
interface ResourceSink {
  series(name: string, attrs: OTLPKeyValue[] | null | undefined, extra?: [string, string]): PbTimeSeries;
  seen(t: number): void;
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
  readonly #allowDelta: boolean;

  constructor(cfg: OTLPConfig, opts: OTLPTranslatorOptions = {}) {
    this.#cfg = cfg;
    this.#allowDelta = opts.allowDeltaTemporality ?? false;
  }

  /** Prometheus: FromMetrics. */
  translate(req: OTLPExportMetricsServiceRequest): OTLPTranslation {
    const out: OTLPTranslation = { timeseries: [], errors: [], warnings: [] };
    const byKey = new Map<string, PbTimeSeries>();
    for (const rm of req.resourceMetrics ?? []) {
      const resAttrs = rm.resource?.attributes ?? [];
      const base = this.#resourceLabels(resAttrs);
      let minT = Number.POSITIVE_INFINITY;
      let maxT = Number.NEGATIVE_INFINITY;
      const sink: ResourceSink = {
        series: (name, attrs, extra) => {
          const labels = this.#labels(base, attrs ?? [], name, extra);
          const key = labels.map((l) => `${l.name}\xff${l.value}`).join('\xfe');
          let ts = byKey.get(key);
          if (ts === undefined) {
            ts = { labels, samples: [], exemplars: [], histograms: [] };
            byKey.set(key, ts);
            out.timeseries.push(ts);
          }
          return ts;
        },
        seen: (t) => {
          if (t < minT) minT = t;
          if (t > maxT) maxT = t;
        },
      };
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          try {
            this.#metric(m, sink, out);
          } catch (err) {
            if (!(err instanceof UnsupportedExponentialScaleError || err instanceof UnsupportedExemplarValueError)) {
              throw err;
            }
            // Ends this metric, as Prometheus's converter returns the error for the metric and goes
            // on with the next.
            out.errors.push(err.message);
          }
        }
      }
      if (Number.isFinite(minT)) this.#targetInfo(resAttrs, base, minT, maxT, out);
    }
    return out;
  }

  /** Prometheus: the temporality check of FromMetrics: cumulative, or delta when allowed. */
  #temporalityOk(t: number | null | undefined): boolean {
    return t === AggregationTemporality.Cumulative || (this.#allowDelta && t === AggregationTemporality.Delta);
  }

  #metric(m: OTLPMetric, sink: ResourceSink, out: OTLPTranslation): void {
    const unit = m.unit ?? '';
    const strategy = this.#cfg.translationStrategy;
    const value = (dp: { flags?: number | null }, v: number): number => (noRecordedValue(dp) ? StaleNaN : v);
    const num = (dp: OTLPNumberDataPoint): number =>
      dp.asDouble !== null && dp.asDouble !== undefined ? dp.asDouble : int64ToNumber(dp.asInt);
    const sample = (ts: PbTimeSeries, t: number, v: number): void => {
      ts.samples.push({ timestamp: t, value: v });
      sink.seen(t);
    };
    const histogram = (ts: PbTimeSeries, c: ConvertedHistogram): void => {
      ts.histograms.push(c.histogram);
      sink.seen(c.histogram.timestamp);
      for (const w of c.warnings) out.warnings.push(w);
    };
    const invalidTemporality = `invalid temporality and type combination for metric "${m.name}"`;
    if (m.gauge) {
      const name = buildMetricName(m.name, unit, 'gauge', strategy);
      for (const dp of m.gauge.dataPoints ?? []) {
        sample(sink.series(name, dp.attributes), nanosToMs(dp.timeUnixNano), value(dp, num(dp)));
      }
      return;
    }
    if (m.sum) {
      if (!this.#temporalityOk(m.sum.aggregationTemporality)) {
        out.errors.push(invalidTemporality);
        return;
      }
      const kind: OTLPMetricKind = m.sum.isMonotonic ? 'monotonic-counter' : 'gauge';
      const name = buildMetricName(m.name, unit, kind, strategy);
      for (const dp of m.sum.dataPoints ?? []) {
        const ts = sink.series(name, dp.attributes);
        sample(ts, nanosToMs(dp.timeUnixNano), value(dp, num(dp)));
        // Prometheus: addSumNumberDataPoints (monotonic sums only) keeps the exemplars.
        if (m.sum.isMonotonic) ts.exemplars.push(...otlpExemplars(dp.exemplars));
      }
      return;
    }
    if (m.histogram) {
      const temporality = m.histogram.aggregationTemporality;
      if (!this.#temporalityOk(temporality)) {
        out.errors.push(invalidTemporality);
        return;
      }
      const name = buildMetricName(m.name, unit, 'histogram', strategy);
      if (this.#cfg.convertHistogramsToNHCB) {
        // Prometheus: addCustomBucketsHistogramDataPoints: one native histogram with custom buckets.
        for (const dp of m.histogram.dataPoints ?? []) {
          const ts = sink.series(name, dp.attributes);
          histogram(ts, explicitHistogramToCustomBucketsHistogram(dp, temporality as AggregationTemporality));
          ts.exemplars.push(...otlpExemplars(dp.exemplars));
        }
        return;
      }
      for (const dp of m.histogram.dataPoints ?? []) {
        const t = nanosToMs(dp.timeUnixNano);
        if (dp.sum !== null && dp.sum !== undefined)
          sample(sink.series(`${name}_sum`, dp.attributes), t, value(dp, dp.sum));
        const count = int64ToNumber(dp.count);
        sample(sink.series(`${name}_count`, dp.attributes), t, value(dp, count));
        const bounds = dp.explicitBounds ?? [];
        const counts = dp.bucketCounts ?? [];
        const buckets: { bound: number; ts: PbTimeSeries }[] = [];
        let cum = 0;
        for (let i = 0; i < bounds.length && i < counts.length; i++) {
          cum += int64ToNumber(counts[i]);
          const ts = sink.series(`${name}_bucket`, dp.attributes, ['le', formatFloat(bounds[i]!)]);
          sample(ts, t, value(dp, cum));
          buckets.push({ bound: bounds[i]!, ts });
        }
        const inf = sink.series(`${name}_bucket`, dp.attributes, ['le', '+Inf']);
        sample(inf, t, value(dp, count));
        buckets.push({ bound: Number.POSITIVE_INFINITY, ts: inf });
        addBucketExemplars(otlpExemplars(dp.exemplars), buckets);
      }
      return;
    }
    if (m.summary) {
      const name = buildMetricName(m.name, unit, 'summary', strategy);
      for (const dp of m.summary.dataPoints ?? []) {
        const t = nanosToMs(dp.timeUnixNano);
        sample(sink.series(`${name}_sum`, dp.attributes), t, value(dp, dp.sum ?? 0));
        sample(sink.series(`${name}_count`, dp.attributes), t, value(dp, int64ToNumber(dp.count)));
        for (const q of dp.quantileValues ?? []) {
          const ts = sink.series(name, dp.attributes, ['quantile', formatFloat(q.quantile ?? 0)]);
          sample(ts, t, value(dp, q.value ?? 0));
        }
      }
      return;
    }
    if (m.exponentialHistogram) {
      const temporality = m.exponentialHistogram.aggregationTemporality;
      if (!this.#temporalityOk(temporality)) {
        out.errors.push(invalidTemporality);
        return;
      }
      // Prometheus: addExponentialHistogramDataPoints: one native histogram per point, under the
      // metric's name alone (no _count, _sum or _bucket series).
      const name = buildMetricName(m.name, unit, 'histogram', strategy);
      for (const dp of m.exponentialHistogram.dataPoints ?? []) {
        const c = exponentialToNativeHistogram(dp, temporality as AggregationTemporality);
        const ts = sink.series(name, dp.attributes);
        histogram(ts, c);
        ts.exemplars.push(...otlpExemplars(dp.exemplars));
      }
      return;
    }
    out.errors.push(`unsupported metric type for metric "${m.name}"`);
  }

  /** job, instance and the promoted resource attributes of a resource. */
  #resourceLabels(attrs: readonly OTLPKeyValue[]): ResourceLabels {
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
    base: ResourceLabels,
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
    base: ResourceLabels,
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

/**
 * Prometheus: addExemplars: each exemplar goes to the first bucket series, in
 * bound order, whose bound is at least its value.
 */
function addBucketExemplars(
  exemplars: ReturnType<typeof otlpExemplars>,
  buckets: readonly { bound: number; ts: PbTimeSeries }[],
): void {
  if (exemplars.length === 0) return;
  const byBound = [...buckets].sort((a, b) => a.bound - b.bound);
  for (const e of exemplars) {
    for (const b of byBound) {
      if (b.ts.samples.length > 0 && e.value <= b.bound) {
        b.ts.exemplars.push(e);
        break;
      }
    }
  }
}
