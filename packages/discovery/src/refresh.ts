// Prometheus: discovery/refresh/refresh.go Discovery. A discoverer that polls: `refresh()` at once
// and then every interval; a failed refresh is logged and counted, and the last groups stay (no
// update is sent). Used by http_sd and dns_sd; third-party mechanisms may use it too.
import type { DiscovererOptions } from './discoverer.js';
import type { TargetGroup } from './target-group.js';

/** What a polling discoverer needs. */
export interface RefreshOptions {
  /** The mechanism's name, the `mechanism` label of the refresh metrics (`http`, `dns`). */
  readonly mechanism: string;
  /** Time between the end of one refresh and the start of the next, in ms. */
  readonly intervalMs: number;
  /** Reads the current groups; aborts with the signal; throws on failure. */
  readonly refresh: (signal: AbortSignal) => Promise<TargetGroup[]>;
}

/**
 * Runs `refresh` at once and every `intervalMs` until `signal` aborts, yielding each result (the
 * Discoverer contract). Failures are logged and counted (prometheus_sd_refresh_failures_total),
 * never thrown.
 */
export async function* runRefresh(
  options: RefreshOptions,
  discovererOptions: DiscovererOptions,
  signal: AbortSignal,
): AsyncIterable<TargetGroup[]> {
  const { mechanism, intervalMs, refresh } = options;
  const metrics = discovererOptions.metrics;
  while (!signal.aborted) {
    const t0 = performance.now();
    let groups: TargetGroup[] | undefined;
    try {
      groups = await refresh(signal);
    } catch (err) {
      if (signal.aborted) return;
      // Keep what was sent last: a target list is never dropped because its source is down.
      metrics?.refreshFailed(mechanism);
      discovererOptions.logger.error('Unable to refresh target groups', {
        mechanism,
        err: err instanceof Error ? err.message : String(err),
      });
    }
    metrics?.observeRefresh(mechanism, (performance.now() - t0) / 1000);
    if (signal.aborted) return;
    if (groups !== undefined) yield groups;
    await sleep(intervalMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
