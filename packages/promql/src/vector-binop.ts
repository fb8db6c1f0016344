// Prometheus: promql/engine.go VectorBinop
// Arithmetic and comparisons between two instant vectors, matched one-to-one, many-to-one
// (group_left) or one-to-many (group_right), with the optional fill values.
import { type BinopOperands, BinopOutputs } from './binop-outputs.js';
import { elem, elemBinop, shouldDropMetricName } from './elem-binop.js';
import type { EvalHost } from './eval-host.js';
import { inBlocks } from './eval-loop.js';
import { PromQLEvalError } from './errors.js';
import type { BinaryExpr, VectorMatching } from './parser/index.js';
import type { Series } from './value.js';
import { BinopSteps, filledValue } from './vector-binop-steps.js';
import { signatureIds } from './vector-matching.js';
import { hasHistograms } from './aggregate-histograms.js';

/** How {@link vectorBinop} takes the steps; for tests, which compare the two ways. */
export interface VectorBinopOptions {
  /** Steps per block (default: as many as keep the block's tables under ~4 MB). */
  blockSteps?: number;
  /** Every step one by one in Prometheus's order, as for a block that needs it. */
  stepByStep?: boolean;
}

/** Cells (signatures × steps) of the tables of one block of steps: 16 bytes each at most. */
const blockCells = 1 << 18;

/**
 * Evaluates `lhs op rhs` between two vectors at every step. The input series have points at step
 * times only (start + k·interval).
 *
 * Signatures are computed once per series (as Prometheus computes them once per series of
 * rangeEval) and the steps are taken in blocks: the right side's points of a block go into a
 * table indexed by (signature, step), then each left series is walked once over the block,
 * finding its match at each step with a lookup, and its output series (one per matched pair,
 * whose labels are built once) gets the block's points in a row. The work is linear in the
 * points, and each series' points are read in order.
 *
 * When a block shows anything out of the ordinary (two right series with one signature at a
 * step, two left ones matching one right one at a step in one-to-one matching, an output written
 * twice at a step or out of order), its points are taken back and it is evaluated again step by
 * step in Prometheus's order ({@link BinopSteps}), which raises the error Prometheus raises there
 * or merges the outputs as it does.
 */
// Prometheus: promql/engine.go VectorBinop
export async function vectorBinop(
  ev: EvalHost,
  e: BinaryExpr,
  lhsIn: Series[],
  rhsIn: Series[],
  m: VectorMatching,
  opts: VectorBinopOptions = {},
): Promise<Series[]> {
  if (m.card === 'many-to-many') throw new PromQLEvalError('many-to-many only allowed for set operators');
  if (lhsIn.length === 0 && rhsIn.length === 0) return [];
  const swapped = m.card === 'one-to-many';
  const lhs = swapped ? rhsIn : lhsIn;
  const rhs = swapped ? lhsIn : rhsIn;
  const ids = new Map<string, number>();
  const lsid = await signatureIds(ev, lhs, m, ids);
  const rsid = await signatureIds(ev, rhs, m, ids);
  const o: BinopOperands = {
    lhs,
    rhs,
    lsid,
    rsid,
    nSig: ids.size,
    lcur: new Int32Array(lhs.length),
    rcur: new Int32Array(rhs.length),
    m,
    op: e.op,
    returnBool: e.returnBool,
    dropByOp: shouldDropMetricName(e.op) || e.returnBool,
    swapped,
    fillMany: m.fillValues.lhs,
    fillOne: m.fillValues.rhs,
    histograms: hasHistograms(lhs) || hasHistograms(rhs),
    pos: e.posRange,
  };
  const width = Math.max(1, Math.min(ev.numSteps, opts.blockSteps ?? Math.floor(blockCells / Math.max(1, o.nSig))));
  const out = new BinopOutputs(ev, o);
  const blocks = new BinopBlocks(ev, o, out, width);
  let steps: BinopSteps | null = null;
  for (let k0 = 0; k0 < ev.numSteps; k0 += width) {
    const k1 = Math.min(ev.numSteps, k0 + width);
    out.beginBlock();
    if (opts.stepByStep === true || o.histograms || !(await blocks.run(k0, k1))) {
      steps ??= new BinopSteps(ev, o, out);
      for (let k = k0; k < k1; k++) await steps.step(k);
    }
    ev.countSamples(out.emitted);
  }
  return out.result();
}

/** The evaluation of a block of steps at once (see {@link vectorBinop}). */
class BinopBlocks {
  readonly #ev: EvalHost;
  readonly #o: BinopOperands;
  readonly #out: BinopOutputs;
  readonly #width: number;
  #k0 = 0;
  #k1 = 0;
  /** The block being evaluated: it stamps the tables, which are never cleared. */
  #blk = 0;
  /** Per (signature, step of the block): the stamp of a right series there, which one, its value. */
  readonly #rStamp: Int32Array;
  readonly #rIdx: Int32Array;
  readonly #rVal: Float64Array;
  /** One-to-one matching: a left series matched the right one there. */
  readonly #mStamp: Int32Array | null;
  /** With a fill for the "many" side: a left series was there. */
  readonly #lHit: Int32Array | null;
  /** The cursors where the block started. */
  readonly #lcur0: Int32Array;
  readonly #rcur0: Int32Array;
  /** Something in the block needs the step-by-step evaluation. */
  #trouble = false;
  readonly #right = (from: number, to: number): void => this.#rightSeries(from, to);
  readonly #left = (from: number, to: number): void => this.#leftSeries(from, to);
  readonly #fill = (from: number, to: number): void => this.#fillSeries(from, to);

  constructor(ev: EvalHost, o: BinopOperands, out: BinopOutputs, width: number) {
    this.#ev = ev;
    this.#o = o;
    this.#out = out;
    this.#width = width;
    const cells = o.nSig * width;
    this.#rStamp = new Int32Array(cells);
    this.#rIdx = new Int32Array(cells);
    this.#rVal = new Float64Array(cells);
    this.#mStamp = o.m.card === 'one-to-one' ? new Int32Array(cells) : null;
    this.#lHit = o.fillMany !== null ? new Int32Array(cells) : null;
    this.#lcur0 = new Int32Array(o.lhs.length);
    this.#rcur0 = new Int32Array(o.rhs.length);
  }

  /**
   * Evaluates steps [k0, k1), the outputs' block begun. False when the block needs the
   * step-by-step evaluation: then it wrote nothing and the cursors are back at k0.
   */
  async run(k0: number, k1: number): Promise<boolean> {
    const o = this.#o;
    this.#k0 = k0;
    this.#k1 = k1;
    this.#blk++;
    this.#trouble = false;
    this.#lcur0.set(o.lcur);
    this.#rcur0.set(o.rcur);
    const ev = this.#ev;
    // A series' work: its points in the block, or building its output (labels and arrays), which
    // costs as much as a few hundred points.
    const perSeries = Math.max(this.#width, 256);
    await inBlocks(ev, o.rhs.length, perSeries, this.#right);
    if (!this.#trouble) await inBlocks(ev, o.lhs.length, perSeries, this.#left);
    if (!this.#trouble && o.fillMany !== null) await inBlocks(ev, o.rhs.length, perSeries, this.#fill);
    if (!this.#trouble) return true;
    this.#out.rollback();
    o.lcur.set(this.#lcur0);
    o.rcur.set(this.#rcur0);
    return false;
  }

  /** Puts the points of right series [from, to) in the block's table. */
  #rightSeries(from: number, to: number): void {
    if (this.#trouble) return;
    const { rhs, rsid, rcur } = this.#o;
    const rStamp = this.#rStamp;
    const rIdx = this.#rIdx;
    const rVal = this.#rVal;
    const blk = this.#blk;
    const width = this.#width;
    const k0 = this.#k0;
    const k1 = this.#k1;
    const start = this.#ev.start;
    const interval = this.#ev.interval;
    for (let ri = from; ri < to; ri++) {
      const s = rhs[ri]!;
      const ts = s.ts;
      const vs = s.vs;
      const n = s.length;
      const base = rsid[ri]! * width - k0;
      let c = rcur[ri]!;
      for (; c < n; c++) {
        const k = Math.round((ts[c]! - start) / interval);
        if (k >= k1) break;
        const cell = base + k;
        if (rStamp[cell] === blk) {
          // Two right series with one signature at a step.
          this.#trouble = true;
          return;
        }
        rStamp[cell] = blk;
        rIdx[cell] = ri;
        rVal[cell] = vs[c]!;
      }
      rcur[ri] = c;
    }
  }

  /** Matches the points of left series [from, to) in the block and writes the results. */
  #leftSeries(from: number, to: number): void {
    if (this.#trouble) return;
    const o = this.#o;
    const out = this.#out;
    const { lhs, lsid, lcur, op, fillOne, swapped, returnBool } = o;
    const rStamp = this.#rStamp;
    const rIdx = this.#rIdx;
    const rVal = this.#rVal;
    const mStamp = this.#mStamp;
    const lHit = this.#lHit;
    const blk = this.#blk;
    const width = this.#width;
    const k0 = this.#k0;
    const k1 = this.#k1;
    const start = this.#ev.start;
    const interval = this.#ev.interval;
    for (let i = from; i < to; i++) {
      const s = lhs[i]!;
      const ts = s.ts;
      const vs = s.vs;
      const n = s.length;
      const base = lsid[i]! * width - k0;
      const dropName = o.dropByOp || s.dropName;
      let c = lcur[i]!;
      for (; c < n; c++) {
        const t = ts[c]!;
        const k = Math.round((t - start) / interval);
        if (k >= k1) break;
        const cell = base + k;
        if (lHit !== null) lHit[cell] = blk;
        let ri = -1;
        let fr: number;
        if (rStamp[cell] === blk) {
          ri = rIdx[cell]!;
          fr = rVal[cell]!;
          if (mStamp !== null) {
            if (mStamp[cell] === blk) {
              // Two left series matching one right series at a step (one-to-one).
              this.#trouble = true;
              return;
            }
            mStamp[cell] = blk;
          }
        } else if (fillOne === null) continue;
        else fr = fillOne;
        let fl = vs[c]!;
        if (swapped) {
          const x = fl;
          fl = fr;
          fr = x;
        }
        elemBinop(op, fl, fr);
        let v = elem.v;
        if (returnBool) v = elem.keep ? 1 : 0;
        else if (!elem.keep) continue;
        if (!out.put(out.pairSlot(i, ri, t), t, v, dropName)) {
          this.#trouble = true;
          return;
        }
      }
      lcur[i] = c;
    }
  }

  /** With a fill for the "many" side: the points of right series [from, to) no left one matched. */
  #fillSeries(from: number, to: number): void {
    if (this.#trouble) return;
    const o = this.#o;
    const out = this.#out;
    const lHit = this.#lHit!;
    const blk = this.#blk;
    const width = this.#width;
    const k0 = this.#k0;
    const start = this.#ev.start;
    const interval = this.#ev.interval;
    for (let ri = from; ri < to; ri++) {
      const s = o.rhs[ri]!;
      const base = o.rsid[ri]! * width - k0;
      const end = o.rcur[ri]!;
      for (let c = this.#rcur0[ri]!; c < end; c++) {
        const t = s.ts[c]!;
        if (lHit[base + Math.round((t - start) / interval)] === blk) continue;
        const v = filledValue(o, s.vs[c]!);
        if (v === null) continue;
        if (!out.put(out.fillSlot(ri, t), t, v, o.dropByOp)) {
          this.#trouble = true;
          return;
        }
      }
    }
  }
}
