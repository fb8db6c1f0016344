// Prometheus: promql/engine.go evaluator
import { Labels } from '@tsprom/labels';
import { type Annotations, isStaleNaN } from '@tsprom/storage-interfaces';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import { evalCall } from './call.js';
import { evalDurationExpr } from './duration.js';
import { evalInfo } from './info.js';
import type { EvalHost, RangeSource, SelectedSeries, SelectorValue } from './eval-host.js';
import { PromQLEvalError, QueryCanceledError, QueryTimeoutError, TooManySamplesError } from './errors.js';
import type { Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './parser/index.js';
import { dropNames, dropMetricName } from './series-utils.js';
import { Series } from './value.js';

/** Shared, per-query state of an evaluator and its subquery children. */
export interface EvalShared {
  data: Map<VectorSelector, SelectedSeries[]>;
  annos: Annotations;
  lookbackDeltaMs: number;
  maxSamples: number;
  delayedNameRemoval: boolean;
  noStepSubqueryIntervalFn: (rangeMs: number) => number;
  /** performance.now() value past which the query times out (Infinity for none). */
  deadline: number;
  signal: AbortSignal | undefined;
  queryStart: number;
  queryEnd: number;
  queryStepMs: number;
  topLevelRange: boolean;
  /** Samples currently held and the running totals. */
  currentSamples: number;
  totalSamples: number;
  peakSamples: number;
  /** Per-step totals of the top-level evaluation, when requested. */
  perStep: Float64Array | null;
}

/** Evaluates an expression over the steps start, start+interval, …, end (ms). */
// Prometheus: promql/engine.go evaluator
export class Evaluator implements EvalHost {
  readonly numSteps: number;
  #cancelCounter = 0;

  constructor(
    readonly shared: EvalShared,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
  ) {
    this.numSteps = Math.floor((end - start) / interval) + 1;
  }

  get annos(): Annotations {
    return this.shared.annos;
  }
  get delayedNameRemoval(): boolean {
    return this.shared.delayedNameRemoval;
  }
  get topLevelRange(): boolean {
    return this.shared.topLevelRange;
  }
  get queryStart(): number {
    return this.shared.queryStart;
  }
  get queryEnd(): number {
    return this.shared.queryEnd;
  }
  get queryStepMs(): number {
    return this.shared.queryStepMs;
  }

  countSamples(n: number): void {
    const s = this.shared;
    s.currentSamples += n;
    s.totalSamples += n;
    if (s.currentSamples > s.peakSamples) s.peakSamples = s.currentSamples;
    if (s.currentSamples > s.maxSamples) throw new TooManySamplesError();
  }

  countStep(k: number, n: number): void {
    const ps = this.shared.perStep;
    if (ps !== null && this.start === this.shared.queryStart && this.interval === this.shared.queryStepMs) {
      ps[k] = ps[k]! + n;
    }
  }

  checkCancel(where: string): void {
    // Reading the clock every call is cheap enough, but not per sample: callers call per series.
    if ((++this.#cancelCounter & 15) !== 0) return;
    const s = this.shared;
    if (s.signal?.aborted) throw new QueryCanceledError(where);
    if (performance.now() > s.deadline) throw new QueryTimeoutError(where);
  }

  /** Evaluates a vector- or scalar-typed expression; result series hold one point per step at most. */
  eval(e: Expr): Series[] {
    const before = this.shared.currentSamples;
    const res = this.#eval(e);
    // Inputs are released once the node is done; only its result stays held.
    let total = 0;
    for (const s of res) total += s.length;
    this.shared.currentSamples = before + total;
    if (this.shared.currentSamples > this.shared.peakSamples) this.shared.peakSamples = this.shared.currentSamples;
    return res;
  }

  #eval(e: Expr): Series[] {
    switch (e.type) {
      case 'NumberLiteral':
        return [this.constant(e.val)];
      case 'DurationExpr':
        return [this.constant(evalDurationExpr(e, this.queryStepMs, this.queryEnd - this.queryStart))];
      case 'ParenExpr':
        return this.eval(e.expr);
      case 'StepInvariantExpr':
        return this.#stepInvariant(e.expr);
      case 'UnaryExpr': {
        const inner = this.eval(e.expr);
        if (e.op === '+') return inner;
        for (const s of inner) for (let i = 0; i < s.length; i++) s.vs[i] = -s.vs[i]!;
        if (isScalarExpr(e.expr)) return inner;
        return dropNames(inner, this.delayedNameRemoval);
      }
      case 'VectorSelector':
        return this.vectorSelector(e);
      case 'AggregateExpr':
        return evalAggregate(this, e);
      case 'BinaryExpr':
        return evalBinary(this, e);
      case 'Call':
        return evalCall(this, e);
      case 'MatrixSelector':
      case 'SubqueryExpr':
        throw new PromQLEvalError(`cannot evaluate range vector ${e.type} as an instant vector`);
      case 'StringLiteral':
        throw new PromQLEvalError('cannot evaluate a string as an instant vector');
    }
  }

  evalInfo(e: Call): Series[] {
    return evalInfo(this, e, this.shared.data as Map<unknown, SelectedSeries[]>, this.shared.lookbackDeltaMs);
  }

  /**
   * A subtree whose value is the same at every step: evaluated once, at the first step, and
   * repeated at the others (Prometheus does the same).
   */
  #stepInvariant(inner: Expr): Series[] {
    if (this.numSteps === 1 || inner.type === 'NumberLiteral' || inner.type === 'StringLiteral')
      return this.eval(inner);
    const once = new Evaluator(this.shared, this.start, this.start, this.interval).eval(inner);
    const out: Series[] = [];
    for (const s of once) {
      if (s.length === 0) continue;
      const v = s.vs[0]!;
      const r = new Series(s.metric, this.numSteps, s.dropName);
      for (let k = 0; k < this.numSteps; k++) r.push(this.start + k * this.interval, v);
      out.push(r);
    }
    let total = 0;
    for (const s of out) total += s.length;
    this.countSamples(total);
    return out;
  }

  /** A scalar's value at every step. */
  evalScalar(e: Expr): Float64Array {
    const res = this.eval(e);
    const out = new Float64Array(this.numSteps).fill(Number.NaN);
    const s = res[0];
    if (s !== undefined) {
      for (let i = 0; i < s.length; i++) out[Math.round((s.ts[i]! - this.start) / this.interval)] = s.vs[i]!;
    }
    return out;
  }

  /** A series with `v` at every step and no labels. */
  constant(v: number): Series {
    const s = new Series(Labels.EMPTY, this.numSteps);
    for (let k = 0; k < this.numSteps; k++) s.push(this.start + k * this.interval, v);
    this.countSamples(this.numSteps);
    return s;
  }

  /** The `@` time of a selector or subquery, with start()/end() resolved; null if none. */
  atTime(n: VectorSelector | SubqueryExpr): number | null {
    if (n.timestamp !== null) return n.timestamp;
    if (n.startOrEnd === 'start') return this.queryStart;
    if (n.startOrEnd === 'end') return this.queryEnd;
    return null;
  }

  /**
   * An instant vector selector at every step: the latest sample in (t-lookback, t], unless it is
   * a stale marker. `what` picks the value reported (see EvalHost.vectorSelector).
   */
  // Prometheus: promql/engine.go vectorSelectorSingle
  vectorSelector(vs: VectorSelector, what: SelectorValue = 'value'): Series[] {
    const data = this.shared.data.get(vs) ?? [];
    const at = this.atTime(vs);
    const off = vs.originalOffset;
    const lookback = this.shared.lookbackDeltaMs;
    const out: Series[] = [];
    if (vs.smoothed) return this.#smoothedSelector(data, at, off, lookback, what);
    for (const sel of data) {
      this.checkCancel('expression evaluation');
      const ts = sel.ts;
      const vals = sel.vs;
      const n = ts.length;
      let series: Series | null = null;
      let j = 0;
      for (let k = 0; k < this.numSteps; k++) {
        const stepT = this.start + k * this.interval;
        const refT = (at ?? stepT) - off;
        while (j < n && ts[j]! <= refT) j++;
        if (j === 0) continue;
        const t = ts[j - 1]!;
        if (t <= refT - lookback) continue;
        const v = vals[j - 1]!;
        if (isStaleNaN(v)) continue;
        if (series === null) series = new Series(sel.labels, this.numSteps - k);
        series.push(stepT, what === 'value' ? v : what === 'timestamp' ? t / 1000 : (sel.sts?.[j - 1] ?? 0) / 1000);
        this.countStep(k, 1);
      }
      if (series !== null) {
        this.countSamples(series.length);
        out.push(series);
      }
    }
    return out;
  }

  /** `x smoothed`: the value at each step interpolated between the samples around it. */
  #smoothedSelector(
    data: SelectedSeries[],
    at: number | null,
    off: number,
    lookback: number,
    what: SelectorValue,
  ): Series[] {
    const out: Series[] = [];
    for (const sel of data) {
      const ts = sel.ts;
      const vals = sel.vs;
      const n = ts.length;
      let series: Series | null = null;
      let j = 0;
      for (let k = 0; k < this.numSteps; k++) {
        const stepT = this.start + k * this.interval;
        const refT = (at ?? stepT) - off;
        if (at !== null) j = 0;
        while (j < n && ts[j]! <= refT) j++;
        if (j === 0) continue;
        const t = ts[j - 1]!;
        if (t <= refT - lookback) continue;
        const v = vals[j - 1]!;
        if (isStaleNaN(v)) continue;
        let value = v;
        if (t < refT && j < n && !isStaleNaN(vals[j]!) && ts[j]! - refT < lookback) {
          value = v + ((vals[j]! - v) * (refT - t)) / (ts[j]! - t);
        }
        if (series === null) series = new Series(sel.labels, this.numSteps - k);
        series.push(stepT, what === 'value' ? value : what === 'timestamp' ? t / 1000 : (sel.sts?.[j - 1] ?? 0) / 1000);
      }
      if (series !== null) {
        this.countSamples(series.length);
        out.push(series);
      }
    }
    return out;
  }

  /** The series of a range vector and how to window them. */
  rangeSource(e: MatrixSelector | SubqueryExpr): RangeSource {
    if (e.type === 'MatrixSelector') {
      const vs = e.vectorSelector;
      const data = this.shared.data.get(vs) ?? [];
      return {
        series: data.map((d) => ({
          metric: d.labels,
          ts: d.fts,
          vs: d.fvs,
          sts: d.fsts,
          length: d.fts.length,
          dropName: false,
        })),
        rangeMs: e.range,
        offsetMs: vs.originalOffset,
        at: this.atTime(vs),
        anchored: vs.anchored,
        smoothed: vs.smoothed,
        lookbackMs: this.shared.lookbackDeltaMs,
      };
    }
    const at = this.atTime(e);
    const step = e.step > 0 ? e.step : this.shared.noStepSubqueryIntervalFn(e.range);
    const outerStart = at ?? this.start;
    const outerEnd = at ?? this.end;
    const lowest = outerStart - e.originalOffset - e.range;
    let innerStart = step * Math.trunc(lowest / step);
    if (innerStart <= lowest) innerStart += step;
    const innerEnd = outerEnd - e.originalOffset;
    let series: Series[] = [];
    if (innerStart <= innerEnd) {
      const child = new Evaluator(this.shared, innerStart, innerEnd, step);
      series = child.eval(e.expr);
    }
    if (this.delayedNameRemoval) {
      for (const s of series) if (s.dropName) s.metric = dropMetricName(s.metric);
    }
    return {
      series,
      rangeMs: e.range,
      offsetMs: e.originalOffset,
      at,
      anchored: false,
      smoothed: false,
      lookbackMs: 0,
    };
  }

  /**
   * The raw points of a range vector at the single step of an instant query (a top-level
   * `x[5m]` or subquery): the points in (t-offset-range, t-offset].
   */
  rangeVectorAtInstant(e: MatrixSelector | SubqueryExpr): Series[] {
    const src = this.rangeSource(e);
    const refT = (src.at ?? this.start) - src.offsetMs;
    const lo = refT - src.rangeMs;
    const out: Series[] = [];
    for (const s of src.series) {
      const m = new Series(s.metric, 4, s.dropName);
      for (let i = 0; i < s.length; i++) {
        const t = s.ts[i]!;
        if (t > lo && t <= refT) m.push(t, s.vs[i]!);
      }
      if (m.length > 0) {
        this.countSamples(m.length);
        out.push(m);
      }
    }
    return out;
  }
}

function isScalarExpr(e: Expr): boolean {
  switch (e.type) {
    case 'NumberLiteral':
    case 'DurationExpr':
      return true;
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return isScalarExpr(e.expr);
    case 'BinaryExpr':
      return isScalarExpr(e.lhs) && isScalarExpr(e.rhs);
    case 'Call':
      return e.func.returnType === 'scalar';
    default:
      return false;
  }
}
