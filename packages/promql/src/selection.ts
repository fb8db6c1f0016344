// Prometheus: promql/engine.go populateSeries, getTimeRangesForSelector, subqueryTimes
import { Matcher, MatchType } from '@tsprom/labels';
import type { Annotations, Querier, Queryable, SelectHints, Series as StorageSeries } from '@tsprom/storage-interfaces';
import type { SelectorData } from './eval-host.js';
import type { Pausable } from './eval-loop.js';
import { StorageError } from './errors.js';
import type { Call, Expr, SubqueryExpr, VectorSelector } from './parser/index.js';

/** A selector of the query with the time range and hints it is selected with. */
interface SelectorNeed {
  vs: VectorSelector;
  hints: SelectHints;
}

interface Path {
  subqueries: SubqueryExpr[];
  func: string | undefined;
  grouping: string[] | undefined;
  by: boolean;
}

/** Query bounds used to compute selector ranges (ms). */
export interface SelectionBounds {
  start: number;
  end: number;
  stepMs: number;
  lookbackDeltaMs: number;
}

function atOf(n: VectorSelector | SubqueryExpr, b: SelectionBounds): number | null {
  if (n.timestamp !== null) return n.timestamp;
  if (n.startOrEnd === 'start') return b.start;
  if (n.startOrEnd === 'end') return b.end;
  return null;
}

// Prometheus: promql/engine.go getTimeRangesForSelector
function rangeFor(vs: VectorSelector, evalRange: number, path: Path, b: SelectionBounds): [number, number] {
  let start = b.start;
  let end = b.end;
  let subqOffset = 0;
  let subqRange = 0;
  let subqTs: number | null = null;
  for (const sq of path.subqueries) {
    subqOffset += sq.originalOffset;
    subqRange += sq.range;
    const at = atOf(sq, b);
    if (at !== null) {
      subqOffset = sq.originalOffset;
      subqRange = sq.range;
      subqTs = at;
    }
  }
  if (subqTs !== null) {
    start = subqTs;
    end = subqTs;
  }
  const at = atOf(vs, b);
  if (at !== null) {
    start = at;
    end = at;
  } else {
    start = start - subqOffset - subqRange;
    end -= subqOffset;
  }
  start -= evalRange === 0 ? b.lookbackDeltaMs : evalRange;
  // The extended modifiers look one sample beyond the range on either side.
  if (vs.anchored || vs.smoothed) start -= b.lookbackDeltaMs;
  if (vs.smoothed) end += b.lookbackDeltaMs;
  start -= vs.originalOffset;
  end -= vs.originalOffset;
  return [start, end];
}

// One step of the walk in collect: a node to visit, or the info selector of a call to add once
// the selectors of its base expression (those from `from` on) are collected.
type CollectTask =
  | { kind: 'visit'; e: Expr; path: Path; evalRange: number }
  | { kind: 'info'; call: Call; from: number };

/**
 * The selectors of `root` with their hints, in the order Prometheus's populateSeries visits them
 * (depth-first, left to right; an info call's selector after those of its base). Iterative: any
 * depth is fine.
 */
function collect(root: Expr, b: SelectionBounds, out: SelectorNeed[]): void {
  const top: Path = { subqueries: [], func: undefined, grouping: undefined, by: false };
  const stack: CollectTask[] = [{ kind: 'visit', e: root, path: top, evalRange: 0 }];
  // Children are pushed last first, so that they are visited first to last.
  const visit = (e: Expr, path: Path, evalRange = 0): void => {
    stack.push({ kind: 'visit', e, path, evalRange });
  };
  while (stack.length > 0) {
    const task = stack.pop() as CollectTask;
    if (task.kind === 'info') {
      out.push(infoNeed(task.call, out.slice(task.from), b));
      continue;
    }
    const { e, path, evalRange } = task;
    switch (e.type) {
      case 'VectorSelector': {
        const [start, end] = rangeFor(e, evalRange, path, b);
        const hints: SelectHints = { start, end, step: b.stepMs };
        if (path.func !== undefined) hints.func = path.func;
        if (evalRange > 0) hints.range = evalRange;
        if (path.grouping !== undefined) {
          hints.grouping = path.grouping;
          hints.by = path.by;
        }
        out.push({ vs: e, hints });
        break;
      }
      case 'MatrixSelector':
        visit(e.vectorSelector, path, e.range);
        break;
      case 'SubqueryExpr':
        visit(e.expr, { ...path, subqueries: [...path.subqueries, e] });
        break;
      case 'AggregateExpr':
        if (e.param !== null) visit(e.param, path);
        visit(e.expr, { ...path, grouping: e.grouping, by: !e.without });
        break;
      case 'BinaryExpr':
        visit(e.rhs, path);
        visit(e.lhs, path);
        break;
      case 'Call': {
        if (e.func.name === 'info') {
          stack.push({ kind: 'info', call: e, from: out.length });
          visit(e.args[0]!, { ...path, func: 'info' });
          break;
        }
        const p = { ...path, func: e.func.name };
        for (let i = e.args.length - 1; i >= 0; i--) visit(e.args[i]!, p);
        break;
      }
      case 'ParenExpr':
      case 'UnaryExpr':
      case 'StepInvariantExpr':
        visit(e.expr, path);
        break;
      default:
        break;
    }
  }
}

// Prometheus: promql/info.go fetchInfoSeries. The info series are selected over the time range
// of the base expression, with __name__="target_info" unless named.
function infoNeed(call: Call, base: SelectorNeed[], b: SelectionBounds): SelectorNeed {
  const sel = infoSelector(call);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const n of base) {
    start = Math.min(start, n.hints.start);
    end = Math.max(end, n.hints.end);
  }
  if (base.length === 0) {
    start = b.start - b.lookbackDeltaMs;
    end = b.end;
  }
  return { vs: sel, hints: { start: start - b.lookbackDeltaMs, end, step: b.stepMs, func: 'info' } };
}

const infoSelectors = new WeakMap<Call, VectorSelector>();

/**
 * The selector of the info series of an `info(v, {…})` call: the written matchers, plus
 * `__name__="target_info"` when none names the metric. Cached per call node.
 */
export function infoSelector(call: Call): VectorSelector {
  let sel = infoSelectors.get(call);
  if (sel !== undefined) return sel;
  const arg = call.args[1];
  const matchers: Matcher[] = arg !== undefined && arg.type === 'VectorSelector' ? [...arg.labelMatchers] : [];
  const names = matchers.filter((m) => m.name === '__name__');
  if (names.length === 0) matchers.push(new Matcher(MatchType.Equal, '__name__', 'target_info'));
  else if (!names.some((m) => m.type === MatchType.Equal || m.type === MatchType.Regexp)) {
    // Only negative name matchers: info series are still the `*_info` ones.
    matchers.push(new Matcher(MatchType.Regexp, '__name__', '.+_info'));
  }
  sel = {
    type: 'VectorSelector',
    name: '',
    labelMatchers: matchers,
    originalOffset: 0,
    offset: 0,
    offsetExpr: null,
    timestamp: null,
    startOrEnd: null,
    anchored: false,
    smoothed: false,
    posRange: call.posRange,
  };
  infoSelectors.set(call, sel);
  return sel;
}

/** What the selects of a query returned. */
export interface SelectionResult {
  data: Map<VectorSelector, SelectorData>;
  /** The querier the series are read through while evaluating: close it when the query ends. */
  querier: Querier | null;
}

/**
 * Resolves as `p` does, or rejects with the signal's reason once it aborts. The queriers are given
 * the signal and must reject on abort themselves (the Querier contract); this only keeps a querier
 * that breaks the contract from holding the query past its deadline.
 */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Awaits every select of the query at once and lists the series each selector selected, as
 * Prometheus's populateSeries and checkAndExpandSeriesSet do. Samples are not read here: the
 * evaluation reads each series when it gets to it, within the selector's range, so a query holds
 * what it evaluates, not everything it selected. On success the caller closes the querier.
 */
export async function selectAll(
  queryable: Queryable,
  expr: Expr,
  b: SelectionBounds,
  annos: Annotations,
  signal: AbortSignal | undefined,
  budget: Pausable,
): Promise<SelectionResult> {
  const needs: SelectorNeed[] = [];
  collect(expr, b, needs);
  const data = new Map<VectorSelector, SelectorData>();
  if (needs.length === 0) return { data, querier: null };
  let mint = Number.POSITIVE_INFINITY;
  let maxt = Number.NEGATIVE_INFINITY;
  for (const n of needs) {
    if (n.hints.start < mint) mint = n.hints.start;
    if (n.hints.end > maxt) maxt = n.hints.end;
  }
  const querier: Querier = queryable.querier(mint, maxt);
  try {
    const sets = await untilAborted(
      Promise.all(needs.map((n) => querier.select(false, n.hints, n.vs.labelMatchers, signal))),
      signal,
    );
    signal?.throwIfAborted();
    for (let i = 0; i < needs.length; i++) {
      const { vs, hints } = needs[i]!;
      const set = sets[i]!;
      const series: StorageSeries[] = [];
      while (set.next()) {
        series.push(set.at());
        if ((series.length & 255) === 0 && budget.due()) await budget.pause('query execution');
      }
      const err = set.err();
      if (err !== undefined) throw new StorageError(err.message, { cause: err });
      annos.merge(set.warnings());
      data.set(vs, { series, mint: hints.start, maxt: hints.end });
    }
  } catch (err) {
    await querier.close();
    throw err;
  }
  return { data, querier };
}
