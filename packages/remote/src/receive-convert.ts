// Prometheus: prompb/codec.go (ToLabels, ToIntHistogram, ToFloatHistogram, ToExemplar) and
// prompb/io/prometheus/write/v2/codec.go: the wire types of a received request turned into what
// the storage appends.
import { type Labels, MetricName, type ScratchBuilder } from '@tsprom/labels';
import type { Exemplar, FloatHistogram, Histogram, Metadata, MetricType } from '@tsprom/storage-interfaces';
import type { PbHistogram } from './proto-histogram.js';
import type { PbLabel } from './write-request.js';

/** Why a series' labels are refused: Prometheus answers them with 400 (2.0) or skips them (1.0). */
export class InvalidSeriesLabelsError extends Error {
  override readonly name = 'InvalidSeriesLabelsError';
}

/**
 * Labels from pairs of name, value (from `get(i)` for i < n), checked as Prometheus's write handler
 * checks them: a metric name, names and values valid (UTF-8 scheme) and no name twice. Throws
 * InvalidSeriesLabelsError naming what is wrong.
 */
export function checkedLabels(b: ScratchBuilder, names: readonly string[], values: readonly string[]): Labels {
  b.reset();
  let sorted = true;
  let hasName = false;
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    b.add(n, values[i]!);
    if (n === MetricName && values[i] !== '') hasName = true;
    if (i > 0 && !(names[i - 1]! < n)) sorted = false;
  }
  const dup = sorted ? undefined : duplicateName(names);
  const ls = b.labels();
  if (!hasName || !ls.isValid('utf8')) {
    throw new InvalidSeriesLabelsError(`invalid metric name or labels, got ${pairsString(names, values)}`);
  }
  if (dup !== undefined) {
    throw new InvalidSeriesLabelsError(
      `invalid labels for series, labels ${pairsString(names, values)}, duplicated label ${dup}`,
    );
  }
  return ls;
}

function duplicateName(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return n;
    seen.add(n);
  }
  return undefined;
}

function pairsString(names: readonly string[], values: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]}=${JSON.stringify(values[i])}`);
  return `{${parts.join(', ')}}`;
}

/** Splits Remote Write 1.0 labels into names and values (reusing the arrays). */
export function splitPbLabels(ls: readonly PbLabel[], names: string[], values: string[]): void {
  names.length = ls.length;
  values.length = ls.length;
  for (let i = 0; i < ls.length; i++) {
    names[i] = ls[i]!.name;
    values[i] = ls[i]!.value;
  }
}

/** Resolves Remote Write 2.0 label refs into names and values; throws RangeError on a bad ref. */
export function resolveRefs(
  refs: readonly number[],
  symbols: readonly string[],
  names: string[],
  values: string[],
): void {
  if (refs.length % 2 !== 0) throw new RangeError(`odd number of label refs: ${refs.length}`);
  names.length = refs.length / 2;
  values.length = refs.length / 2;
  for (let i = 0; i < refs.length; i += 2) {
    const n = refs[i]!;
    const v = refs[i + 1]!;
    if (n >= symbols.length || v >= symbols.length) {
      throw new RangeError(
        `labelRefs ${i / 2}: symbol ref ${n >= symbols.length ? n : v} out of range (${symbols.length} symbols)`,
      );
    }
    names[i / 2] = symbols[n]!;
    values[i / 2] = symbols[v]!;
  }
}

/** Whether a wire histogram carries float counts (the `count_float` oneof). */
export function isFloatPbHistogram(h: PbHistogram): boolean {
  return h.countInt === undefined && h.countFloat !== undefined;
}

/** Prometheus: prompb Histogram.ToIntHistogram. */
export function toIntHistogram(h: PbHistogram): Histogram {
  const out: Histogram = {
    counterResetHint: h.resetHint as Histogram['counterResetHint'],
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCountInt ?? 0,
    count: h.countInt ?? 0,
    sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: h.positiveDeltas.slice(),
    negativeBuckets: h.negativeDeltas.slice(),
  };
  if (h.customValues.length > 0) out.customValues = h.customValues.slice();
  return out;
}

/** Prometheus: prompb Histogram.ToFloatHistogram (float counts as they are). */
export function toFloatHistogram(h: PbHistogram): FloatHistogram {
  const out: FloatHistogram = {
    counterResetHint: h.resetHint as FloatHistogram['counterResetHint'],
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCountFloat ?? 0,
    count: h.countFloat ?? 0,
    sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: h.positiveCounts.slice(),
    negativeBuckets: h.negativeCounts.slice(),
  };
  if (h.customValues.length > 0) out.customValues = h.customValues.slice();
  return out;
}

/** An exemplar from names and values of its labels. */
export function toExemplar(
  b: ScratchBuilder,
  names: readonly string[],
  values: readonly string[],
  value: number,
  ts: number,
): Exemplar {
  b.reset();
  for (let i = 0; i < names.length; i++) b.add(names[i]!, values[i]!);
  b.sort();
  return { labels: b.labels(), value, ts, hasTs: ts !== 0 };
}

const METRIC_TYPES: readonly MetricType[] = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];

/** Prometheus: writev2 TimeSeries.ToMetadata: METRIC_TYPE_* number, help and unit. */
export function toMetadata(type: number, help: string, unit: string): Metadata {
  return { type: METRIC_TYPES[type] ?? 'unknown', help, unit };
}

/** Prometheus: prompb.FromIntHistogram: a stored histogram at `t` in wire form. */
export function fromIntHistogram(t: number, h: Histogram): PbHistogram {
  return {
    countInt: h.count,
    countFloat: undefined,
    sum: h.sum,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCountInt: h.zeroCount,
    zeroCountFloat: undefined,
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeDeltas: h.negativeBuckets.slice(),
    negativeCounts: [],
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveDeltas: h.positiveBuckets.slice(),
    positiveCounts: [],
    resetHint: h.counterResetHint,
    timestamp: t,
    customValues: h.customValues?.slice() ?? [],
    startTimestamp: 0,
  };
}

/** Prometheus: prompb.FromFloatHistogram. */
export function fromFloatHistogram(t: number, h: FloatHistogram): PbHistogram {
  return {
    countInt: undefined,
    countFloat: h.count,
    sum: h.sum,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCountInt: undefined,
    zeroCountFloat: h.zeroCount,
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeDeltas: [],
    negativeCounts: h.negativeBuckets.slice(),
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveDeltas: [],
    positiveCounts: h.positiveBuckets.slice(),
    resetHint: h.counterResetHint,
    timestamp: t,
    customValues: h.customValues?.slice() ?? [],
    startTimestamp: 0,
  };
}
