// Prometheus: promql/functions.go funcHistogramQuantile, funcHistogramFraction (classic and native)
import { Labels } from '@tsprom/labels';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import {
  badBucketLabelWarning,
  histogramQuantileForcedMonotonicityInfo,
  invalidQuantileWarning,
} from '../annotations.js';
import type { EvalHost } from '../eval-host.js';
import { formatFloatF, parseGoFloat } from '../go-float.js';
import type { Call, Expr } from '../parser/index.js';
import { inBlocks } from '../eval-loop.js';
import { Series } from '../value.js';
import { type Bucket, bucketFraction, bucketQuantile, bucketQuantileFlags } from './histogram-quantile.js';
import { dropMetricName, floatsOnly, setLabel } from '../series-utils.js';
import { stepIndex } from '../call-helpers.js';
import { nativeFlags, nativeHistogramFraction, nativeHistogramQuantile } from './native-histogram-stats.js';
import {
  mixedClassicNativeHistogramsWarning,
  nanObservationsFractionInfo,
  nanObservationsQuantileInfo,
} from '../histogram-annotations.js';

interface Group {
  metric: Labels;
  series: number[];
  bounds: number[];
  out: Series | undefined;
  outs: Map<string, Series>;
}

/** How a classic-bucket function turns one group's buckets at one step into output points. */
type BucketFn = (buckets: Bucket[], k: number, metricName: string, emit: (suffix: string, v: number) => void) => void;

/** How a function turns one native histogram at step k into output points. */
type NativeFn = (h: FloatHistogram, k: number, metricName: string, emit: (suffix: string, v: number) => void) => void;

/** Applies `fn` to every histogram point of `input`; the outputs lose the metric name. */
async function evalNative(ev: EvalHost, input: Series[], outLabel: string, fn: NativeFn): Promise<Series[]> {
  const res: Series[] = [];
  for (const s of input) {
    if (s.hs === null) continue;
    if (ev.due()) await ev.pause();
    const outs = new Map<string, Series>();
    const metric = ev.delayedNameRemoval ? s.metric : dropMetricName(s.metric);
    const name = s.metric.get('__name__');
    let emitted = 0;
    for (let i = 0; i < s.length; i++) {
      const h = s.hs[i];
      if (h === undefined) continue;
      const t = s.ts[i]!;
      fn(h, stepIndex(ev, t), name, (suffix, v) => {
        let out = outs.get(suffix);
        if (out === undefined) {
          out = new Series(outLabel === '' ? metric : setLabel(metric, outLabel, suffix), 4, true);
          outs.set(suffix, out);
          res.push(out);
        }
        out.push(t, v);
        emitted++;
      });
    }
    ev.countSamples(emitted);
  }
  return res;
}

/**
 * Groups classic `le` bucket series by their other labels and calls `fn` per group and step.
 * `vecArg` is the index of the bucket-vector argument; `outLabel` names the label that `emit`'s
 * suffix goes in (histogram_quantiles), '' for none.
 */
async function evalClassicBuckets(
  ev: EvalHost,
  e: Call,
  vecArg: number,
  outLabel: string,
  fn: BucketFn,
  native: NativeFn,
): Promise<Series[]> {
  const all = await ev.eval(e.args[vecArg]!);
  let nativeRes = await evalNative(ev, all, outLabel, native);
  const input = floatsOnly(all);
  // Classic buckets and a native histogram with the same labels: Prometheus gives neither.
  const nativeKeys = new Map<string, string>();
  for (const s of all)
    if (s.hs !== null) nativeKeys.set(s.metric.matchLabels(false, ['le']).key(), s.metric.get('__name__'));
  const mixed = new Set<string>();
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  for (let i = 0; i < input.length; i++) {
    if ((i & 63) === 63 && ev.due()) await ev.pause();
    const s = input[i]!;
    const le = s.metric.get('le');
    const ub = parseGoFloat(le);
    if (ub === null) {
      ev.annos.add(badBucketLabelWarning(s.metric.get('__name__'), le, e.args[vecArg]!.posRange));
      continue;
    }
    const withoutLe = s.metric.matchLabels(false, ['le']);
    // matchLabels(false) also drops __name__; the name is part of the group though.
    const key = `${s.metric.get('__name__')}\u0000${withoutLe.key()}`;
    let g = byKey.get(key);
    if (g === undefined) {
      let metric = withoutLe;
      if (ev.delayedNameRemoval && s.metric.has('__name__') && !s.dropName) {
        metric = withName(metric, s.metric.get('__name__'));
      }
      g = { metric, series: [], bounds: [], out: undefined, outs: new Map() };
      byKey.set(key, g);
      groups.push(g);
    }
    g.series.push(i);
    g.bounds.push(ub);
  }
  if (nativeKeys.size > 0) {
    for (let gi = groups.length - 1; gi >= 0; gi--) {
      const k = groups[gi]!.metric.matchLabels(false, []).key();
      const name = nativeKeys.get(k);
      if (name === undefined) continue;
      mixed.add(k);
      ev.annos.add(mixedClassicNativeHistogramsWarning(name, e.args[vecArg]!.posRange));
      groups.splice(gi, 1);
    }
    if (mixed.size > 0) nativeRes = nativeRes.filter((s) => !mixed.has(s.metric.matchLabels(false, [outLabel]).key()));
  }
  const cur = new Int32Array(input.length);
  const res: Series[] = [];
  let emitted = 0;
  const step = (k: number): void => {
    const ts = ev.start + k * ev.interval;
    for (const g of groups) {
      const buckets: Bucket[] = [];
      for (let j = 0; j < g.series.length; j++) {
        const i = g.series[j]!;
        const s = input[i]!;
        const c = cur[i]!;
        if (c >= s.length || s.ts[c] !== ts) continue;
        cur[i] = c + 1;
        buckets.push({ upperBound: g.bounds[j]!, count: s.vs[c]! });
      }
      if (buckets.length === 0) continue;
      fn(buckets, k, input[g.series[0]!]!.metric.get('__name__'), (suffix, v) => {
        let out = g.outs.get(suffix);
        if (out === undefined) {
          out = new Series(outLabel === '' ? g.metric : setLabel(g.metric, outLabel, suffix), 4, true);
          g.outs.set(suffix, out);
          res.push(out);
        }
        out.push(ts, v);
        emitted++;
      });
    }
  };
  await inBlocks(ev, ev.numSteps, input.length, (from, to) => {
    for (let k = from; k < to; k++) step(k);
    ev.countSamples(emitted);
    emitted = 0;
  });
  return nativeRes.length === 0 ? res : [...nativeRes, ...res];
}

/** `histogram_quantile(q, buckets)` over classic `le` buckets, at every step. */
export async function evalHistogramQuantile(ev: EvalHost, e: Call): Promise<Series[]> {
  const q = await ev.evalScalar(e.args[0]!);
  for (let k = 0; k < q.length; k++) {
    const qk = q[k]!;
    if (Number.isNaN(qk) || qk < 0 || qk > 1) {
      ev.annos.add(invalidQuantileWarning(qk, e.args[0]!.posRange));
      break;
    }
  }
  const pos = e.args[1]!.posRange;
  return evalClassicBuckets(
    ev,
    e,
    1,
    '',
    (buckets, k, name, emit) => {
      const v = bucketQuantile(q[k]!, buckets);
      if (bucketQuantileFlags.forcedMonotonic) ev.annos.add(histogramQuantileForcedMonotonicityInfo(name, pos));
      emit('', v);
    },
    (h, k, name, emit) => {
      emit('', nativeHistogramQuantile(q[k]!, h));
      if (nativeFlags.nanResult || nativeFlags.nanSkewed)
        ev.annos.add(nanObservationsQuantileInfo(name, pos, nativeFlags.nanResult));
    },
  );
}

function quantileLabel(q: number): string {
  const s = formatFloatF(q);
  return Number.isFinite(q) && !s.includes('.') ? `${s}.0` : s;
}

/** `histogram_quantiles(buckets, "label", q1, …)`: one output series per quantile. */
export async function evalHistogramQuantiles(ev: EvalHost, e: Call): Promise<Series[]> {
  let la = e.args[1]!;
  // Not `while (la.type === 'ParenExpr' …) la = la.expr`: that loop sends biome's type inference astray.
  for (let inner = innerExpr(la); inner !== null; inner = innerExpr(la)) la = inner;
  const label = la.type === 'StringLiteral' ? la.val : '';
  const qs: Float64Array[] = [];
  for (let i = 2; i < e.args.length; i++) {
    const q = await ev.evalScalar(e.args[i]!);
    for (let k = 0; k < q.length; k++) {
      const qk = q[k]!;
      if (Number.isNaN(qk) || qk < 0 || qk > 1) {
        ev.annos.add(invalidQuantileWarning(qk, e.args[i]!.posRange));
        break;
      }
    }
    qs.push(q);
  }
  const pos = e.args[0]!.posRange;
  return evalClassicBuckets(
    ev,
    e,
    0,
    label,
    (buckets, k, name, emit) => {
      for (const q of qs) {
        const v = bucketQuantile(
          q[k]!,
          buckets.map((b) => ({ ...b })),
        );
        if (bucketQuantileFlags.forcedMonotonic) ev.annos.add(histogramQuantileForcedMonotonicityInfo(name, pos));
        emit(quantileLabel(q[k]!), v);
      }
    },
    (h, k, name, emit) => {
      for (const q of qs) {
        emit(quantileLabel(q[k]!), nativeHistogramQuantile(q[k]!, h));
        if (nativeFlags.nanResult || nativeFlags.nanSkewed)
          ev.annos.add(nanObservationsQuantileInfo(name, pos, nativeFlags.nanResult));
      }
    },
  );
}

/** `histogram_fraction(lower, upper, buckets)` over classic buckets. */
export async function evalHistogramFraction(ev: EvalHost, e: Call): Promise<Series[]> {
  const lower = await ev.evalScalar(e.args[0]!);
  const upper = await ev.evalScalar(e.args[1]!);
  return evalClassicBuckets(
    ev,
    e,
    2,
    '',
    (buckets, k, _name, emit) => {
      emit('', bucketFraction(lower[k]!, upper[k]!, buckets));
    },
    (h, k, name, emit) => {
      emit('', nativeHistogramFraction(lower[k]!, upper[k]!, h));
      if (nativeFlags.nanExcluded) ev.annos.add(nanObservationsFractionInfo(name, e.args[2]!.posRange));
    },
  );
}

function withName(l: Labels, name: string): Labels {
  const flat = l.toStrings();
  flat.push('__name__', name);
  return Labels.fromStrings(...flat);
}

function innerExpr(e: Expr): Expr | null {
  return e.type === 'ParenExpr' || e.type === 'StepInvariantExpr' ? e.expr : null;
}
