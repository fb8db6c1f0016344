// Prometheus: web/api/v1/json_codec.go, util/jsonutil MarshalTimestamp and MarshalFloat: query
// results written as JSON text directly (no object per point), byte for byte as Prometheus writes
// them.
import { BucketIterator } from '@tsprom/histogram';
import type { Labels } from '@tsprom/labels';
import { formatFloatF, type QueryValue } from '@tsprom/promql';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { goJSONString } from './go-json.js';
import { formatTimestamp, JSONWriter } from './json-writer.js';

export { formatTimestamp };

/** A label set as a JSON object in label order (Prometheus Labels.MarshalJSON). */
export function labelsJSON(ls: Labels): string {
  let out = '{';
  let first = true;
  ls.forEach((name, value) => {
    out += `${first ? '' : ','}${goJSONString(name)}:${goJSONString(value)}`;
    first = false;
  });
  return `${out}}`;
}

// Prometheus: util/jsonutil MarshalHistogramBucket. Boundary rule 0: (lower, upper], 1: [lower,
// upper), 3: [lower, upper] (the zero bucket).
function bucketJSON(rule: number, lower: number, upper: number, count: number): string {
  return `[${rule},"${formatFloatF(lower)}","${formatFloatF(upper)}","${formatFloatF(count)}"]`;
}

/**
 * Prometheus: util/jsonutil MarshalHistogram. `{"count":"…","sum":"…","buckets":[[rule,"lower",
 * "upper","count"],…]}`, populated buckets only, from the lowest to the highest.
 */
export function histogramJSON(h: FloatHistogram): string {
  const buckets: string[] = [];
  const neg: string[] = [];
  const n = new BucketIterator(h, false);
  while (n.next()) if (n.count !== 0) neg.push(bucketJSON(1, n.lower, n.upper, n.count));
  for (let i = neg.length - 1; i >= 0; i--) buckets.push(neg[i]!);
  if (h.zeroCount !== 0) buckets.push(bucketJSON(3, -h.zeroThreshold, h.zeroThreshold, h.zeroCount));
  const p = new BucketIterator(h, true);
  while (p.next()) if (p.count !== 0) buckets.push(bucketJSON(0, p.lower, p.upper, p.count));
  const b = buckets.length > 0 ? `,"buckets":[${buckets.join(',')}]` : '';
  return `{"count":"${formatFloatF(h.count)}","sum":"${formatFloatF(h.sum)}"${b}}`;
}

/** The `result` of a query: vector, matrix, scalar or string, as Prometheus encodes it. */
export function queryResultJSON(value: QueryValue): string {
  const w = new JSONWriter();
  writeQueryResult(w, value);
  return w.text();
}

// The negative buckets of the histogram being written, kept to be written in reverse: reused.
const negative: number[] = [];

// `[rule,"lower","upper","count"]` after `,"buckets":[` (the first) or `,`; returns false.
function writeBucket(
  w: JSONWriter,
  first: boolean,
  rule: number,
  lower: number,
  upper: number,
  count: number,
): boolean {
  w.ascii(first ? ',"buckets":[[' : ',[');
  w.byte(0x30 + rule);
  w.byte(0x2c);
  w.quotedFloat(lower);
  w.byte(0x2c);
  w.quotedFloat(upper);
  w.byte(0x2c);
  w.quotedFloat(count);
  w.byte(0x5d);
  return false;
}

// Prometheus: util/jsonutil MarshalHistogram, as histogramJSON, into `w`.
function writeHistogram(w: JSONWriter, h: FloatHistogram): void {
  w.ascii('{"count":');
  w.quotedFloat(h.count);
  w.ascii(',"sum":');
  w.quotedFloat(h.sum);
  let first = true;
  negative.length = 0;
  const n = new BucketIterator(h, false);
  while (n.next()) if (n.count !== 0) negative.push(n.lower, n.upper, n.count);
  for (let i = negative.length - 3; i >= 0; i -= 3) {
    first = writeBucket(w, first, 1, negative[i]!, negative[i + 1]!, negative[i + 2]!);
  }
  if (h.zeroCount !== 0) first = writeBucket(w, first, 3, -h.zeroThreshold, h.zeroThreshold, h.zeroCount);
  const p = new BucketIterator(h, true);
  while (p.next()) if (p.count !== 0) first = writeBucket(w, first, 0, p.lower, p.upper, p.count);
  if (!first) w.byte(0x5d);
  w.byte(0x7d);
}

function writeHistogramPoint(w: JSONWriter, t: number, h: FloatHistogram): void {
  w.byte(0x5b);
  w.timestamp(t);
  w.byte(0x2c);
  writeHistogram(w, h);
  w.byte(0x5d);
}

/** Writes the `result` of a query (see queryResultJSON) into `w`. */
export function writeQueryResult(w: JSONWriter, value: QueryValue): void {
  switch (value.type) {
    case 'scalar':
      w.point(value.scalar.t, value.scalar.v);
      return;
    case 'string':
      w.byte(0x5b);
      w.timestamp(value.string.t);
      w.byte(0x2c);
      w.string(value.string.v);
      w.byte(0x5d);
      return;
    case 'vector': {
      const vector = value.vector;
      w.byte(0x5b);
      for (let i = 0; i < vector.length; i++) {
        const s = vector[i]!;
        w.ascii(i === 0 ? '{"metric":' : ',{"metric":');
        w.labels(s.metric);
        if (s.h === undefined) {
          w.ascii(',"value":');
          w.point(s.t, s.f);
        } else {
          w.ascii(',"histogram":');
          writeHistogramPoint(w, s.t, s.h);
        }
        w.byte(0x7d);
      }
      w.byte(0x5d);
      return;
    }
    case 'matrix': {
      const matrix = value.matrix;
      w.byte(0x5b);
      for (let i = 0; i < matrix.length; i++) {
        const s = matrix[i]!;
        const ts = s.ts;
        const vs = s.vs;
        const hs = s.hs;
        const n = s.length;
        w.ascii(i === 0 ? '{"metric":' : ',{"metric":');
        w.labels(s.metric);
        if (hs === null) {
          w.ascii(',"values":[');
          for (let j = 0; j < n; j++) {
            if (j > 0) w.byte(0x2c);
            w.point(ts[j]!, vs[j]!);
          }
          w.ascii(']}');
          continue;
        }
        // Floats in "values", histograms in "histograms"; an empty list is left out.
        let first = true;
        for (let j = 0; j < n; j++) {
          if (hs[j] !== undefined) continue;
          w.ascii(first ? ',"values":[' : ',');
          first = false;
          w.point(ts[j]!, vs[j]!);
        }
        if (!first) w.byte(0x5d);
        first = true;
        for (let j = 0; j < n; j++) {
          const h = hs[j];
          if (h === undefined) continue;
          w.ascii(first ? ',"histograms":[' : ',');
          first = false;
          writeHistogramPoint(w, ts[j]!, h);
        }
        if (!first) w.byte(0x5d);
        w.byte(0x7d);
      }
      w.byte(0x5d);
      return;
    }
  }
}
