// TSDB status (/tsdb-status): the head's figures and the top cardinality tables of /status/tsdb.
import { apiGet } from '../api.js';
import { h, replace, table } from '../dom.js';
import { formatTime } from '../format.js';

interface Stat {
  name: string;
  value: number;
}
interface TSDBStatus {
  headStats: { numSeries: number; numLabelPairs: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: Stat[];
  labelValueCountByLabelName: Stat[];
  memoryInBytesByLabelName: Stat[];
  seriesCountByLabelValuePair: Stat[];
}

export async function renderTSDBStatusPage(root: HTMLElement): Promise<void> {
  const d = await apiGet<TSDBStatus>('status/tsdb');
  const hs = d.headStats;
  const time = (t: number): string => (Number.isFinite(t) && Math.abs(t) < 8.64e15 ? formatTime(t) : String(t));
  const stats = (title: string, rows: Stat[]): HTMLElement[] => [
    h('h3', title),
    table(
      ['Name', 'Count'],
      rows.map((r) => [r.name, String(r.value)]),
      'tsdb-table',
    ),
  ];
  replace(
    root,
    h('h2', 'TSDB status'),
    h('h3', 'Head block stats'),
    table(
      ['Number of series', 'Number of chunks', 'Number of label pairs', 'Current min time', 'Current max time'],
      [[String(hs.numSeries), String(hs.chunkCount), String(hs.numLabelPairs), time(hs.minTime), time(hs.maxTime)]],
      'head-stats',
    ),
    ...stats('Top 10 series count by metric names', d.seriesCountByMetricName),
    ...stats('Top 10 label names with value count', d.labelValueCountByLabelName),
    ...stats('Top 10 label names with high memory usage', d.memoryInBytesByLabelName),
    ...stats('Top 10 series count by label value pairs', d.seriesCountByLabelValuePair),
  );
}
