// Prometheus: promql/engine.go eval (*parser.Call with a range-vector argument)
import { Labels } from '@tsprom/labels';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import {
  allHistograms,
  anchoredHistogramChanges,
  extendedHistogramRate,
} from './functions/extended-range-histogram.js';
import { countingRangeFns, histogramRange, histogramRangeFns, hres } from './functions/histogram-range.js';
import { histogramIgnoredInMixedRangeInfo } from './histogram-annotations.js';
import { possibleNonCounterInfo } from './annotations.js';
import type { EvalHost, RangeSource } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import { anchoredChanges, type ExtWindow, extendedRate } from './functions/extended-range.js';
import * as ot from './functions/over-time.js';
import type { RangeCtx, RangeKernel } from './functions/range-context.js';
import * as rk from './functions/rate.js';
import type { Call } from './parser/index.js';
import { absentLabels, stepIndex, unwrap } from './call-helpers.js';
import { eachPointBlock, inBlocks, makeRoom, workPerCheck } from './eval-loop.js';
import { StorageWindow, type SampleWindow, SeriesWindow } from './sample-window.js';
import { PointSlab } from './point-slab.js';
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

/** Window kernels run between two looks at the clock (points of windows and steps). */
const workPerBlock = workPerCheck;

/**
 * One range-vector function over one series at a run of steps: the hot loop, kept out of async
 * code. Reused for every series of a call.
 */
// Prometheus: promql/engine.go eval (*parser.Call), the loop over the series of the matrix argument
class RangeRun {
  /** The output of the current series (null until it has a point). */
  out: Series | null = null;
  win: SampleWindow;
  #metric: Labels = Labels.EMPTY;
  #dropName = false;
  /** The float points of a window that also holds histograms. */
  #fts = new Float64Array(16);
  #fvs = new Float64Array(16);

  constructor(
    readonly ev: EvalHost,
    readonly src: RangeSource,
    readonly name: string,
    readonly kernel: RangeKernel,
    readonly c: RangeCtx,
    readonly params: Float64Array[],
    readonly storageWin: StorageWindow,
    readonly seriesWin: SeriesWindow,
    readonly perStep: Float64Array | null,
    readonly slab: PointSlab,
  ) {
    this.win = storageWin;
  }

  /** Starts on series `i` of the source. */
  reset(i: number, dropName: boolean): Labels {
    const src = this.src;
    if (src.selected !== null) {
      const s = src.selected.series[i]!;
      this.storageWin.reset(s, src.selected.mint, src.selected.maxt);
      this.win = this.storageWin;
      this.#metric = s.labels();
      this.#dropName = dropName;
    } else {
      const s = src.series[i]!;
      this.seriesWin.reset(s);
      this.win = this.seriesWin;
      this.#metric = s.metric;
      this.#dropName = s.dropName || dropName;
    }
    this.out = null;
    this.c.metricName = this.#metric.get('__name__');
    return this.#metric;
  }

  /** Evaluates steps from `k0` until `kEnd` or a block of work is done; returns the next step. */
  steps(k0: number, kEnd: number): number {
    const ev = this.ev;
    const src = this.src;
    const c = this.c;
    const win = this.win;
    const p0 = this.params[0];
    const p1 = this.params[1];
    const counter = ev.samples;
    let work = 0;
    let k = k0;
    for (; k < kEnd && work < workPerBlock; k++) {
      const stepT = ev.start + k * ev.interval;
      const refT = (src.at ?? stepT) - src.offsetMs;
      const rangeStart = refT - src.rangeMs;
      win.advance(rangeStart, refT);
      const lo = win.lo;
      const hi = win.hi;
      work += hi - lo + 1;
      if (lo === hi) continue;
      counter.total += hi - lo;
      if (this.perStep !== null) this.perStep[k] = this.perStep[k]! + (hi - lo);
      c.t = stepT;
      c.rangeStart = rangeStart;
      c.rangeEnd = refT;
      if (p0 !== undefined) c.p0 = p0[k]!;
      if (p1 !== undefined) c.p1 = p1[k]!;
      c.sts = win.startTimestamps();
      c.drops = win.dropCounts();
      c.hresets = win.histogramResets();
      c.skip = false;
      const hs = win.hs;
      if (hs !== null && this.#histogramsIn(hs, lo, hi)) {
        this.#histogramStep(stepT, k, hs, lo, hi);
        continue;
      }
      const v = this.kernel(win.ts, win.vs, lo, hi, c);
      if (c.skip) continue;
      if (this.out === null) this.out = new Series(this.#metric, ev.numSteps - k, this.#dropName, this.slab);
      this.out.push(stepT, v);
    }
    return k;
  }

  #histogramsIn(hs: readonly (FloatHistogram | undefined)[], lo: number, hi: number): boolean {
    for (let i = lo; i < hi; i++) if (hs[i] !== undefined) return true;
    return false;
  }

  /**
   * A step whose window holds histograms: the functions that take them get the whole window; the
   * counting ones count every point; the others see its floats only (with an info when some
   * histograms were left out).
   */
  #histogramStep(stepT: number, k: number, hs: readonly (FloatHistogram | undefined)[], lo: number, hi: number): void {
    const { win, c, name } = this;
    let v: number;
    if (histogramRangeFns.has(name)) {
      histogramRange(name, win.ts, win.vs, hs, lo, hi, c);
      if (hres.skip) return;
      if (this.out === null) this.out = new Series(this.#metric, this.ev.numSteps - k, this.#dropName, this.slab);
      if (hres.h !== null) this.out.pushH(stepT, hres.h);
      else this.out.push(stepT, hres.v);
      return;
    }
    if (countingRangeFns.has(name)) v = this.kernel(win.ts, win.vs, lo, hi, c);
    else {
      let n = 0;
      if (this.#fts.length < hi - lo) {
        this.#fts = new Float64Array(hi - lo);
        this.#fvs = new Float64Array(hi - lo);
      }
      for (let i = lo; i < hi; i++) {
        if (hs[i] !== undefined) continue;
        this.#fts[n] = win.ts[i]!;
        this.#fvs[n++] = win.vs[i]!;
      }
      if (n === 0) return;
      c.annos.add(histogramIgnoredInMixedRangeInfo(c.metricName, c.pos));
      c.sts = null;
      c.drops = null;
      c.hresets = null;
      v = this.kernel(this.#fts, this.#fvs, 0, n, c);
    }
    if (c.skip) return;
    if (this.out === null) this.out = new Series(this.#metric, this.ev.numSteps - k, this.#dropName, this.slab);
    this.out.push(stepT, v);
  }
}

/** Evaluates a function over a range vector, one window per series and step. */
export async function evalRangeFunction(ev: EvalHost, e: Call, kernel: RangeKernel): Promise<Series[]> {
  const name = e.func.name;
  const mIdx = e.func.argTypes.indexOf('matrix');
  const argExpr = unwrap(e.args[mIdx]!);
  if (argExpr.type !== 'MatrixSelector' && argExpr.type !== 'SubqueryExpr') {
    throw new PromQLEvalError(`expected a range vector argument for ${name}`);
  }
  // A subquery argument is evaluated first, then the others, as Prometheus does.
  return evalRangeFunctionOn(ev, e, kernel, await ev.rangeSource(argExpr));
}

/** {@link evalRangeFunction} with the range-vector argument already resolved to `src`. */
export async function evalRangeFunctionOn(
  ev: EvalHost,
  e: Call,
  kernel: RangeKernel,
  src: RangeSource,
): Promise<Series[]> {
  const name = e.func.name;
  const mIdx = e.func.argTypes.indexOf('matrix');
  const params: Float64Array[] = [];
  for (let i = 0; i < e.args.length; i++) if (i !== mIdx) params.push(await ev.evalScalar(e.args[i]!));
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
    drops: null,
    hresets: null,
  };
  if (src.anchored || src.smoothed) return evalExtendedRange(ev, e, src, c);
  const out: Series[] = [];
  const isRateLike = name === 'rate' || name === 'increase';
  const storageWin = new StorageWindow(ev.samples, true);
  storageWin.cursor.statsOnly = src.skipHistogramBuckets;
  const n = src.selected !== null ? src.selected.series.length : src.series.length;
  const slab = new PointSlab(n, ev.numSteps);
  const run = new RangeRun(
    ev,
    src,
    name,
    kernel,
    c,
    params,
    storageWin,
    new SeriesWindow(ev.samples),
    ev.stepStats(),
    slab,
  );
  for (let i = 0; i < n; i++) {
    if (ev.due()) await ev.pause();
    run.reset(i, dropName);
    for (let k = 0; k < ev.numSteps; ) {
      if (run.out !== null) await makeRoom(ev, run.out, Math.min(workPerBlock, ev.numSteps - k));
      k = run.steps(k, ev.numSteps);
      if (k < ev.numSteps && ev.due()) await ev.pause();
    }
    const res = run.out;
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
  run.win.release();
  ev.noteHistograms(storageWin.cursor.histograms);
  if (name === 'absent_over_time') return absentOverTime(ev, e, out);
  if (!dropName) return out;
  if (ev.delayedNameRemoval) return out;
  for (const s of out) s.metric = dropMetricName(s.metric);
  return mergeSameLabels(ev, out);
}

const anchoredFns = new Set(['changes', 'delta', 'increase', 'rate', 'resets']);
const smoothedFns = new Set(['delta', 'increase', 'rate']);

/**
 * A range function over an `anchored` or `smoothed` matrix selector, at a run of steps of one
 * series: the window also holds the point before the range (within the lookback) and, for
 * `smoothed`, the one after it.
 */
class ExtendedRangeRun {
  out: Series | null = null;
  readonly w: ExtWindow = { lo: 0, hi: 0, before: -1, after: -1 };
  #metric: Labels = Labels.EMPTY;

  constructor(
    readonly ev: EvalHost,
    readonly src: RangeSource,
    readonly name: string,
    readonly c: RangeCtx,
    readonly win: StorageWindow,
  ) {}

  reset(i: number): void {
    const sel = this.src.selected!;
    const s = sel.series[i]!;
    this.win.reset(s, sel.mint, sel.maxt);
    this.#metric = s.labels();
    this.c.metricName = this.#metric.get('__name__');
    this.out = null;
  }

  #histogramsAround(hs: readonly (FloatHistogram | undefined)[], w: ExtWindow): boolean {
    const from = w.before >= 0 ? w.before : w.lo;
    const to = w.after >= 0 ? w.after + 1 : w.hi;
    for (let i = from; i < to; i++) if (hs[i] !== undefined) return true;
    return false;
  }

  steps(k0: number, kEnd: number): number {
    const { ev, src, c, win, w, name } = this;
    const lookback = src.lookbackMs;
    let work = 0;
    let k = k0;
    for (; k < kEnd && work < workPerBlock; k++) {
      const stepT = ev.start + k * ev.interval;
      const refT = (src.at ?? stepT) - src.offsetMs;
      const rangeStart = refT - src.rangeMs;
      win.advance(rangeStart - lookback, src.smoothed ? refT + lookback : refT);
      const ts = win.ts;
      let lo = win.lo;
      while (lo < win.hi && ts[lo]! <= rangeStart) lo++;
      let hi = lo;
      while (hi < win.hi && ts[hi]! <= refT) hi++;
      work += win.hi - win.lo + 1;
      w.lo = lo;
      w.hi = hi;
      w.before = lo > win.lo ? lo - 1 : -1;
      w.after = src.smoothed && hi < win.hi && ts[hi]! - refT < lookback ? hi : -1;
      c.t = stepT;
      c.rangeStart = rangeStart;
      c.rangeEnd = refT;
      c.skip = false;
      const hs = win.hs;
      if (hs !== null && this.#histogramsAround(hs, w)) {
        if (name === 'changes' || name === 'resets') anchoredHistogramChanges(win.vs, hs, w, name === 'resets');
        else if (allHistograms(hs, w, c)) {
          extendedHistogramRate(ts, hs, w, c, src.smoothed, name !== 'delta', name === 'rate');
        } else continue;
        if (hres.skip) continue;
        if (this.out === null) this.out = new Series(this.#metric, ev.numSteps - k, true);
        if (hres.h !== null) this.out.pushH(stepT, hres.h);
        else this.out.push(stepT, hres.v);
        continue;
      }
      const v =
        name === 'changes' || name === 'resets'
          ? anchoredChanges(win.vs, w, c, name === 'resets')
          : extendedRate(ts, win.vs, w, c, src.smoothed, name !== 'delta', name === 'rate');
      if (c.skip) continue;
      if (this.out === null) this.out = new Series(this.#metric, ev.numSteps - k, true);
      this.out.push(stepT, v);
    }
    return k;
  }
}

/** A range function over an `anchored` or `smoothed` matrix selector. */
async function evalExtendedRange(ev: EvalHost, e: Call, src: RangeSource, c: RangeCtx): Promise<Series[]> {
  const name = e.func.name;
  if (src.smoothed && !smoothedFns.has(name)) {
    throw new PromQLEvalError(`smoothed modifier can only be used with: delta, increase, rate - not with ${name}`);
  }
  if (src.anchored && !anchoredFns.has(name)) {
    throw new PromQLEvalError(
      `anchored modifier can only be used with: changes, delta, increase, rate, resets - not with ${name}`,
    );
  }
  const win = new StorageWindow(ev.samples, true);
  win.cursor.statsOnly = src.skipHistogramBuckets;
  const run = new ExtendedRangeRun(ev, src, name, c, win);
  const out: Series[] = [];
  const n = src.selected?.series.length ?? 0;
  for (let i = 0; i < n; i++) {
    if (ev.due()) await ev.pause();
    run.reset(i);
    for (let k = 0; k < ev.numSteps; ) {
      if (run.out !== null) await makeRoom(ev, run.out, Math.min(workPerBlock, ev.numSteps - k));
      k = run.steps(k, ev.numSteps);
      if (k < ev.numSteps && ev.due()) await ev.pause();
    }
    if (run.out !== null) {
      ev.countSamples(run.out.length);
      out.push(run.out);
    }
  }
  win.release();
  ev.noteHistograms(win.cursor.histograms);
  if (ev.delayedNameRemoval) return out;
  for (const s of out) s.metric = dropMetricName(s.metric);
  return mergeSameLabels(ev, out);
}

async function absentOverTime(ev: EvalHost, e: Call, mat: Series[]): Promise<Series[]> {
  const found = new Uint8Array(ev.numSteps);
  await eachPointBlock(ev, mat, (s, from, to) => {
    for (let i = from; i < to; i++) found[stepIndex(ev, s.ts[i]!)] = 1;
  });
  const out = new Series(absentLabels(unwrap(e.args[0]!)), 4, true);
  await inBlocks(ev, ev.numSteps, 1, (from, to) => {
    const before = out.length;
    for (let k = from; k < to; k++) if (found[k] === 0) out.push(ev.start + k * ev.interval, 1);
    ev.countSamples(out.length - before);
  });
  return out.length > 0 ? [out] : [];
}
