// Helpers over evaluated series: name dropping, duplicate detection, gathering a step.
import { Labels } from '@tsprom/labels';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { PromQLEvalError } from './errors.js';
import type { Pausable } from './eval-loop.js';
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
export async function mergeSameLabels(ev: Pausable, series: Series[]): Promise<Series[]> {
  if (series.length < 2) return series;
  const byKey = new Set<string>();
  let dup = false;
  for (let i = 0; i < series.length; i++) {
    const k = series[i]!.metric.key();
    if (byKey.has(k)) {
      dup = true;
      break;
    }
    byKey.add(k);
    if ((i & 255) === 255 && ev.due()) await ev.pause();
  }
  if (!dup) return series;
  const groups = new Map<string, Series[]>();
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const k = s.metric.key();
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [s]);
    else g.push(s);
    if ((i & 255) === 255 && ev.due()) await ev.pause();
  }
  const out: Series[] = [];
  for (const g of groups.values()) {
    out.push(g.length === 1 ? g[0]! : mergeGroup(g));
    if (ev.due()) await ev.pause();
  }
  return out;
}

/** One series of the points of `g` (series with the same labels), in time order. */
function mergeGroup(g: Series[]): Series {
  const pts: [number, number, FloatHistogram | undefined][] = [];
  for (const s of g) for (let i = 0; i < s.length; i++) pts.push([s.ts[i]!, s.vs[i]!, s.histogramAt(i)]);
  pts.sort((a, b) => a[0] - b[0]);
  const m = new Series(g[0]!.metric, pts.length, g[0]!.dropName);
  for (let i = 0; i < pts.length; i++) {
    if (i > 0 && pts[i]![0] === pts[i - 1]![0]) throw duplicateLabelsetError();
    const h = pts[i]![2];
    if (h !== undefined) m.pushH(pts[i]![0], h);
    else m.push(pts[i]![0], pts[i]![1]);
  }
  return m;
}

/**
 * Marks the series as having lost `__name__`: with delayed name removal on, it is dropped when
 * the query ends; with it off, it is dropped now and series that collide are merged. Mutates and
 * returns `series`.
 */
export async function dropNames(
  ev: Pausable & { readonly delayedNameRemoval: boolean },
  series: Series[],
): Promise<Series[]> {
  const delayed = ev.delayedNameRemoval;
  for (const s of series) {
    s.dropName = true;
    if (!delayed) s.metric = dropMetricName(s.metric);
  }
  return delayed ? series : mergeSameLabels(ev, series);
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

/** Sorts series by labels (Prometheus `sort.Sort(Matrix)`), pausing as {@link sortSeries} does. */
export function sortByLabels(ev: Pausable, series: Series[]): Promise<Series[]> {
  return sortSeries(ev, series, (a, b) => Labels.compare(a.metric, b.metric));
}

/**
 * Sorts `series` in place by `cmp`, stably: a merge sort that pauses between runs, since sorting
 * many series at once would hold the event loop (10k label sets take milliseconds).
 */
export async function sortSeries(
  ev: Pausable,
  series: Series[],
  cmp: (a: Series, b: Series) => number,
): Promise<Series[]> {
  const n = series.length;
  const run = 256;
  if (n <= run) return series.sort(cmp);
  let src = series.slice();
  for (let i = 0; i < n; i += run) {
    const part = src.slice(i, Math.min(n, i + run)).sort(cmp);
    for (let j = 0; j < part.length; j++) src[i + j] = part[j]!;
    if (ev.due()) await ev.pause();
  }
  let dst = new Array<Series>(n);
  for (let width = run; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Ties take the left run first: stable.
        dst[k++] = cmp(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
        if ((k & 255) === 0 && ev.due()) await ev.pause();
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) series[i] = src[i]!;
  return series;
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

/**
 * The series without their histogram points, for the operations that take floats only (as
 * Prometheus's, they ignore histogram samples). Series without histograms are returned as they are.
 */
export function floatsOnly(series: Series[]): Series[] {
  let any = false;
  for (const s of series) if (s.hs !== null) any = true;
  if (!any) return series;
  const out: Series[] = [];
  for (const s of series) {
    if (s.hs === null) {
      out.push(s);
      continue;
    }
    const f = new Series(s.metric, s.length, s.dropName);
    for (let i = 0; i < s.length; i++) if (s.hs[i] === undefined) f.push(s.ts[i]!, s.vs[i]!);
    if (f.length > 0) out.push(f);
  }
  return out;
}
