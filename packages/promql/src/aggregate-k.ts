// Prometheus: promql/engine.go aggregationK (topk, bottomk, limitk, limit_ratio)
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { Labels } from '@tsprom/labels';
import { invalidRatioWarning } from './annotations.js';
import type { EvalHost } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import type { AggregateExpr } from './parser/index.js';
import { inBlocks, type Pausable } from './eval-loop.js';
import { Series } from './value.js';

const MaxUint64 = 2 ** 64 - 1; // float64(math.MaxUint64) as Go rounds it

/** The groups of an aggregation's input. */
export interface Groups {
  /** Group of each input series. */
  groupOf: Int32Array;
  /** Labels of each group. */
  labels: Labels[];
  /**
   * Whether the name of each group is to be dropped when the query ends: with delayed name
   * removal, a group that keeps `__name__` (`by (__name__)`) loses it if one of its series had it
   * marked for dropping (Prometheus: docs/feature_flags.md, promql-delayed-name-removal).
   */
  dropName: Uint8Array;
}

/** Groups the input series by the aggregation's grouping labels, names still there. */
// Prometheus: promql/engine.go rangeEvalAgg (generateGroupingKey, generateGroupingLabels)
export async function groupSeries(ev: Pausable, input: Series[], e: AggregateExpr): Promise<Groups> {
  const groupOf = new Int32Array(input.length);
  if (!e.without && e.grouping.length === 0) {
    // `count(x)`, `sum by () (x)`: one group with no labels, no label set made per series.
    if (input.length === 0) return { groupOf, labels: [], dropName: new Uint8Array(0) };
    let drop = 0;
    for (let i = 0; i < input.length; i++) if (input[i]!.dropName) drop = 1;
    return { groupOf, labels: [Labels.EMPTY], dropName: Uint8Array.of(drop) };
  }
  const labels: Labels[] = [];
  const marks: number[] = [];
  const byKey = new Map<string, number>();
  for (let i = 0; i < input.length; i++) {
    if ((i & 63) === 63 && ev.due()) await ev.pause();
    const s = input[i]!;
    const gl = s.metric.matchLabels(!e.without, e.grouping);
    const k = gl.key();
    let g = byKey.get(k);
    if (g === undefined) {
      g = labels.length;
      labels.push(gl);
      marks.push(0);
      byKey.set(k, g);
    }
    if (s.dropName) marks[g] = 1;
    groupOf[i] = g;
  }
  return { groupOf, labels, dropName: Uint8Array.from(marks) };
}

/** A heap of series indexes ordered like Prometheus's vectorByValueHeap / vectorByReverseValueHeap. */
class KHeap {
  idx: number[] = [];
  constructor(
    readonly vals: Float64Array,
    readonly top: boolean,
  ) {}
  less(i: number, j: number): boolean {
    const a = this.vals[this.idx[i]!]!;
    const b = this.vals[this.idx[j]!]!;
    if (this.top) return a < b || (Number.isNaN(a) && !Number.isNaN(b));
    return a > b || (Number.isNaN(a) && !Number.isNaN(b));
  }
  swap(i: number, j: number): void {
    const t = this.idx[i]!;
    this.idx[i] = this.idx[j]!;
    this.idx[j] = t;
  }
  up(j: number): void {
    for (;;) {
      const i = Math.trunc((j - 1) / 2);
      if (i === j || !this.less(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }
  down(i0: number, n: number): boolean {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(j2, j1)) j = j2;
      if (!this.less(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }
  push(x: number): void {
    this.idx.push(x);
    this.up(this.idx.length - 1);
  }
  fix(i: number): void {
    if (!this.down(i, this.idx.length)) this.up(i);
  }
}

/** topk, bottomk, limitk and limit_ratio at every step; the chosen series keep their labels. */
export async function aggregateK(
  ev: EvalHost,
  e: AggregateExpr,
  input: Series[],
  params: Float64Array,
): Promise<Series[]> {
  const { groupOf, labels } = await groupSeries(ev, input, e);
  const nGroups = labels.length;
  const cur = new Int32Array(input.length);
  const vals = new Float64Array(input.length);
  // Histogram points of limitk/limit_ratio (topk/bottomk never get histograms: they are ignored).
  const hvals: (FloatHistogram | undefined)[] = new Array(input.length);
  const out: (Series | undefined)[] = new Array(input.length);
  const op = e.op;
  let warnedRatio = false;
  const hashOffset = new Float64Array(input.length).fill(-1);
  const outOrder: number[] = [];
  const step = (k: number): void => {
    const ts = ev.start + k * ev.interval;
    const p = params[k]!;
    let kk = 0;
    let ratio = 0;
    if (op === 'limit_ratio') {
      if (Number.isNaN(p)) throw new PromQLEvalError('Ratio value is NaN');
      ratio = p;
      if (p < -1 || p > 1) {
        ratio = p < -1 ? -1 : 1;
        if (!warnedRatio) {
          warnedRatio = true;
          ev.annos.add(invalidRatioWarning(p, ratio, e.param!.posRange));
        }
      }
    } else {
      if (Number.isNaN(p)) throw new PromQLEvalError('Parameter value is NaN');
      kk = p >= 9.223372036854776e18 ? Number.MAX_SAFE_INTEGER : Math.trunc(p);
      if (kk < 1) {
        // Advance cursors past this step.
        for (let i = 0; i < input.length; i++) {
          const s = input[i]!;
          const c = cur[i]!;
          if (c < s.length && s.ts[c] === ts) cur[i] = c + 1;
        }
        return;
      }
    }
    const heaps: (KHeap | undefined)[] = new Array(nGroups);
    const lists: (number[] | undefined)[] = new Array(nGroups);
    const order: number[] = [];
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      const c = cur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      cur[i] = c + 1;
      const f = s.vs[c]!;
      vals[i] = f;
      if (s.hs !== null) hvals[i] = s.hs[c];
      const g = groupOf[i]!;
      if (op === 'topk' || op === 'bottomk') {
        let h = heaps[g];
        if (h === undefined) {
          h = new KHeap(vals, op === 'topk');
          heaps[g] = h;
          order.push(g);
        }
        if (h.idx.length < kk) {
          h.push(i);
        } else {
          const top = vals[h.idx[0]!]!;
          const replace =
            op === 'topk'
              ? top < f || (Number.isNaN(top) && !Number.isNaN(f))
              : top > f || (Number.isNaN(top) && !Number.isNaN(f));
          if (replace) {
            h.idx[0] = i;
            if (kk > 1) h.fix(0);
          }
        }
      } else {
        let l = lists[g];
        if (l === undefined) {
          l = [];
          lists[g] = l;
          order.push(g);
        }
        if (op === 'limitk') {
          if (l.length < kk) l.push(i);
        } else {
          let off = hashOffset[i]!;
          if (off < 0) {
            off = Number(s.metric.hash()) / MaxUint64;
            hashOffset[i] = off;
          }
          if ((ratio >= 0 && off < ratio) || (ratio < 0 && off >= 1 + ratio)) l.push(i);
        }
      }
    }
    for (const g of order) {
      let chosen: number[];
      if (op === 'topk' || op === 'bottomk') {
        const h = heaps[g]!;
        chosen = h.idx.slice();
        // Prometheus sorts the heap in reverse order of its Less.
        const top = op === 'topk';
        chosen.sort((a, b) => {
          const x = vals[a]!;
          const y = vals[b]!;
          const lessBA = top
            ? y < x || (Number.isNaN(y) && !Number.isNaN(x))
            : y > x || (Number.isNaN(y) && !Number.isNaN(x));
          const lessAB = top
            ? x < y || (Number.isNaN(x) && !Number.isNaN(y))
            : x > y || (Number.isNaN(x) && !Number.isNaN(y));
          return lessBA ? -1 : lessAB ? 1 : 0;
        });
      } else {
        chosen = lists[g]!;
      }
      for (const i of chosen) {
        let s = out[i];
        if (s === undefined) {
          s = new Series(input[i]!.metric, 4, input[i]!.dropName);
          out[i] = s;
          outOrder.push(i);
        }
        const h = hvals[i];
        if (h !== undefined) {
          s.pushH(ts, h);
          hvals[i] = undefined;
        } else s.push(ts, vals[i]!);
        ev.countSamples(1);
      }
    }
  };
  await inBlocks(ev, ev.numSteps, input.length, (from, to) => {
    for (let k = from; k < to; k++) step(k);
  });
  const res: Series[] = [];
  for (const i of outOrder) res.push(out[i]!);
  return res;
}
