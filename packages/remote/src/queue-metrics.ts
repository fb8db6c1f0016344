// Prometheus: storage/remote/queue_manager.go queueManagerMetrics: the
// prometheus_remote_storage_* families of one queue, as numbers the queue updates and a function
// that lays them out as metric families when /metrics is scraped.

/** Prometheus: the sent_batch_duration_seconds buckets (DefBuckets plus 25, 60, 120, 300). */
export const SentBatchDurationBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300,
];

/**
 * The counters and gauges of one queue. Field names are the metric names without
 * `prometheus_remote_storage_`; timestamps in seconds. Updated by the queue; read-only for others.
 */
export interface QueueStats {
  samplesInTotal: number;
  samplesTotal: number;
  samplesFailedTotal: number;
  samplesRetriedTotal: number;
  samplesDroppedTotal: number;
  samplesPending: number;
  histogramsInTotal: number;
  histogramsTotal: number;
  histogramsFailedTotal: number;
  histogramsRetriedTotal: number;
  histogramsDroppedTotal: number;
  histogramsPending: number;
  exemplarsInTotal: number;
  exemplarsTotal: number;
  exemplarsFailedTotal: number;
  exemplarsRetriedTotal: number;
  exemplarsDroppedTotal: number;
  exemplarsPending: number;
  metadataTotal: number;
  metadataFailedTotal: number;
  metadataRetriedTotal: number;
  metadataBytesTotal: number;
  bytesTotal: number;
  enqueueRetriesTotal: number;
  highestTimestampInSeconds: number;
  queueHighestSentTimestampSeconds: number;
  shards: number;
  shardsDesired: number;
  shardsMin: number;
  shardsMax: number;
  shardCapacity: number;
  /** sent_batch_duration_seconds: cumulative counts per bucket of SentBatchDurationBuckets. */
  sentBatchDurationBuckets: number[];
  sentBatchDurationSum: number;
  sentBatchDurationCount: number;
}

/** A fresh set of queue stats. */
export function newQueueStats(): QueueStats {
  return {
    samplesInTotal: 0,
    samplesTotal: 0,
    samplesFailedTotal: 0,
    samplesRetriedTotal: 0,
    samplesDroppedTotal: 0,
    samplesPending: 0,
    histogramsInTotal: 0,
    histogramsTotal: 0,
    histogramsFailedTotal: 0,
    histogramsRetriedTotal: 0,
    histogramsDroppedTotal: 0,
    histogramsPending: 0,
    exemplarsInTotal: 0,
    exemplarsTotal: 0,
    exemplarsFailedTotal: 0,
    exemplarsRetriedTotal: 0,
    exemplarsDroppedTotal: 0,
    exemplarsPending: 0,
    metadataTotal: 0,
    metadataFailedTotal: 0,
    metadataRetriedTotal: 0,
    metadataBytesTotal: 0,
    bytesTotal: 0,
    enqueueRetriesTotal: 0,
    highestTimestampInSeconds: 0,
    queueHighestSentTimestampSeconds: 0,
    shards: 0,
    shardsDesired: 0,
    shardsMin: 0,
    shardsMax: 0,
    shardCapacity: 0,
    sentBatchDurationBuckets: SentBatchDurationBuckets.map(() => 0),
    sentBatchDurationSum: 0,
    sentBatchDurationCount: 0,
  };
}

/** Records one send's duration (s) in the histogram. */
export function observeSentBatchDuration(s: QueueStats, seconds: number): void {
  const b = SentBatchDurationBuckets;
  for (let i = 0; i < b.length; i++) if (seconds <= b[i]!) s.sentBatchDurationBuckets[i]!++;
  s.sentBatchDurationSum += seconds;
  s.sentBatchDurationCount++;
}

/** A metric family in the shape the server exposes (name, help, type, samples with suffixes). */
export interface RemoteMetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: { suffix?: string; labels?: Record<string, string>; value: number }[];
}

/** The identity of a queue in its metrics: `remote_name` and `url` labels. */
export interface QueueIdentity {
  readonly remoteName: string;
  readonly url: string;
  readonly stats: QueueStats;
}

const FAMILIES: readonly [keyof QueueStats, string, 'counter' | 'gauge', string][] = [
  [
    'samplesInTotal',
    'samples_in_total',
    'counter',
    'Samples in to remote storage, compare to samples out for queue managers.',
  ],
  ['samplesTotal', 'samples_total', 'counter', 'Total number of samples sent to remote storage.'],
  [
    'samplesFailedTotal',
    'samples_failed_total',
    'counter',
    'Total number of samples which failed on send to remote storage, non-recoverable errors.',
  ],
  [
    'samplesRetriedTotal',
    'samples_retried_total',
    'counter',
    'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.',
  ],
  [
    'samplesDroppedTotal',
    'samples_dropped_total',
    'counter',
    'Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.',
  ],
  [
    'samplesPending',
    'samples_pending',
    'gauge',
    'The number of samples pending in the queues shards to be sent to the remote storage.',
  ],
  [
    'histogramsInTotal',
    'histograms_in_total',
    'counter',
    'HistogramSamples in to remote storage, compare to histograms out for queue managers.',
  ],
  ['histogramsTotal', 'histograms_total', 'counter', 'Total number of histograms sent to remote storage.'],
  [
    'histogramsFailedTotal',
    'histograms_failed_total',
    'counter',
    'Total number of histograms which failed on send to remote storage, non-recoverable errors.',
  ],
  [
    'histogramsRetriedTotal',
    'histograms_retried_total',
    'counter',
    'Total number of histograms which failed on send to remote storage but were retried because the send error was recoverable.',
  ],
  [
    'histogramsDroppedTotal',
    'histograms_dropped_total',
    'counter',
    'Total number of histograms which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.',
  ],
  [
    'histogramsPending',
    'histograms_pending',
    'gauge',
    'The number of histograms pending in the queues shards to be sent to the remote storage.',
  ],
  [
    'exemplarsInTotal',
    'exemplars_in_total',
    'counter',
    'Exemplars in to remote storage, compare to exemplars out for queue managers.',
  ],
  ['exemplarsTotal', 'exemplars_total', 'counter', 'Total number of exemplars sent to remote storage.'],
  [
    'exemplarsFailedTotal',
    'exemplars_failed_total',
    'counter',
    'Total number of exemplars which failed on send to remote storage, non-recoverable errors.',
  ],
  [
    'exemplarsRetriedTotal',
    'exemplars_retried_total',
    'counter',
    'Total number of exemplars which failed on send to remote storage but were retried because the send error was recoverable.',
  ],
  [
    'exemplarsDroppedTotal',
    'exemplars_dropped_total',
    'counter',
    'Total number of exemplars which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.',
  ],
  [
    'exemplarsPending',
    'exemplars_pending',
    'gauge',
    'The number of exemplars pending in the queues shards to be sent to the remote storage.',
  ],
  ['metadataTotal', 'metadata_total', 'counter', 'Total number of metadata entries sent to remote storage.'],
  [
    'metadataFailedTotal',
    'metadata_failed_total',
    'counter',
    'Total number of metadata entries which failed on send to remote storage, non-recoverable errors.',
  ],
  [
    'metadataRetriedTotal',
    'metadata_retried_total',
    'counter',
    'Total number of metadata entries which failed on send to remote storage but were retried because the send error was recoverable.',
  ],
  [
    'metadataBytesTotal',
    'metadata_bytes_total',
    'counter',
    'The total number of bytes of metadata sent by the queue after compression.',
  ],
  [
    'bytesTotal',
    'bytes_total',
    'counter',
    'The total number of bytes of data (not metadata) sent by the queue after compression.',
  ],
  [
    'enqueueRetriesTotal',
    'enqueue_retries_total',
    'counter',
    'Total number of times enqueue has failed because a shards queue was full.',
  ],
  [
    'queueHighestSentTimestampSeconds',
    'queue_highest_sent_timestamp_seconds',
    'gauge',
    'Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.',
  ],
  ['shards', 'shards', 'gauge', 'The number of shards used for parallel sending to the remote storage.'],
  [
    'shardsDesired',
    'shards_desired',
    'gauge',
    'The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.',
  ],
  ['shardsMin', 'shards_min', 'gauge', 'The minimum number of shards that the queue is allowed to run.'],
  ['shardsMax', 'shards_max', 'gauge', 'The maximum number of shards that the queue is allowed to run.'],
  [
    'shardCapacity',
    'shard_capacity',
    'gauge',
    'The capacity of each shard of the queue used for parallel sending to the remote storage.',
  ],
];

/** The prometheus_remote_storage_* families of `queues`. */
export function remoteStorageMetricFamilies(queues: readonly QueueIdentity[]): RemoteMetricFamily[] {
  const out: RemoteMetricFamily[] = [];
  for (const [key, suffix, type, help] of FAMILIES) {
    out.push({
      name: `prometheus_remote_storage_${suffix}`,
      help,
      type,
      samples: queues.map((q) => ({
        labels: { remote_name: q.remoteName, url: q.url },
        value: q.stats[key] as number,
      })),
    });
  }
  let highest = 0;
  for (const q of queues) highest = Math.max(highest, q.stats.highestTimestampInSeconds);
  out.push({
    name: 'prometheus_remote_storage_highest_timestamp_in_seconds',
    help: 'Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.',
    type: 'gauge',
    samples: [{ value: highest }],
  });
  const hist: RemoteMetricFamily = {
    name: 'prometheus_remote_storage_sent_batch_duration_seconds',
    help: 'Duration of send calls to the remote storage.',
    type: 'histogram',
    samples: [],
  };
  for (const q of queues) {
    const labels = { remote_name: q.remoteName, url: q.url };
    const s = q.stats;
    SentBatchDurationBuckets.forEach((le, i) => {
      hist.samples.push({
        suffix: '_bucket',
        labels: { ...labels, le: String(le) },
        value: s.sentBatchDurationBuckets[i]!,
      });
    });
    hist.samples.push({ suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: s.sentBatchDurationCount });
    hist.samples.push({ suffix: '_sum', labels, value: s.sentBatchDurationSum });
    hist.samples.push({ suffix: '_count', labels, value: s.sentBatchDurationCount });
  }
  out.push(hist);
  return out;
}
