// Prometheus: promql/engine.go eval (*parser.Call with a range-vector argument)
import { possibleNonCounterInfo } from './annotations.js';
import type { EvalHost, RangeSource } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import { anchoredChanges, type ExtWindow, extendedRate } from './functions/extended-range.js';
import * as ot from './functions/over-time.js';
import type { RangeCtx, RangeKernel } from './functions/range-context.js';
import * as rk from './functions/rate.js';
import type { Call } from './parser/index.js';
import { absentLabels, stepIndex, unwrap } from './call-helpers.js';
import { dropMetricName, mergeSameLabels } from './series-utils.js';
import { Series } from './value.js';

/** The range-vector functions, by name. */
export const rangeKernels: Record<string, RangeKernel> = {
  rate: rk.rate,
  increase: rk.increase,
  delta: rk.delta,
  irate: rk.irate,
  idelta: rk.idelta,
  deriv: rk.deriv,
  predict_linear: rk.predictLinear,
  avg_over_time: ot.avgOverTime,
  sum_over_time: ot.sumOverTime,
  count_over_time: ot.countOverTime,
  min_over_time: ot.minOverTime,
  max_over_time: ot.maxOverTime,
  last_over_time: ot.lastOverTime,
  first_over_time: ot.firstOverTime,
  ts_of_last_over_time: ot.tsOfLastOverTime,
  ts_of_first_over_time: ot.tsOfFirstOverTime,
  ts_of_max_over_time: ot.tsOfMaxOverTime,
  ts_of_min_over_time: ot.tsOfMinOverTime,
  stddev_over_time: ot.stddevOverTime,
  stdvar_over_time: ot.stdvarOverTime,
  quantile_over_time: ot.quantileOverTime,
  mad_over_time: ot.madOverTime,
  present_over_time: ot.presentOverTime,
  absent_over_time: ot.presentOverTime,
  changes: ot.changes,
  resets: ot.resets,
  double_exponential_smoothing: ot.doubleExponentialSmoothing,
  holt_winters: ot.doubleExponentialSmoothing,
};

/** Evaluates a function over a range vector, one window per series and step. */
export function evalRangeFunction(ev: EvalHost, e: Call, kernel: RangeKernel): Series[] {
  const name = e.func.name;
  const mIdx = e.func.argTypes.indexOf('matrix');
  const argExpr = unwrap(e.args[mIdx]!);
  if (argExpr.type !== 'MatrixSelector' && argExpr.type !== 'SubqueryExpr') {
    throw new PromQLEvalError(`expected a range vector argument for ${name}`);
  }
  const params: Float64Array[] = [];
  for (let i = 0; i < e.args.length; i++) if (i !== mIdx) params.push(ev.evalScalar(e.args[i]!));
  const src = ev.rangeSource(argExpr);
  const dropName = name !== 'last_over_time' && name !== 'first_over_time';
  const c: RangeCtx = {
    t: 0,
    rangeStart: 0,
    rangeEnd: 0,
    rangeMs: src.rangeMs,
    p0: 0,
    p1: 0,
    skip: false,
    annos: ev.annos,
    metricName: '',
    pos: e.args[mIdx]!.posRange,
    paramPos: (e.args[mIdx === 0 ? 1 : 0] ?? e).posRange,
    scratch: new Float64Array(16),
    sts: null,
  };
  if (src.anchored || src.smoothed) return evalExtendedRange(ev, e, src, c);
  const p0 = params[0];
  const p1 = params[1];
  const out: Series[] = [];
  const isRateLike = name === 'rate' || name === 'increase';
  for (const s of src.series) {
    ev.checkCancel('expression evaluation');
    const ts = s.ts;
    const n = s.length;
    let lo = 0;
    let hi = 0;
    let res: Series | null = null;
    c.metricName = s.metric.get('__name__');
    c.sts = s.sts ?? null;
    for (let k = 0; k < ev.numSteps; k++) {
      const stepT = ev.start + k * ev.interval;
      const refT = (src.at ?? stepT) - src.offsetMs;
      const rangeStart = refT - src.rangeMs;
      if (src.at !== null) {
        lo = 0;
        hi = 0;
      }
      while (hi < n && ts[hi]! <= refT) hi++;
      while (lo < hi && ts[lo]! <= rangeStart) lo++;
      if (lo === hi) continue;
      ev.countStep(k, hi - lo);
      c.t = stepT;
      c.rangeStart = rangeStart;
      c.rangeEnd = refT;
      if (p0 !== undefined) c.p0 = p0[k]!;
      if (p1 !== undefined) c.p1 = p1[k]!;
      c.skip = false;
      const v = kernel(ts, s.vs, lo, hi, c);
      if (c.skip) continue;
      if (res === null) res = new Series(s.metric, ev.numSteps - k, s.dropName || dropName);
      res.push(stepT, v);
    }
    if (res !== null) {
      ev.countSamples(res.length);
      out.push(res);
      if (isRateLike) {
        const mn = c.metricName;
        if (
          mn !== '' &&
          !mn.endsWith('_total') &&
          !mn.endsWith('_sum') &&
          !mn.endsWith('_count') &&
          !mn.endsWith('_bucket')
        ) {
          ev.annos.add(possibleNonCounterInfo(mn, e.args[mIdx]!.posRange));
        }
      }
    }
  }
  if (name === 'absent_over_time') return absentOverTime(ev, e, out);
  if (!dropName) return out;
  if (ev.delayedNameRemoval) return out;
  for (const s of out) s.metric = dropMetricName(s.metric);
  return mergeSameLabels(out);
}

const anchoredFns = new Set(['changes', 'delta', 'increase', 'rate', 'resets']);
const smoothedFns = new Set(['delta', 'increase', 'rate']);

/** A range function over an `anchored` or `smoothed` matrix selector. */
function evalExtendedRange(ev: EvalHost, e: Call, src: RangeSource, c: RangeCtx): Series[] {
  const name = e.func.name;
  if (src.smoothed && !smoothedFns.has(name)) {
    throw new PromQLEvalError(`smoothed modifier can only be used with: delta, increase, rate - not with ${name}`);
  }
  if (src.anchored && !anchoredFns.has(name)) {
    throw new PromQLEvalError(
      `anchored modifier can only be used with: changes, delta, increase, rate, resets - not with ${name}`,
    );
  }
  const w: ExtWindow = { lo: 0, hi: 0, before: -1, after: -1 };
  const out: Series[] = [];
  for (const s of src.series) {
    const ts = s.ts;
    const n = s.length;
    let res: Series | null = null;
    for (let k = 0; k < ev.numSteps; k++) {
      const stepT = ev.start + k * ev.interval;
      const refT = (src.at ?? stepT) - src.offsetMs;
      const rangeStart = refT - src.rangeMs;
      let lo = 0;
      while (lo < n && ts[lo]! <= rangeStart) lo++;
      let hi = lo;
      while (hi < n && ts[hi]! <= refT) hi++;
      w.lo = lo;
      w.hi = hi;
      w.before = lo > 0 && ts[lo - 1]! > rangeStart - src.lookbackMs ? lo - 1 : -1;
      w.after = src.smoothed && hi < n && ts[hi]! - refT < src.lookbackMs ? hi : -1;
      c.t = stepT;
      c.rangeStart = rangeStart;
      c.rangeEnd = refT;
      c.skip = false;
      const v =
        name === 'changes' || name === 'resets'
          ? anchoredChanges(s.vs, w, c, name === 'resets')
          : extendedRate(ts, s.vs, w, c, src.smoothed, name !== 'delta', name === 'rate');
      if (c.skip) continue;
      if (res === null) res = new Series(s.metric, ev.numSteps - k, true);
      res.push(stepT, v);
    }
    if (res !== null) out.push(res);
  }
  let total = 0;
  for (const s of out) total += s.length;
  ev.countSamples(total);
  if (ev.delayedNameRemoval) return out;
  for (const s of out) s.metric = dropMetricName(s.metric);
  return mergeSameLabels(out);
}

function absentOverTime(ev: EvalHost, e: Call, mat: Series[]): Series[] {
  const found = new Uint8Array(ev.numSteps);
  for (const s of mat) for (let i = 0; i < s.length; i++) found[stepIndex(ev, s.ts[i]!)] = 1;
  const out = new Series(absentLabels(unwrap(e.args[0]!)), 4, true);
  for (let k = 0; k < ev.numSteps; k++) if (found[k] === 0) out.push(ev.start + k * ev.interval, 1);
  return out.length > 0 ? [out] : [];
}
