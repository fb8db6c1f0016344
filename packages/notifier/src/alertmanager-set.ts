// Prometheus: notifier/alertmanagerset.go alertmanagerSet (newAlertmanagerSet, sync, configHash).
import type { AlertmanagerConfig } from '@tsprom/config';
import type { TargetGroup } from '@tsprom/discovery';
import { type Alertmanager, alertmanagerFromGroup } from './alertmanager.js';
import type { HTTPClientFactory, NotifierHTTPClient } from './alertmanager-client.js';
import { AlertmanagerTargetError, NotifierConfigError } from './errors.js';
import type { NotifierLogger } from './notifier-logger.js';
import type { NotifierMetrics } from './notifier-metrics.js';
import { stableConfigString } from './stable-config-string.js';

/**
 * The Alertmanagers of one `alertmanagers` config (`config-0`, …): the client made from its
 * `<http_config>`, the Alertmanagers its discovery found and relabeling kept, and those dropped.
 */
export class AlertmanagerSet {
  /** Kept by relabeling, one per URL. */
  ams: Alertmanager[] = [];
  /** Dropped by relabeling (their labels before relabeling). */
  droppedAms: Alertmanager[] = [];

  private constructor(
    readonly name: string,
    readonly cfg: AlertmanagerConfig,
    readonly client: NotifierHTTPClient,
    readonly configHash: string,
    readonly metrics: NotifierMetrics,
    readonly logger: NotifierLogger,
  ) {}

  /**
   * Makes the set's client. Throws {@link NotifierConfigError} for a config the notifier cannot
   * use (sigv4, or a client the factory refuses).
   */
  static async create(
    name: string,
    cfg: AlertmanagerConfig,
    newHTTPClient: HTTPClientFactory,
    metrics: NotifierMetrics,
    logger: NotifierLogger,
  ): Promise<AlertmanagerSet> {
    if (cfg.sigv4 !== undefined) throw new NotifierConfigError(name, 'sigv4 signing is not supported by tsprom');
    let client: NotifierHTTPClient;
    try {
      client = await newHTTPClient({ ...cfg.httpClientConfig, enableHTTP2: false });
    } catch (err) {
      throw new NotifierConfigError(name, `cannot make the HTTP client: ${(err as Error).message}`, { cause: err });
    }
    return new AlertmanagerSet(name, cfg, client, alertmanagerConfigHash(cfg), metrics, logger);
  }

  /**
   * Replaces the set's Alertmanagers with those of `tgs` (Prometheus sync): deduplicated by URL,
   * counters started for new ones and removed for those gone. A group with a bad address is
   * skipped and logged.
   */
  sync(tgs: readonly TargetGroup[]): void {
    const all: Alertmanager[] = [];
    const dropped: Alertmanager[] = [];
    for (const tg of tgs) {
      try {
        const r = alertmanagerFromGroup(tg, this.cfg);
        all.push(...r.active);
        dropped.push(...r.dropped);
      } catch (err) {
        if (!(err instanceof AlertmanagerTargetError)) throw err;
        this.logger('error', 'Creating discovered Alertmanagers failed', { config: this.name, err: err.message });
      }
    }
    const previous = this.ams;
    const seen = new Set<string>();
    this.ams = [];
    this.droppedAms = dropped;
    for (const am of all) {
      const url = am.url();
      if (seen.has(url)) continue;
      this.metrics.initAlertmanager(url);
      seen.add(url);
      this.ams.push(am);
    }
    for (const am of previous) {
      const url = am.url();
      if (seen.has(url)) continue;
      this.metrics.deleteAlertmanager(url);
      seen.add(url);
    }
  }
}

/**
 * What identifies a config across reloads (Prometheus configHash, a hash of its YAML): secrets
 * count as `<secret>`, so a changed password keeps the set's discovered Alertmanagers.
 */
function alertmanagerConfigHash(cfg: AlertmanagerConfig): string {
  return stableConfigString(cfg);
}
