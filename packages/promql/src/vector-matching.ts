// Prometheus: promql/engine.go signatureFunc, resultMetric, and the errors of VectorBinop
// How two vectors are matched: the signature of a series, the labels of a matched pair.
import { Labels } from '@tsprom/labels';
import type { EvalHost } from './eval-host.js';
import type { Pausable } from './eval-loop.js';
import { PromQLEvalError } from './errors.js';
import type { VectorMatching } from './parser/index.js';
import type { Series } from './value.js';

/**
 * The matching signature of every series as a small integer, one per distinct signature (`ids`
 * maps the signatures seen so far to theirs): computed once per series, for all steps.
 */
export async function signatureIds(
  ev: Pausable,
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

/** The labels of the result of matching `lhs` with `rhs` (EMPTY when the right side is filled). */
// Prometheus: promql/engine.go resultMetric
export function resultMetric(ev: EvalHost, lhs: Labels, rhs: Labels, m: VectorMatching, dropName: boolean): Labels {
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

/**
 * Two series with one signature on the "one" side of a match (`oneSide`: which side that is
 * in the query). The pair is named in sorted order, as Prometheus 3 names it.
 */
export function duplicateSeriesError(
  a: Labels,
  b: Labels,
  m: VectorMatching,
  oneSide: 'left' | 'right',
): PromQLEvalError {
  const matched = a.matchLabels(m.on, m.matchingLabels);
  const pair = Labels.compare(a, b) <= 0 ? `${a.toString()}, ${b.toString()}` : `${b.toString()}, ${a.toString()}`;
  return new PromQLEvalError(
    `found duplicate series for the match group ${matched.toString()} on the ${oneSide} hand-side of the operation: [${pair}];many-to-many matching not allowed: matching labels must be unique on one side`,
  );
}
