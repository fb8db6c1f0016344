// Prometheus: promql/engine.go VectorBinop (one step at a time)
import type { BinopOperands, BinopOutputs, OutSlot } from './binop-outputs.js';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { elem, elemBinop } from './elem-binop.js';
import { helem, histElemBinop } from './hist-binop.js';
import type { EvalHost } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import { duplicateLabelsetError } from './series-utils.js';
import { duplicateSeriesError } from './vector-matching.js';

/** Pairs matched between two looks at the clock: the first step builds their label sets. */
const pairsPerCheck = 256;

/**
 * A vector-vector operation evaluated one step at a time, in Prometheus's order: the right
 * series of the step by signature, then the left series in order, then the fills. Errors come
 * out as Prometheus raises them, at the first step and element where they arise. Reads the
 * operands from their cursors, which it advances.
 */
export class BinopSteps {
  readonly #ev: EvalHost;
  readonly #o: BinopOperands;
  readonly #out: BinopOutputs;
  /** Per signature, stamped with the step (k + 1): a right series there and which one. */
  readonly #rightStamp: Int32Array;
  readonly #rightIdx: Int32Array;
  /** Per signature: a left series matched there (one-to-one), a left series was there. */
  readonly #matchedStamp: Int32Array;
  readonly #leftStamp: Int32Array;
  /** The value of each series at the step, and the series present. */
  readonly #lVals: Float64Array;
  readonly #rVals: Float64Array;
  /** The histogram of each series at the step (when an operand holds histograms). */
  readonly #lHs: (FloatHistogram | undefined)[] = [];
  readonly #rHs: (FloatHistogram | undefined)[] = [];
  readonly #lPresent: number[] = [];
  readonly #rPresent: number[] = [];
  /** many-to-one and one-to-many: the outputs written at the step, per signature. */
  readonly #groups: Map<number, Set<OutSlot>> | null;

  constructor(ev: EvalHost, o: BinopOperands, out: BinopOutputs) {
    this.#ev = ev;
    this.#o = o;
    this.#out = out;
    this.#rightStamp = new Int32Array(o.nSig);
    this.#rightIdx = new Int32Array(o.nSig);
    this.#matchedStamp = new Int32Array(o.nSig);
    this.#leftStamp = new Int32Array(o.nSig);
    this.#lVals = new Float64Array(o.lhs.length);
    this.#rVals = new Float64Array(o.rhs.length);
    this.#groups = o.m.card === 'one-to-one' ? null : new Map();
  }

  /** Evaluates step k; throws the error Prometheus raises there. */
  async step(k: number): Promise<void> {
    const ev = this.#ev;
    if (this.#gather(k)) {
      const present = this.#lPresent;
      for (let a = 0; a < present.length; a += pairsPerCheck) {
        this.#match(k, a, Math.min(present.length, a + pairsPerCheck));
        if (ev.due()) await ev.pause();
      }
      this.#fill(k);
      // Prometheus's rangeEval finds two outputs with one label set once the step is done.
      if (this.#out.duplicate) throw duplicateLabelsetError();
    }
    if (ev.due()) await ev.pause();
  }

  /**
   * Reads the points of both sides at step k; false when nothing can come out of it (a side
   * without points and no fill value), where Prometheus's VectorBinop returns early.
   */
  #gather(k: number): boolean {
    const o = this.#o;
    const ts = this.#ev.start + k * this.#ev.interval;
    const stamp = k + 1;
    this.#groups?.clear();
    this.#out.duplicate = false;
    const lp = this.#lPresent;
    const rp = this.#rPresent;
    lp.length = 0;
    rp.length = 0;
    for (let i = 0; i < o.rhs.length; i++) {
      const s = o.rhs[i]!;
      const c = o.rcur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      o.rcur[i] = c + 1;
      this.#rVals[i] = s.vs[c]!;
      if (o.histograms) this.#rHs[i] = s.hs === null ? undefined : s.hs[c];
      rp.push(i);
    }
    for (let i = 0; i < o.lhs.length; i++) {
      const s = o.lhs[i]!;
      const c = o.lcur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      o.lcur[i] = c + 1;
      this.#lVals[i] = s.vs[c]!;
      if (o.histograms) this.#lHs[i] = s.hs === null ? undefined : s.hs[c];
      lp.push(i);
    }
    if ((lp.length === 0 || rp.length === 0) && o.fillMany === null && o.fillOne === null) return false;
    for (const i of rp) {
      const sid = o.rsid[i]!;
      if (this.#rightStamp[sid] === stamp) {
        const dup = o.rhs[this.#rightIdx[sid]!]!.metric;
        throw duplicateSeriesError(o.rhs[i]!.metric, dup, o.m, o.swapped ? 'left' : 'right');
      }
      this.#rightStamp[sid] = stamp;
      this.#rightIdx[sid] = i;
    }
    return true;
  }

  /** Matches the left points lPresent[from, to) of step k with the right side. */
  #match(k: number, from: number, to: number): void {
    const o = this.#o;
    const out = this.#out;
    const ts = this.#ev.start + k * this.#ev.interval;
    const stamp = k + 1;
    const oneToOne = o.m.card === 'one-to-one';
    for (let j = from; j < to; j++) {
      const i = this.#lPresent[j]!;
      const sid = o.lsid[i]!;
      this.#leftStamp[sid] = stamp;
      const ri = this.#rightStamp[sid] === stamp ? this.#rightIdx[sid]! : -1;
      let fl = this.#lVals[i]!;
      let fr: number;
      let hl = o.histograms ? this.#lHs[i] : undefined;
      let hr: FloatHistogram | undefined;
      if (ri < 0) {
        if (o.fillOne === null) continue;
        fr = o.fillOne;
      } else {
        fr = this.#rVals[ri]!;
        if (o.histograms) hr = this.#rHs[ri];
      }
      if (o.swapped) {
        const x = fl;
        fl = fr;
        fr = x;
        const y = hl;
        hl = hr;
        hr = y;
      }
      // Prometheus checks one-to-one uniqueness before filtering, so a comparison that drops
      // the extra matches still fails.
      if (ri >= 0 && oneToOne) {
        if (this.#matchedStamp[sid] === stamp) {
          throw new PromQLEvalError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        }
        this.#matchedStamp[sid] = stamp;
      }
      let v: number;
      let h: FloatHistogram | null = null;
      if (o.histograms) {
        histElemBinop(this.#ev, o.op, fl, hl, fr, hr, o.pos);
        if (o.returnBool) {
          if (helem.incompatible) continue;
          v = helem.keep ? 1 : 0;
        } else {
          if (!helem.keep) continue;
          v = helem.v;
          h = helem.h;
        }
      } else {
        elemBinop(o.op, fl, fr);
        v = elem.v;
        if (o.returnBool) v = elem.keep ? 1 : 0;
        else if (!elem.keep) continue;
      }
      const slot = out.pairSlot(i, ri, ts);
      if (ri >= 0 && this.#groups !== null) {
        let set = this.#groups.get(sid);
        if (set === undefined) {
          set = new Set();
          this.#groups.set(sid, set);
        } else if (set.has(slot)) {
          throw new PromQLEvalError('multiple matches for labels: grouping labels must ensure unique matches');
        }
        set.add(slot);
      }
      out.putAtStep(slot, ts, v, o.dropByOp || o.lhs[i]!.dropName, h);
    }
  }

  /** With a fill for the "many" side: the right points of step k that no left point matched. */
  #fill(k: number): void {
    const o = this.#o;
    if (o.fillMany === null) return;
    const ts = this.#ev.start + k * this.#ev.interval;
    const stamp = k + 1;
    for (const ri of this.#rPresent) {
      if (this.#leftStamp[o.rsid[ri]!] === stamp) continue;
      const v = filledValue(o, this.#rVals[ri]!);
      if (v !== null) this.#out.putAtStep(this.#out.fillSlot(ri, ts), ts, v, o.dropByOp);
    }
  }
}

/** The value of the filled "many" side with a right value `r`; null when a comparison drops it. */
export function filledValue(o: BinopOperands, r: number): number | null {
  const fill = o.fillMany!;
  if (o.swapped) elemBinop(o.op, r, fill);
  else elemBinop(o.op, fill, r);
  if (o.returnBool) return elem.keep ? 1 : 0;
  return elem.keep ? elem.v : null;
}
