// TSDB status (/tsdb-status): the head's figures, the top cardinality tables of /status/tsdb and
// the blocks of /status/tsdb/blocks.
import { apiGet } from '../api.js';
import { h, replace, table } from '../dom.js';
import { formatDuration, formatTime } from '../format.js';

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

interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: { numSamples?: number; numSeries?: number; numChunks?: number };
  compaction: { level: number; sources?: string[] };
}

function blocksTable(blocks: BlockMeta[]): HTMLElement {
  if (blocks.length === 0) return h('div.panel-empty.tsdb-blocks-empty', 'No blocks yet: the data is in the head.');
  return table(
    ['ULID', 'Min time', 'Max time', 'Duration', 'Series', 'Samples', 'Chunks', 'Compaction level'],
    blocks.map((b) => [
      h('code', b.ulid),
      formatTime(b.minTime),
      formatTime(b.maxTime),
      formatDuration(b.maxTime - b.minTime),
      String(b.stats.numSeries ?? 0),
      String(b.stats.numSamples ?? 0),
      String(b.stats.numChunks ?? 0),
      String(b.compaction.level),
    ]),
    'tsdb-blocks',
  );
}

export async function renderTSDBStatusPage(root: HTMLElement): Promise<void> {
  const [d, { blocks }] = await Promise.all([
    apiGet<TSDBStatus>('status/tsdb'),
    apiGet<{ blocks: BlockMeta[] }>('status/tsdb/blocks'),
  ]);
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
    h('h3', `Blocks (${blocks.length})`),
    blocksTable(blocks),
  );
}
