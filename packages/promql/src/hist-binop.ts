// Prometheus: promql/engine.go vectorElemBinop (the cases with native histograms)
import {
  addFloatHistogram,
  compactFloatHistogram,
  divFloatHistogram,
  floatHistogramEquals,
  IncompatibleSchemaError,
  mulFloatHistogram,
  subFloatHistogram,
} from '@tsprom/histogram';
import {
  CounterResetHint,
  copyFloatHistogram,
  type FloatHistogram,
  type PositionRange,
} from '@tsprom/storage-interfaces';
import { elem, elemBinop } from './elem-binop.js';
import type { EvalHost } from './eval-host.js';
import {
  histogramCounterResetCollisionWarning,
  incompatibleTypesInBinOpInfo,
  mismatchedCustomBucketsHistogramsInfo,
  mixedExponentialCustomHistogramsWarning,
} from './histogram-annotations.js';
import type { BinaryOp } from './parser/index.js';
import { trimHistogram } from './histogram-trim.js';

/**
 * The outcome of the last {@link histElemBinop}: `h` is the histogram result (null for a float
 * result in `v`), `keep` false when the pair gives nothing. Read right after the call.
 */
export const helem: { v: number; h: FloatHistogram | null; keep: boolean; incompatible: boolean } = {
  v: 0,
  h: null,
  keep: true,
  incompatible: false,
};

function drop(ev: EvalHost, lt: string, op: BinaryOp, rt: string, pos: PositionRange): void {
  ev.annos.add(incompatibleTypesInBinOpInfo(lt, op, rt, pos));
  helem.h = null;
  helem.keep = false;
  helem.incompatible = true;
}

/**
 * Applies `op` to two operands, each a float (`hl`/`hr` undefined) or a histogram, as Prometheus's
 * vectorElemBinop: histogram × float, histogram / float, histogram ± histogram, ==/!= between
 * histograms and the trim operators; other mixes give nothing and an info annotation.
 */
export function histElemBinop(
  ev: EvalHost,
  op: BinaryOp,
  fl: number,
  hl: FloatHistogram | undefined,
  fr: number,
  hr: FloatHistogram | undefined,
  pos: PositionRange,
): void {
  helem.keep = true;
  helem.h = null;
  helem.v = 0;
  helem.incompatible = false;
  if (hl === undefined && hr === undefined) {
    elemBinop(op, fl, fr);
    helem.v = elem.v;
    helem.keep = elem.keep;
    return;
  }
  if (hl === undefined) {
    if (op === '*') helem.h = compactFloatHistogram(mulFloatHistogram(copyFloatHistogram(hr!), fl), 0);
    else drop(ev, 'float', op, 'histogram', pos);
    return;
  }
  if (hr === undefined) {
    if (op === '*') helem.h = compactFloatHistogram(mulFloatHistogram(copyFloatHistogram(hl), fr), 0);
    else if (op === '/') helem.h = compactFloatHistogram(divFloatHistogram(copyFloatHistogram(hl), fr), 0);
    else if (op === '</' || op === '>/') helem.h = trimHistogram(hl, fr, op === '>/');
    else drop(ev, 'histogram', op, 'float', pos);
    return;
  }
  switch (op) {
    case '+':
    case '-': {
      const res = copyFloatHistogram(hl);
      try {
        const r = op === '+' ? addFloatHistogram(res, hr) : subFloatHistogram(res, hr);
        const what = op === '+' ? 'addition' : 'subtraction';
        if (r.counterResetCollision) ev.annos.add(histogramCounterResetCollisionWarning(pos, what));
        if (r.nhcbBoundsReconciled) ev.annos.add(mismatchedCustomBucketsHistogramsInfo(pos, what));
      } catch (err) {
        if (!(err instanceof IncompatibleSchemaError)) throw err;
        ev.annos.add(mixedExponentialCustomHistogramsWarning('', pos));
        helem.keep = false;
        helem.incompatible = true;
        return;
      }
      if (op === '-') res.counterResetHint = CounterResetHint.Gauge;
      helem.h = compactFloatHistogram(res, 0);
      return;
    }
    case '==':
    case '!=': {
      const eq = floatHistogramEquals(
        compactFloatHistogram(copyFloatHistogram(hl), 0),
        compactFloatHistogram(copyFloatHistogram(hr), 0),
      );
      helem.h = hl;
      helem.keep = op === '==' ? eq : !eq;
      return;
    }
    default:
      drop(ev, 'histogram', op, 'histogram', pos);
  }
}
