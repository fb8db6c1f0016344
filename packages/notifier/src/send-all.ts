// Prometheus: notifier/manager.go sendAll: one batch to every Alertmanager of every set, at once.
import { Labels } from '@tsprom/labels';
import { type Alert, relabelAlerts } from './alert.js';
import { postToAlertmanager } from './alertmanager-client.js';
import type { AlertmanagerSet } from './alertmanager-set.js';
import type { NotifierLogger } from './notifier-logger.js';
import type { NotifierMetrics } from './notifier-metrics.js';

/** What {@link sendAll} needs of its manager. */
export interface SendAllContext {
  readonly userAgent: string;
  readonly nowMs: () => number;
  readonly metrics: NotifierMetrics;
  readonly logger: NotifierLogger;
  readonly encode: (alerts: readonly Alert[]) => string;
}

/**
 * Posts `alerts` to every Alertmanager of every set concurrently, each set after its own
 * `alert_relabel_configs` and within its config's timeout. Resolves true when every set that had
 * Alertmanagers and alerts left to send was reached by at least one of them (Prometheus 3's
 * amSetCovered); a set with no Alertmanager is not counted. Never rejects: failures are counted
 * per Alertmanager (errors, sent, latency) and logged.
 */
export async function sendAll(
  alerts: readonly Alert[],
  sets: readonly AlertmanagerSet[],
  c: SendAllContext,
): Promise<boolean> {
  if (alerts.length === 0) return true;
  const begin = c.nowMs();
  let cachedPayload: string | undefined;
  const covered: boolean[] = [];
  const posts: Promise<void>[] = [];
  for (const ams of sets) {
    if (ams.ams.length === 0) continue;
    let amAlerts = alerts;
    let payload: string;
    if (ams.cfg.alertRelabelConfigs.length > 0) {
      amAlerts = relabelAlerts(ams.cfg.alertRelabelConfigs, Labels.EMPTY, alerts);
      if (amAlerts.length === 0) continue;
    }
    try {
      if (amAlerts !== alerts) payload = c.encode(amAlerts);
      else payload = cachedPayload ??= c.encode(alerts);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      // A time JSON cannot carry: the batch is given up (and counted as dropped), as Prometheus
      // does when marshaling fails; posts already started still finish.
      c.logger('error', 'Encoding alerts for Alertmanager API v2 failed', { err: err.message });
      await Promise.all(posts);
      return false;
    }
    const setIndex = covered.length;
    covered.push(false);
    const count = amAlerts.length;
    for (const am of ams.ams) {
      const url = am.url();
      posts.push(
        (async () => {
          let failed = false;
          try {
            await postToAlertmanager(ams.client, url, payload, c.userAgent, AbortSignal.timeout(ams.cfg.timeoutMs));
            covered[setIndex] = true;
          } catch (err) {
            failed = true;
            c.logger('error', 'Error sending alerts', {
              alertmanager: url,
              count,
              err: err instanceof Error ? err.message : String(err),
            });
          }
          const now = c.nowMs();
          c.metrics.recordSend(url, count, failed, (now - begin) / 1000);
        })(),
      );
    }
  }
  await Promise.all(posts);
  return covered.every((x) => x);
}
