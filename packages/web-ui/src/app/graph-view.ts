// The Graph tab: a range query's result drawn with uPlot (the chart library Prometheus 3's UI uses),
// lines or stacked areas; dragging across the chart zooms into that time range. A native histogram
// series is drawn by its sum of observations, as Prometheus's UI draws it, and as a heatmap of its
// buckets over time under the chart.
import uPlot from 'uplot';
import type { RangeSeries } from './api.js';
import { alert, h } from './dom.js';
import { formatSeries } from './format.js';
import { renderHeatmap } from './histogram-heatmap.js';

/** Heatmaps drawn at most, for the first histogram series of the result. */
const MAX_HEATMAPS = 3;

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

/** What a graph shows. Times in ms. */
export interface GraphSpec {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly stacked: boolean;
  /** Called with the time range selected by dragging. */
  readonly onZoom: (startMs: number, endMs: number) => void;
}

/** Draws the series into `parent`; returns a function that frees the chart. */
export function renderGraph(parent: HTMLElement, result: RangeSeries[], spec: GraphSpec): () => void {
  parent.replaceChildren();
  if (result.length === 0) {
    parent.append(alert('info', 'Empty query result'));
    return () => {};
  }
  // One x per step from start to end; a series has null where it has no sample.
  const stepS = spec.stepMs / 1000;
  const startS = spec.startMs / 1000;
  const n = Math.floor((spec.endMs - spec.startMs) / spec.stepMs) + 1;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = startS + i * stepS;
  const ys: (number | null)[][] = result.map((s) => {
    const col: (number | null)[] = new Array(n).fill(null);
    for (const [t, v] of s.values ?? []) {
      const i = Math.round((t - startS) / stepS);
      if (i >= 0 && i < n) col[i] = Number(v);
    }
    for (const [t, hist] of s.histograms ?? []) {
      const i = Math.round((t - startS) / stepS);
      if (i >= 0 && i < n) col[i] = Number(hist.sum);
    }
    return col;
  });
  if (spec.stacked) {
    for (let j = 1; j < ys.length; j++) {
      const prev = ys[j - 1] as (number | null)[];
      const cur = ys[j] as (number | null)[];
      for (let i = 0; i < n; i++) {
        const c = cur[i];
        if (c !== null && c !== undefined) cur[i] = c + (prev[i] ?? 0);
      }
    }
  }
  const series: uPlot.Series[] = [
    {},
    ...result.map((s, j) => {
      const color = COLORS[j % COLORS.length] as string;
      return {
        label:
          (s.values?.length ?? 0) === 0 && (s.histograms?.length ?? 0) > 0
            ? `${formatSeries(s.metric)} (histogram sum)`
            : formatSeries(s.metric),
        stroke: color,
        width: 1.5,
        fill: spec.stacked ? `${color}55` : undefined,
        spanGaps: false,
      };
    }),
  ];
  // Stacked areas fill down to the series below.
  const bands: uPlot.Band[] = spec.stacked ? ys.slice(1).map((_, j) => ({ series: [j + 2, j + 1] })) : [];
  const wrap = h('div.graph-chart');
  const heatmaps = h('div.heatmaps');
  parent.append(wrap, heatmaps);
  const histogramSeries = result.filter((s) => (s.histograms?.length ?? 0) > 0).slice(0, MAX_HEATMAPS);
  // Drawn once uPlot has laid out its plotting area (and again when it is resized), to line up
  // with it. uPlot's bbox is in canvas pixels: device pixels.
  const drawHeatmaps = (u: uPlot): void => {
    heatmaps.replaceChildren();
    for (const s of histogramSeries) {
      const heatmap = renderHeatmap(s, {
        startMs: spec.startMs,
        endMs: spec.endMs,
        stepMs: spec.stepMs,
        width: u.width,
        plotLeft: u.bbox.left / uPlot.pxRatio,
        plotWidth: u.bbox.width / uPlot.pxRatio,
      });
      if (heatmap !== null) heatmaps.append(heatmap);
    }
  };
  const width = Math.max(300, parent.clientWidth || 800);
  const plot = new uPlot(
    {
      width,
      height: 400,
      series,
      bands,
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false, setScale: false } },
      scales: {
        x: { time: true, min: startS, max: spec.endMs / 1000 },
        // Stacked areas start at 0, as Prometheus's.
        y: spec.stacked ? { range: (_u, min, max) => [Math.min(0, min), max] } : {},
      },
      axes: [{}, { size: 70 }],
      hooks: {
        ready: [drawHeatmaps],
        setSize: [drawHeatmaps],
        setSelect: [
          (u) => {
            if (u.select.width < 2) return;
            const a = u.posToVal(u.select.left, 'x') * 1000;
            const b = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            spec.onZoom(Math.floor(a), Math.ceil(b));
          },
        ],
      },
    },
    [Array.from(xs), ...ys] as uPlot.AlignedData,
    wrap,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, parent.clientWidth), height: 400 }));
  resize.observe(parent);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}
