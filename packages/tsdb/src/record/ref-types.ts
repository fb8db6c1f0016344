// Prometheus: tsdb/record/record.go RefSeries, RefSample, RefExemplar, RefMetadata, RefMmapMarker,
// RefHistogramSample, RefFloatHistogramSample; tsdb/tombstones Stone.
import type { Labels } from '@tsprom/labels';
import type { FloatHistogram, Histogram, MetricType } from '@tsprom/storage-interfaces';

/** A series record entry: the head series ref (a uint64 counter, exact up to 2^53) and its labels. */
export interface RefSeries {
  ref: number;
  labels: Labels;
}

/** One float sample of a series: timestamp in ms, value. */
export interface RefSample {
  ref: number;
  t: number;
  v: number;
}

/**
 * Samples in columns, the allocation-free form of `RefSample[]` for hot paths (commit, replay).
 * Entries `[0, length)` are valid; the arrays may be longer. Whoever creates it owns the arrays;
 * `RecordDecoder.samplesInto` grows them (replacing the arrays) when they are too short.
 */
export interface RefSamples {
  refs: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
  length: number;
}

/** An exemplar of a series: timestamp in ms, value, its own labels (e.g. a trace id). */
export interface RefExemplar {
  ref: number;
  t: number;
  v: number;
  labels: Labels;
}

/** A metadata update of a series. */
export interface RefMetadata {
  ref: number;
  type: MetricType;
  unit: string;
  help: string;
}

/** Marks that the chunks of series `ref` up to `mmapRef` (a ChunkDiskMapperRef) went to disk. */
export interface RefMmapMarker {
  ref: number;
  mmapRef: number;
}

/** An inclusive time range in ms. */
export interface TimeInterval {
  mint: number;
  maxt: number;
}

/** Prometheus: tombstones.Stone. Deleted time ranges of one series. */
export interface Stone {
  ref: number;
  intervals: TimeInterval[];
}

/** An integer native histogram sample. */
export interface RefHistogramSample {
  ref: number;
  t: number;
  h: Histogram;
}

/** A float native histogram sample. */
export interface RefFloatHistogramSample {
  ref: number;
  t: number;
  fh: FloatHistogram;
}

/** Allocates a columnar sample buffer with room for `capacity` samples. */
export function newRefSamples(capacity = 128): RefSamples {
  return {
    refs: new Float64Array(capacity),
    ts: new Float64Array(capacity),
    vs: new Float64Array(capacity),
    length: 0,
  };
}

/** Makes `s` hold at least `n` samples, keeping entries `[0, s.length)`. */
export function growRefSamples(s: RefSamples, n: number): void {
  if (s.refs.length >= n) return;
  let cap = Math.max(16, s.refs.length * 2);
  while (cap < n) cap *= 2;
  const refs = new Float64Array(cap);
  const ts = new Float64Array(cap);
  const vs = new Float64Array(cap);
  refs.set(s.refs.subarray(0, s.length));
  ts.set(s.ts.subarray(0, s.length));
  vs.set(s.vs.subarray(0, s.length));
  s.refs = refs;
  s.ts = ts;
  s.vs = vs;
}

/**
 * Where the entries of a series record are, for filtering it without decoding labels: entry i has
 * series ref `refs[i]` and ends at byte `ends[i]` of the record (entry 0 starts at byte 1, entry i
 * at `ends[i - 1]`). Entries `[0, length)` are valid. Filled by `RecordDecoder.seriesRefsInto`,
 * which grows the arrays (replacing them) when they are too short.
 */
export interface SeriesRefs {
  refs: Float64Array;
  ends: Float64Array;
  length: number;
}

/** Allocates a SeriesRefs with room for `capacity` entries. */
export function newSeriesRefs(capacity = 128): SeriesRefs {
  return { refs: new Float64Array(capacity), ends: new Float64Array(capacity), length: 0 };
}
