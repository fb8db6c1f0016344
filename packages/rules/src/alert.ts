// An alert of an alerting rule: one per label set the rule's expression returns.
// Prometheus: rules/alerting.go Alert, AlertState
import { compareStrings, type Label, type Labels } from '@tsprom/labels';

/** An alert's state: pending (waiting out `for`), firing, or inactive (resolved). */
export const AlertState = { Inactive: 'inactive', Pending: 'pending', Firing: 'firing' } as const;
export type AlertState = (typeof AlertState)[keyof typeof AlertState];

/** Orders states as Prometheus's AlertState values: inactive < pending < firing. */
export function alertStateOrder(s: AlertState): number {
  return s === AlertState.Inactive ? 0 : s === AlertState.Pending ? 1 : 2;
}

/**
 * An alert. Times are ms since the epoch, 0 when not set (Go's zero time). `labels` include
 * `alertname` and the rule's (expanded) labels; `annotations` are expanded, sorted by name, and
 * keep empty values (unlike labels), as Prometheus sends and shows them.
 */
// Prometheus: rules/alerting.go Alert
export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: readonly Label[];
  /** The value of the expression's sample at the last evaluation. */
  value: number;
  /** When the alert became pending (restored `for` state moves it). */
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  /** Since when a firing alert kept firing (keep_firing_for) after its condition cleared. */
  keepFiringSince: number;
}

/** Whether `a` must be sent to the notifier at `tsMs`. */
// Prometheus: rules/alerting.go Alert.needsSending
export function alertNeedsSending(a: Alert, tsMs: number, resendDelayMs: number): boolean {
  if (a.state === AlertState.Pending) return false;
  // An alert resolved since it was last sent is sent again at once.
  if (a.resolvedAt > a.lastSentAt) return true;
  // Never sent (Go's zero time is long before any evaluation).
  if (a.lastSentAt === 0) return true;
  return a.lastSentAt + resendDelayMs < tsMs;
}

/**
 * A rule's annotations from their YAML map, sorted by name. Unlike labels, an empty value is kept:
 * Prometheus shows `summary: ""` in its API and sends it to Alertmanager.
 */
export function annotationsOf(m: Readonly<Record<string, string>>): Label[] {
  return Object.entries(m)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => compareStrings(a.name, b.name));
}
