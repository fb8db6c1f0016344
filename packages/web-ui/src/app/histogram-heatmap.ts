// A native histogram series over time as a heatmap, under the Graph tab's chart: one column per
// step, the buckets stacked on an exponential axis (the Table tab's bucket chart turned by 90°),
// each cell's colour the bucket's population relative to the largest in the range. Prometheus's
// documentation describes this view (native_histograms.md, "Prometheus UI"); its own UI still
// plots only the sum, which the chart above does as well.
import type { HistogramData, RangeSeries } from './api.js';
import { h } from './dom.js';
import { formatSeries } from './format.js';
import { type Bucket, bucketAxis, formatBound, formatBucketRange, parseBuckets } from './histogram-chart.js';

const HEIGHT = 240;

/** What a heatmap covers. Times in ms; sizes in CSS pixels. */
export interface HeatmapSpec {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  /** The width of the whole canvas (the chart's above). */
  readonly width: number;
  /** Where the time axis starts and how wide it is: the chart's plotting area, to line up with it. */
  readonly plotLeft: number;
  readonly plotWidth: number;
}

/** The heatmap of the histograms of `series`; null when it has none. */
export function renderHeatmap(series: RangeSeries, spec: HeatmapSpec): HTMLElement | null {
  const samples: [number, Bucket[]][] = (series.histograms ?? []).map(([t, hist]: [number, HistogramData]) => [
    t,
    parseBuckets(hist),
  ]);
  if (samples.length === 0) return null;
  // One axis for every bucket seen in the range: the layout may change between samples.
  const all = samples.flatMap(([, bs]) => bs).sort((a, b) => a.lower - b.lower || a.upper - b.upper);
  if (all.length === 0) return null;
  const pos = bucketAxis(all, 'exponential');
  let maxCount = 0;
  for (const b of all) maxCount = Math.max(maxCount, b.count);

  const width = Math.max(300, spec.width);
  const { plotLeft, plotWidth } = spec;
  const n = Math.floor((spec.endMs - spec.startMs) / spec.stepMs) + 1;
  const spanMs = spec.endMs - spec.startMs || 1;
  // A column per step, centred on its time as the chart's points are.
  const colWidth = plotWidth / Math.max(1, n - 1);
  const canvas = h('canvas', { width, height: HEIGHT }) as HTMLCanvasElement;
  const ctx = canvas.getContext('2d');
  let cells = 0;
  if (ctx !== null) {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, HEIGHT);
    for (const [tS, buckets] of samples) {
      const i = Math.round((tS * 1000 - spec.startMs) / spec.stepMs);
      if (i < 0 || i >= n) continue;
      for (const b of buckets) {
        if (b.count <= 0) continue;
        const yTop = (1 - pos(b.upper)) * HEIGHT;
        const yBottom = (1 - pos(b.lower)) * HEIGHT;
        // Square root: a few full buckets must not wash out the rest.
        ctx.fillStyle = heatColor(Math.sqrt(b.count / maxCount));
        const x = plotLeft + ((tS * 1000 - spec.startMs) / spanMs) * plotWidth - colWidth / 2;
        const left = Math.max(plotLeft, x);
        const right = Math.min(plotLeft + plotWidth, x + colWidth);
        ctx.fillRect(left, yTop, Math.max(1, right - left), Math.max(1, yBottom - yTop));
        cells++;
      }
    }
    // Boundary labels: the lowest, the highest, and zero where the buckets cross it.
    ctx.fillStyle = '#6c757d';
    ctx.font = '11px sans-serif';
    const first = all[0] as Bucket;
    const highest = Math.max(...all.map((b) => b.upper));
    ctx.fillText(formatBound(highest), 2, 11);
    ctx.fillText(formatBound(first.lower), 2, HEIGHT - 3);
    if (first.lower < 0 && highest > 0) ctx.fillText('0', 2, (1 - pos(0)) * HEIGHT + 4);
  }
  const caption = h(
    'div.heatmap-caption',
    `Heatmap of ${formatSeries(series.metric)}: ${samples.length} histograms, ${all.length === 0 ? 0 : new Set(all.map(formatBucketRange)).size} buckets; darker is fuller`,
  );
  return h(
    'div.histogram-heatmap',
    {
      'data-samples': String(samples.length),
      'data-cells': String(cells),
      'data-max-count': String(maxCount),
      'data-plot-left': String(plotLeft),
      'data-plot-width': String(plotWidth),
    },
    caption,
    canvas,
  );
}

/** From pale yellow (empty) through orange to dark red (the fullest bucket). */
function heatColor(f: number): string {
  const x = Math.min(1, Math.max(0, f));
  const r = Math.round(255 - 120 * x);
  const g = Math.round(245 - 225 * x);
  const b = Math.round(200 - 180 * x);
  return `rgb(${r},${g},${b})`;
}
