// Prometheus: promql/engine.go VectorBinop, VectorAnd, VectorOr, VectorUnless, VectorscalarBinop,
// scalarBinop, vectorElemBinop, resultMetric
import { Labels } from '@tsprom/labels';
import type { EvalHost } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import { goPow } from './go-float.js';
import { type BinaryExpr, type BinaryOp, exprType, type VectorMatching } from './parser/index.js';
import { mergeSameLabels, dropMetricName } from './series-utils.js';
import { inBlocks, workPerCheck } from './eval-loop.js';
import { Series } from './value.js';

const comparison: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);

/** Whether the operator drops `__name__` from its result (arithmetic ones do). */
// Prometheus: promql/engine.go shouldDropMetricName
export function shouldDropMetricName(op: BinaryOp): boolean {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
    case 'atan2':
      return true;
    default:
      return false;
  }
}

/** Result of {@link elemBinop}: the value and whether a comparison keeps the element. */
const elem = { v: 0, keep: true };

// Prometheus: promql/engine.go vectorElemBinop (floats)
function elemBinop(op: BinaryOp, l: number, r: number): void {
  elem.keep = true;
  switch (op) {
    case '+':
      elem.v = l + r;
      return;
    case '-':
      elem.v = l - r;
      return;
    case '*':
      elem.v = l * r;
      return;
    case '/':
      elem.v = l / r;
      return;
    case '^':
      elem.v = goPow(l, r);
      return;
    case '%':
      elem.v = l % r;
      return;
    case 'atan2':
      elem.v = Math.atan2(l, r);
      return;
    case '==':
      elem.v = l;
      elem.keep = l === r;
      return;
    case '!=':
      elem.v = l;
      elem.keep = l !== r;
      return;
    case '>':
      elem.v = l;
      elem.keep = l > r;
      return;
    case '<':
      elem.v = l;
      elem.keep = l < r;
      return;
    case '>=':
      elem.v = l;
      elem.keep = l >= r;
      return;
    case '<=':
      elem.v = l;
      elem.keep = l <= r;
      return;
    default:
      throw new PromQLEvalError(`operator "${op}" not allowed for float operations`);
  }
}

/** Evaluates a binary expression at every step. */
export async function evalBinary(ev: EvalHost, e: BinaryExpr): Promise<Series[]> {
  const lt = exprType(e.lhs);
  const rt = exprType(e.rhs);
  if (lt === 'scalar' && rt === 'scalar') {
    const l = await ev.evalScalar(e.lhs);
    const r = await ev.evalScalar(e.rhs);
    const s = new Series(Labels.EMPTY, ev.numSteps);
    const cmp = comparison.has(e.op);
    await inBlocks(ev, ev.numSteps, 1, (from, to) => {
      for (let k = from; k < to; k++) {
        elemBinop(e.op, l[k]!, r[k]!);
        s.push(ev.start + k * ev.interval, cmp ? (elem.keep ? 1 : 0) : elem.v);
      }
      ev.countSamples(to - from);
    });
    return [s];
  }
  if (lt === 'scalar' || rt === 'scalar') {
    const swap = lt === 'scalar';
    // Operands are evaluated left to right, as Prometheus does (it matters for errors).
    let sc: Float64Array;
    let vec: Series[];
    if (swap) {
      sc = await ev.evalScalar(e.lhs);
      vec = await ev.eval(e.rhs);
    } else {
      vec = await ev.eval(e.lhs);
      sc = await ev.evalScalar(e.rhs);
    }
    return vectorScalar(ev, e, vec, sc, swap);
  }
  const lhs = await ev.eval(e.lhs);
  const rhs = await ev.eval(e.rhs);
  const m = e.vectorMatching ?? {
    card: 'one-to-one',
    matchingLabels: [],
    on: false,
    include: [],
    fillValues: { lhs: null, rhs: null },
  };
  switch (e.op) {
    case 'and':
    case 'or':
    case 'unless':
      return setOp(ev, e.op, lhs, rhs, m);
    default:
      return vectorVector(ev, e, lhs, rhs, m);
  }
}

// Prometheus: promql/engine.go VectorscalarBinop
async function vectorScalar(
  ev: EvalHost,
  e: BinaryExpr,
  vec: Series[],
  sc: Float64Array,
  swap: boolean,
): Promise<Series[]> {
  const isCmp = comparison.has(e.op);
  const drop = shouldDropMetricName(e.op) || e.returnBool;
  const out: Series[] = [];
  const apply = (s: Series, r: Series, from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const t = s.ts[i]!;
      const k = Math.round((t - ev.start) / ev.interval);
      let l = s.vs[i]!;
      let rv = sc[k]!;
      if (swap) {
        const x = l;
        l = rv;
        rv = x;
      }
      elemBinop(e.op, l, rv);
      let v = elem.v;
      // A comparison keeps the vector's value even when the scalar is on the left.
      if (isCmp && swap) v = rv;
      if (e.returnBool) {
        v = elem.keep ? 1 : 0;
      } else if (!elem.keep) continue;
      r.push(t, v);
    }
  };
  for (const s of vec) {
    const r = new Series(s.metric, 1, s.dropName || drop);
    // At most the input's points, which are counted: allocated once, not grown while appending.
    r.reserve(s.length);
    for (let i = 0; i < s.length; ) {
      const to = Math.min(s.length, i + workPerCheck);
      apply(s, r, i, to);
      i = to;
      if (ev.due()) await ev.pause();
    }
    ev.countSamples(r.length);
    if (r.length > 0) {
      if (drop && !ev.delayedNameRemoval) r.metric = dropMetricName(r.metric);
      out.push(r);
    }
  }
  return drop && !ev.delayedNameRemoval ? mergeSameLabels(ev, out) : out;
}

/** The matching signature of every series, as a small integer per distinct signature. */
async function signatureIds(
  ev: EvalHost,
  series: Series[],
  m: VectorMatching,
  ids: Map<string, number>,
): Promise<Int32Array> {
  const out = new Int32Array(series.length);
  for (let i = 0; i < series.length; i++) {
    const sig = series[i]!.metric.matchLabels(m.on, m.matchingLabels).key();
    let id = ids.get(sig);
    if (id === undefined) {
      id = ids.size;
      ids.set(sig, id);
    }
    out[i] = id;
    if ((i & 63) === 63 && ev.due()) await ev.pause();
  }
  return out;
}

function outSeries(out: (Series | undefined)[], i: number, like: Series): Series {
  let s = out[i];
  if (s === undefined) {
    s = new Series(like.metric, like.length, like.dropName);
    out[i] = s;
  }
  return s;
}

// Prometheus: promql/engine.go VectorAnd, VectorOr, VectorUnless
async function setOp(
  ev: EvalHost,
  op: 'and' | 'or' | 'unless',
  lhs: Series[],
  rhs: Series[],
  m: VectorMatching,
): Promise<Series[]> {
  // Signatures become small integers once; a per-step stamp marks which are present.
  const sigIds = new Map<string, number>();
  const ls = await signatureIds(ev, lhs, m, sigIds);
  const rs = await signatureIds(ev, rhs, m, sigIds);
  const nSteps = ev.numSteps;
  if (sigIds.size * nSteps <= 50_000_000) return setOpSeriesMajor(ev, op, lhs, rhs, ls, rs, sigIds.size);
  const present = new Int32Array(sigIds.size);
  const lcur = new Int32Array(lhs.length);
  const rcur = new Int32Array(rhs.length);
  const lout: (Series | undefined)[] = new Array(lhs.length);
  const rout: (Series | undefined)[] = new Array(rhs.length);
  const step = (k: number): void => {
    const ts = ev.start + k * ev.interval;
    const stamp = k + 1;
    const side = op === 'or' ? ls : rs;
    const sideSeries = op === 'or' ? lhs : rhs;
    const sideCur = op === 'or' ? lcur : rcur;
    for (let i = 0; i < sideSeries.length; i++) {
      const s = sideSeries[i]!;
      const c = sideCur[i]!;
      if (c < s.length && s.ts[c] === ts) present[side[i]!] = stamp;
    }
    if (op === 'or') {
      for (let i = 0; i < lhs.length; i++) {
        const s = lhs[i]!;
        const c = lcur[i]!;
        if (c < s.length && s.ts[c] === ts) {
          lcur[i] = c + 1;
          outSeries(lout, i, s).push(ts, s.vs[c]!);
        }
      }
      for (let i = 0; i < rhs.length; i++) {
        const s = rhs[i]!;
        const c = rcur[i]!;
        if (c < s.length && s.ts[c] === ts) {
          rcur[i] = c + 1;
          if (present[rs[i]!] !== stamp) outSeries(rout, i, s).push(ts, s.vs[c]!);
        }
      }
    } else {
      for (let i = 0; i < rhs.length; i++) {
        const s = rhs[i]!;
        const c = rcur[i]!;
        if (c < s.length && s.ts[c] === ts) rcur[i] = c + 1;
      }
      for (let i = 0; i < lhs.length; i++) {
        const s = lhs[i]!;
        const c = lcur[i]!;
        if (c < s.length && s.ts[c] === ts) {
          lcur[i] = c + 1;
          const has = present[ls[i]!] === stamp;
          if (has === (op === 'and')) outSeries(lout, i, s).push(ts, s.vs[c]!);
        }
      }
    }
  };
  await inBlocks(ev, ev.numSteps, lhs.length + rhs.length, (from, to) => {
    for (let k = from; k < to; k++) step(k);
  });
  const out: Series[] = [];
  for (const s of lout) if (s !== undefined) out.push(s);
  for (const s of rout) if (s !== undefined) out.push(s);
  let total = 0;
  for (const s of out) total += s.length;
  ev.countSamples(total);
  return out;
}

/**
 * The set operators walking each series once: a presence bitmap per signature and step tells
 * what the other side has. Used when that bitmap is small enough.
 */
async function setOpSeriesMajor(
  ev: EvalHost,
  op: 'and' | 'or' | 'unless',
  lhs: Series[],
  rhs: Series[],
  ls: Int32Array,
  rs: Int32Array,
  nSig: number,
): Promise<Series[]> {
  const nSteps = ev.numSteps;
  const start = ev.start;
  const interval = ev.interval;
  const present = new Uint8Array(nSig * nSteps);
  const [mark, markSig] = op === 'or' ? [lhs, ls] : [rhs, rs];
  for (let i = 0; i < mark.length; i++) {
    const s = mark[i]!;
    const base = markSig[i]! * nSteps;
    for (let j = 0; j < s.length; j++) present[base + Math.round((s.ts[j]! - start) / interval)] = 1;
    if (ev.due()) await ev.pause();
  }
  const out: Series[] = [];
  const filter = (s: Series, sig: number, keepIfPresent: boolean) => {
    const base = sig * nSteps;
    const r = new Series(s.metric, s.length, s.dropName);
    for (let j = 0; j < s.length; j++) {
      const t = s.ts[j]!;
      if ((present[base + Math.round((t - start) / interval)] === 1) === keepIfPresent) r.push(t, s.vs[j]!);
    }
    ev.countSamples(r.length);
    if (r.length > 0) out.push(r);
  };
  if (op === 'or') {
    for (const s of lhs) {
      if (s.length === 0) continue;
      ev.countSamples(s.length);
      out.push(s);
    }
    for (let i = 0; i < rhs.length; i++) {
      filter(rhs[i]!, rs[i]!, false);
      if (ev.due()) await ev.pause();
    }
  } else {
    for (let i = 0; i < lhs.length; i++) {
      filter(lhs[i]!, ls[i]!, op === 'and');
      if (ev.due()) await ev.pause();
    }
  }
  return out;
}

function pair(a: Labels, b: Labels): string {
  return Labels.compare(a, b) <= 0 ? `${a.toString()}, ${b.toString()}` : `${b.toString()}, ${a.toString()}`;
}

// Prometheus: promql/engine.go resultMetric
function resultMetric(ev: EvalHost, lhs: Labels, rhs: Labels, m: VectorMatching, dropName: boolean): Labels {
  const flat = lhs.toStrings();
  const out: string[] = [];
  const matchSet = m.card === 'one-to-one' ? new Set(m.matchingLabels) : null;
  const includeSet = m.include.length > 0 ? new Set(m.include) : null;
  for (let i = 0; i < flat.length; i += 2) {
    const n = flat[i]!;
    if ((n === '__name__' || n === '__type__' || n === '__unit__') && dropName && !ev.delayedNameRemoval) continue;
    if (matchSet !== null) {
      if (m.on ? !matchSet.has(n) : matchSet.has(n)) continue;
    }
    if (includeSet?.has(n)) continue;
    out.push(n, flat[i + 1]!);
  }
  if (includeSet !== null) {
    for (const n of m.include) {
      const v = rhs.get(n);
      if (v !== '') out.push(n, v);
    }
  }
  return Labels.fromStrings(...out);
}

interface StepOut {
  series: Series;
  lastT: number;
}

// Prometheus: promql/engine.go VectorBinop
async function vectorVector(
  ev: EvalHost,
  e: BinaryExpr,
  lhsIn: Series[],
  rhsIn: Series[],
  m: VectorMatching,
): Promise<Series[]> {
  if (m.card === 'many-to-many') throw new PromQLEvalError('many-to-many only allowed for set operators');
  const op = e.op;
  const dropByOp = shouldDropMetricName(op) || e.returnBool;
  const swapped = m.card === 'one-to-many';
  // After the swap, lhs is the "many" (or one-to-one left) side, rhs the "one" side.
  const lhs = swapped ? rhsIn : lhsIn;
  const rhs = swapped ? lhsIn : rhsIn;
  // Prometheus applies the fill values after the swap: fill_left fills the internal left side.
  const fillMany = m.fillValues.lhs;
  const fillOne = m.fillValues.rhs;
  // Signatures become small integers once, so the per-step work is array lookups.
  const sigIds = new Map<string, number>();
  const lsid = await signatureIds(ev, lhs, m, sigIds);
  const rsid = await signatureIds(ev, rhs, m, sigIds);
  const nSig = sigIds.size;
  const rightStamp = new Int32Array(nSig);
  const rightIdx = new Int32Array(nSig);
  const matchedStamp = new Int32Array(nSig);
  const leftStamp = new Int32Array(nSig);
  const groupSets = m.card === 'one-to-one' ? null : new Map<number, Set<string>>();
  const lcur = new Int32Array(lhs.length);
  const rcur = new Int32Array(rhs.length);
  const lVals = new Float64Array(lhs.length);
  const rVals = new Float64Array(rhs.length);
  const lPresent: number[] = [];
  const rPresent: number[] = [];
  // Result labels depend only on the pair of input series: computed once per pair.
  const metricOf = new Map<number, Labels>();
  // The pair a left series matched last time, usually the same at every step.
  const lastPairRi = new Int32Array(lhs.length).fill(-2);
  const lastPairMetric: (Labels | undefined)[] = new Array(lhs.length);
  const outByKey = new Map<string, StepOut>();
  const outOf = new Map<Labels, StepOut>();
  const outList: Series[] = [];
  const emit = (metric: Labels, ts: number, v: number, dropName: boolean) => {
    let o = outOf.get(metric);
    if (o === undefined) {
      const key = metric.key();
      o = outByKey.get(key);
      if (o === undefined) {
        o = { series: new Series(metric, Math.round((ev.end - ts) / ev.interval) + 1, dropName), lastT: Number.NaN };
        outByKey.set(key, o);
        outList.push(o.series);
      }
      outOf.set(metric, o);
    }
    if (o.lastT === ts) throw new PromQLEvalError('vector cannot contain metrics with the same labelset');
    o.lastT = ts;
    o.series.push(ts, v);
  };
  /** Gathers the points of both sides at step k; false when nothing can come out of it. */
  const gather = (k: number): boolean => {
    const ts = ev.start + k * ev.interval;
    const stamp = k + 1;
    groupSets?.clear();
    lPresent.length = 0;
    rPresent.length = 0;
    for (let i = 0; i < rhs.length; i++) {
      const s = rhs[i]!;
      const c = rcur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      rcur[i] = c + 1;
      rVals[i] = s.vs[c]!;
      rPresent.push(i);
      const sid = rsid[i]!;
      if (rightStamp[sid] === stamp) {
        const dup = rightIdx[sid]!;
        const oneSide = swapped ? 'left' : 'right';
        const matchedLabels = s.metric.matchLabels(m.on, m.matchingLabels);
        throw new PromQLEvalError(
          `found duplicate series for the match group ${matchedLabels.toString()} on the ${oneSide} hand-side of the operation: [${pair(s.metric, rhs[dup]!.metric)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      rightStamp[sid] = stamp;
      rightIdx[sid] = i;
    }
    for (let i = 0; i < lhs.length; i++) {
      const s = lhs[i]!;
      const c = lcur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      lcur[i] = c + 1;
      lVals[i] = s.vs[c]!;
      lPresent.push(i);
    }
    return !((lPresent.length === 0 || rPresent.length === 0) && fillMany === null && fillOne === null);
  };
  /** Matches the left points lPresent[from, to) of step k with the right side. */
  const match = (k: number, from: number, to: number): void => {
    const ts = ev.start + k * ev.interval;
    const stamp = k + 1;
    for (let j = from; j < to; j++) {
      const i = lPresent[j]!;
      const sid = lsid[i]!;
      leftStamp[sid] = stamp;
      const ri = rightStamp[sid] === stamp ? rightIdx[sid]! : -1;
      let fl = lVals[i]!;
      let fr: number;
      if (ri < 0) {
        if (fillOne === null) continue;
        fr = fillOne;
      } else fr = rVals[ri]!;
      if (swapped) {
        const x = fl;
        fl = fr;
        fr = x;
      }
      // Prometheus checks one-to-one uniqueness before filtering, so a comparison that drops
      // the extra matches still fails.
      if (ri >= 0 && m.card === 'one-to-one') {
        if (matchedStamp[sid] === stamp) {
          throw new PromQLEvalError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        }
        matchedStamp[sid] = stamp;
      }
      elemBinop(op, fl, fr);
      let v = elem.v;
      if (e.returnBool) v = elem.keep ? 1 : 0;
      else if (!elem.keep) continue;
      const ls = lhs[i]!;
      let metric: Labels;
      if (lastPairRi[i] === ri) metric = lastPairMetric[i]!;
      else {
        const pairKey = i * (rhs.length + 1) + (ri < 0 ? rhs.length : ri);
        let mm = metricOf.get(pairKey);
        if (mm === undefined) {
          mm = resultMetric(ev, ls.metric, ri < 0 ? Labels.EMPTY : rhs[ri]!.metric, m, dropByOp);
          if (!ev.delayedNameRemoval && e.returnBool) mm = dropMetricName(mm);
          metricOf.set(pairKey, mm);
        }
        metric = mm;
        lastPairRi[i] = ri;
        lastPairMetric[i] = mm;
      }
      if (ri >= 0 && groupSets !== null) {
        const ins = metric.key();
        let set = groupSets.get(sid);
        if (set === undefined) {
          set = new Set();
          groupSets.set(sid, set);
        } else if (set.has(ins)) {
          throw new PromQLEvalError('multiple matches for labels: grouping labels must ensure unique matches');
        }
        set.add(ins);
      }
      emit(metric, ts, v, dropByOp || ls.dropName);
    }
  };
  /** With `fill_left`: the right points of step k that no left point matched. */
  const fill = (k: number): void => {
    const ts = ev.start + k * ev.interval;
    const stamp = k + 1;
    if (fillMany !== null) {
      for (const ri of rPresent) {
        const sid = rsid[ri]!;
        if (leftStamp[sid] === stamp) continue;
        let fl = fillMany;
        let fr = rVals[ri]!;
        if (swapped) {
          const x = fl;
          fl = fr;
          fr = x;
        }
        elemBinop(op, fl, fr);
        let v = elem.v;
        if (e.returnBool) v = elem.keep ? 1 : 0;
        else if (!elem.keep) continue;
        const pairKey = -1 - ri;
        let metric = metricOf.get(pairKey);
        if (metric === undefined) {
          metric = rhs[ri]!.metric.matchLabels(m.on, m.matchingLabels);
          metricOf.set(pairKey, metric);
        }
        emit(metric, ts, v, dropByOp);
      }
    }
  };
  // A step may match thousands of pairs, the first one building their label sets: it is split.
  const chunk = 256;
  for (let k = 0; k < ev.numSteps; k++) {
    if (gather(k)) {
      for (let a = 0; a < lPresent.length; a += chunk) {
        match(k, a, Math.min(lPresent.length, a + chunk));
        if (ev.due()) await ev.pause();
      }
      fill(k);
    }
    if (ev.due()) await ev.pause();
  }
  let total = 0;
  for (const s of outList) total += s.length;
  ev.countSamples(total);
  return outList;
}
