// The output series of a vector-vector operation: one per matched pair, merged when their labels
import type { FloatHistogram, PositionRange } from '@tsprom/storage-interfaces';
// are equal (Prometheus: the series map of rangeEval), written a block of steps at a time.
import { Labels } from '@tsprom/labels';
import type { EvalHost } from './eval-host.js';
import type { BinaryOp, VectorMatching } from './parser/index.js';
import { dropMetricName } from './series-utils.js';
import { Series } from './value.js';
import { resultMetric } from './vector-matching.js';

/** The operands of a vector-vector operation, after the swap of one-to-many matching. */
export interface BinopOperands {
  /** The "many" side (one-to-one: the left one), and the "one" side. */
  readonly lhs: Series[];
  readonly rhs: Series[];
  /** The signature of each series, as ids below `nSig`. */
  readonly lsid: Int32Array;
  readonly rsid: Int32Array;
  readonly nSig: number;
  /** The next point of each series to read, advanced as steps are evaluated. */
  readonly lcur: Int32Array;
  readonly rcur: Int32Array;
  readonly m: VectorMatching;
  readonly op: BinaryOp;
  readonly returnBool: boolean;
  /** The operator (or `bool`) drops the metric name. */
  readonly dropByOp: boolean;
  /** one-to-many: the query's left side is `rhs`. */
  readonly swapped: boolean;
  /** Fill values of the "many" and the "one" side (Prometheus applies them after the swap). */
  readonly fillMany: number | null;
  readonly fillOne: number | null;
  /** Some operand holds histograms (then the steps are taken one by one). */
  readonly histograms: boolean;
  readonly pos: PositionRange;
}

/** An output series, and what the block being evaluated changed in it. */
export interface OutSlot {
  readonly series: Series;
  /** Timestamp of its last point (-Infinity: none yet). */
  lastT: number;
  /** The block that last wrote to it, and its length and lastT before that block. */
  blk: number;
  len0: number;
  lastT0: number;
}

/**
 * The outputs of one operation. A pair's output (its labels built once) is remembered per left
 * series, since a left series matches the same right series at almost every step. Writes of a
 * block can be taken back.
 */
export class BinopOutputs {
  readonly #ev: EvalHost;
  readonly #o: BinopOperands;
  /** Per left series: the right series it matched last (-1: filled), and that pair's output. */
  readonly #lastRi: Int32Array;
  readonly #lastSlot: (OutSlot | undefined)[];
  /** Outputs by pair (left index × (right count + 1) + right index; -1 - right index: a fill). */
  readonly #pairSlots = new Map<number, OutSlot>();
  /** Outputs by the key of their labels: pairs with equal labels write one series. */
  readonly #byKey = new Map<string, OutSlot>();
  readonly #slots: OutSlot[] = [];
  /** Outputs written in the current block. */
  readonly #touched: OutSlot[] = [];
  #blk = 0;
  /** Points written since the block began. */
  emitted = 0;
  /** Step by step: an output was written twice at the current step. */
  duplicate = false;

  constructor(ev: EvalHost, o: BinopOperands) {
    this.#ev = ev;
    this.#o = o;
    this.#lastRi = new Int32Array(o.lhs.length).fill(-2);
    this.#lastSlot = new Array(o.lhs.length);
  }

  beginBlock(): void {
    this.#blk++;
    this.#touched.length = 0;
    this.emitted = 0;
  }

  /** Takes back the points written since the block began. */
  rollback(): void {
    for (const o of this.#touched) {
      o.series.length = o.len0;
      o.lastT = o.lastT0;
    }
    this.#touched.length = 0;
    this.emitted = 0;
  }

  /** Appends a point; false (and nothing written) when the output has one at or after `t`. */
  put(o: OutSlot, t: number, v: number, dropName: boolean): boolean {
    if (t <= o.lastT) return false;
    if (o.blk !== this.#blk) {
      o.blk = this.#blk;
      o.len0 = o.series.length;
      o.lastT0 = o.lastT;
      this.#touched.push(o);
    }
    this.#append(o, t, v, dropName);
    return true;
  }

  /** Appends a point of the current step; a second one at that step sets `duplicate`. */
  putAtStep(o: OutSlot, t: number, v: number, dropName: boolean, h: FloatHistogram | null = null): void {
    if (o.lastT === t) this.duplicate = true;
    else this.#append(o, t, v, dropName, h);
  }

  #append(o: OutSlot, t: number, v: number, dropName: boolean, h: FloatHistogram | null = null): void {
    const s = o.series;
    // As in Prometheus's rangeEval, the first point of an output series decides its DropName.
    if (s.length === 0) s.dropName = dropName;
    o.lastT = t;
    if (h !== null) s.pushH(t, h);
    else s.push(t, v);
    this.emitted++;
  }

  /** The output of left series `i` matched with right series `ri` (-1: filled), first written at `t`. */
  pairSlot(i: number, ri: number, t: number): OutSlot {
    if (this.#lastRi[i] === ri) return this.#lastSlot[i]!;
    const o = this.#o;
    const nr = o.rhs.length;
    const key = i * (nr + 1) + (ri < 0 ? nr : ri);
    let slot = this.#pairSlots.get(key);
    if (slot === undefined) {
      const rm = ri < 0 ? Labels.EMPTY : o.rhs[ri]!.metric;
      let metric = resultMetric(this.#ev, o.lhs[i]!.metric, rm, o.m, o.dropByOp);
      if (!this.#ev.delayedNameRemoval && o.returnBool) metric = dropMetricName(metric);
      slot = this.#slotOf(metric, t);
      this.#pairSlots.set(key, slot);
    }
    this.#lastRi[i] = ri;
    this.#lastSlot[i] = slot;
    return slot;
  }

  /** The output of right series `ri` with the left side filled (its matching labels). */
  fillSlot(ri: number, t: number): OutSlot {
    const key = -1 - ri;
    let slot = this.#pairSlots.get(key);
    if (slot === undefined) {
      const m = this.#o.m;
      slot = this.#slotOf(this.#o.rhs[ri]!.metric.matchLabels(m.on, m.matchingLabels), t);
      this.#pairSlots.set(key, slot);
    }
    return slot;
  }

  #slotOf(metric: Labels, t: number): OutSlot {
    const key = metric.key();
    let slot = this.#byKey.get(key);
    if (slot === undefined) {
      const ev = this.#ev;
      // Room for the steps from `t` on (Series caps what it allocates before it is written).
      const series = new Series(metric, Math.round((ev.end - t) / ev.interval) + 1);
      slot = { series, lastT: Number.NEGATIVE_INFINITY, blk: 0, len0: 0, lastT0: Number.NEGATIVE_INFINITY };
      this.#byKey.set(key, slot);
      this.#slots.push(slot);
    }
    return slot;
  }

  /** The outputs with points, in the order they were first written. */
  result(): Series[] {
    const out: Series[] = [];
    for (const s of this.#slots) if (s.series.length > 0) out.push(s.series);
    return out;
  }
}
