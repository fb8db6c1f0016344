// Prometheus: promql/engine.go eval (*parser.Call), promql/functions.go FunctionCalls
import { Labels } from '@tsprom/labels';
import { absentLabels, stepIndex, unwrap } from './call-helpers.js';
import type { EvalHost } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import {
  evalHistogramFraction,
  evalHistogramQuantile,
  evalHistogramQuantiles,
} from './functions/histogram-quantile-call.js';
import { evalSort, labelJoin, labelReplace } from './label-functions.js';
import type { Call } from './parser/index.js';
import { evalRangeFunction, rangeKernels } from './range-functions.js';
import { dropMetricName, dropNames, floatsOnly } from './series-utils.js';
import { nativeHistogramStdVar } from './functions/native-histogram-stats.js';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { eachPointBlock, inBlocks, workPerCheck } from './eval-loop.js';
import { Series } from './value.js';

const deg = 180 / Math.PI;
const mathFns: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  deg: (v) => v * deg,
  rad: (v) => v / deg,
  sgn: (v) => (v < 0 ? -1 : v > 0 ? 1 : v),
};

function dateOf(v: number): Date {
  return new Date(Math.trunc(v) * 1000);
}

const timeFns: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => {
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.floor((d.getTime() - start) / 86400000) + 1;
  },
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

/**
 * Applies `fn` to every point (its step's scalar params at hand), keeping what it does not drop.
 * The points are rewritten in place; they count as a new result, as in Prometheus's rangeEval.
 */
async function mapPoints(
  ev: EvalHost,
  all: Series[],
  fn: (v: number, k: number) => number,
  drop: boolean,
): Promise<Series[]> {
  // As in Prometheus, these functions ignore histogram samples.
  const input = floatsOnly(all);
  for (const s of input) {
    let j = 0;
    for (let i = 0; i < s.length; ) {
      const to = Math.min(s.length, i + workPerCheck);
      j = mapRange(ev, s, fn, i, to, j);
      i = to;
      if (ev.due()) await ev.pause();
    }
    s.length = j;
    ev.countSamples(j);
  }
  const kept = input.filter((s) => s.length > 0);
  return drop ? dropNames(ev, kept) : kept;
}

/** mapPoints over points [from, to) of `s`, writing kept points from index `j`; returns the next j. */
function mapRange(
  ev: EvalHost,
  s: Series,
  fn: (v: number, k: number) => number,
  from: number,
  to: number,
  j: number,
): number {
  const ts = s.ts;
  const vs = s.vs;
  for (let i = from; i < to; i++) {
    const v = fn(vs[i]!, stepIndex(ev, ts[i]!));
    if (Number.isNaN(v) && skipMarker.skip) {
      skipMarker.skip = false;
      continue;
    }
    ts[j] = ts[i]!;
    vs[j++] = v;
  }
  return j;
}

/** A series without labels holding `f(k)` at every step k, built in blocks and counted. */
async function perStep(ev: EvalHost, f: (k: number) => number): Promise<Series[]> {
  // Counted before it is allocated: the limit bounds what is allocated.
  ev.countSamples(ev.numSteps);
  const s = new Series(Labels.EMPTY, 1);
  s.reserve(ev.numSteps);
  await inBlocks(ev, ev.numSteps, 1, (from, to) => {
    for (let k = from; k < to; k++) s.push(ev.start + k * ev.interval, f(k));
  });
  return [s];
}
const skipMarker = { skip: false };
function skipPoint(): number {
  skipMarker.skip = true;
  return Number.NaN;
}

/** Evaluates a function call at every step. */
export async function evalCall(ev: EvalHost, e: Call): Promise<Series[]> {
  const name = e.func.name;
  const kernel = rangeKernels[name];
  if (kernel !== undefined) return evalRangeFunction(ev, e, kernel);
  const math = mathFns[name];
  if (math !== undefined) return mapPoints(ev, await ev.eval(e.args[0]!), math, true);
  const tf = timeFns[name];
  if (tf !== undefined) {
    if (e.args.length === 0) return perStep(ev, (k) => tf(dateOf((ev.start + k * ev.interval) / 1000)));
    return mapPoints(ev, await ev.eval(e.args[0]!), (v) => (Number.isFinite(v) ? tf(dateOf(v)) : Number.NaN), true);
  }
  switch (name) {
    case 'time':
      return perStep(ev, (k) => (ev.start + k * ev.interval) / 1000);
    case 'pi':
      return constant(ev, Math.PI);
    case 'start':
      return constant(ev, ev.queryStart / 1000);
    case 'end':
      return constant(ev, ev.queryEnd / 1000);
    case 'range':
      return constant(ev, (ev.queryEnd - ev.queryStart) / 1000);
    case 'step':
      return constant(ev, ev.queryStepMs / 1000);
    case 'min_of':
    case 'max_of': {
      const a = await ev.evalScalar(e.args[0]!);
      const b = await ev.evalScalar(e.args[1]!);
      const min = name === 'min_of';
      return perStep(ev, (k) => (min ? Math.min(a[k]!, b[k]!) : Math.max(a[k]!, b[k]!)));
    }
    case 'round': {
      const input = await ev.eval(e.args[0]!);
      const to = e.args.length > 1 ? await ev.evalScalar(e.args[1]!) : null;
      return mapPoints(
        ev,
        input,
        (v, k) => {
          const inv = 1 / (to === null ? 1 : to[k]!);
          return Math.floor(v * inv + 0.5) / inv;
        },
        true,
      );
    }
    case 'clamp': {
      const input = await ev.eval(e.args[0]!);
      const mn = await ev.evalScalar(e.args[1]!);
      const mx = await ev.evalScalar(e.args[2]!);
      return mapPoints(ev, input, (v, k) => (mx[k]! < mn[k]! ? skipPoint() : goMax(mn[k]!, goMin(mx[k]!, v))), true);
    }
    case 'clamp_min': {
      const input = await ev.eval(e.args[0]!);
      const mn = await ev.evalScalar(e.args[1]!);
      return mapPoints(ev, input, (v, k) => goMax(mn[k]!, v), true);
    }
    case 'clamp_max': {
      const input = await ev.eval(e.args[0]!);
      const mx = await ev.evalScalar(e.args[1]!);
      return mapPoints(ev, input, (v, k) => goMin(mx[k]!, v), true);
    }
    case 'timestamp': {
      const arg = unwrap(e.args[0]!);
      if (arg.type === 'VectorSelector') return dropNames(ev, await ev.vectorSelector(arg, 'timestamp'));
      return mapPoints(ev, await ev.eval(e.args[0]!), (_v, k) => (ev.start + k * ev.interval) / 1000, true);
    }
    case 'vector': {
      const sc = await ev.evalScalar(e.args[0]!);
      return perStep(ev, (k) => sc[k]!);
    }
    case 'scalar': {
      // Histograms are left out: a lone histogram gives NaN.
      const input = floatsOnly(await ev.eval(e.args[0]!));
      const count = new Int32Array(ev.numSteps);
      const val = new Float64Array(ev.numSteps);
      await eachPointBlock(ev, input, (s, from, to) => {
        for (let i = from; i < to; i++) {
          const k = stepIndex(ev, s.ts[i]!);
          count[k]!++;
          val[k] = s.vs[i]!;
        }
      });
      return perStep(ev, (k) => (count[k] === 1 ? val[k]! : Number.NaN));
    }
    case 'absent': {
      const input = await ev.eval(e.args[0]!);
      const present = new Uint8Array(ev.numSteps);
      await eachPointBlock(ev, input, (s, from, to) => {
        for (let i = from; i < to; i++) present[stepIndex(ev, s.ts[i]!)] = 1;
      });
      const out = new Series(absentLabels(e.args[0]!), 4);
      await inBlocks(ev, ev.numSteps, 1, (from, to) => {
        const before = out.length;
        for (let k = from; k < to; k++) if (present[k] === 0) out.push(ev.start + k * ev.interval, 1);
        ev.countSamples(out.length - before);
      });
      return out.length > 0 ? [out] : [];
    }
    case 'label_replace':
      return labelReplace(ev, e);
    case 'label_join':
      return labelJoin(ev, e);
    case 'sort':
    case 'sort_desc':
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return evalSort(ev, e);
    case 'histogram_quantile':
      return evalHistogramQuantile(ev, e);
    case 'histogram_quantiles':
      return evalHistogramQuantiles(ev, e);
    case 'histogram_fraction':
      return evalHistogramFraction(ev, e);
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      return histogramStat(ev, await ev.eval(e.args[0]!), histogramStats[name]!);
    case 'start_timestamp': {
      // Only a selector carries start timestamps; any other expression has lost them.
      const arg = unwrap(e.args[0]!);
      if (arg.type === 'VectorSelector') return dropNames(ev, await ev.vectorSelector(arg, 'startTimestamp'));
      await ev.eval(e.args[0]!);
      return [];
    }
    case 'info':
      return ev.evalInfo(e);
    default:
      throw new PromQLEvalError(`function "${name}" is not supported`);
  }
}

function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return Math.max(a, b);
}
function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return Math.min(a, b);
}

function constant(ev: EvalHost, v: number): Promise<Series[]> {
  return perStep(ev, () => v);
}

const histogramStats: Record<string, (h: FloatHistogram) => number> = {
  histogram_count: (h) => h.count,
  histogram_sum: (h) => h.sum,
  histogram_avg: (h) => h.sum / h.count,
  histogram_stddev: (h) => Math.sqrt(nativeHistogramStdVar(h)),
  histogram_stdvar: nativeHistogramStdVar,
};

/**
 * Prometheus: simpleHistogramFunc. `fn` of every histogram point; float points yield nothing and
 * the outputs lose the metric name.
 */
async function histogramStat(ev: EvalHost, input: Series[], fn: (h: FloatHistogram) => number): Promise<Series[]> {
  const out: Series[] = [];
  for (const s of input) {
    if (s.hs === null) continue;
    if (ev.due()) await ev.pause();
    const r = new Series(ev.delayedNameRemoval ? s.metric : dropMetricName(s.metric), 4, true);
    for (let i = 0; i < s.length; i++) {
      const h = s.hs[i];
      if (h !== undefined) r.push(s.ts[i]!, fn(h));
    }
    ev.countSamples(r.length);
    if (r.length > 0) out.push(r);
  }
  return out;
}
