// Prometheus: web/api/v1/json_codec.go, util/jsonutil MarshalTimestamp and MarshalFloat: query
// results written as JSON text directly (no object per point), byte for byte as Prometheus writes
// them.
import type { Labels } from '@tsprom/labels';
import { formatFloatF, type QueryValue } from '@tsprom/promql';
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
        parts[i] = `{"metric":${labelsJSON(s.metric)},"value":${point(s.t, s.f)}}`;
      }
      return `[${parts.join(',')}]`;
    }
    case 'matrix': {
      const parts: string[] = new Array(value.matrix.length);
      for (let i = 0; i < value.matrix.length; i++) {
        const s = value.matrix[i]!;
        const pts: string[] = new Array(s.length);
        const ts = s.ts;
        const vs = s.vs;
        for (let j = 0; j < s.length; j++) pts[j] = point(ts[j]!, vs[j]!);
        parts[i] = `{"metric":${labelsJSON(s.metric)},"values":[${pts.join(',')}]}`;
      }
      return `[${parts.join(',')}]`;
    }
  }
}
