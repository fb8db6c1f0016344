// Prometheus: config/config.go AlertmanagerConfigs.ToMap: the notify discovery manager's jobs.
import type { AlertingConfig } from '@tsprom/config';
import type { SDConfigEntry } from '@tsprom/discovery';

/** The names of the Alertmanager sets, in config order: `config-0`, `config-1`, … */
export function alertmanagerSetNames(alerting: AlertingConfig): string[] {
  return alerting.alertmanagers.map((_, i) => `config-${i}`);
}

/**
 * The SD configs of each `alertmanagers` entry under its set's name, for the notify discovery
 * manager's `applyConfig` (Prometheus main.go: `discoveryManagerNotify.ApplyConfig(c)` with
 * `AlertmanagerConfigs.ToMap()`); its target sets then go to the notifier's `run`.
 */
export function alertmanagerDiscoveryConfigs(alerting: AlertingConfig): Map<string, readonly SDConfigEntry[]> {
  const names = alertmanagerSetNames(alerting);
  const out = new Map<string, readonly SDConfigEntry[]>();
  alerting.alertmanagers.forEach((am, i) => {
    out.set(names[i]!, am.serviceDiscoveryConfigs);
  });
  return out;
}
