// Helpers over evaluated series: name dropping, duplicate detection, gathering a step.
import { Labels } from '@tsprom/labels';
import { PromQLEvalError } from './errors.js';
import { Series } from './value.js';

/** Prometheus's error for two results with one label set. */
export function duplicateLabelsetError(): PromQLEvalError {
  return new PromQLEvalError('vector cannot contain metrics with the same labelset');
}

/** `labels` with `name` set to `value` (deleted when value is ''). */
export function setLabel(labels: Labels, name: string, value: string): Labels {
  const flat = labels.toStrings();
  flat.push(name, value);
  return Labels.fromStrings(...flat);
}

/**
 * Merges series that ended up with the same labels (after dropping names). Points at the same
 * timestamp in two of them are an error, as Prometheus's rangeEval reports them.
 */
export function mergeSameLabels(series: Series[]): Series[] {
  if (series.length < 2) return series;
  const byKey = new Map<string, number>();
  let dup = false;
  for (let i = 0; i < series.length; i++) {
    const k = series[i]!.metric.key();
    if (byKey.has(k)) {
      dup = true;
      break;
    }
    byKey.set(k, i);
  }
  if (!dup) return series;
  const groups = new Map<string, Series[]>();
  for (const s of series) {
    const k = s.metric.key();
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [s]);
    else g.push(s);
  }
  const out: Series[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    const pts: [number, number][] = [];
    for (const s of g) for (let i = 0; i < s.length; i++) pts.push([s.ts[i]!, s.vs[i]!]);
    pts.sort((a, b) => a[0] - b[0]);
    const m = new Series(g[0]!.metric, pts.length, g[0]!.dropName);
    for (let i = 0; i < pts.length; i++) {
      if (i > 0 && pts[i]![0] === pts[i - 1]![0]) throw duplicateLabelsetError();
      m.push(pts[i]![0], pts[i]![1]);
    }
    out.push(m);
  }
  return out;
}

/**
 * With delayed name removal off, drops `__name__` now and merges what collides; with it on, only
 * marks the series. Mutates and returns `series`.
 */
export function dropNames(series: Series[], delayed: boolean): Series[] {
  for (const s of series) {
    s.dropName = true;
    if (!delayed) s.metric = dropMetricName(s.metric);
  }
  return delayed ? series : mergeSameLabels(series);
}

/** Whether two entries of `labels` are equal. */
export function containsSameLabelset(labels: readonly Labels[]): boolean {
  if (labels.length < 2) return false;
  const seen = new Set<string>();
  for (const l of labels) {
    const k = l.key();
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

/** Sorts series by labels (Prometheus `sort.Sort(Matrix)`). */
export function sortByLabels(series: Series[]): Series[] {
  return series.sort((a, b) => Labels.compare(a.metric, b.metric));
}

/**
 * Prometheus 3 `DropMetricName`: the set without `__name__` and the type-and-unit metadata labels
 * `__type__` and `__unit__`, which describe the metric and go with its name.
 */
export function dropMetricName(l: Labels): Labels {
  if (!l.has('__name__') && !l.has('__type__') && !l.has('__unit__')) return l;
  const flat = l.toStrings();
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const n = flat[i]!;
    if (n === '__name__' || n === '__type__' || n === '__unit__') continue;
    out.push(n, flat[i + 1]!);
  }
  return Labels.fromStrings(...out);
}
