// @tsprom/notifier: Prometheus's notifier: the alert queue, batches posted to Alertmanager API
// v2, external labels and alert relabeling, Alertmanager sets fed by service discovery.
export { Alert, type AnnotationsInit, relabelAlerts } from './alert.js';
export {
  Alertmanager,
  type AlertmanagersFromGroup,
  AlertsPathLabel,
  alertmanagerFromGroup,
  postPath,
} from './alertmanager.js';
export { type HTTPClientFactory, type NotifierHTTPClient, postToAlertmanager } from './alertmanager-client.js';
export { encodeAlerts, formatDateTime, goJSONString } from './alertmanager-payload.js';
export { alertmanagerDiscoveryConfigs, alertmanagerSetNames } from './alertmanager-sd.js';
export { AlertmanagerSet } from './alertmanager-set.js';
export { AlertmanagerStatusError, AlertmanagerTargetError, NotifierConfigError } from './errors.js';
export {
  DefaultMaxBatchSize,
  DefaultQueueCapacity,
  Manager,
  type ManagerOptions,
  type NotifierConfig,
} from './manager.js';
export { noopLogger, type NotifierLogger } from './notifier-logger.js';
export { LatencyQuantiles, NotifierMetrics, Summary } from './notifier-metrics.js';
export { queryEscape, type RuleAlertLike, sendAlerts, tableLinkForExpression } from './send-alerts.js';
