// Prometheus: notifier/alert.go Alert, relabelAlerts.
import { AlertName, compareStrings, type Label, Labels, LabelsBuilder } from '@tsprom/labels';
import { processBuilder, type RelabelConfig } from '@tsprom/relabel';

/**
 * Annotations as an alert takes them: a label set, or a record, which unlike a label set may hold
 * empty values (an annotation whose template expanded to nothing, which Prometheus sends as "").
 */
export type AnnotationsInit = Labels | Readonly<Record<string, string>>;

/**
 * An alert as it is sent to Alertmanager (Prometheus notifier.Alert). Times are Unix ms;
 * `undefined` is Go's zero time (Alertmanager then picks the time itself). Immutable: relabeling
 * makes a new alert, so one alert object may be handed to the notifier and kept by its producer.
 */
export class Alert {
  /** Identifies the alert; must hold `alertname`. */
  readonly labels: Labels;
  /** Extra information that does not identify the alert, sorted by name; values may be empty. */
  readonly annotations: readonly Label[];
  readonly startsAt: number | undefined;
  readonly endsAt: number | undefined;
  /** A link back to what produced the alert; '' for none. */
  readonly generatorURL: string;

  constructor(init: {
    labels: Labels;
    annotations: AnnotationsInit | readonly Label[];
    startsAt?: number | undefined;
    endsAt?: number | undefined;
    generatorURL?: string | undefined;
  }) {
    this.labels = init.labels;
    this.annotations = annotationList(init.annotations);
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

function annotationList(a: AnnotationsInit | readonly Label[]): readonly Label[] {
  if (a instanceof Labels) return a.toArray();
  if (Array.isArray(a)) return a as readonly Label[];
  const out = Object.entries(a as Readonly<Record<string, string>>).map(([name, value]) => ({ name, value }));
  return out.sort((x, y) => compareStrings(x.name, y.name));
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
