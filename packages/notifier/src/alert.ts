// Prometheus: notifier/alert.go Alert, relabelAlerts.
import { AlertName, type Labels, LabelsBuilder } from '@tsprom/labels';
import { processBuilder, type RelabelConfig } from '@tsprom/relabel';

/**
 * An alert as it is sent to Alertmanager (Prometheus notifier.Alert). Times are Unix ms;
 * `undefined` is Go's zero time (Alertmanager then picks the time itself). Immutable: relabeling
 * makes a new alert, so one alert object may be handed to the notifier and kept by its producer.
 */
export class Alert {
  /** Identifies the alert; must hold `alertname`. */
  readonly labels: Labels;
  /** Extra information that does not identify the alert. */
  readonly annotations: Labels;
  readonly startsAt: number | undefined;
  readonly endsAt: number | undefined;
  /** A link back to what produced the alert; '' for none. */
  readonly generatorURL: string;

  constructor(init: {
    labels: Labels;
    annotations: Labels;
    startsAt?: number | undefined;
    endsAt?: number | undefined;
    generatorURL?: string | undefined;
  }) {
    this.labels = init.labels;
    this.annotations = init.annotations;
    this.startsAt = init.startsAt;
    this.endsAt = init.endsAt;
    this.generatorURL = init.generatorURL ?? '';
  }

  /** The `alertname` label. */
  name(): string {
    return this.labels.get(AlertName);
  }

  /** Whether the activity interval ended at or before `nowMs` (default: now). */
  resolved(nowMs: number = Date.now()): boolean {
    return this.endsAt !== undefined && this.endsAt <= nowMs;
  }

  /** The same alert with other labels. */
  withLabels(labels: Labels): Alert {
    return new Alert({ ...this, labels });
  }

  /** `name[hash7][active|resolved]`, as Prometheus logs alerts. */
  toString(): string {
    const hash = this.labels.hash().toString(16).padStart(16, '0').slice(0, 7);
    return `${this.name()}[${hash}][${this.resolved() ? 'resolved' : 'active'}]`;
  }
}

/**
 * Adds the external labels an alert lacks (the alert's own value wins), then applies
 * `relabelConfigs`; alerts a step drops are left out. Prometheus: notifier relabelAlerts.
 */
export function relabelAlerts(
  relabelConfigs: readonly RelabelConfig[],
  externalLabels: Labels,
  alerts: readonly Alert[],
): Alert[] {
  const lb = new LabelsBuilder();
  const out: Alert[] = [];
  for (const a of alerts) {
    lb.reset(a.labels);
    externalLabels.forEach((name, value) => {
      if (a.labels.get(name) === '') lb.set(name, value);
    });
    if (!processBuilder(lb, relabelConfigs)) continue;
    out.push(a.withLabels(lb.labels()));
  }
  return out;
}
