// Prometheus: tsdb/agent/db.go dbMetrics and tsdb/wlog/wlog.go wlMetrics: the prometheus_agent_*
// and prometheus_tsdb_wal_* families of agent mode, read from the agent's storage when /metrics
// is scraped (names, help and types as Prometheus 2.42's agent exposes them).
import type { AgentDB } from '@tsprom/tsdb/agent';
import { type MetricFamily, single } from './metrics-registry.js';

/** The agent storage's families. */
export function agentMetrics(db: AgentDB, lockfile: boolean): MetricFamily[] {
  const s = db.stats();
  return [
    single(
      'prometheus_agent_active_series',
      'Number of active series being tracked by the WAL storage',
      'gauge',
      s.activeSeries,
    ),
    single(
      'prometheus_agent_deleted_series',
      'Number of series pending deletion from the WAL',
      'gauge',
      s.deletedSeries,
    ),
    {
      name: 'prometheus_agent_samples_appended_total',
      help: 'Total number of samples appended to the storage',
      type: 'counter',
      samples: [
        { labels: { type: 'float' }, value: s.samplesAppended },
        { labels: { type: 'histogram' }, value: s.histogramsAppended },
      ],
    },
    single(
      'prometheus_agent_exemplars_appended_total',
      'Total number of exemplars appended to the storage',
      'counter',
      s.exemplarsAppended,
    ),
    single(
      'prometheus_agent_out_of_order_samples_total',
      'Total number of out of order samples ingestion failed attempts.',
      'counter',
      s.outOfOrderSamples,
    ),
    {
      name: 'prometheus_agent_truncate_duration_seconds',
      help: 'Duration of WAL truncation.',
      type: 'summary',
      samples: [
        { suffix: '_sum', value: s.truncateDurationSecondsSum },
        { suffix: '_count', value: s.truncateDurationCount },
      ],
    },
    single('prometheus_agent_corruptions_total', 'Total number of WAL corruptions.', 'counter', s.corruptions),
    single(
      'prometheus_agent_data_replay_duration_seconds',
      'Time taken to replay the data on disk.',
      'gauge',
      s.replayDurationSeconds,
    ),
    single(
      'prometheus_agent_checkpoint_creations_total',
      'Total number of checkpoint creations attempted.',
      'counter',
      s.checkpointCreations,
    ),
    single(
      'prometheus_agent_checkpoint_creations_failed_total',
      'Total number of checkpoint creations that failed.',
      'counter',
      s.checkpointCreationsFailed,
    ),
    single(
      'prometheus_agent_checkpoint_deletions_total',
      'Total number of checkpoint deletions attempted.',
      'counter',
      s.checkpointDeletions,
    ),
    single(
      'prometheus_agent_checkpoint_deletions_failed_total',
      'Total number of checkpoint deletions that failed.',
      'counter',
      s.checkpointDeletionsFailed,
    ),
    single(
      'prometheus_agent_clean_start',
      '-1: lockfile is disabled. 0: a lockfile from a previous execution was replaced. 1: lockfile creation was clean',
      'gauge',
      lockfile ? 1 : -1,
    ),
    single('prometheus_tsdb_wal_page_flushes_total', 'Total number of page flushes.', 'counter', s.wal.pageFlushes),
    single(
      'prometheus_tsdb_wal_completed_pages_total',
      'Total number of completed pages.',
      'counter',
      s.wal.pageCompletions,
    ),
    single(
      'prometheus_tsdb_wal_segment_current',
      'Write log segment index that TSDB is currently writing to.',
      'gauge',
      db.activeSegment,
    ),
    single(
      'prometheus_tsdb_wal_truncations_total',
      'Total number of write log truncations attempted.',
      'counter',
      s.checkpointDeletions,
    ),
  ];
}
