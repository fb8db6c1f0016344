// Prometheus: model/labels/labels_common.go (MetricName, AlertName, BucketLabel, InstanceName) and
// prometheus/common model/labels.go (the reserved and scrape-time label names).

/** The label that holds a series' metric name. */
export const MetricName = '__name__';
/** The label that holds an alert's name. */
export const AlertName = 'alertname';
/** The label that holds a classic histogram bucket's upper bound. */
export const BucketLabel = 'le';
/** The label that identifies a scrape target within a job. */
export const InstanceName = 'instance';
/** Same as {@link InstanceName} (prometheus/common `model.InstanceLabel`). */
export const InstanceLabel = 'instance';
/** The label that holds the job (scrape config) name. */
export const JobLabel = 'job';
/** The label that holds a summary quantile. */
export const QuantileLabel = 'quantile';
/** Target label holding the `host:port` to scrape. */
export const AddressLabel = '__address__';
/** Target label holding the scrape scheme (`http`/`https`). */
export const SchemeLabel = '__scheme__';
/** Target label holding the metrics path. */
export const MetricsPathLabel = '__metrics_path__';
/** Target label holding the scrape interval. */
export const ScrapeIntervalLabel = '__scrape_interval__';
/** Target label holding the scrape timeout. */
export const ScrapeTimeoutLabel = '__scrape_timeout__';
/** Prefix of labels reserved for internal use; dropped from targets after relabeling. */
export const ReservedLabelPrefix = '__';
/** Prefix of service-discovery meta labels. */
export const MetaLabelPrefix = '__meta_';
/** Prefix for temporary labels during relabeling. */
export const TmpLabelPrefix = '__tmp_';
/** Prefix of labels that become URL parameters of the scrape request. */
export const ParamLabelPrefix = '__param_';
