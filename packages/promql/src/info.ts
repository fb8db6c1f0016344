// Prometheus: promql/info.go evalInfo, combineWithInfoSeries
import { Labels, MatchType } from '@tsprom/labels';
import { isStaleNaN } from '@tsprom/storage-interfaces';
import type { EvalHost, SelectedSeries } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import type { Call, Expr } from './parser/index.js';
import { infoSelector } from './selection.js';
import { Series } from './value.js';

const identifying = ['instance', 'job'];

/**
 * The time at which the base expression reads its samples for evaluation time `t`: `@` and
 * offsets of its selector (through functions and subqueries) move it. Info series are read then.
 */
function refTime(ev: EvalHost, e: Expr, t: number): number {
  switch (e.type) {
    case 'VectorSelector': {
      const at =
        e.timestamp ?? (e.startOrEnd === 'start' ? ev.queryStart : e.startOrEnd === 'end' ? ev.queryEnd : null);
      return (at ?? t) - e.originalOffset;
    }
    case 'MatrixSelector':
      return refTime(ev, e.vectorSelector, t);
    case 'SubqueryExpr': {
      const at =
        e.timestamp ?? (e.startOrEnd === 'start' ? ev.queryStart : e.startOrEnd === 'end' ? ev.queryEnd : null);
      return refTime(ev, e.expr, (at ?? t) - e.originalOffset);
    }
    case 'ParenExpr':
    case 'StepInvariantExpr':
    case 'UnaryExpr':
      return refTime(ev, e.expr, t);
    case 'Call':
      for (const a of e.args) if (a.type !== 'NumberLiteral' && a.type !== 'StringLiteral') return refTime(ev, a, t);
      return t;
    case 'AggregateExpr':
      return refTime(ev, e.expr, t);
    case 'BinaryExpr':
      return refTime(ev, e.lhs, t);
    default:
      return t;
  }
}

/** Index of the latest non-stale sample in (t - lookback, t], or -1. */
function sampleAt(s: SelectedSeries, t: number, lookback: number): number {
  let lo = 0;
  let hi = s.ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  if (i < 0 || s.ts[i]! <= t - lookback || isStaleNaN(s.vs[i]!)) return -1;
  return i;
}

/** `info(v, {selector})`: adds the data labels of matching info series to every sample of v. */
export async function evalInfo(ev: EvalHost, e: Call, infos: SelectedSeries[], lookback: number): Promise<Series[]> {
  const base = await ev.eval(e.args[0]!);
  const sel = infoSelector(e);
  for (const s of infos) if (s.histograms > 0) throw new PromQLEvalError('this info metric is not a float series');
  const nameMatchers = sel.labelMatchers.filter((m) => m.name === '__name__');
  const dataMatchers = (e.args[1]?.type === 'VectorSelector' ? e.args[1].labelMatchers : []).filter(
    (m) => m.name !== '__name__',
  );
  const dataNames = new Set(dataMatchers.map((m) => m.name));
  const byId = new Map<string, SelectedSeries[]>();
  for (const s of infos) {
    const k = identifying.map((n) => s.labels.get(n)).join('\u0000');
    const l = byId.get(k);
    if (l === undefined) byId.set(k, [s]);
    else l.push(s);
  }
  const outByKey = new Map<string, Series>();
  const out: Series[] = [];
  const emit = (metric: Labels, t: number, v: number, dropName: boolean) => {
    const k = metric.key();
    let s = outByKey.get(k);
    if (s === undefined) {
      s = new Series(metric, 4, dropName);
      outByKey.set(k, s);
      out.push(s);
    }
    s.push(t, v);
    ev.countSamples(1);
  };
  for (const b of base) {
    if (ev.due()) await ev.pause();
    const name = b.metric.get('__name__');
    // A base series that is itself an info series (it matches every __name__ matcher, one of
    // them positive) passes through unenriched.
    const positive = nameMatchers.some((m) => m.type === MatchType.Equal || m.type === MatchType.Regexp);
    if (positive && nameMatchers.every((m) => m.matches(name))) {
      for (let i = 0; i < b.length; i++) emit(b.metric, b.ts[i]!, b.vs[i]!, b.dropName);
      continue;
    }
    const cands = byId.get(identifying.map((n) => b.metric.get(n)).join('\u0000')) ?? [];
    for (let i = 0; i < b.length; i++) {
      const t = b.ts[i]!;
      const rt = refTime(ev, e.args[0]!, t);
      // Per info metric name, the series with the latest sample wins.
      const chosen = new Map<string, { s: SelectedSeries; t: number }>();
      for (const c of cands) {
        const j = sampleAt(c, rt, lookback);
        if (j < 0) continue;
        const n = c.labels.get('__name__');
        const prev = chosen.get(n);
        if (prev === undefined || c.ts[j]! > prev.t) chosen.set(n, { s: c, t: c.ts[j]! });
      }
      if (chosen.size === 0) {
        if (dataMatchers.some((m) => !m.matches(''))) continue;
        emit(b.metric, t, b.vs[i]!, b.dropName);
        continue;
      }
      const add = new Map<string, string>();
      for (const { s } of chosen.values()) {
        s.labels.forEach((n, v) => {
          if (n === '__name__' || identifying.includes(n) || b.metric.has(n)) return;
          if (dataNames.size > 0 && !dataNames.has(n)) return;
          const prev = add.get(n);
          if (prev !== undefined && prev !== v) throw new PromQLEvalError(`conflicting label: ${n}`);
          add.set(n, v);
        });
      }
      const flat = b.metric.toStrings();
      for (const [n, v] of add) flat.push(n, v);
      emit(Labels.fromStrings(...flat), t, b.vs[i]!, b.dropName);
    }
  }
  return out;
}
