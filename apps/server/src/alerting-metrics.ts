// Prometheus: rules/manager.go Metrics and notifier/metric.go alertMetrics: the prometheus_rule_*
// and prometheus_notifications_* families, read from the rule manager and the notifier when
// /metrics is scraped.
import { LatencyQuantiles, type Manager as NotifierManager } from '@tsprom/notifier';
import type { Manager as RuleManager } from '@tsprom/rules';
import { type MetricFamily, single } from './metrics-registry.js';

/** The rule manager's families. */
export function ruleMetrics(rm: RuleManager): MetricFamily[] {
  return rm.metrics();
}

/** The notifier's families, labeled by Alertmanager URL where Prometheus labels them. */
export function notifierMetrics(nm: NotifierManager): MetricFamily[] {
  const m = nm.metrics;
  const byAM = (values: ReadonlyMap<string, number>) =>
    [...values].map(([alertmanager, value]) => ({ labels: { alertmanager }, value }));
  const latency: MetricFamily['samples'][number][] = [];
  for (const [alertmanager, s] of m.latencySeconds) {
    for (const q of LatencyQuantiles)
      latency.push({ labels: { alertmanager, quantile: String(q) }, value: s.quantile(q) });
    latency.push({ suffix: '_sum', labels: { alertmanager }, value: s.sum });
    latency.push({ suffix: '_count', labels: { alertmanager }, value: s.count });
  }
  return [
    {
      name: 'prometheus_notifications_latency_seconds',
      help: 'Latency quantiles for sending alert notifications.',
      type: 'summary',
      samples: latency,
    },
    {
      name: 'prometheus_notifications_errors_total',
      help: 'Total number of sent alerts affected by errors.',
      type: 'counter',
      samples: byAM(m.errors),
    },
    {
      name: 'prometheus_notifications_sent_total',
      help: 'Total number of alerts sent.',
      type: 'counter',
      samples: byAM(m.sent),
    },
    single(
      'prometheus_notifications_dropped_total',
      'Total number of alerts dropped due to errors when sending to Alertmanager.',
      'counter',
      m.dropped,
    ),
    single(
      'prometheus_notifications_queue_length',
      'The number of alert notifications in the queue.',
      'gauge',
      nm.queueLength(),
    ),
    single(
      'prometheus_notifications_queue_capacity',
      'The capacity of the alert notifications queue.',
      'gauge',
      nm.queueCapacity,
    ),
    single(
      'prometheus_notifications_alertmanagers_discovered',
      'The number of alertmanagers discovered and active.',
      'gauge',
      nm.alertmanagersDiscovered(),
    ),
  ];
}
