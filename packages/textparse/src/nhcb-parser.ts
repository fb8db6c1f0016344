// Prometheus: model/textparse/nhcbparse.go NHCBParser; util/convertnhcb/convertnhcb.go
// TempHistogram, GetHistogramMetricBaseName.
import { compactFloatHistogram, compactHistogram, validateFloatHistogram, validateHistogram } from '@tsprom/histogram';
import { BucketLabel, type Labels, LabelsBuilder, MetricName } from '@tsprom/labels';
import {
  CounterResetHint,
  CustomBucketsSchema,
  type Exemplar,
  type FloatHistogram,
  type Histogram,
  type MetricType,
} from '@tsprom/storage-interfaces';
import { lastFloatStatus, parseGoFloat } from './go-float.js';
import { Entry, type Parser } from './parser.js';

const SUFFIX_BUCKET = '_bucket';
const SUFFIX_COUNT = '_count';
const SUFFIX_SUM = '_sum';

/** Prometheus convertnhcb.TempHistogram: a classic histogram's series collected for conversion. */
class TempHistogram {
  les: number[] = [];
  counts: number[] = [];
  count = 0;
  hasCount = false;
  sum = 0;
  bad = false;

  reset(): void {
    this.les.length = 0;
    this.counts.length = 0;
    this.count = 0;
    this.hasCount = false;
    this.sum = 0;
    this.bad = false;
  }

  /** Buckets may come in any order; a duplicate `le` is ignored, non-cumulative counts are an error. */
  setBucketCount(le: number, count: number): void {
    if (this.bad) return;
    const les = this.les;
    let i = les.length;
    while (i > 0 && les[i - 1]! > le) i--;
    if (i > 0 && les[i - 1] === le) return;
    if ((i > 0 && count < this.counts[i - 1]!) || (i < les.length && count > this.counts[i]!)) {
      this.bad = true;
      return;
    }
    les.splice(i, 0, le);
    this.counts.splice(i, 0, count);
  }

  /** Prometheus TempHistogram.Convert: the NHCB, integer if every count is. */
  convert(): { h?: Histogram; fh?: FloatHistogram } | undefined {
    if (this.bad) return undefined;
    const les = this.les;
    const counts = this.counts;
    if (les.length === 0 || les[les.length - 1] !== Number.POSITIVE_INFINITY) {
      if (!this.hasCount && les.length > 0) this.count = counts[counts.length - 1]!;
      les.push(Number.POSITIVE_INFINITY);
      counts.push(this.count);
    }
    if (!this.hasCount) this.count = counts[counts.length - 1]!;
    const n = les.length;
    const customValues = les.slice(0, n - 1);
    const integer = Number.isInteger(this.count) && counts.every((c) => Number.isInteger(c));
    const buckets = new Array<number>(n);
    let prevCount = 0;
    let prevDelta = 0;
    for (let i = 0; i < n; i++) {
      const delta = counts[i]! - prevCount;
      buckets[i] = integer ? delta - prevDelta : delta;
      prevCount = counts[i]!;
      prevDelta = delta;
    }
    const h: Histogram = {
      counterResetHint: CounterResetHint.Unknown,
      schema: CustomBucketsSchema,
      zeroThreshold: 0,
      zeroCount: 0,
      count: this.count,
      sum: this.sum,
      positiveSpans: [{ offset: 0, length: n }],
      negativeSpans: [],
      positiveBuckets: buckets,
      negativeBuckets: [],
      customValues,
    };
    return integer ? { h: compactHistogram(h, 2) } : { fh: compactFloatHistogram(h, 0) };
  }
}

/** Prometheus GetHistogramMetricBaseName: the suffix (`_bucket`, `_count`, `_sum`) and the base name. */
function baseName(name: string): [string, string] {
  for (const s of [SUFFIX_BUCKET, SUFFIX_COUNT, SUFFIX_SUM]) {
    if (name.endsWith(s)) return [s, name.slice(0, name.length - s.length)];
  }
  return ['', name];
}

/** The labels apart from `__name__` and `le` (Prometheus: HashWithoutLabels(le)). */
function keyWithoutLe(ls: Labels): string {
  let k = '';
  ls.forEach((n, v) => {
    if (n !== MetricName && n !== BucketLabel) k += `${n}\xff${v}\xff`;
  });
  return k;
}

/**
 * Wraps a parser so that classic histograms (`x_bucket{le=…}`, `x_count`, `x_sum` of a family of
 * type histogram) also come out as native histograms with custom buckets (NHCB, schema -53): a
 * Histogram entry named `x` after the last series of each, with their exemplars and created
 * timestamp. The classic series themselves are passed on only with `keepClassicHistograms`
 * (`always_scrape_classic_histograms`). Classic series after a native histogram of the same labels
 * (protobuf) are not converted. Bucket counts that are not cumulative, or a histogram that does
 * not validate, give no NHCB.
 */
export class NHCBParser implements Parser {
  readonly #p: Parser;
  readonly #keep: boolean;
  #typ: MetricType = 'unknown';
  #bName = '';
  #labels: Labels | undefined;

  // The classic histogram being collected.
  #collecting = false;
  readonly #temp = new TempHistogram();
  #tempLabels: Labels | undefined;
  #tempTs: number | undefined;
  #tempCT: number | undefined;
  #tempExemplars: Exemplar[] = [];
  #lastName = '';
  #lastKey = '';
  #lastExponential = false;

  // The NHCB being emitted, and the entry of the wrapped parser that follows it.
  #emitting = false;
  #justInserted = false;
  #pending: Entry = Entry.EOF;
  #h: Histogram | undefined;
  #fh: FloatHistogram | undefined;
  #nhcbLabels: Labels | undefined;
  #nhcbSeries = '';
  #nhcbTs: number | undefined;
  #nhcbCT: number | undefined;
  #nhcbExemplars: Exemplar[] = [];
  // Exemplars of a classic series read for the NHCB, replayed when the series is passed on.
  #replay: Exemplar[] = [];
  #replaying = false;
  readonly #builder = new LabelsBuilder();

  constructor(p: Parser, keepClassicHistograms: boolean) {
    this.#p = p;
    this.#keep = keepClassicHistograms;
  }

  next(): Entry {
    this.#replaying = false;
    if (this.#emitting) {
      this.#emitting = false;
      this.#justInserted = false;
      const e = this.#pending;
      if (e === Entry.Series) {
        const isNHCB = this.#handleClassic(this.#labels!);
        if (isNHCB && !this.#keep) return this.next();
      }
      return e;
    }
    const e = this.#p.next();
    if (e === Entry.EOF) return this.#emit(Entry.EOF) ? Entry.Histogram : Entry.EOF;
    switch (e) {
      case Entry.Series: {
        const ls = this.#p.labels();
        this.#labels = ls;
        let isNHCB: boolean;
        if (this.#labelsChanged(ls)) {
          if (this.#emit(Entry.Series)) return Entry.Histogram;
          isNHCB = this.#handleClassic(ls);
        } else {
          isNHCB = this.#lastExponential ? false : this.#handleClassic(ls);
        }
        if (isNHCB && !this.#keep) return this.next();
        return Entry.Series;
      }
      case Entry.Histogram: {
        const ls = this.#p.labels();
        this.#lastName = ls.get(MetricName);
        this.#lastKey = keyWithoutLe(ls);
        this.#lastExponential = true;
        break;
      }
      case Entry.Type:
        this.#typ = this.#p.type();
        this.#bName = this.#p.metadataName();
        break;
    }
    return this.#emit(e) ? Entry.Histogram : e;
  }

  /** Prometheus compareLabels: whether the series ends the histogram being collected. */
  #labelsChanged(ls: Labels): boolean {
    if (this.#lastName === '') return false;
    if (this.#typ !== 'histogram') return true;
    if (this.#lastName !== baseName(ls.get(MetricName))[1]) return true;
    return this.#lastKey !== keyWithoutLe(ls);
  }

  /** Prometheus handleClassicHistogramSeries: collects the series if it is part of a classic histogram. */
  #handleClassic(ls: Labels): boolean {
    if (this.#typ !== 'histogram') return false;
    const [suffix, name] = baseName(ls.get(MetricName));
    if (name !== this.#bName) return false;
    const v = this.#p.value();
    switch (suffix) {
      case SUFFIX_BUCKET: {
        const s = ls.get(BucketLabel);
        if (s === '') return false;
        const le = parseGoFloat(s, 0, s.length);
        if (lastFloatStatus() !== 0 || Number.isNaN(le)) return false;
        this.#collect(ls, name);
        this.#temp.setBucketCount(le, v);
        return true;
      }
      case SUFFIX_COUNT:
        this.#collect(ls, name);
        this.#temp.count = v;
        this.#temp.hasCount = true;
        return true;
      case SUFFIX_SUM:
        this.#collect(ls, name);
        this.#temp.sum = v;
        return true;
    }
    return false;
  }

  #collect(ls: Labels, name: string): void {
    if (!this.#collecting) {
      this.#lastName = name;
      this.#lastKey = keyWithoutLe(ls);
      this.#lastExponential = false;
      this.#collecting = true;
      this.#tempTs = this.#p.timestamp();
      this.#tempCT = this.#p.createdTimestamp();
      this.#tempLabels = this.#builder.reset(ls).del(BucketLabel).set(MetricName, name).labels();
    }
    const replay = this.#replay;
    replay.length = 0;
    for (let e = this.#p.exemplar(); e !== undefined; e = this.#p.exemplar()) {
      this.#tempExemplars.push(e);
      replay.push(e);
    }
    this.#replaying = true;
  }

  /** Prometheus processNHCB: converts what was collected; true if there is an NHCB to emit first. */
  #emit(pending: Entry): boolean {
    if (!this.#collecting) return false;
    this.#collecting = false;
    const r = this.#temp.convert();
    this.#temp.reset();
    const exemplars = this.#tempExemplars;
    this.#tempExemplars = [];
    if (r === undefined) return false;
    try {
      if (r.h !== undefined) validateHistogram(r.h);
      else validateFloatHistogram(r.fh!);
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      return false; // Prometheus drops a conversion that does not validate.
    }
    const ls = this.#tempLabels!;
    this.#h = r.h;
    this.#fh = r.fh;
    this.#nhcbLabels = ls;
    this.#nhcbSeries = ls.get(MetricName) + ls.toString().replace(/^\{__name__="(?:[^"\\]|\\.)*",? ?/, '{');
    this.#nhcbTs = this.#tempTs;
    this.#nhcbCT = this.#tempCT;
    this.#nhcbExemplars = exemplars;
    this.#pending = pending;
    this.#emitting = true;
    this.#justInserted = true;
    return true;
  }

  series(): string {
    return this.#justInserted ? this.#nhcbSeries : this.#p.series();
  }

  timestamp(): number | undefined {
    return this.#justInserted ? this.#nhcbTs : this.#p.timestamp();
  }

  value(): number {
    return this.#justInserted ? 0 : this.#p.value();
  }

  histogram(): Histogram | undefined {
    return this.#justInserted ? this.#h : this.#p.histogram();
  }

  floatHistogram(): FloatHistogram | undefined {
    return this.#justInserted ? this.#fh : this.#p.floatHistogram();
  }

  labels(): Labels {
    return this.#justInserted ? this.#nhcbLabels! : this.#p.labels();
  }

  duplicateLabelName(): string | undefined {
    return this.#justInserted ? undefined : this.#p.duplicateLabelName();
  }

  exemplar(): Exemplar | undefined {
    if (this.#justInserted) return this.#nhcbExemplars.shift();
    if (this.#replaying) return this.#replay.shift();
    return this.#p.exemplar();
  }

  createdTimestamp(): number | undefined {
    return this.#justInserted ? this.#nhcbCT : this.#p.createdTimestamp();
  }

  metadataName(): string {
    return this.#p.metadataName();
  }

  help(): string {
    return this.#p.help();
  }

  type(): MetricType {
    return this.#justInserted ? 'histogram' : this.#p.type();
  }

  unit(): string {
    return this.#p.unit();
  }

  comment(): string {
    return this.#p.comment();
  }
}
