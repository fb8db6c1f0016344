// Query results as plain objects: label sets as records, times in ms beside a Date, no typed
// arrays and no Labels to learn. Shaped like Prometheus's API JSON (`resultType`, `metric`), with
// numbers where the JSON has strings.
import { BucketIterator } from '@tsprom/histogram';
import type { QueryValue } from '@tsprom/promql';
import type { FloatHistogram } from '@tsprom/storage-interfaces';

/** A native histogram's value: `count`, `sum` and its populated buckets, lowest first. */
export interface HistogramValue {
  readonly count: number;
  readonly sum: number;
  /**
   * Populated buckets; `boundaryRule` as Prometheus's API: 0 `(lower, upper]`, 1 `[lower, upper)`,
   * 3 `[lower, upper]` (the zero bucket).
   */
  readonly buckets: readonly { boundaryRule: 0 | 1 | 3; lower: number; upper: number; count: number }[];
}

/** A point: its time (ms since the epoch, and as a Date) and its value. */
export interface Point {
  readonly timestampMs: number;
  readonly time: Date;
  /** The float value (0 for a histogram point). */
  readonly value: number;
  /** A native-histogram point's value. */
  readonly histogram?: HistogramValue;
}

/** One element of an instant vector: its labels and its point. */
export interface InstantSample extends Point {
  readonly metric: Readonly<Record<string, string>>;
}

/** One series of a range result: its labels and its points, oldest first. */
export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly points: readonly Point[];
}

/** What every result carries beside its value. */
interface ResultInfo {
  /** PromQL's warnings, as Prometheus's API words them. */
  readonly warnings: readonly string[];
  /** PromQL's info annotations. */
  readonly infos: readonly string[];
  /**
   * The facade's own hints: e.g. that the query's time is far from every sample of the DB (a time
   * in seconds read as ms?). Empty when there is nothing to say.
   */
  readonly hints: readonly string[];
}

/** The result of an instant query: one of Prometheus's four value types. */
export type QueryResult =
  | (ResultInfo & { readonly resultType: 'vector'; readonly result: readonly InstantSample[] })
  | (ResultInfo & { readonly resultType: 'matrix'; readonly result: readonly RangeSeries[] })
  | (ResultInfo & { readonly resultType: 'scalar'; readonly result: Point })
  | (ResultInfo & {
      readonly resultType: 'string';
      readonly result: { timestampMs: number; time: Date; value: string };
    });

/** The result of a range query: a matrix. */
export type RangeQueryResult = ResultInfo & { readonly resultType: 'matrix'; readonly result: readonly RangeSeries[] };

export function histogramValue(h: FloatHistogram): HistogramValue {
  const buckets: { boundaryRule: 0 | 1 | 3; lower: number; upper: number; count: number }[] = [];
  const neg: typeof buckets = [];
  const n = new BucketIterator(h, false);
  while (n.next()) if (n.count !== 0) neg.push({ boundaryRule: 1, lower: n.lower, upper: n.upper, count: n.count });
  neg.reverse();
  buckets.push(...neg);
  if (h.zeroCount !== 0) {
    buckets.push({ boundaryRule: 3, lower: -h.zeroThreshold, upper: h.zeroThreshold, count: h.zeroCount });
  }
  const p = new BucketIterator(h, true);
  while (p.next()) if (p.count !== 0) buckets.push({ boundaryRule: 0, lower: p.lower, upper: p.upper, count: p.count });
  return { count: h.count, sum: h.sum, buckets };
}

function point(t: number, v: number, h?: FloatHistogram): Point {
  return h === undefined
    ? { timestampMs: t, time: new Date(t), value: v }
    : { timestampMs: t, time: new Date(t), value: v, histogram: histogramValue(h) };
}

/** The plain form of an engine's value. */
export function plainValue(value: QueryValue): Pick<QueryResult, 'resultType' | 'result'> {
  switch (value.type) {
    case 'scalar':
      return { resultType: 'scalar', result: point(value.scalar.t, value.scalar.v) };
    case 'string':
      return {
        resultType: 'string',
        result: { timestampMs: value.string.t, time: new Date(value.string.t), value: value.string.v },
      };
    case 'vector':
      return {
        resultType: 'vector',
        result: value.vector.map((s) => ({ metric: s.metric.toMap(), ...point(s.t, s.f, s.h) })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.matrix.map((s) => {
          const points: Point[] = new Array(s.length);
          for (let i = 0; i < s.length; i++) points[i] = point(s.ts[i]!, s.vs[i]!, s.hs?.[i]);
          return { metric: s.metric.toMap(), points };
        }),
      };
  }
}
