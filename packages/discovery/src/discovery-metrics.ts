// Prometheus: discovery/metrics_refresh.go (prometheus_sd_refresh_failures_total and
// prometheus_sd_refresh_duration_seconds per mechanism) and the mechanisms' own counters
// (prometheus_sd_http_failures_total, prometheus_sd_dns_lookups_total…). Process-wide in
// Prometheus: one instance is shared by the scrape and notify managers, and the server renders it.

/** A counter of one mechanism, as the server exposes it (no labels). */
export interface DiscoveryCounter {
  readonly name: string;
  readonly help: string;
  value: number;
}

/** Refreshes of one mechanism: how many, how long in total, how many failed. */
export interface RefreshStats {
  failures: number;
  count: number;
  sumSeconds: number;
}

/** The counters discoverers report into; read by the server's /metrics. */
export class DiscoveryMetrics {
  readonly #refresh = new Map<string, RefreshStats>();
  readonly #counters = new Map<string, DiscoveryCounter>();

  #stats(mechanism: string): RefreshStats {
    let s = this.#refresh.get(mechanism);
    if (s === undefined) {
      s = { failures: 0, count: 0, sumSeconds: 0 };
      this.#refresh.set(mechanism, s);
    }
    return s;
  }

  /** One refresh of `mechanism` that took `seconds` (prometheus_sd_refresh_duration_seconds). */
  observeRefresh(mechanism: string, seconds: number): void {
    const s = this.#stats(mechanism);
    s.count++;
    s.sumSeconds += seconds;
  }

  /** One failed refresh of `mechanism` (prometheus_sd_refresh_failures_total). */
  refreshFailed(mechanism: string): void {
    this.#stats(mechanism).failures++;
  }

  /** Adds `n` to the counter `name` (created with `help` on first use). */
  inc(name: string, help: string, n = 1): void {
    let c = this.#counters.get(name);
    if (c === undefined) {
      c = { name, help, value: 0 };
      this.#counters.set(name, c);
    }
    c.value += n;
  }

  /** Refresh stats by mechanism, sorted by mechanism. */
  refreshStats(): [string, Readonly<RefreshStats>][] {
    return [...this.#refresh].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The mechanisms' counters, sorted by name. */
  counters(): Readonly<DiscoveryCounter>[] {
    return [...this.#counters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
