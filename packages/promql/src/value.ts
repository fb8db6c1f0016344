// Prometheus: promql/value.go
import type { Labels } from '@tsprom/labels';
import type { Annotations, FloatHistogram } from '@tsprom/storage-interfaces';
import type { PointSlab } from './point-slab.js';

/** One element of an instant vector. Time in ms. */
// Prometheus: promql/value.go Sample
export interface Sample {
  metric: Labels;
  t: number;
  f: number;
  /** Delayed name removal: `__name__` is dropped when the query ends (Prometheus `DropName`). */
  dropName: boolean;
  /** A native-histogram sample (then `f` is 0); absent for a float sample. */
  h?: FloatHistogram;
}

/** An instant vector. Its order is the order Prometheus returns. */
export type Vector = Sample[];

/** Points a Series allocates at most before it holds them (Prometheus: maxPointsSliceSize). */
export const maxPreallocatedPoints = 5000;

/**
 * One series of a range vector: `length` float points, timestamps (ms) in `ts` and values in `vs`.
 * The arrays may be longer than `length`; entries past it are unused. The Series owns them.
 */
// Prometheus: promql/value.go Series
export class Series {
  ts: Float64Array;
  vs: Float64Array;
  length = 0;
  /**
   * Native-histogram points: `hs[i]` is the histogram of point `i` (whose `vs[i]` is then 0), or
   * undefined for a float point. Null while the series has no histogram point (the float path).
   */
  hs: (FloatHistogram | undefined)[] | null = null;
  /**
   * `capacity` is the number of points expected; at most {@link maxPreallocatedPoints} are
   * allocated before they exist, so that a long range allocates as its points come (and are
   * counted against the samples limit), not up front.
   */
  constructor(
    public metric: Labels,
    capacity = 4,
    public dropName = false,
    /** Where to take the arrays from (views of its shared buffers); else they are allocated. */
    slab?: PointSlab,
  ) {
    const n = capacity < 1 ? 1 : capacity > maxPreallocatedPoints ? maxPreallocatedPoints : capacity;
    if (slab !== undefined) {
      slab.take(n);
      this.ts = slab.ts;
      this.vs = slab.vs;
    } else {
      this.ts = new Float64Array(n);
      this.vs = new Float64Array(n);
    }
  }

  /** Makes the arrays hold at least `capacity` points (exactly that many when they grow). */
  reserve(capacity: number): void {
    if (capacity <= this.ts.length) return;
    const ts = new Float64Array(capacity);
    ts.set(this.ts.subarray(0, this.length));
    const vs = new Float64Array(capacity);
    vs.set(this.vs.subarray(0, this.length));
    this.ts = ts;
    this.vs = vs;
  }

  /** Appends a point (timestamps must increase). */
  push(t: number, v: number): void {
    if (this.length === this.ts.length) {
      const n = this.length * 2;
      const ts = new Float64Array(n);
      ts.set(this.ts);
      const vs = new Float64Array(n);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    this.ts[this.length] = t;
    this.vs[this.length++] = v;
  }

  /** Appends a histogram point (timestamps must increase). The series keeps `h`: pass a copy. */
  pushH(t: number, h: FloatHistogram): void {
    if (this.hs === null) this.hs = [];
    this.hs[this.length] = h;
    this.push(t, 0);
  }

  /** Appends point `i` of `src`, float or histogram. */
  pushFrom(src: Series, i: number): void {
    const h = src.hs === null ? undefined : src.hs[i];
    if (h !== undefined) this.pushH(src.ts[i]!, h);
    else this.push(src.ts[i]!, src.vs[i]!);
  }

  /** The histogram of point `i`, or undefined for a float point. */
  histogramAt(i: number): FloatHistogram | undefined {
    return this.hs === null ? undefined : this.hs[i];
  }

  /** The points as `{t, f}` objects (allocates; for output and tests). */
  floats(): FPoint[] {
    const out: FPoint[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = { t: this.ts[i]!, f: this.vs[i]! };
    return out;
  }
}

/** A float point of a series (ms, value). */
export interface FPoint {
  t: number;
  f: number;
}

/** A range vector: a list of series, sorted by labels in query results. */
export type Matrix = Series[];

/** A scalar result. */
export interface Scalar {
  t: number;
  v: number;
}

/** A string result. */
export interface StringValue {
  t: number;
  v: string;
}

/** The value of a query, tagged as Prometheus's API tags it (`resultType`). */
export type QueryValue =
  | { type: 'vector'; vector: Vector }
  | { type: 'matrix'; matrix: Matrix }
  | { type: 'scalar'; scalar: Scalar }
  | { type: 'string'; string: StringValue };

/** Counters of one query. */
// Prometheus: util/stats/query_stats.go QuerySamples
export interface QueryStats {
  /** Samples read from storage, counted at every step that reads them (Prometheus `TotalSamples`). */
  samplesLoaded: number;
  /** Highest number of samples held at once (Prometheus `PeakSamples`). */
  peakSamples: number;
  /**
   * Native-histogram samples the selection met. Their evaluation is not implemented yet: they are
   * skipped, so a query reading them gives no value for them.
   */
  histogramSamples: number;
  /** With `enablePerStepStats`: samples loaded per step of a range query. */
  samplesPerStep?: FPoint[];
}

/** The outcome of `Query.exec`: a value or an error, plus the annotations collected. */
// Prometheus: promql/value.go Result
export interface Result {
  value: QueryValue | null;
  err: Error | null;
  warnings: Annotations;
  stats: QueryStats;
}
