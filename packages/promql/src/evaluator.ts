// Prometheus: promql/engine.go evaluator
import { mulFloatHistogram } from '@tsprom/histogram';
import { Labels } from '@tsprom/labels';
import { type Annotations, copyFloatHistogram } from '@tsprom/storage-interfaces';
import { evalAggregate } from './aggregate.js';
import { mixedFloatsHistogramsWarning } from './annotations.js';
import { mixedExponentialCustomHistogramsWarning } from './histogram-annotations.js';
import { evalBinary } from './binary.js';
import { evalCall } from './call.js';
import { evalDurationExpr } from './duration.js';
import type { EvalBudget } from './eval-budget.js';
import type { EvalHost, RangeSource, SelectedSeries, SelectorData } from './eval-host.js';
import { eachPointBlock, inBlocks, makeRoom } from './eval-loop.js';
import { PromQLEvalError } from './errors.js';
import { evalInfo } from './info.js';
import { InstantSelectorRun, type SelectorValue } from './instant-selector.js';
import {
  type Call,
  type Expr,
  exprType,
  type MatrixSelector,
  type SubqueryExpr,
  type VectorSelector,
} from './parser/index.js';
import type { SampleCounter } from './sample-counter.js';
import { PointSlab } from './point-slab.js';
import { StorageWindow } from './sample-window.js';
import { infoSelector } from './selection.js';
import { SeriesCursor } from './series-cursor.js';
import { dropMetricName, dropNames } from './series-utils.js';
import { Series } from './value.js';

/** Shared, per-query state of an evaluator and its subquery children. */
export interface EvalShared {
  data: Map<VectorSelector, SelectorData>;
  annos: Annotations;
  lookbackDeltaMs: number;
  delayedNameRemoval: boolean;
  noStepSubqueryIntervalFn: (rangeMs: number) => number;
  /** The query's time slices, deadline and abort signal. */
  budget: EvalBudget;
  /** Samples held (against maxSamples), peak and total. */
  samples: SampleCounter;
  queryStart: number;
  queryEnd: number;
  queryStepMs: number;
  topLevelRange: boolean;
  /** Per-step totals of the top-level evaluation, when requested. */
  perStep: Float64Array | null;
  /** Native-histogram samples stepped over while reading floats. */
  histogramSamples: number;
  /** Nesting depth of the expression being evaluated. */
  depth: number;
}

/** Levels of nesting evaluated on one call stack. */
const stackResetDepth = 64;

/** Evaluates an expression over the steps start, start+interval, …, end (ms). */
// Prometheus: promql/engine.go evaluator
export class Evaluator implements EvalHost {
  readonly numSteps: number;

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
  get samples(): SampleCounter {
    return this.shared.samples;
  }

  countSamples(n: number): void {
    this.shared.samples.add(n);
  }

  stepStats(): Float64Array | null {
    const s = this.shared;
    return s.perStep !== null && this.start === s.queryStart && this.interval === s.queryStepMs ? s.perStep : null;
  }

  noteHistograms(n: number): void {
    this.shared.histogramSamples += n;
  }

  due(): boolean {
    return this.shared.budget.due();
  }

  pause(): Promise<void> {
    return this.shared.budget.pause();
  }

  /** Evaluates a vector- or scalar-typed expression; result series hold one point per step at most. */
  async eval(e: Expr): Promise<Series[]> {
    const shared = this.shared;
    // Every so many levels of nesting, continue from a microtask, on a fresh call stack: a deeply
    // nested query is bounded by memory, not by the stack.
    if (++shared.depth % stackResetDepth === 0) await undefined;
    try {
      const counter = shared.samples;
      const before = counter.current;
      const res = await this.#eval(e);
      // Inputs are released once the node is done; only its result stays held.
      let total = 0;
      for (const s of res) total += s.length;
      counter.reset(before + total);
      return res;
    } finally {
      shared.depth--;
    }
  }

  async #eval(e: Expr): Promise<Series[]> {
    switch (e.type) {
      case 'NumberLiteral':
        return [await this.constant(e.val)];
      case 'DurationExpr':
        return [await this.constant(evalDurationExpr(e, this.queryStepMs, this.queryEnd - this.queryStart))];
      case 'ParenExpr':
        return this.eval(e.expr);
      case 'StepInvariantExpr':
        return this.#stepInvariant(e.expr);
      case 'UnaryExpr': {
        const inner = await this.eval(e.expr);
        if (e.op === '+') return inner;
        await eachPointBlock(this, inner, negate);
        // A scalar has no name to drop (exprType is memoized: no walk of the operand's subtree).
        if (exprType(e.expr) === 'scalar') return inner;
        return dropNames(this, inner);
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

  async evalInfo(e: Call): Promise<Series[]> {
    const infos = await this.loadSeries(infoSelector(e));
    return evalInfo(this, e, infos, this.shared.lookbackDeltaMs);
  }

  /**
   * A subtree whose value is the same at every step: evaluated once, at the first step, and
   * repeated at the others (Prometheus does the same).
   */
  async #stepInvariant(inner: Expr): Promise<Series[]> {
    if (this.numSteps === 1 || inner.type === 'NumberLiteral' || inner.type === 'StringLiteral')
      return this.eval(inner);
    const once = await new Evaluator(this.shared, this.start, this.start, this.interval).eval(inner);
    const out: Series[] = [];
    for (const s of once) {
      if (s.length === 0) continue;
      const v = s.vs[0]!;
      const h = s.histogramAt(0);
      // Counted before it is allocated: the limit bounds what is allocated.
      this.countSamples(this.numSteps - 1);
      const r = new Series(s.metric, 1, s.dropName);
      r.reserve(this.numSteps);
      out.push(r);
      await inBlocks(this, this.numSteps, 1, (from, to) => {
        if (h !== undefined) for (let k = from; k < to; k++) r.pushH(this.start + k * this.interval, h);
        else for (let k = from; k < to; k++) r.push(this.start + k * this.interval, v);
      });
    }
    return out;
  }

  /** A scalar's value at every step. */
  async evalScalar(e: Expr): Promise<Float64Array> {
    const res = await this.eval(e);
    const out = new Float64Array(this.numSteps).fill(Number.NaN);
    const s = res[0];
    if (s !== undefined) {
      for (let i = 0; i < s.length; i++) out[Math.round((s.ts[i]! - this.start) / this.interval)] = s.vs[i]!;
    }
    return out;
  }

  /** A series with `v` at every step and no labels. */
  async constant(v: number): Promise<Series> {
    this.countSamples(this.numSteps);
    const s = new Series(Labels.EMPTY, 1);
    s.reserve(this.numSteps);
    await inBlocks(this, this.numSteps, 1, (from, to) => {
      for (let k = from; k < to; k++) s.push(this.start + k * this.interval, v);
    });
    return s;
  }

  /** The `@` time of a selector or subquery, with start()/end() resolved; null if none. */
  atTime(n: VectorSelector | SubqueryExpr): number | null {
    if (n.timestamp !== null) return n.timestamp;
    if (n.startOrEnd === 'start') return this.queryStart;
    if (n.startOrEnd === 'end') return this.queryEnd;
    return null;
  }

  #selected(vs: VectorSelector): SelectorData {
    return this.shared.data.get(vs) ?? { series: [], mint: 0, maxt: -1 };
  }

  /**
   * An instant vector selector at every step: the latest sample in (t-lookback, t], unless it is
   * a stale marker. `what` picks the value reported (see EvalHost.vectorSelector). The series are
   * read from storage one at a time; only the output is held.
   */
  // Prometheus: promql/engine.go evalSeries
  async vectorSelector(vs: VectorSelector, what: SelectorValue = 'value'): Promise<Series[]> {
    const sel = this.#selected(vs);
    const run = new InstantSelectorRun(
      this.start,
      this.interval,
      this.numSteps,
      this.atTime(vs),
      vs.originalOffset,
      this.shared.lookbackDeltaMs,
      vs.smoothed,
      what,
      this.stepStats(),
      new PointSlab(sel.series.length, this.numSteps),
    );
    run.cursor.statsOnly = vs.skipHistogramBuckets === true;
    const out: Series[] = [];
    const counter = this.shared.samples;
    const block = 4096;
    for (const s of sel.series) {
      if (this.due()) await this.pause();
      run.reset(s, sel.mint, sel.maxt);
      for (let k = 0; k < this.numSteps; ) {
        const to = Math.min(this.numSteps, k + block);
        if (run.out !== null) await makeRoom(this, run.out, to - k);
        const n = run.steps(k, to);
        counter.total += n;
        counter.add(n);
        k = to;
        if (k < this.numSteps && this.due()) await this.pause();
      }
      if (run.out !== null) out.push(run.out);
      if (run.mixedSchemas) {
        run.mixedSchemas = false;
        this.annos.add(mixedExponentialCustomHistogramsWarning(s.labels().get('__name__'), vs.posRange));
      }
      if (run.mixed) {
        run.mixed = false;
        this.annos.add(mixedFloatsHistogramsWarning(s.labels().get('__name__'), vs.posRange));
      }
    }
    this.noteHistograms(run.cursor.histograms);
    return out;
  }

  /**
   * Every float sample of a selector's series in its range, stale markers included, for lookups
   * at any time (`info`). They count as held until the calling node is done.
   */
  async loadSeries(vs: VectorSelector): Promise<SelectedSeries[]> {
    const sel = this.#selected(vs);
    const cur = new SeriesCursor();
    const out: SelectedSeries[] = [];
    for (const s of sel.series) {
      if (this.due()) await this.pause();
      const before = cur.histograms;
      cur.reset(s, sel.mint, sel.maxt);
      const buf = new Series(Labels.EMPTY, 64);
      while (cur.ok) {
        const to = buf.length + 4096;
        while (cur.ok && buf.length < to) {
          buf.push(cur.t, cur.v);
          cur.next();
        }
        this.countSamples(buf.length - (to - 4096));
        if (this.due()) await this.pause();
      }
      out.push({
        labels: s.labels(),
        ts: buf.ts.subarray(0, buf.length),
        vs: buf.vs.subarray(0, buf.length),
        histograms: cur.histograms - before,
      });
    }
    this.noteHistograms(cur.histograms);
    return out;
  }

  /** The series of a range vector and how to window them. */
  async rangeSource(e: MatrixSelector | SubqueryExpr): Promise<RangeSource> {
    if (e.type === 'MatrixSelector') {
      const vs = e.vectorSelector;
      return {
        selected: this.#selected(vs),
        series: [],
        rangeMs: e.range,
        offsetMs: vs.originalOffset,
        at: this.atTime(vs),
        anchored: vs.anchored,
        smoothed: vs.smoothed,
        lookbackMs: this.shared.lookbackDeltaMs,
        skipHistogramBuckets: vs.skipHistogramBuckets === true,
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
      // The subquery's result stays held (counted) until the calling node is done.
      const child = new Evaluator(this.shared, innerStart, innerEnd, step);
      series = await child.eval(e.expr);
    }
    if (this.delayedNameRemoval) {
      for (const s of series) if (s.dropName) s.metric = dropMetricName(s.metric);
    }
    return {
      selected: null,
      series,
      rangeMs: e.range,
      offsetMs: e.originalOffset,
      at,
      anchored: false,
      smoothed: false,
      lookbackMs: 0,
      skipHistogramBuckets: false,
    };
  }

  /**
   * The raw points of a range vector at the single step of an instant query (a top-level
   * `x[5m]` or subquery): the points in (t-offset-range, t-offset].
   */
  // Prometheus: promql/engine.go matrixSelector
  async rangeVectorAtInstant(e: MatrixSelector | SubqueryExpr): Promise<Series[]> {
    const src = await this.rangeSource(e);
    const refT = (src.at ?? this.start) - src.offsetMs;
    const lo = refT - src.rangeMs;
    const out: Series[] = [];
    if (src.selected === null) {
      // A subquery's points are already counted.
      for (const s of src.series) {
        const m = new Series(s.metric, 4, s.dropName);
        for (let i = 0; i < s.length; i++) {
          const t = s.ts[i]!;
          if (t <= lo || t > refT) continue;
          const h = s.histogramAt(i);
          if (h !== undefined) m.pushH(t, h);
          else m.push(t, s.vs[i]!);
        }
        if (m.length > 0) out.push(m);
      }
      return out;
    }
    const sel = src.selected;
    const win = new StorageWindow(this.shared.samples, true);
    win.cursor.statsOnly = src.skipHistogramBuckets;
    for (const s of sel.series) {
      if (this.due()) await this.pause();
      win.reset(s, sel.mint, sel.maxt);
      win.advance(lo, refT);
      const n = win.hi - win.lo;
      this.shared.samples.total += n;
      if (n === 0) continue;
      const m = new Series(s.labels(), n);
      const hs = win.hs;
      for (let i = win.lo; i < win.hi; i++) {
        const h = hs === null ? undefined : hs[i];
        if (h !== undefined) m.pushH(win.ts[i]!, h);
        else m.push(win.ts[i]!, win.vs[i]!);
      }
      // The points stay counted: they are the result now.
      win.handOver();
      out.push(m);
    }
    this.noteHistograms(win.cursor.histograms);
    return out;
  }
}

function negate(s: Series, from: number, to: number): void {
  const vs = s.vs;
  for (let i = from; i < to; i++) vs[i] = -vs[i]!;
  const hs = s.hs;
  if (hs === null) return;
  for (let i = from; i < to; i++) {
    const h = hs[i];
    if (h !== undefined) hs[i] = mulFloatHistogram(copyFloatHistogram(h), -1);
  }
}
