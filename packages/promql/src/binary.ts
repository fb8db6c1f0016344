// Prometheus: promql/engine.go VectorAnd, VectorOr, VectorUnless, VectorscalarBinop, scalarBinop
import { Labels } from '@tsprom/labels';
import { comparisonOps, elem, elemBinop, shouldDropMetricName } from './elem-binop.js';
import { helem, histElemBinop } from './hist-binop.js';
import type { EvalHost } from './eval-host.js';
import { inBlocks, workPerCheck } from './eval-loop.js';
import { type BinaryExpr, exprType, type VectorMatching } from './parser/index.js';
import { dropMetricName, mergeSameLabels } from './series-utils.js';
import { Series } from './value.js';
import { vectorBinop } from './vector-binop.js';
import { signatureIds } from './vector-matching.js';

/** Evaluates a binary expression at every step. */
export async function evalBinary(ev: EvalHost, e: BinaryExpr): Promise<Series[]> {
  const lt = exprType(e.lhs);
  const rt = exprType(e.rhs);
  if (lt === 'scalar' && rt === 'scalar') {
    const l = await ev.evalScalar(e.lhs);
    const r = await ev.evalScalar(e.rhs);
    const s = new Series(Labels.EMPTY, ev.numSteps);
    const cmp = comparisonOps.has(e.op);
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
      return vectorBinop(ev, e, lhs, rhs, m);
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
  const isCmp = comparisonOps.has(e.op);
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
  const applyH = (s: Series, r: Series): void => {
    for (let i = 0; i < s.length; i++) {
      const t = s.ts[i]!;
      const k = Math.round((t - ev.start) / ev.interval);
      const h = s.hs![i];
      if (swap) histElemBinop(ev, e.op, sc[k]!, undefined, s.vs[i]!, h, e.posRange);
      else histElemBinop(ev, e.op, s.vs[i]!, h, sc[k]!, undefined, e.posRange);
      let v = helem.v;
      if (isCmp && swap && helem.h === null) v = s.vs[i]!;
      if (e.returnBool) {
        if (helem.incompatible) continue;
        r.push(t, helem.keep ? 1 : 0);
        continue;
      }
      if (!helem.keep) continue;
      if (helem.h !== null) r.pushH(t, helem.h);
      else r.push(t, v);
    }
  };
  for (const s of vec) {
    const r = new Series(s.metric, 1, s.dropName || drop);
    // At most the input's points, which are counted: allocated once, not grown while appending.
    r.reserve(s.length);
    if (s.hs !== null) applyH(s, r);
    else {
      for (let i = 0; i < s.length; ) {
        const to = Math.min(s.length, i + workPerCheck);
        apply(s, r, i, to);
        i = to;
        if (ev.due()) await ev.pause();
      }
    }
    ev.countSamples(r.length);
    if (r.length > 0) {
      if (drop && !ev.delayedNameRemoval) r.metric = dropMetricName(r.metric);
      out.push(r);
    }
  }
  return drop && !ev.delayedNameRemoval ? mergeSameLabels(ev, out) : out;
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
          outSeries(lout, i, s).pushFrom(s, c);
        }
      }
      for (let i = 0; i < rhs.length; i++) {
        const s = rhs[i]!;
        const c = rcur[i]!;
        if (c < s.length && s.ts[c] === ts) {
          rcur[i] = c + 1;
          if (present[rs[i]!] !== stamp) outSeries(rout, i, s).pushFrom(s, c);
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
          if (has === (op === 'and')) outSeries(lout, i, s).pushFrom(s, c);
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
      if ((present[base + Math.round((t - start) / interval)] === 1) === keepIfPresent) r.pushFrom(s, j);
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
