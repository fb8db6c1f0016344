// Prometheus: promql/engine.go rangeEvalAgg, aggregation
import { isValidLabelName } from '@tsprom/labels';
import { CellAggregator, CellOp, emitGroups, maxCells } from './aggregate-cells.js';
import { evalFusedRangeAggregate, type FusedOutcome } from './aggregate-range.js';
import { aggregateK, groupSeries } from './aggregate-k.js';
import { goQuote, invalidQuantileWarning } from './annotations.js';
import { aggregateHistograms, hasHistograms } from './aggregate-histograms.js';
import { countValues } from './count-values.js';
import { histogramIgnoredInAggregationInfo } from './histogram-annotations.js';
import { floatsOnly } from './series-utils.js';
import type { EvalHost } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import { quantileSorted, sortFloatsGo } from './functions/quantile.js';
import { kahan, kahanSumInc } from './kahan.js';
import type { AggregateExpr, Expr } from './parser/index.js';
import { inBlocks, workPerCheck } from './eval-loop.js';
import { Series } from './value.js';

function stringParam(e: Expr | null): string {
  let x = e;
  // Not `while (x.type === 'ParenExpr' …) x = x.expr`: that loop sends biome's type inference astray.
  for (let inner = innerExpr(x); inner !== null; inner = innerExpr(x)) x = inner;
  if (x === null || x.type !== 'StringLiteral') throw new PromQLEvalError('count_values: expected a string parameter');
  return x.val;
}

function innerExpr(e: Expr | null): Expr | null {
  return e !== null && (e.type === 'ParenExpr' || e.type === 'StepInvariantExpr') ? e.expr : null;
}

/** Evaluates an aggregation at every step. */
export async function evalAggregate(ev: EvalHost, e: AggregateExpr): Promise<Series[]> {
  let params: Float64Array | null = null;
  let valueLabel = '';
  if (e.op === 'count_values') {
    valueLabel = stringParam(e.param);
    if (!isValidLabelName(valueLabel)) throw new PromQLEvalError(`invalid label name ${goQuote(valueLabel)}`);
  } else if (e.param !== null) {
    params = await ev.evalScalar(e.param);
  }
  let fused: FusedOutcome | null = null;
  if (params === null && e.op !== 'count_values') {
    fused = await evalFusedRangeAggregate(ev, e);
    if (fused !== null && fused.result !== null) return fused.result;
  }
  // With delayed name removal the input still has the names its operations marked for dropping:
  // grouping by __name__ sees them, and groupSeries carries the marks to the groups.
  let input = fused?.input ?? (await ev.eval(e.expr));
  if (hasHistograms(input)) {
    switch (e.op) {
      case 'sum':
      case 'avg':
        return aggregateHistograms(ev, e, input);
      case 'count':
      case 'group':
      case 'limitk':
      case 'limit_ratio':
      case 'count_values':
        break;
      default:
        // As in Prometheus, the other aggregations ignore histograms.
        ev.annos.add(histogramIgnoredInAggregationInfo(e.op, e.expr.posRange));
        input = floatsOnly(input);
    }
  }
  switch (e.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return aggregateK(ev, e, input, params!);
    case 'count_values':
      return countValues(ev, e, input, valueLabel);
    case 'quantile':
      return aggregateSimple(ev, e, input, params);
    default:
      return aggregateSeriesMajor(ev, e, input);
  }
}

/**
 * sum, avg, count, group, min, max, stddev, stdvar: walks each input series once and folds its
 * points into per-(group, step) accumulators, adding series in input order at every step as
 * Prometheus does (so Kahan sums come out bit-identical). Memory: a few floats per group and step.
 */
async function aggregateSeriesMajor(ev: EvalHost, e: AggregateExpr, input: Series[]): Promise<Series[]> {
  const opc = CellOp[e.op as keyof typeof CellOp];
  if (opc === undefined) throw new PromQLEvalError(`unknown aggregation ${e.op}`);
  const { groupOf, labels, dropName } = await groupSeries(ev, input, e);
  const nGroups = labels.length;
  const nSteps = ev.numSteps;
  const cells = nGroups * nSteps;
  // The accumulators take a few floats per cell: past what the samples limit leaves room for,
  // go step by step, which holds a few floats per group only.
  if (cells > maxCells || cells > ev.samples.max - ev.samples.current) return aggregateSimple(ev, e, input, null);
  const acc = new CellAggregator(opc, cells);
  const start = ev.start;
  const interval = ev.interval;
  for (let i = 0; i < input.length; i++) {
    const s = input[i]!;
    const base = groupOf[i]! * nSteps;
    const ts = s.ts;
    const vs = s.vs;
    for (let j = 0; j < s.length; ) {
      const to = Math.min(s.length, j + workPerCheck);
      for (; j < to; j++) acc.add(base + Math.round((ts[j]! - start) / interval), vs[j]!);
      if (ev.due()) await ev.pause();
    }
  }
  return emitGroups(ev, acc, labels, dropName, null);
}

async function aggregateSimple(
  ev: EvalHost,
  e: AggregateExpr,
  input: Series[],
  params: Float64Array | null,
): Promise<Series[]> {
  const { groupOf, labels, dropName } = await groupSeries(ev, input, e);
  const nGroups = labels.length;
  const val = new Float64Array(nGroups);
  const kc = new Float64Array(nGroups);
  const mean = new Float64Array(nGroups);
  const count = new Float64Array(nGroups);
  const incr = new Uint8Array(nGroups);
  const seen = new Uint8Array(nGroups);
  const touched = new Int32Array(nGroups);
  const out: (Series | undefined)[] = new Array(nGroups);
  const cur = new Int32Array(input.length);
  const op = e.op;
  const quantileVals: number[][] | null = op === 'quantile' ? [] : null;
  if (quantileVals !== null) for (let g = 0; g < nGroups; g++) quantileVals.push([]);
  let warnedQ = false;
  const step = (k: number): void => {
    const ts = ev.start + k * ev.interval;
    let nTouched = 0;
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      const c = cur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      cur[i] = c + 1;
      const f = s.vs[c]!;
      const g = groupOf[i]!;
      if (seen[g] === 0) {
        seen[g] = 1;
        touched[nTouched++] = g;
        val[g] = f;
        kc[g] = 0;
        mean[g] = f;
        count[g] = 1;
        incr[g] = 0;
        if (op === 'stddev' || op === 'stdvar') val[g] = Number.isFinite(f) ? 0 : Number.NaN;
        if (quantileVals !== null) {
          const qv = quantileVals[g]!;
          qv.length = 0;
          qv.push(f);
        }
        continue;
      }
      switch (op) {
        case 'sum':
          val[g] = kahanSumInc(f, val[g]!, kc[g]!);
          kc[g] = kahan.c;
          break;
        case 'avg': {
          const n = ++count[g]!;
          count[g] = n;
          if (incr[g] === 0) {
            const nv = kahanSumInc(f, val[g]!, kc[g]!);
            if (nv !== Number.POSITIVE_INFINITY && nv !== Number.NEGATIVE_INFINITY) {
              val[g] = nv;
              kc[g] = kahan.c;
              break;
            }
            incr[g] = 1;
            mean[g] = val[g]! / (n - 1);
            kc[g] = kc[g]! / (n - 1);
          }
          const q = (n - 1) / n;
          mean[g] = kahanSumInc(f / n, q * mean[g]!, q * kc[g]!);
          kc[g] = kahan.c;
          break;
        }
        case 'count':
          count[g] = count[g]! + 1;
          break;
        case 'group':
          break;
        case 'max':
          if (val[g]! < f || Number.isNaN(val[g]!)) val[g] = f;
          break;
        case 'min':
          if (val[g]! > f || Number.isNaN(val[g]!)) val[g] = f;
          break;
        case 'stddev':
        case 'stdvar': {
          const n = count[g]! + 1;
          count[g] = n;
          const d = f - mean[g]!;
          mean[g] = mean[g]! + d / n;
          val[g] = val[g]! + d * (f - mean[g]!);
          break;
        }
        case 'quantile':
          quantileVals![g]!.push(f);
          break;
        default:
          throw new PromQLEvalError(`unknown aggregation ${op}`);
      }
    }
    for (let t = 0; t < nTouched; t++) {
      const g = touched[t]!;
      seen[g] = 0;
      let v: number;
      switch (op) {
        case 'sum':
          v = val[g]! + kc[g]!;
          break;
        case 'avg':
          v = incr[g] === 1 ? mean[g]! + kc[g]! : val[g]! / count[g]! + kc[g]! / count[g]!;
          break;
        case 'count':
          v = count[g]!;
          break;
        case 'group':
          v = 1;
          break;
        case 'stdvar':
          v = val[g]! / count[g]!;
          break;
        case 'stddev':
          v = Math.sqrt(val[g]! / count[g]!);
          break;
        case 'quantile': {
          const q = params![k]!;
          if (!warnedQ && (Number.isNaN(q) || q < 0 || q > 1)) {
            warnedQ = true;
            ev.annos.add(invalidQuantileWarning(q, e.param!.posRange));
          }
          v = quantileSorted(q, sortFloatsGo(Float64Array.from(quantileVals![g]!)));
          break;
        }
        default:
          v = val[g]!;
      }
      let s = out[g];
      if (s === undefined) {
        s = new Series(labels[g]!, 4, dropName[g] === 1);
        out[g] = s;
      }
      s.push(ts, v);
    }
    ev.countSamples(nTouched);
  };
  await inBlocks(ev, ev.numSteps, input.length, (from, to) => {
    for (let k = from; k < to; k++) step(k);
  });
  const res: Series[] = [];
  for (const s of out) if (s !== undefined) res.push(s);
  return res;
}
