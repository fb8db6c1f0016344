// Builders shared by the notifier's tests. Test helper, not part of the API.
import { type Config, loadConfig } from '@tsprom/config';
import { defaultSDRegistry, labelSet, type TargetSets } from '@tsprom/discovery';
import { Labels } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import { Alert } from '../alert.js';
import { Manager, type ManagerOptions } from '../manager.js';

/** A prometheus.yml loaded as the server loads it (SD configs parsed by the discovery registry). */
export function config(yaml: string, baseDir?: string): Config {
  return loadConfig(yaml, { sdLoader: defaultSDRegistry, baseDir });
}

/** Target sets giving set `name` the Alertmanagers at `addresses`. */
export function targets(name: string, ...addresses: string[]): TargetSets {
  return new Map([
    [name, [{ targets: addresses.map((a) => labelSet({ __address__: a })), labels: labelSet({}), source: '0' }]],
  ]);
}

/** An alert named `name` with `labels` (name-value pairs). */
export function alert(name: string, ...labels: string[]): Alert {
  return new Alert({
    labels: Labels.fromStrings('alertname', name, ...labels),
    annotations: Labels.EMPTY,
    startsAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  });
}

/** A Manager whose HTTP clients are @tsprom/scrape's, as the server makes them. */
export function newManager(opts: Partial<ManagerOptions> = {}): Manager {
  return new Manager({ newHTTPClient: (cfg) => HTTPClient.create(cfg), version: '3.14.0', ...opts });
}

/** The alert names in a posted body, in order. */
export function postedNames(body: string): string[] {
  return (JSON.parse(body) as { labels: Record<string, string> }[]).map((a) => a.labels.alertname ?? '');
}
