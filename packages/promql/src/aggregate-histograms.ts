// Prometheus: promql/engine.go aggregation (the native-histogram cases of sum and avg)
import { IncompatibleSchemaError } from '@tsprom/histogram';
import { groupSeries } from './aggregate-k.js';
import type { EvalHost } from './eval-host.js';
import { inBlocks } from './eval-loop.js';
import {
  histogramCounterResetCollisionWarning,
  mismatchedCustomBucketsHistogramsInfo,
  mixedExponentialCustomHistogramsWarning,
  mixedFloatsHistogramsAggWarning,
} from './histogram-annotations.js';
import { HistogramKahanSum } from './histogram-kahan.js';
import { kahan, kahanSumInc } from './kahan.js';
import type { AggregateExpr } from './parser/index.js';
import { Series } from './value.js';

interface Cell {
  n: number;
  f: number;
  c: number;
  mean: number;
  incremental: boolean;
  acc: HistogramKahanSum | null;
  hasFloat: boolean;
  hasHistogram: boolean;
  incompatible: boolean;
}

/** True when some series of the input holds a histogram point. */
export function hasHistograms(input: Series[]): boolean {
  for (const s of input) if (s.hs !== null) return true;
  return false;
}

/**
 * `sum` and `avg` over an input holding histograms, step by step: a group of histograms sums (or
 * averages, incrementally as Prometheus does) to a histogram; a group mixing floats and histograms
 * gives no value and a warning; histograms of incompatible schemas likewise.
 */
export async function aggregateHistograms(ev: EvalHost, e: AggregateExpr, input: Series[]): Promise<Series[]> {
  const { groupOf, labels, dropName } = await groupSeries(ev, input, e);
  const nGroups = labels.length;
  const cells: (Cell | undefined)[] = new Array(nGroups);
  const out: (Series | undefined)[] = new Array(nGroups);
  const cur = new Int32Array(input.length);
  const avg = e.op === 'avg';
  const pos = e.expr.posRange;
  const touched: number[] = [];
  const step = (k: number): void => {
    const ts = ev.start + k * ev.interval;
    touched.length = 0;
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      const c = cur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      cur[i] = c + 1;
      const g = groupOf[i]!;
      let cell = cells[g];
      if (cell === undefined || cell.n === 0) {
        cell = {
          n: 0,
          f: 0,
          c: 0,
          mean: 0,
          incremental: false,
          acc: null,
          hasFloat: false,
          hasHistogram: false,
          incompatible: false,
        };
        cells[g] = cell;
        touched.push(g);
      }
      cell.n++;
      const h = s.hs === null ? undefined : s.hs[c];
      if (h !== undefined) {
        cell.hasHistogram = true;
        if (cell.incompatible || cell.hasFloat) continue;
        cell.acc ??= new HistogramKahanSum();
        try {
          cell.acc.add(h, avg);
        } catch (err) {
          if (!(err instanceof IncompatibleSchemaError)) throw err;
          ev.annos.add(mixedExponentialCustomHistogramsWarning(s.metric.get('__name__'), pos));
          cell.incompatible = true;
        }
        continue;
      }
      cell.hasFloat = true;
      const f = s.vs[c]!;
      if (cell.n === 1) {
        cell.f = f;
        cell.c = 0;
        continue;
      }
      if (!avg) {
        cell.f = kahanSumInc(f, cell.f, cell.c);
        cell.c = kahan.c;
      } else {
        const n = cell.n;
        if (!cell.incremental) {
          const nv = kahanSumInc(f, cell.f, cell.c);
          if (Number.isFinite(nv) || Number.isNaN(nv)) {
            cell.f = nv;
            cell.c = kahan.c;
            continue;
          }
          cell.incremental = true;
          cell.mean = cell.f / (n - 1);
          cell.c /= n - 1;
        }
        const q = (n - 1) / n;
        cell.mean = kahanSumInc(f / n, q * cell.mean, q * cell.c);
        cell.c = kahan.c;
      }
    }
    let emitted = 0;
    for (const g of touched) {
      const cell = cells[g]!;
      const n = cell.n;
      cell.n = 0;
      let s = out[g];
      const get = (): Series => {
        if (s === undefined) {
          s = new Series(labels[g]!, 4, dropName[g] === 1);
          out[g] = s;
        }
        return s;
      };
      if (cell.hasFloat && cell.hasHistogram) {
        ev.annos.add(mixedFloatsHistogramsAggWarning(pos));
        continue;
      }
      if (cell.hasHistogram) {
        const acc = cell.acc;
        if (cell.incompatible || acc === null) continue;
        if (acc.counterResetCollision) ev.annos.add(histogramCounterResetCollisionWarning(pos, 'aggregation'));
        if (acc.nhcbBoundsReconciled) ev.annos.add(mismatchedCustomBucketsHistogramsInfo(pos, 'aggregation'));
        get().pushH(ts, acc.value(avg));
      } else if (!avg) get().push(ts, cell.f + cell.c);
      else get().push(ts, cell.incremental ? cell.mean + cell.c : cell.f / n + cell.c / n);
      emitted++;
    }
    ev.countSamples(emitted);
  };
  await inBlocks(ev, ev.numSteps, input.length, (from, to) => {
    for (let k = from; k < to; k++) step(k);
  });
  const res: Series[] = [];
  for (const s of out) if (s !== undefined) res.push(s);
  return res;
}
