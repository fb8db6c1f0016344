// Prometheus: promql/functions.go funcAvgOverTime, funcSumOverTime, … (the *_over_time family)
import { invalidQuantileWarning } from '../annotations.js';
import { kahan, kahanSumInc } from '../kahan.js';
import { PromQLEvalError } from '../errors.js';
import type { RangeCtx, RangeKernel } from './range-context.js';
import { quantileSorted, sortFloatsGo } from './quantile.js';
import { stResets } from './start-timestamps.js';

/** `avg_over_time`: Kahan sum, switching to an incremental mean if the sum would overflow. */
export const avgOverTime: RangeKernel = (_ts, vs, lo, hi) => {
  let sum = vs[lo]!;
  let count = 1;
  let mean = 0;
  let c = 0;
  let incremental = false;
  for (let i = lo + 1; i < hi; i++) {
    const f = vs[i]!;
    count = i - lo + 1;
    if (!incremental) {
      const newSum = kahanSumInc(f, sum, c);
      if (newSum !== Number.POSITIVE_INFINITY && newSum !== Number.NEGATIVE_INFINITY) {
        sum = newSum;
        c = kahan.c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    mean = kahanSumInc(f / count, q * mean, q * c);
    c = kahan.c;
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
};

/** `sum_over_time`. */
export const sumOverTime: RangeKernel = (_ts, vs, lo, hi) => {
  let sum = 0;
  let c = 0;
  for (let i = lo; i < hi; i++) {
    sum = kahanSumInc(vs[i]!, sum, c);
    c = kahan.c;
  }
  if (sum === Number.POSITIVE_INFINITY || sum === Number.NEGATIVE_INFINITY) return sum;
  return sum + c;
};

/** `count_over_time`. */
export const countOverTime: RangeKernel = (_ts, _vs, lo, hi) => hi - lo;

/** `present_over_time`. */
export const presentOverTime: RangeKernel = () => 1;

/** `last_over_time`. */
export const lastOverTime: RangeKernel = (_ts, vs, _lo, hi) => vs[hi - 1]!;

/** `first_over_time`. */
export const firstOverTime: RangeKernel = (_ts, vs, lo) => vs[lo]!;

/** `ts_of_last_over_time`. */
export const tsOfLastOverTime: RangeKernel = (ts, _vs, _lo, hi) => ts[hi - 1]! / 1000;

/** `ts_of_first_over_time`. */
export const tsOfFirstOverTime: RangeKernel = (ts, _vs, lo) => ts[lo]! / 1000;

/** `max_over_time` (NaN only if all are NaN). */
export const maxOverTime: RangeKernel = (_ts, vs, lo, hi) => {
  let m = vs[lo]!;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    if (f > m || Number.isNaN(m)) m = f;
  }
  return m;
};

/** `min_over_time`. */
export const minOverTime: RangeKernel = (_ts, vs, lo, hi) => {
  let m = vs[lo]!;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    if (f < m || Number.isNaN(m)) m = f;
  }
  return m;
};

/** `ts_of_max_over_time`: time of the last sample holding the maximum. */
export const tsOfMaxOverTime: RangeKernel = (ts, vs, lo, hi) => {
  let m = vs[lo]!;
  let t = ts[lo]!;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    if (f >= m || Number.isNaN(m)) {
      m = f;
      t = ts[i]!;
    }
  }
  return t / 1000;
};

/** `ts_of_min_over_time`: time of the last sample holding the minimum. */
export const tsOfMinOverTime: RangeKernel = (ts, vs, lo, hi) => {
  let m = vs[lo]!;
  let t = ts[lo]!;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    if (f <= m || Number.isNaN(m)) {
      m = f;
      t = ts[i]!;
    }
  }
  return t / 1000;
};

function varianceOverTime(vs: Float64Array, lo: number, hi: number): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    count++;
    const d = f - (mean + cMean);
    mean = kahanSumInc(d / count, mean, cMean);
    cMean = kahan.c;
    aux = kahanSumInc(d * (f - (mean + cMean)), aux, cAux);
    cAux = kahan.c;
  }
  return (aux + cAux) / count;
}

/** `stdvar_over_time`. */
export const stdvarOverTime: RangeKernel = (_ts, vs, lo, hi) => varianceOverTime(vs, lo, hi);
/** `stddev_over_time`. */
export const stddevOverTime: RangeKernel = (_ts, vs, lo, hi) => Math.sqrt(varianceOverTime(vs, lo, hi));

function sortedWindow(vs: Float64Array, lo: number, hi: number, c: RangeCtx): Float64Array {
  const n = hi - lo;
  if (c.scratch.length < n) c.scratch = new Float64Array(Math.max(n, c.scratch.length * 2));
  const buf = c.scratch.subarray(0, n);
  buf.set(vs.subarray(lo, hi));
  return sortFloatsGo(buf);
}

/** `quantile_over_time(q, v[d])`: p0 is q. */
export const quantileOverTime: RangeKernel = (_ts, vs, lo, hi, c) => {
  const q = c.p0;
  if (Number.isNaN(q) || q < 0 || q > 1) c.annos.add(invalidQuantileWarning(q, c.paramPos));
  return quantileSorted(q, sortedWindow(vs, lo, hi, c));
};

/** `mad_over_time`: median absolute deviation. */
export const madOverTime: RangeKernel = (_ts, vs, lo, hi, c) => {
  for (let i = lo; i < hi; i++) if (Number.isNaN(vs[i]!)) return Number.NaN;
  const sorted = sortedWindow(vs, lo, hi, c);
  const median = quantileSorted(0.5, sorted);
  for (let i = 0; i < sorted.length; i++) sorted[i] = Math.abs(sorted[i]! - median);
  sortFloatsGo(sorted);
  return quantileSorted(0.5, sorted);
};

/** `changes`. */
export const changes: RangeKernel = (_ts, vs, lo, hi) => {
  let n = 0;
  let prev = vs[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const cur = vs[i]!;
    if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) n++;
    prev = cur;
  }
  return n;
};

/** `resets`. */
export const resets: RangeKernel = (ts, vs, lo, hi, c) => {
  if (c.sts !== null) return stResets(ts, vs, c.sts, lo, hi);
  let n = 0;
  let prev = vs[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const cur = vs[i]!;
    if (cur < prev) n++;
    prev = cur;
  }
  return n;
};

/** `double_exponential_smoothing(v[d], sf, tf)` (formerly holt_winters). */
// Prometheus: promql/functions.go funcDoubleExponentialSmoothing
export const doubleExponentialSmoothing: RangeKernel = (_ts, vs, lo, hi, c) => {
  const sf = c.p0;
  const tf = c.p1;
  if (!(sf > 0 && sf < 1)) {
    throw new PromQLEvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
  }
  if (!(tf > 0 && tf < 1)) {
    throw new PromQLEvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
  }
  const l = hi - lo;
  if (l < 2) {
    c.skip = true;
    return 0;
  }
  let s0 = 0;
  let s1 = vs[lo]!;
  let b = vs[lo + 1]! - vs[lo]!;
  for (let i = 1; i < l; i++) {
    const x = sf * vs[lo + i]!;
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
};
