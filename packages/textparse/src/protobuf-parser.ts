// Prometheus: model/textparse/protobufparse.go ProtobufParser.
import { BucketLabel, isValidUtf8, type Labels, MetricName, QuantileLabel, ScratchBuilder } from '@tsprom/labels';
import {
  CounterResetHint,
  type Exemplar,
  type FloatHistogram,
  type Histogram,
  type MetricType,
} from '@tsprom/storage-interfaces';
import { ParseError } from './errors.js';
import { formatOpenMetricsFloat, goQuote } from './go-float.js';
import { compactBuckets } from './histogram-compact.js';
import {
  decodeMetricFamily,
  type PbExemplar,
  type PbHistogram,
  type PbMetric,
  type PbMetricFamily,
  PbMetricType,
  readDelimitedLength,
} from './metric-family.js';
import { Entry, type Parser } from './parser.js';

/** Options of {@link ProtobufParser}. */
export interface ProtobufParserOptions {
  /**
   * Also emit the classic series (`_count`, `_sum`, `_bucket`) of a native histogram that has
   * classic buckets, after its Histogram entry (Prometheus: `always_scrape_classic_histograms`).
   */
  parseClassicHistograms?: boolean;
  /**
   * Read native histograms as such (default true). When false their native parts are ignored and
   * every histogram is read as classic series, as Prometheus with `scrape_native_histograms: false`.
   */
  nativeHistograms?: boolean;
}

const SEP = '\xff';

const TYPE_NAMES: readonly MetricType[] = ['counter', 'gauge', 'summary', 'unknown', 'histogram', 'gaugehistogram'];

/** Prometheus isNativeHistogram: any span, a zero threshold or a zero count marks the native parts. */
function isNativeHistogram(h: PbHistogram | undefined): boolean {
  if (h === undefined) return false;
  return (
    h.positiveSpan.length > 0 ||
    h.negativeSpan.length > 0 ||
    h.zeroThreshold > 0 ||
    h.zeroCount > 0 ||
    h.zeroCountFloat > 0
  );
}

/**
 * Parser for the protobuf exposition format: varint-delimited `io.prometheus.client.MetricFamily`
 * messages (`application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
 * encoding=delimited`). Each family yields Help, Unit (if set) and Type entries, then per metric
 * one Series entry (counter, gauge, untyped), the `_count`, `_sum` and quantile series of a
 * summary, a Histogram entry for a native histogram, or the `_count`, `_sum` and `_bucket` series
 * of a classic one (with a `+Inf` bucket added when missing), as Prometheus's `ProtobufParser`.
 * A timestamp of 0 means none, as there.
 */
export class ProtobufParser implements Parser {
  readonly #buf: Uint8Array;
  #pos = 0;
  #msgStart = 0;
  readonly #classic: boolean;
  readonly #native: boolean;
  #mf: PbMetricFamily | undefined;
  #state: Entry = Entry.EOF;
  #metricPos = 0;
  /** -2: `_count`, -1: `_sum`, ≥ 0: quantile or bucket index (== buckets.length: the added +Inf). */
  #fieldPos = -2;
  #fieldsDone = false;
  #redoClassic = false;
  #exemplarPos = 0;
  #exemplarReturned = false;
  #series = '';
  #value = 0;
  readonly #builder = new ScratchBuilder();
  #dup: string | undefined;

  constructor(body: Uint8Array, options: ProtobufParserOptions = {}) {
    this.#buf = body;
    this.#classic = options.parseClassicHistograms ?? false;
    this.#native = options.nativeHistograms ?? true;
  }

  next(): Entry {
    this.#exemplarReturned = false;
    for (;;) {
      switch (this.#state) {
        case Entry.EOF: {
          const mf = this.#readFamily();
          if (mf === undefined) return Entry.EOF;
          if (mf.metric.length === 0) continue; // Empty families are skipped.
          this.#mf = mf;
          this.#metricPos = 0;
          this.#fieldPos = -2;
          this.#fieldsDone = false;
          this.#redoClassic = false;
          this.#exemplarPos = 0;
          this.#state = Entry.Help;
          return Entry.Help;
        }
        case Entry.Help:
          this.#state = this.#mf!.unit !== '' ? Entry.Unit : Entry.Type;
          return this.#state;
        case Entry.Unit:
          this.#state = Entry.Type;
          return Entry.Type;
        case Entry.Type:
          this.#state = this.#isNative(this.#metric()) ? Entry.Histogram : Entry.Series;
          this.#update();
          return this.#state;
        default: {
          // Histogram or Series: move to the next field of this metric, or the next metric.
          const t = this.#mf!.type;
          if (this.#redoClassic) {
            this.#redoClassic = false;
            this.#state = Entry.Series;
            this.#fieldPos = -2;
            this.#fieldsDone = false;
            this.#update();
            return Entry.Series;
          }
          const multi =
            t === PbMetricType.SUMMARY || t === PbMetricType.HISTOGRAM || t === PbMetricType.GAUGE_HISTOGRAM;
          if (this.#state === Entry.Series && multi && !this.#fieldsDone) {
            this.#fieldPos++;
          } else {
            this.#metricPos++;
            this.#fieldPos = -2;
            this.#fieldsDone = false;
            this.#exemplarPos = 0;
            if (this.#metricPos >= this.#mf!.metric.length) {
              this.#state = Entry.EOF;
              continue;
            }
            this.#state = this.#isNative(this.#metric()) ? Entry.Histogram : Entry.Series;
          }
          this.#update();
          return this.#state;
        }
      }
    }
  }

  #isNative(m: PbMetric): boolean {
    const t = this.#mf!.type;
    return (
      this.#native &&
      (t === PbMetricType.HISTOGRAM || t === PbMetricType.GAUGE_HISTOGRAM) &&
      isNativeHistogram(m.histogram)
    );
  }

  #metric(): PbMetric {
    return this.#mf!.metric[this.#metricPos]!;
  }

  #readFamily(): PbMetricFamily | undefined {
    const buf = this.#buf;
    if (this.#pos >= buf.length) return undefined;
    this.#msgStart = this.#pos;
    const [n, size] = readDelimitedLength(buf, this.#pos);
    if (size === 0) this.#fail('protobufparse: invalid varint encountered');
    const total = size + n;
    if (this.#pos + total > buf.length) {
      this.#fail(
        `protobufparse: insufficient length of buffer, expected at least ${total} bytes, got ${buf.length - this.#pos} bytes`,
      );
    }
    let mf: PbMetricFamily;
    try {
      mf = decodeMetricFamily(buf, this.#pos + size, this.#pos + total);
    } catch (err) {
      // protobufjs reports truncated or malformed messages with RangeError or a plain Error (bad
      // wire type); anything else is a bug and propagates.
      if (!(err instanceof RangeError || (err instanceof Error && err.constructor === Error))) throw err;
      this.#fail(`invalid MetricFamily message: ${err.message}`, err);
    }
    this.#pos += total;
    if (mf.metric.length === 0) return mf;
    const name = mf.name;
    if (name === '' || !isValidUtf8(name)) this.#fail(`invalid metric name: ${name}`);
    if (!isValidUtf8(mf.help)) this.#fail(`invalid help for metric ${goQuote(name)}: ${mf.help}`);
    if (!(mf.type >= 0 && mf.type <= 5)) this.#fail(`unknown metric type for metric ${goQuote(name)}: ${mf.type}`);
    const unit = mf.unit;
    if (unit !== '') {
      if (mf.type === PbMetricType.COUNTER && name.endsWith('_total')) {
        const base = name.slice(0, -6);
        if (!hasUnitSuffix(base, unit)) this.#fail(`unit ${goQuote(unit)} not a suffix of counter ${goQuote(name)}`);
      } else if (!hasUnitSuffix(name, unit))
        this.#fail(`unit ${goQuote(unit)} not a suffix of metric ${goQuote(name)}`);
    }
    return mf;
  }

  /** Computes the series key and value of the current entry (Prometheus updateMetricBytes, Series). */
  #update(): void {
    const m = this.#metric();
    let key = this.#magicName();
    for (const lp of m.label) {
      if (lp.name === '' || !isValidUtf8(lp.name)) this.#fail(`invalid label name: ${lp.name}`);
      if (!isValidUtf8(lp.value)) this.#fail(`invalid label value: ${lp.value}`);
      key += SEP + lp.name + SEP + lp.value;
    }
    const magic = this.#magicLabel();
    if (magic !== undefined) key += SEP + magic[0] + SEP + magic[1];
    this.#series = key;
    if (this.#state === Entry.Series) this.#value = this.#seriesValue(m);
  }

  #magicName(): string {
    const mf = this.#mf!;
    const t = mf.type;
    if (
      this.#state === Entry.Histogram ||
      (t !== PbMetricType.HISTOGRAM && t !== PbMetricType.GAUGE_HISTOGRAM && t !== PbMetricType.SUMMARY)
    ) {
      return mf.name;
    }
    if (this.#fieldPos === -2) return `${mf.name}_count`;
    if (this.#fieldPos === -1) return `${mf.name}_sum`;
    return t === PbMetricType.SUMMARY ? mf.name : `${mf.name}_bucket`;
  }

  /** The `quantile`/`le` label of the current field, also deciding whether it is the last field. */
  #magicLabel(): [string, string] | undefined {
    if (this.#state === Entry.Histogram) return undefined;
    const m = this.#metric();
    const t = this.#mf!.type;
    if (t === PbMetricType.SUMMARY) {
      const qq = m.summary?.quantile ?? [];
      if (this.#fieldPos < 0) {
        if (this.#fieldPos === -1 && qq.length === 0) this.#fieldsDone = true;
        return undefined;
      }
      this.#fieldsDone = this.#fieldPos === qq.length - 1;
      return [QuantileLabel, formatOpenMetricsFloat(qq[this.#fieldPos]!.quantile)];
    }
    if (t === PbMetricType.HISTOGRAM || t === PbMetricType.GAUGE_HISTOGRAM) {
      if (this.#fieldPos < 0) return undefined;
      const bb = m.histogram?.bucket ?? [];
      if (this.#fieldPos >= bb.length) {
        this.#fieldsDone = true;
        return [BucketLabel, '+Inf'];
      }
      const ub = bb[this.#fieldPos]!.upperBound;
      this.#fieldsDone = ub === Number.POSITIVE_INFINITY;
      return [BucketLabel, formatOpenMetricsFloat(ub)];
    }
    return undefined;
  }

  #seriesValue(m: PbMetric): number {
    switch (this.#mf!.type) {
      case PbMetricType.COUNTER:
        return m.counter?.value ?? 0;
      case PbMetricType.GAUGE:
        return m.gauge ?? 0;
      case PbMetricType.UNTYPED:
        return m.untyped ?? 0;
      case PbMetricType.SUMMARY: {
        const s = m.summary;
        if (this.#fieldPos === -2) return s?.sampleCount ?? 0;
        if (this.#fieldPos === -1) return s?.sampleSum ?? 0;
        return s!.quantile[this.#fieldPos]!.value;
      }
      default: {
        const h = m.histogram;
        if (h === undefined) return 0;
        const count = h.sampleCountFloat !== 0 ? h.sampleCountFloat : h.sampleCount;
        if (this.#fieldPos === -2) return count;
        if (this.#fieldPos === -1) return h.sampleSum;
        const b = h.bucket[this.#fieldPos];
        if (b === undefined) return count;
        return b.cumulativeCountFloat !== 0 ? b.cumulativeCountFloat : b.cumulativeCount;
      }
    }
  }

  series(): string {
    return this.#series;
  }

  timestamp(): number | undefined {
    const ts = this.#metric().timestampMs;
    return ts !== 0 ? ts : undefined;
  }

  value(): number {
    return this.#value;
  }

  histogram(): Histogram | undefined {
    if (this.#state !== Entry.Histogram) return undefined;
    const h = this.#metric().histogram!;
    if (this.#classic && h.bucket.length > 0) this.#redoClassic = true;
    if (h.sampleCountFloat > 0 || h.zeroCountFloat > 0) return undefined;
    const pos = this.#compact(h.positiveSpan, h.positiveDelta, true);
    const neg = this.#compact(h.negativeSpan, h.negativeDelta, true);
    return {
      counterResetHint: this.#hint(),
      schema: h.schema,
      zeroThreshold: h.zeroThreshold,
      zeroCount: h.zeroCount,
      count: h.sampleCount,
      sum: h.sampleSum,
      positiveSpans: pos.spans,
      negativeSpans: neg.spans,
      positiveBuckets: pos.buckets,
      negativeBuckets: neg.buckets,
    };
  }

  floatHistogram(): FloatHistogram | undefined {
    if (this.#state !== Entry.Histogram) return undefined;
    const h = this.#metric().histogram!;
    if (this.#classic && h.bucket.length > 0) this.#redoClassic = true;
    if (!(h.sampleCountFloat > 0 || h.zeroCountFloat > 0)) return undefined;
    const pos = this.#compact(h.positiveSpan, h.positiveCount, false);
    const neg = this.#compact(h.negativeSpan, h.negativeCount, false);
    return {
      counterResetHint: this.#hint(),
      schema: h.schema,
      zeroThreshold: h.zeroThreshold,
      zeroCount: h.zeroCountFloat,
      count: h.sampleCountFloat,
      sum: h.sampleSum,
      positiveSpans: pos.spans,
      negativeSpans: neg.spans,
      positiveBuckets: pos.buckets,
      negativeBuckets: neg.buckets,
    };
  }

  #hint(): CounterResetHint {
    return this.#mf!.type === PbMetricType.GAUGE_HISTOGRAM ? CounterResetHint.Gauge : CounterResetHint.Unknown;
  }

  #compact(spans: PbHistogram['positiveSpan'], buckets: number[], deltas: boolean) {
    const r = compactBuckets(spans, buckets, deltas);
    if (r === undefined) {
      let n = 0;
      for (const s of spans) n += s.length;
      this.#fail(
        `histogram of ${goQuote(this.#mf!.name)}: spans specify ${n} buckets but ${buckets.length} are given: histogram spans specify different number of buckets than provided`,
      );
    }
    return r;
  }

  labels(): Labels {
    const b = this.#builder;
    b.reset();
    const m = this.#metric();
    b.add(MetricName, this.#magicName());
    this.#dup = undefined;
    let expected = 1;
    for (const lp of m.label) {
      b.add(lp.name, lp.value);
      if (lp.value !== '') expected++;
    }
    const magic = this.#state === Entry.Histogram ? undefined : this.#magicLabelReadOnly();
    if (magic !== undefined) {
      b.add(magic[0], magic[1]);
      expected++;
    }
    const ls = b.labels();
    if (ls.length < expected) {
      const seen = new Set<string>([MetricName]);
      if (magic !== undefined) seen.add(magic[0]);
      for (const lp of m.label) {
        if (seen.has(lp.name)) {
          this.#dup = lp.name;
          break;
        }
        seen.add(lp.name);
      }
    }
    return ls;
  }

  /** {@link #magicLabel} without moving the field state (labels() may be called any time). */
  #magicLabelReadOnly(): [string, string] | undefined {
    const done = this.#fieldsDone;
    const r = this.#magicLabel();
    this.#fieldsDone = done;
    return r;
  }

  duplicateLabelName(): string | undefined {
    return this.#dup;
  }

  exemplar(): Exemplar | undefined {
    if (this.#exemplarReturned && this.#state === Entry.Series) return undefined; // One per series.
    const m = this.#metric();
    let ex: PbExemplar | undefined;
    switch (this.#mf!.type) {
      case PbMetricType.COUNTER:
        ex = m.counter?.exemplar;
        break;
      case PbMetricType.HISTOGRAM:
      case PbMetricType.GAUGE_HISTOGRAM: {
        const h = m.histogram;
        if (h === undefined) return undefined;
        const isClassic = this.#state === Entry.Series;
        if (!isClassic && h.exemplars.length > 0) {
          // Native histograms: their own exemplars, those without a timestamp skipped.
          const exs = h.exemplars;
          ex = undefined;
          while (this.#exemplarPos < exs.length) {
            const e = exs[this.#exemplarPos++]!;
            if (e.timestampMs !== undefined) {
              ex = e;
              break;
            }
          }
        } else if (isClassic) {
          if (this.#fieldPos < 0) return undefined; // At `_count` or `_sum`.
          ex = h.bucket[this.#fieldPos]?.exemplar;
        } else {
          // A native histogram without its own exemplars: those of the classic buckets, if timestamped.
          ex = undefined;
          const bb = h.bucket;
          while (this.#exemplarPos < bb.length) {
            const e = bb[this.#exemplarPos++]!.exemplar;
            if (e?.timestampMs !== undefined) {
              ex = e;
              break;
            }
          }
        }
        break;
      }
      default:
        return undefined;
    }
    if (ex === undefined) return undefined;
    this.#exemplarReturned = true;
    const b = this.#builder;
    b.reset();
    for (const lp of ex.label) b.add(lp.name, lp.value);
    return {
      labels: b.labels(),
      value: ex.value,
      ts: ex.timestampMs ?? 0,
      hasTs: ex.timestampMs !== undefined,
    };
  }

  createdTimestamp(): number | undefined {
    const m = this.#metric();
    switch (this.#mf!.type) {
      case PbMetricType.COUNTER:
        return m.counter?.createdTimestampMs;
      case PbMetricType.SUMMARY:
        return m.summary?.createdTimestampMs;
      case PbMetricType.HISTOGRAM:
      case PbMetricType.GAUGE_HISTOGRAM:
        return m.histogram?.createdTimestampMs;
      default:
        return undefined;
    }
  }

  metadataName(): string {
    return this.#mf!.name;
  }

  help(): string {
    return this.#mf!.help;
  }

  type(): MetricType {
    return TYPE_NAMES[this.#mf!.type]!;
  }

  unit(): string {
    return this.#mf!.unit;
  }

  comment(): string {
    return '';
  }

  #fail(reason: string, cause?: unknown): never {
    throw new ParseError(reason, 0, 0, this.#msgStart, cause === undefined ? undefined : { cause });
  }
}

/** Whether `name` ends in `_<unit>` (Prometheus's unit suffix check). */
function hasUnitSuffix(name: string, unit: string): boolean {
  return name.endsWith(unit) && name.length >= unit.length + 1 && name[name.length - unit.length - 1] === '_';
}
