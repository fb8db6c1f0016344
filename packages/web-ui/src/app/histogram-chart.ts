// A native histogram sample drawn as Prometheus 3's UI draws it in the Table tab: its total count
// and sum, a bar per bucket over the bucket boundaries (a linear scale, where a bar's height is the
// bucket's frequency density, count / width, so that its area is the count; or an exponential
// scale, where each bucket of an exponential schema is as wide as the next and a bar's height is
// the count), and the buckets as a table. Drawn in HTML (positioned bars), as Prometheus's is.
// Prometheus: web/ui/mantine-ui/src/pages/query/HistogramChart.tsx HistogramChart
import type { HistogramData } from './api.js';
import { h } from './dom.js';

export type HistogramScale = 'linear' | 'exponential';

/** A bucket of the API's JSON, its boundaries and count as numbers. */
export interface Bucket {
  /** 0: (lower, upper]; 1: [lower, upper); 2: (lower, upper); 3: [lower, upper]. */
  readonly boundaryRule: number;
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/** The buckets of a histogram sample of the API's JSON, in order. */
export function parseBuckets(hist: HistogramData): Bucket[] {
  return (hist.buckets ?? []).map(([boundaryRule, lower, upper, count]) => ({
    boundaryRule,
    lower: Number(lower),
    upper: Number(upper),
    count: Number(count),
  }));
}

/** `(0.5, 1]` as Prometheus's UI writes a bucket's range. */
export function formatBucketRange(b: Bucket): string {
  const open = b.boundaryRule === 1 || b.boundaryRule === 3 ? '[' : '(';
  const close = b.boundaryRule === 0 || b.boundaryRule === 3 ? ']' : ')';
  return `${open}${formatBound(b.lower)}, ${formatBound(b.upper)}${close}`;
}

/** A bucket boundary as the UI writes it. */
export function formatBound(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  // Exponential boundaries have long expansions: 6 significant digits, as Prometheus's UI.
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** Where a boundary sits on the bucket axis, in [0, 1]. */
export type Position = (v: number) => number;

/** The bucket axis of `buckets` (sorted by lower boundary) on `scale`. */
export function bucketAxis(buckets: readonly Bucket[], scale: HistogramScale): Position {
  return scale === 'linear' ? linearPosition(buckets) : exponentialPosition(buckets);
}

/** A linear axis over [min, max]. */
function linearPosition(buckets: readonly Bucket[]): Position {
  const min = finiteOr(buckets[0]?.lower, 0);
  const max = finiteOr(buckets[buckets.length - 1]?.upper, min + 1);
  const span = max - min || 1;
  return (v) => (clampFinite(v, min, max) - min) / span;
}

/**
 * An exponential axis: log(|v|) on either side of the zero bucket, so that the regular buckets of
 * an exponential schema have equal widths; the zero bucket [-z, z] is drawn as wide as one of them
 * (the axis is linear inside it), as Prometheus's UI does.
 */
function exponentialPosition(buckets: readonly Bucket[]): Position {
  // The width of a regular bucket, ln(base): the narrowest ratio upper / lower seen.
  let width = Number.POSITIVE_INFINITY;
  let z = Number.POSITIVE_INFINITY;
  for (const b of buckets) {
    if (b.lower <= 0 && b.upper >= 0) {
      if (b.upper > 0) z = Math.min(z, b.upper); // The zero bucket: its threshold.
      continue;
    }
    const ratio = b.lower > 0 ? b.upper / b.lower : b.lower / b.upper;
    if (Number.isFinite(ratio) && ratio > 1) width = Math.min(width, Math.log(ratio));
    for (const v of [b.lower, b.upper]) if (v !== 0 && Number.isFinite(v)) z = Math.min(z, Math.abs(v));
  }
  if (!Number.isFinite(width)) width = Math.LN2;
  if (!Number.isFinite(z)) z = 1;
  const half = width / 2;
  const axis = (v: number): number =>
    Math.abs(v) <= z ? (v / z) * half : Math.sign(v) * (half + Math.log(Math.abs(v) / z));
  const limit = (v: number | undefined, d: number): number => axis(finiteOr(v, d));
  const min = limit(buckets[0]?.lower, 0);
  const max = limit(buckets[buckets.length - 1]?.upper, z);
  const span = max - min || 1;
  return (v) => Math.min(1, Math.max(0, (axis(v) - min) / span)); // ±Inf: at the ends.
}

function finiteOr(v: number | undefined, d: number): number {
  return v !== undefined && Number.isFinite(v) ? v : d;
}

function clampFinite(v: number, min: number, max: number): number {
  return v === Number.POSITIVE_INFINITY ? max : v === Number.NEGATIVE_INFINITY ? min : v;
}

/** The bars of `buckets` on `scale`; each bar's title is its range and count. */
function renderBars(buckets: readonly Bucket[], scale: HistogramScale): HTMLElement {
  const pos = bucketAxis(buckets, scale);
  // Linear: frequency density, so that a wide bucket is not drawn taller than its share.
  const heightOf = (b: Bucket): number => {
    if (scale === 'exponential') return b.count;
    const w = b.upper - b.lower;
    return Number.isFinite(w) && w > 0 ? b.count / w : b.count;
  };
  let maxHeight = 0;
  for (const b of buckets) maxHeight = Math.max(maxHeight, heightOf(b));
  const area = h('div.histogram-bars');
  for (const b of buckets) {
    const left = pos(b.lower);
    const right = pos(b.upper);
    const height = maxHeight > 0 ? heightOf(b) / maxHeight : 0;
    area.append(
      h('div.histogram-bucket', {
        title: `${formatBucketRange(b)}: ${b.count}`,
        'data-range': formatBucketRange(b),
        'data-count': String(b.count),
        // A bucket narrower than a pixel still shows: at least 1px wide.
        style: `left:${(left * 100).toFixed(4)}%;width:max(1px, ${((right - left) * 100).toFixed(4)}%);height:${(height * 100).toFixed(4)}%`,
      }),
    );
  }
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const axis = h('div.histogram-axis');
  if (first !== undefined && last !== undefined) {
    axis.append(h('span.histogram-axis-min', formatBound(first.lower)));
    // Zero marked where the buckets cross it.
    if (first.lower < 0 && last.upper > 0) {
      axis.append(h('span.histogram-axis-zero', { style: `left:${(pos(0) * 100).toFixed(4)}%` }, '0'));
    }
    axis.append(h('span.histogram-axis-max', formatBound(last.upper)));
  }
  return h('div.histogram-chart', { 'data-scale': scale }, area, axis);
}

/**
 * A histogram sample as Prometheus 3's Table tab shows it: count and sum, the bucket chart with a
 * Linear / Exponential switch, and the bucket table.
 */
export function renderHistogram(hist: HistogramData): HTMLElement {
  const buckets = parseBuckets(hist);
  const summary = h(
    'div.histogram-summary',
    h('span', 'Total count: ', h('strong.histogram-count', hist.count)),
    h('span', 'Sum: ', h('strong.histogram-sum', hist.sum)),
  );
  if (buckets.length === 0) return h('div.histogram-view', summary, h('div.panel-empty', 'No buckets'));
  let scale: HistogramScale = 'exponential';
  const chartHost = h('div.histogram-chart-host', renderBars(buckets, scale));
  const buttons = (['linear', 'exponential'] as const).map((s) =>
    h(
      `button.btn.histogram-scale${s === scale ? '.active' : ''}`,
      {
        type: 'button',
        'data-scale': s,
        onclick: () => {
          scale = s;
          chartHost.replaceChildren(renderBars(buckets, scale));
          for (const b of buttons) b.classList.toggle('active', b.dataset.scale === scale);
        },
      },
      s === 'linear' ? 'Linear' : 'Exponential',
    ),
  );
  const rows = buckets.map((b) => h('tr', h('td', formatBucketRange(b)), h('td', String(b.count))));
  const bucketTable = h(
    'details.histogram-buckets',
    h('summary', `Buckets (${buckets.length})`),
    h('table.data-table', h('thead', h('tr', h('th', 'Bucket range'), h('th', 'Count'))), h('tbody', ...rows)),
  );
  return h(
    'div.histogram-view',
    summary,
    h('div.histogram-controls', 'x-axis scale: ', ...buttons),
    chartHost,
    bucketTable,
  );
}
