// The Table tab: an instant query's result, one row per series (labels, value), as Prometheus's.
import type { QueryData } from './api.js';
import { alert, h } from './dom.js';
import { formatSeries } from './format.js';
import { renderHistogram } from './histogram-chart.js';

/** Rows shown at most; Prometheus's UI limits them as well. */
const MAX_ROWS = 10_000;

/** The result of an instant query as a table. */
export function renderTable(data: QueryData): HTMLElement {
  switch (data.resultType) {
    case 'scalar':
    case 'string':
      return h('table.data-table.result-table', h('tbody', h('tr', h('td', data.resultType), h('td', data.result[1]))));
    case 'vector': {
      if (data.result.length === 0) return alert('info', 'Empty query result');
      const rows = data.result
        .slice(0, MAX_ROWS)
        .map((s) =>
          h(
            'tr',
            h('td.series', seriesLabels(s.metric)),
            s.histogram !== undefined
              ? h('td.value.histogram-value', renderHistogram(s.histogram[1]))
              : h('td.value', s.value?.[1] ?? ''),
          ),
        );
      return h('div', truncated(data.result.length), h('table.data-table.result-table', h('tbody', ...rows)));
    }
    case 'matrix': {
      if (data.result.length === 0) return alert('info', 'Empty query result');
      const rows = data.result
        .slice(0, MAX_ROWS)
        .map((s) =>
          h(
            'tr',
            h('td.series', seriesLabels(s.metric)),
            h(
              'td.value',
              ...(s.values ?? []).map(([t, v]) => h('div', `${v} @${t}`)),
              ...(s.histograms ?? []).map(([t, hist]) => h('div', `${histogramText(hist)} @${t}`)),
            ),
          ),
        );
      return h('div', truncated(data.result.length), h('table.data-table.result-table', h('tbody', ...rows)));
    }
  }
}

function truncated(n: number): HTMLElement | null {
  return n > MAX_ROWS ? alert('warning', `Showing ${MAX_ROWS} of ${n} series.`) : null;
}

function histogramText(hist: { count: string; sum: string; buckets?: unknown[] }): string {
  return `histogram: count ${hist.count}, sum ${hist.sum}, ${hist.buckets?.length ?? 0} buckets`;
}

/** A series' labels, name first, each label name and value marked up as Prometheus's UI does. */
export function seriesLabels(metric: Record<string, string>): HTMLElement {
  const { __name__: name, ...rest } = metric;
  const entries = Object.entries(rest);
  const el = h('span.series-labels', { title: formatSeries(metric) });
  if (name !== undefined) el.append(h('span.metric-name', name));
  el.append('{');
  entries.forEach(([k, v], i) => {
    el.append(h('span.label-name', k), '=', h('span.label-value', JSON.stringify(v)));
    if (i < entries.length - 1) el.append(', ');
  });
  el.append('}');
  return el;
}
