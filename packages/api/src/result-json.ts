// Prometheus: web/api/v1/json_codec.go, util/jsonutil MarshalTimestamp and MarshalFloat: query
// results written as JSON text directly (no object per point), byte for byte as Prometheus writes
// them.
import { BucketIterator } from '@tsprom/histogram';
import type { Labels } from '@tsprom/labels';
import { formatFloatF, type QueryValue } from '@tsprom/promql';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { goJSONString } from './go-json.js';

/** Prometheus MarshalTimestamp: ms as seconds with up to three decimals, trailing zeros kept. */
export function formatTimestamp(ms: number): string {
  let t = ms;
  let sign = '';
  if (t < 0) {
    sign = '-';
    t = -t;
  }
  const secs = Math.trunc(t / 1000);
  const frac = t - secs * 1000;
  if (frac === 0) return `${sign}${secs}`;
  const f = frac < 10 ? `00${frac}` : frac < 100 ? `0${frac}` : `${frac}`;
  return `${sign}${secs}.${f}`;
}

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

function point(t: number, v: number): string {
  return `[${formatTimestamp(t)},"${formatFloatF(v)}"]`;
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

function histogramPoint(t: number, h: FloatHistogram): string {
  return `[${formatTimestamp(t)},${histogramJSON(h)}]`;
}

/** The `result` of a query: vector, matrix, scalar or string, as Prometheus encodes it. */
export function queryResultJSON(value: QueryValue): string {
  switch (value.type) {
    case 'scalar':
      return point(value.scalar.t, value.scalar.v);
    case 'string':
      return `[${formatTimestamp(value.string.t)},${goJSONString(value.string.v)}]`;
    case 'vector': {
      const parts: string[] = new Array(value.vector.length);
      for (let i = 0; i < value.vector.length; i++) {
        const s = value.vector[i]!;
        parts[i] =
          s.h === undefined
            ? `{"metric":${labelsJSON(s.metric)},"value":${point(s.t, s.f)}}`
            : `{"metric":${labelsJSON(s.metric)},"histogram":${histogramPoint(s.t, s.h)}}`;
      }
      return `[${parts.join(',')}]`;
    }
    case 'matrix': {
      const parts: string[] = new Array(value.matrix.length);
      for (let i = 0; i < value.matrix.length; i++) {
        const s = value.matrix[i]!;
        const ts = s.ts;
        const vs = s.vs;
        const hs = s.hs;
        if (hs === null) {
          const pts: string[] = new Array(s.length);
          for (let j = 0; j < s.length; j++) pts[j] = point(ts[j]!, vs[j]!);
          parts[i] = `{"metric":${labelsJSON(s.metric)},"values":[${pts.join(',')}]}`;
          continue;
        }
        // Floats in "values", histograms in "histograms"; an empty list is left out.
        const pts: string[] = [];
        const hpts: string[] = [];
        for (let j = 0; j < s.length; j++) {
          const h = hs[j];
          if (h === undefined) pts.push(point(ts[j]!, vs[j]!));
          else hpts.push(histogramPoint(ts[j]!, h));
        }
        const values = pts.length > 0 ? `,"values":[${pts.join(',')}]` : '';
        const histograms = hpts.length > 0 ? `,"histograms":[${hpts.join(',')}]` : '';
        parts[i] = `{"metric":${labelsJSON(s.metric)}${values}${histograms}}`;
      }
      return `[${parts.join(',')}]`;
    }
  }
}
