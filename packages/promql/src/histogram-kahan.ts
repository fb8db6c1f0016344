// Prometheus: model/histogram/float_histogram.go KahanAdd and promql/engine.go aggregation (the
// compensated sum and mean of native histograms)
import {
  addFloatHistogram,
  compactFloatHistogram,
  customBucketBoundsMatch,
  exponentialBound,
  forEachBucket,
  IncompatibleSchemaError,
  LayoutBuilder,
  mulFloatHistogram,
  usesCustomBuckets,
} from '@tsprom/histogram';
import { CounterResetHint, copyFloatHistogram, type FloatHistogram, type Span } from '@tsprom/storage-interfaces';
import { kahan, kahanSumInc } from './kahan.js';

/** One compensated field: running sum and its Kahan compensation. */
interface Acc {
  s: number;
  c: number;
}

/** Adds `v` to the compensated field `a`. */
function inc(a: Acc, v: number): void {
  a.s = kahanSumInc(v, a.s, a.c);
  a.c = kahan.c;
}

/**
 * Where each bucket of the last layout added to a side of a sum went: its accumulator, or null for
 * the zero bucket. The next histogram of the same layout (the usual case: a sum over series of one
 * kind) is added bucket by bucket through it, with no map lookup or bound computed.
 */
class LayoutCache {
  valid = false;
  shift = 0;
  offsets: number[] = [];
  lengths: number[] = [];
  accs: (Acc | null)[] = [];

  matches(spans: readonly Span[], shift: number): boolean {
    if (!this.valid || shift !== this.shift || spans.length !== this.offsets.length) return false;
    for (let k = 0; k < spans.length; k++) {
      const sp = spans[k]!;
      if (sp.offset !== this.offsets[k] || sp.length !== this.lengths[k]) return false;
    }
    return true;
  }

  /** Starts recording the layout `spans` (added with `shift`). */
  record(spans: readonly Span[], shift: number): void {
    this.valid = true;
    this.shift = shift;
    this.offsets.length = 0;
    this.lengths.length = 0;
    this.accs.length = 0;
    for (let k = 0; k < spans.length; k++) {
      this.offsets.push(spans[k]!.offset);
      this.lengths.push(spans[k]!.length);
    }
  }
}

/**
 * A sum (or mean) of native histograms with Kahan compensation on every field (count, sum, zero
 * count, each bucket), as Prometheus sums histograms. Layout changes (lower schema) merge the
 * buckets; a different zero bucket or custom bounds fall back to a plain addition.
 */
export class HistogramKahanSum {
  #schema = 0;
  #custom = false;
  #zeroThreshold = 0;
  #customValues: number[] | undefined;
  #hint: CounterResetHint = CounterResetHint.Unknown;
  #count: Acc = { s: 0, c: 0 };
  #sum: Acc = { s: 0, c: 0 };
  #zero: Acc = { s: 0, c: 0 };
  #pos = new Map<number, Acc>();
  #neg = new Map<number, Acc>();
  #posLayout = new LayoutCache();
  #negLayout = new LayoutCache();
  #n = 0;
  /** Incremental mean (after the direct sum overflowed). */
  #incremental = false;
  counterResetCollision = false;
  nhcbBoundsReconciled = false;

  get n(): number {
    return this.#n;
  }

  #reset(h: FloatHistogram): void {
    this.#schema = h.schema;
    this.#custom = usesCustomBuckets(h);
    this.#zeroThreshold = h.zeroThreshold;
    this.#customValues = h.customValues;
    this.#hint = h.counterResetHint;
    this.#count = { s: h.count, c: 0 };
    this.#sum = { s: h.sum, c: 0 };
    this.#zero = { s: h.zeroCount, c: 0 };
    this.#pos = new Map();
    this.#neg = new Map();
    this.#posLayout.valid = false;
    this.#negLayout.valid = false;
    forEachBucket(h.positiveSpans, h.positiveBuckets, (i, v) => this.#pos.set(i, { s: v, c: 0 }));
    forEachBucket(h.negativeSpans, h.negativeBuckets, (i, v) => this.#neg.set(i, { s: v, c: 0 }));
  }

  #adjustHint(other: CounterResetHint): void {
    const a = this.#hint;
    if (a === other || a === CounterResetHint.Gauge) return;
    if (other === CounterResetHint.Gauge) this.#hint = CounterResetHint.Gauge;
    else if (a === CounterResetHint.Unknown) return;
    else {
      if (other !== CounterResetHint.Unknown) this.counterResetCollision = true;
      this.#hint = CounterResetHint.Unknown;
    }
  }

  #reduceTo(schema: number): void {
    const shift = this.#schema - schema;
    this.#posLayout.valid = false;
    this.#negLayout.valid = false;
    for (const side of [this.#pos, this.#neg]) {
      const entries = [...side];
      side.clear();
      for (const [i, a] of entries) {
        const t = ((i - 1) >> shift) + 1;
        const e = side.get(t);
        if (e === undefined) side.set(t, { s: a.s, c: a.c });
        else {
          e.s += a.s;
          e.c += a.c;
        }
      }
    }
    this.#schema = schema;
  }

  /** The histogram so far (sum, or mean once finished with `mean`). */
  value(mean = false): FloatHistogram {
    const div = mean && !this.#incremental ? this.#n : 1;
    const out = (a: Acc): number => (div === 1 ? a.s + a.c : a.s / div + a.c / div);
    const pos = new LayoutBuilder();
    for (const i of [...this.#pos.keys()].sort((x, y) => x - y)) pos.push(i, out(this.#pos.get(i)!));
    const neg = new LayoutBuilder();
    for (const i of [...this.#neg.keys()].sort((x, y) => x - y)) neg.push(i, out(this.#neg.get(i)!));
    const h: FloatHistogram = {
      counterResetHint: this.#hint,
      schema: this.#schema,
      zeroThreshold: this.#zeroThreshold,
      zeroCount: out(this.#zero),
      count: out(this.#count),
      sum: out(this.#sum),
      positiveSpans: pos.spans,
      positiveBuckets: pos.buckets,
      negativeSpans: neg.spans,
      negativeBuckets: neg.buckets,
    };
    if (this.#customValues !== undefined) h.customValues = this.#customValues;
    return compactFloatHistogram(h, 0);
  }

  /** Adds `h` (a sum), or folds it into the mean (`mean`). Throws IncompatibleSchemaError. */
  add(h: FloatHistogram, mean = false): void {
    this.#n++;
    if (this.#n === 1) {
      this.#reset(h);
      return;
    }
    const custom = usesCustomBuckets(h);
    if (custom !== this.#custom) throw new IncompatibleSchemaError(this.#schema, h.schema);
    if (
      (custom && !customBucketBoundsMatch(this.#customValues, h.customValues)) ||
      (!custom && h.zeroThreshold !== this.#zeroThreshold)
    ) {
      // Plain addition for what needs the layouts reconciled.
      const cur = this.value(false);
      // (In the incremental mean, `cur` is the mean so far: weigh both as the mean needs.)
      let other = h;
      if (this.#incremental) {
        mulFloatHistogram(cur, (this.#n - 1) / this.#n);
        other = mulFloatHistogram(copyFloatHistogram(h), 1 / this.#n);
      }
      const r = addFloatHistogram(cur, other);
      if (r.counterResetCollision) this.counterResetCollision = true;
      if (r.nhcbBoundsReconciled) this.nhcbBoundsReconciled = true;
      const n = this.#n;
      const incremental = this.#incremental;
      this.#reset(cur);
      this.#n = n;
      this.#incremental = incremental;
      return;
    }
    this.#adjustHint(h.counterResetHint);
    if (!custom && h.schema < this.#schema) this.#reduceTo(h.schema);
    const shift = custom ? 0 : h.schema - this.#schema;
    const n = this.#n;
    if (mean && !this.#incremental) {
      const next = kahanSumInc(h.count, this.#count.s, this.#count.c);
      if (next === Number.POSITIVE_INFINITY || next === Number.NEGATIVE_INFINITY) {
        // The direct sum overflows: go on with the incremental mean, as Prometheus does.
        this.#incremental = true;
        this.#divAll(n - 1);
      }
    }
    if (this.#incremental) this.#scaleAll((n - 1) / n);
    // Divided, not multiplied by 1/n, as Prometheus's Div: x/n and x*(1/n) differ in the last bit,
    // which large terms that cancel out leave as the result.
    const d = this.#incremental ? n : 1;
    inc(this.#count, h.count / d);
    inc(this.#sum, h.sum / d);
    inc(this.#zero, h.zeroCount / d);
    this.#addSide(this.#pos, this.#posLayout, h.positiveSpans, h.positiveBuckets, shift, custom, d);
    this.#addSide(this.#neg, this.#negLayout, h.negativeSpans, h.negativeBuckets, shift, custom, d);
  }

  // Adds the buckets of one side (divided by `d`), mapped to this sum's schema; buckets within
  // the zero bucket go to it. A loop over the spans: this runs for every histogram summed.
  #addSide(
    side: Map<number, Acc>,
    layout: LayoutCache,
    spans: readonly Span[],
    buckets: readonly number[],
    shift: number,
    custom: boolean,
    d: number,
  ): void {
    if (layout.matches(spans, shift)) {
      const accs = layout.accs;
      for (let b = 0; b < accs.length; b++) inc(accs[b] ?? this.#zero, (buckets[b] ?? 0) / d);
      return;
    }
    layout.record(spans, shift);
    const accs = layout.accs;
    const threshold = this.#zeroThreshold;
    const schema = this.#schema;
    let idx = 0;
    let b = 0;
    for (let k = 0; k < spans.length; k++) {
      const sp = spans[k]!;
      idx += sp.offset;
      for (let j = 0; j < sp.length; j++, idx++) {
        const v = buckets[b++] ?? 0;
        const t = shift > 0 ? ((idx - 1) >> shift) + 1 : idx;
        if (!custom && exponentialBound(t, schema) <= threshold) {
          accs.push(null);
          inc(this.#zero, v / d);
          continue;
        }
        let a = side.get(t);
        if (a === undefined) {
          a = { s: 0, c: 0 };
          side.set(t, a);
        }
        accs.push(a);
        inc(a, v / d);
      }
    }
  }

  #divAll(d: number): void {
    const dv = (a: Acc): void => {
      a.s /= d;
      a.c /= d;
    };
    dv(this.#count);
    dv(this.#sum);
    dv(this.#zero);
    for (const a of this.#pos.values()) dv(a);
    for (const a of this.#neg.values()) dv(a);
  }

  #scaleAll(q: number): void {
    const sc = (a: Acc): void => {
      a.s *= q;
      a.c *= q;
    };
    sc(this.#count);
    sc(this.#sum);
    sc(this.#zero);
    for (const a of this.#pos.values()) sc(a);
    for (const a of this.#neg.values()) sc(a);
  }
}
