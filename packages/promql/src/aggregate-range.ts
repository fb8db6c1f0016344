// Prometheus: promql/engine.go rangeEvalAgg over a range-vector function (fused here)
import type { Labels } from '@tsprom/labels';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { CellAggregator, CellOp, emitGroups, maxCells } from './aggregate-cells.js';
import { possibleNonCounterInfo } from './annotations.js';
import { unwrap } from './call-helpers.js';
import type { EvalHost, RangeSource } from './eval-host.js';
import { workPerCheck } from './eval-loop.js';
import type { RangeCtx, RangeKernel } from './functions/range-context.js';
import type { AggregateExpr, Call, Expr } from './parser/index.js';
import { evalRangeFunctionOn, rangeKernels } from './range-functions.js';
import { type SampleWindow, SeriesWindow, StorageWindow } from './sample-window.js';
import { dropMetricName } from './series-utils.js';
import { Series } from './value.js';

/** The range functions fused into an aggregation: they drop the metric name and take no parameter. */
const fusedFns = new Set([
  'rate',
  'increase',
  'delta',
  'irate',
  'idelta',
  'deriv',
  'avg_over_time',
  'sum_over_time',
  'count_over_time',
  'min_over_time',
  'max_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'changes',
  'resets',
]);

/** Thrown inside the fused loop when a window holds a histogram: the unfused path takes over. */
const histogramMet = -1;

/**
 * What {@link evalFusedRangeAggregate} did: the aggregation's result, or (where it had to fall
 * back) the argument evaluated unfused, counted as evaluating it would leave it.
 */
export type FusedOutcome = { result: Series[]; input: null } | { result: null; input: Series[] };

/**
 * `sum/avg/count/group/min/max/stddev/stdvar by|without (…) (f(x[r]))` with `f` a range function
 * over a matrix selector or subquery: each series' window values go straight into the
 * aggregation's cells, no per-series result is built. Returns null (having evaluated nothing) for
 * another shape. Falls back to the unfused evaluation of the argument for extended selectors,
 * series whose names differ (dropping them could merge series), too many cells, or histogram
 * samples.
 */
export async function evalFusedRangeAggregate(ev: EvalHost, e: AggregateExpr): Promise<FusedOutcome | null> {
  const opc = CellOp[e.op as keyof typeof CellOp];
  if (opc === undefined || e.param !== null) return null;
  const inner = stripParens(e.expr);
  if (inner.type !== 'Call' || inner.args.length !== 1 || !fusedFns.has(inner.func.name)) return null;
  const kernel = rangeKernels[inner.func.name];
  const arg = unwrap(inner.args[0]!);
  if (kernel === undefined || (arg.type !== 'MatrixSelector' && arg.type !== 'SubqueryExpr')) return null;
  const counter = ev.samples;
  // What evaluating the call starts from (Evaluator.eval releases its inputs down to it).
  const held = counter.current;
  const src = await ev.rangeSource(arg);
  const sel = src.selected;
  const fallback = async (): Promise<FusedOutcome> => {
    const input = await evalRangeFunctionOn(ev, inner, kernel, src);
    let total = 0;
    for (const s of input) total += s.length;
    counter.reset(held + total);
    return { result: null, input };
  };
  if (src.anchored || src.smoothed) return fallback();
  const n = sel !== null ? sel.series.length : src.series.length;
  // Provisional groups of every selected series; emitted in the order their first output came.
  const groupOf = new Int32Array(n);
  const labels: Labels[] = [];
  const byKey = new Map<string, number>();
  const delayed = ev.delayedNameRemoval;
  let name0 = '';
  let type0 = '';
  let unit0 = '';
  for (let i = 0; i < n; i++) {
    if ((i & 63) === 63 && ev.due()) await ev.pause();
    const m = sel !== null ? sel.series[i]!.labels() : src.series[i]!.metric;
    if (!delayed) {
      // Dropping names that differ could leave equal label sets, which the unfused path merges.
      const nm = m.get('__name__');
      const ty = m.get('__type__');
      const un = m.get('__unit__');
      if (i === 0) {
        name0 = nm;
        type0 = ty;
        unit0 = un;
      } else if (nm !== name0 || ty !== type0 || un !== unit0) return fallback();
    }
    const gl = (delayed ? m : dropMetricName(m)).matchLabels(!e.without, e.grouping);
    const k = gl.key();
    let g = byKey.get(k);
    if (g === undefined) {
      g = labels.length;
      labels.push(gl);
      byKey.set(k, g);
    }
    groupOf[i] = g;
  }
  const nSteps = ev.numSteps;
  const cells = labels.length * nSteps;
  if (cells > maxCells || cells > counter.max - counter.current) return fallback();
  const before = { current: counter.current, total: counter.total, peak: counter.peak };
  const perStep = ev.stepStats();
  const perStepBefore = perStep === null ? null : perStep.slice();
  const acc = new CellAggregator(opc, cells);
  const run = new FusedRun(ev, src, kernel, inner, acc);
  const seen = new Uint8Array(labels.length);
  const order = new Int32Array(labels.length);
  let nOrder = 0;
  let total = 0;
  const isRateLike = inner.func.name === 'rate' || inner.func.name === 'increase';
  for (let i = 0; i < n; i++) {
    if (ev.due()) await ev.pause();
    run.reset(i, groupOf[i]! * nSteps);
    for (let k = 0; k < nSteps; ) {
      k = run.steps(k, nSteps);
      if (k === histogramMet) {
        // Undo what was counted: the unfused path counts it all again.
        run.win.release();
        counter.current = before.current;
        counter.total = before.total;
        counter.peak = before.peak;
        if (perStep !== null) perStep.set(perStepBefore!);
        return fallback();
      }
      if (k < nSteps && ev.due()) await ev.pause();
    }
    const got = run.points;
    if (got === 0) continue;
    ev.countSamples(got);
    total += got;
    const g = groupOf[i]!;
    if (seen[g] === 0) {
      seen[g] = 1;
      order[nOrder++] = g;
    }
    if (isRateLike) {
      const mn = run.c.metricName;
      if (
        mn !== '' &&
        !mn.endsWith('_total') &&
        !mn.endsWith('_sum') &&
        !mn.endsWith('_count') &&
        !mn.endsWith('_bucket')
      ) {
        ev.annos.add(possibleNonCounterInfo(mn, inner.args[0]!.posRange));
      }
    }
  }
  run.win.release();
  ev.noteHistograms(run.storageWin.cursor.histograms);
  // As evaluating the call would leave it: its inputs released, its result held.
  counter.reset(held + total);
  // Every output of these functions is marked for name dropping.
  const dropName = new Uint8Array(labels.length).fill(1);
  const groups = order.subarray(0, nOrder);
  // Where the unfused path would go step by step, count the output the way it does.
  const used = nOrder * nSteps;
  if (used > maxCells || used > counter.max - counter.current) {
    return { result: await emitByStep(ev, acc, labels, groups), input: null };
  }
  return { result: await emitGroups(ev, acc, labels, dropName, groups), input: null };
}

/** The output of the groups `order`, built and counted step by step as aggregateSimple does. */
async function emitByStep(
  ev: EvalHost,
  acc: CellAggregator,
  labels: readonly Labels[],
  order: Int32Array,
): Promise<Series[]> {
  const nSteps = ev.numSteps;
  const res: Series[] = [];
  for (let i = 0; i < order.length; i++) res.push(new Series(labels[order[i]!]!, 4, true));
  let work = 0;
  for (let k = 0; k < nSteps; k++) {
    let touched = 0;
    for (let i = 0; i < order.length; i++) {
      const out = res[i]!;
      const before = out.length;
      acc.emit(out, order[i]! * nSteps, k, k + 1, ev.start, ev.interval);
      touched += out.length - before;
    }
    ev.countSamples(touched);
    work += order.length;
    if (work >= workPerCheck && ev.due()) {
      work = 0;
      await ev.pause();
    }
  }
  return res;
}

/** One range function over the series of a matrix selector, its values added to the cells of their group. */
// Prometheus: promql/engine.go eval (*parser.Call), the loop over the series of the matrix argument
class FusedRun {
  readonly c: RangeCtx;
  readonly storageWin: StorageWindow;
  readonly seriesWin: SeriesWindow;
  win: SampleWindow;
  /** Points the current series produced. */
  points = 0;
  #base = 0;
  readonly #perStep: Float64Array | null;

  constructor(
    readonly ev: EvalHost,
    readonly src: RangeSource,
    readonly kernel: RangeKernel,
    e: Call,
    readonly acc: CellAggregator,
  ) {
    this.c = {
      t: 0,
      rangeStart: 0,
      rangeEnd: 0,
      rangeMs: src.rangeMs,
      p0: 0,
      p1: 0,
      skip: false,
      annos: ev.annos,
      metricName: '',
      pos: e.args[0]!.posRange,
      paramPos: (e.args[1] ?? e).posRange,
      scratch: new Float64Array(16),
      sts: null,
      drops: null,
      hresets: null,
    };
    this.storageWin = new StorageWindow(ev.samples, true);
    this.storageWin.cursor.statsOnly = src.skipHistogramBuckets;
    this.seriesWin = new SeriesWindow(ev.samples);
    this.win = this.storageWin;
    this.#perStep = ev.stepStats();
  }

  /** Starts on series `i` of the source, whose cells start at `base`. */
  reset(i: number, base: number): void {
    const sel = this.src.selected;
    if (sel !== null) {
      const s = sel.series[i]!;
      this.storageWin.reset(s, sel.mint, sel.maxt);
      this.win = this.storageWin;
      this.c.metricName = s.labels().get('__name__');
    } else {
      const s = this.src.series[i]!;
      this.seriesWin.reset(s);
      this.win = this.seriesWin;
      this.c.metricName = s.metric.get('__name__');
    }
    this.points = 0;
    this.#base = base;
  }

  /**
   * Evaluates steps from `k0` until `kEnd` or a block of work is done; returns the next step, or
   * `histogramMet` when a window holds a histogram.
   */
  steps(k0: number, kEnd: number): number {
    const { ev, src, c, win, acc } = this;
    const counter = ev.samples;
    const perStep = this.#perStep;
    const base = this.#base;
    let work = 0;
    let k = k0;
    for (; k < kEnd && work < workPerCheck; k++) {
      const stepT = ev.start + k * ev.interval;
      const refT = (src.at ?? stepT) - src.offsetMs;
      const rangeStart = refT - src.rangeMs;
      win.advance(rangeStart, refT);
      const lo = win.lo;
      const hi = win.hi;
      work += hi - lo + 1;
      if (lo === hi) continue;
      counter.total += hi - lo;
      if (perStep !== null) perStep[k] = perStep[k]! + (hi - lo);
      const hs = win.hs;
      if (hs !== null && histogramsIn(hs, lo, hi)) return histogramMet;
      c.t = stepT;
      c.rangeStart = rangeStart;
      c.rangeEnd = refT;
      c.sts = win.startTimestamps();
      c.drops = win.dropCounts();
      c.hresets = win.histogramResets();
      c.skip = false;
      const v = this.kernel(win.ts, win.vs, lo, hi, c);
      if (c.skip) continue;
      acc.add(base + k, v);
      this.points++;
    }
    return k;
  }
}

function stripParens(e: Expr): Expr {
  return e.type === 'ParenExpr' ? stripParens(e.expr) : e;
}

function histogramsIn(hs: readonly (FloatHistogram | undefined)[], lo: number, hi: number): boolean {
  for (let i = lo; i < hi; i++) if (hs[i] !== undefined) return true;
  return false;
}
