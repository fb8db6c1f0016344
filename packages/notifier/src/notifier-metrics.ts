// Prometheus: notifier/metric.go alertMetrics (the values; the server exposes them as the
// prometheus_notifications_* families).

/** client_golang's default summary window: observations older than 10 minutes are forgotten. */
const SUMMARY_MAX_AGE_MS = 10 * 60_000;
/** client_golang's default: the window moves in 5 steps (age buckets) of 2 minutes. */
const SUMMARY_AGE_BUCKETS = 5;

/** The quantiles prometheus_notifications_latency_seconds reports (its Objectives). */
export const LatencyQuantiles: readonly number[] = [0.5, 0.9, 0.99];

/**
 * A summary as client_golang keeps one: `sum` and `count` over all time, quantiles over the
 * observations of the last 10 minutes (forgotten 2 minutes at a time). Quantiles here are exact
 * over the window (client_golang's are within its objectives' error). `nowMs` is its clock.
 */
export class Summary {
  sum = 0;
  count = 0;
  readonly #nowMs: () => number;
  readonly #buckets: number[][] = [];
  #bucketStartMs = Number.NEGATIVE_INFINITY;

  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    this.#rotate(this.#nowMs());
    this.#buckets[this.#buckets.length - 1]!.push(v);
  }

  /** The `q` quantile (0..1) of the observations of the window now; NaN when it holds none. */
  quantile(q: number): number {
    this.#rotate(this.#nowMs());
    const all = this.#buckets.flat().sort((a, b) => a - b);
    if (all.length === 0) return Number.NaN;
    // The smallest observation with at least q of them at or below it, as CKMS's query does.
    const rank = Math.ceil(q * all.length);
    return all[Math.max(0, Math.min(all.length - 1, rank - 1))]!;
  }

  #rotate(nowMs: number): void {
    const step = SUMMARY_MAX_AGE_MS / SUMMARY_AGE_BUCKETS;
    if (nowMs - this.#bucketStartMs < step && this.#buckets.length > 0) return;
    const steps = Number.isFinite(this.#bucketStartMs)
      ? Math.floor((nowMs - this.#bucketStartMs) / step)
      : SUMMARY_AGE_BUCKETS;
    for (let i = 0; i < Math.min(steps, SUMMARY_AGE_BUCKETS); i++) this.#buckets.push([]);
    while (this.#buckets.length > SUMMARY_AGE_BUCKETS) this.#buckets.shift();
    this.#bucketStartMs = Number.isFinite(this.#bucketStartMs) ? this.#bucketStartMs + steps * step : nowMs;
  }
}

/**
 * What the notifier counted, by Alertmanager URL where Prometheus labels by `alertmanager`. Plain
 * values: read them at any time; only the notifier writes them. An Alertmanager gets its counters
 * (at 0) when discovered and loses them when it goes away, as in Prometheus.
 */
export class NotifierMetrics {
  readonly #nowMs: () => number;
  /** prometheus_notifications_latency_seconds{alertmanager}: seconds from the start of a batch's send to each Alertmanager's answer. */
  readonly latencySeconds = new Map<string, Summary>();
  /** prometheus_notifications_errors_total{alertmanager}: alerts in posts that failed. */
  readonly errors = new Map<string, number>();
  /** prometheus_notifications_sent_total{alertmanager}: alerts posted (failed posts included). */
  readonly sent = new Map<string, number>();
  /** prometheus_notifications_dropped_total: alerts dropped (queue full, a set not reached, shutdown). */
  dropped = 0;

  /** `nowMs` is the clock of the latency summaries' windows (default performance.now). */
  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
  }

  /** Starts the counters of an Alertmanager at 0 (if not there yet). */
  initAlertmanager(url: string): void {
    if (!this.sent.has(url)) this.sent.set(url, 0);
    if (!this.errors.has(url)) this.errors.set(url, 0);
  }

  /** Forgets an Alertmanager that went away. */
  deleteAlertmanager(url: string): void {
    this.latencySeconds.delete(url);
    this.sent.delete(url);
    this.errors.delete(url);
  }

  /** Records one post of `count` alerts to `url`. */
  recordSend(url: string, count: number, failed: boolean, latencySeconds: number): void {
    this.sent.set(url, (this.sent.get(url) ?? 0) + count);
    if (failed) this.errors.set(url, (this.errors.get(url) ?? 0) + count);
    let s = this.latencySeconds.get(url);
    if (s === undefined) {
      s = new Summary(this.#nowMs);
      this.latencySeconds.set(url, s);
    }
    s.observe(latencySeconds);
  }
}
