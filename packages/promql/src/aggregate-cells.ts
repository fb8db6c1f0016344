// Prometheus: promql/engine.go aggregation (the per-group accumulators of sum, avg, count, …)
import type { Labels } from '@tsprom/labels';
import type { EvalHost } from './eval-host.js';
import { makeRoom, workPerCheck } from './eval-loop.js';
import { kahan, kahanSumInc } from './kahan.js';
import { Series } from './value.js';

/** The aggregations folded into per-(group, step) cells. */
export const CellOp = { sum: 0, avg: 1, count: 2, group: 3, min: 4, max: 5, stddev: 6, stdvar: 7 } as const;

/**
 * Per-(group, step) accumulators of sum, avg, count, group, min, max, stddev and stdvar. Values
 * are added to a cell in the order Prometheus adds the series of a group at a step, so Kahan
 * sums come out bit-identical. Memory: a few floats per cell.
 */
export class CellAggregator {
  readonly val: Float64Array;
  readonly kc: Float64Array;
  readonly count: Float64Array;
  readonly mean: Float64Array;
  readonly incr: Uint8Array | null;
  readonly needMean: boolean;

  constructor(
    readonly opc: number,
    cells: number,
  ) {
    this.val = new Float64Array(cells);
    this.kc = new Float64Array(cells);
    this.count = new Float64Array(cells);
    this.needMean = opc === CellOp.avg || opc === CellOp.stddev || opc === CellOp.stdvar;
    this.mean = this.needMean ? new Float64Array(cells) : this.val;
    this.incr = opc === CellOp.avg ? new Uint8Array(cells) : null;
  }

  /** Adds the value `f` to cell `cell`. */
  add(cell: number, f: number): void {
    const { opc, val, kc, count, mean } = this;
    const n = count[cell]!;
    if (n === 0) {
      count[cell] = 1;
      val[cell] = opc === CellOp.stddev || opc === CellOp.stdvar ? (Number.isFinite(f) ? 0 : Number.NaN) : f;
      kc[cell] = 0;
      if (this.needMean) mean[cell] = f;
      return;
    }
    count[cell] = n + 1;
    switch (opc) {
      case CellOp.sum:
        val[cell] = kahanSumInc(f, val[cell]!, kc[cell]!);
        kc[cell] = kahan.c;
        break;
      case CellOp.avg: {
        const incr = this.incr!;
        const cnt = n + 1;
        if (incr[cell] === 0) {
          const nv = kahanSumInc(f, val[cell]!, kc[cell]!);
          if (nv !== Number.POSITIVE_INFINITY && nv !== Number.NEGATIVE_INFINITY) {
            val[cell] = nv;
            kc[cell] = kahan.c;
            break;
          }
          incr[cell] = 1;
          mean[cell] = val[cell]! / n;
          kc[cell] = kc[cell]! / n;
        }
        const q = n / cnt;
        mean[cell] = kahanSumInc(f / cnt, q * mean[cell]!, q * kc[cell]!);
        kc[cell] = kahan.c;
        break;
      }
      case CellOp.min:
        if (val[cell]! > f || Number.isNaN(val[cell]!)) val[cell] = f;
        break;
      case CellOp.max:
        if (val[cell]! < f || Number.isNaN(val[cell]!)) val[cell] = f;
        break;
      case CellOp.stddev:
      case CellOp.stdvar: {
        const d = f - mean[cell]!;
        mean[cell] = mean[cell]! + d / (n + 1);
        val[cell] = val[cell]! + d * (f - mean[cell]!);
        break;
      }
      default:
        break;
    }
  }

  /** Pushes the results of cells `base + from` … `base + to - 1` (steps from … to - 1) that have a value. */
  emit(out: Series, base: number, from: number, to: number, start: number, interval: number): void {
    const { opc, val, kc, count, mean, incr } = this;
    for (let k = from; k < to; k++) {
      const cell = base + k;
      const n = count[cell]!;
      if (n === 0) continue;
      let v: number;
      switch (opc) {
        case CellOp.sum:
          v = val[cell]! + kc[cell]!;
          break;
        case CellOp.avg:
          v = incr![cell] === 1 ? mean[cell]! + kc[cell]! : val[cell]! / n + kc[cell]! / n;
          break;
        case CellOp.count:
          v = n;
          break;
        case CellOp.group:
          v = 1;
          break;
        case CellOp.stdvar:
          v = val[cell]! / n;
          break;
        case CellOp.stddev:
          v = Math.sqrt(val[cell]! / n);
          break;
        default:
          v = val[cell]!;
      }
      out.push(start + k * interval, v);
    }
  }
}

/** The cells above which series-major aggregation goes step by step instead. */
export const maxCells = 8_000_000;

/**
 * The output series of the groups of `acc`, in the order `order` gives (group indexes; all
 * groups in index order when null).
 */
export async function emitGroups(
  ev: EvalHost,
  acc: CellAggregator,
  labels: readonly Labels[],
  dropName: Uint8Array,
  order: Int32Array | null,
): Promise<Series[]> {
  const nSteps = ev.numSteps;
  const n = order === null ? labels.length : order.length;
  const res: Series[] = [];
  for (let i = 0; i < n; i++) {
    const g = order === null ? i : order[i]!;
    const out = new Series(labels[g]!, nSteps, dropName[g] === 1);
    for (let k = 0; k < nSteps; ) {
      const to = Math.min(nSteps, k + workPerCheck);
      await makeRoom(ev, out, to - k);
      acc.emit(out, g * nSteps, k, to, ev.start, ev.interval);
      k = to;
      if (ev.due()) await ev.pause();
    }
    ev.countSamples(out.length);
    if (out.length > 0) res.push(out);
  }
  return res;
}
