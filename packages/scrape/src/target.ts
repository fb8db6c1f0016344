// Prometheus: scrape/target.go Target, TargetHealth, Target.URL, hash, offset, intervalAndTimeout,
// Report, MetadataStore.
import {
  AddressLabel,
  type Labels,
  MetricsPathLabel,
  ParamLabelPrefix,
  ReservedLabelPrefix,
  SchemeLabel,
  ScrapeIntervalLabel,
  ScrapeTimeoutLabel,
  LabelsBuilder,
} from '@tsprom/labels';
import { parseDuration } from '@tsprom/config';
import type { Metadata } from '@tsprom/storage-interfaces';
import { fnv64a } from './fnv64a.js';

import { encodeQuery, formatURL } from './target-url.js';

/** Prometheus: TargetHealth. `unknown` until the first scrape. */
export type TargetHealth = 'up' | 'down' | 'unknown';

/** Metadata of one metric family of a target, as the targets metadata API lists it. */
export interface MetricMetadata extends Metadata {
  /** The metric family name (`http_requests` for `http_requests_total`). */
  readonly metricFamily: string;
}

/** Prometheus: MetadataStore. The metadata a target's scrape loop has seen (its scrape cache). */
export interface MetadataStore {
  listMetadata(): MetricMetadata[];
  getMetadata(metricFamily: string): MetricMetadata | undefined;
  /** Bytes of HELP, UNIT and TYPE held. */
  sizeMetadata(): number;
  /** Number of families held. */
  lengthMetadata(): number;
}

/**
 * One scrape target: its labels after relabel_configs (`__address__`, `__scheme__`,
 * `__metrics_path__`, `__param_*`, `__scrape_interval__`, `__scrape_timeout__` included), the
 * labels service discovery gave it, and the health its scrape loop reports. A dropped target
 * (relabeled away) has empty `labels` and is only shown by the API.
 *
 * Health fields are written by the target's scrape loop and read by the API at any time.
 */
export class Target {
  /** Labels after relabeling, the `__`-prefixed ones included; empty for a dropped target. */
  readonly labels: Labels;
  /** Labels before relabeling: discovered labels plus job, scheme, path, interval, timeout, params. */
  readonly discoveredLabels: Labels;
  /** The scrape config's `params`: URL parameters (a `__param_<name>` label overrides the first value). */
  readonly params: ReadonlyMap<string, readonly string[]>;

  health: TargetHealth = 'unknown';
  /** Why the last scrape failed; undefined when it succeeded (or none ran yet). */
  lastError: Error | undefined = undefined;
  /** Start of the last scrape, ms since the epoch; 0 before the first. */
  lastScrape = 0;
  /** Duration of the last scrape in ms. */
  lastScrapeDurationMs = 0;

  #url: string | undefined;
  #hash: bigint | undefined;
  #publicLabels: Labels | undefined;
  #metadata: MetadataStore | undefined;

  constructor(labels: Labels, discoveredLabels: Labels, params: ReadonlyMap<string, readonly string[]> = new Map()) {
    this.labels = labels;
    this.discoveredLabels = discoveredLabels;
    this.params = params;
  }

  /** Prometheus Target.URL: `scheme://address/path?params`, as Go formats it. */
  url(): string {
    if (this.#url === undefined) {
      const params = new Map<string, string[]>();
      for (const [k, v] of this.params) params.set(k, [...v]);
      this.labels.forEach((name, value) => {
        if (!name.startsWith(ParamLabelPrefix)) return;
        const k = name.slice(ParamLabelPrefix.length);
        const vs = params.get(k);
        if (vs !== undefined && vs.length > 0) vs[0] = value;
        else params.set(k, [value]);
      });
      this.#url = formatURL(
        this.labels.get(SchemeLabel),
        this.labels.get(AddressLabel),
        this.labels.get(MetricsPathLabel),
        encodeQuery(params),
      );
    }
    return this.#url;
  }

  /**
   * Prometheus Target.hash: FNV-1a 64 of the label hash (decimal, zero-padded to 16 digits) and
   * the URL. Identifies the target within its pool.
   */
  hash(): bigint {
    if (this.#hash === undefined) this.#hash = fnv64a(this.labels.hash().toString().padStart(16, '0'), this.url());
    return this.#hash;
  }

  /**
   * Prometheus Target.offset: how long after `nowMs` the target's first scrape is due, so that the
   * targets of an instance spread over the interval yet each keeps a fixed phase (pinned to
   * absolute time, and to `offsetSeed`, which differs between Prometheus servers).
   */
  offset(intervalMs: number, offsetSeed: bigint, nowMs: number): number {
    const interval = BigInt(Math.round(intervalMs * 1e6)); // ns, as Go computes it.
    const now = BigInt(Math.round(nowMs)) * 1_000_000n;
    const base = interval - (now % interval);
    let next = base + ((this.hash() ^ offsetSeed) % interval);
    if (next > interval) next -= interval;
    return Number(next) / 1e6;
  }

  /**
   * Prometheus Target.intervalAndTimeout: the interval and timeout from the target's labels, or
   * the defaults with an error naming the label that did not parse.
   */
  intervalAndTimeout(
    defaultIntervalMs: number,
    defaultTimeoutMs: number,
  ): { intervalMs: number; timeoutMs: number; error: Error | undefined } {
    const il = this.labels.get(ScrapeIntervalLabel);
    const tl = this.labels.get(ScrapeTimeoutLabel);
    try {
      const intervalMs = parseDuration(il);
      try {
        return { intervalMs, timeoutMs: parseDuration(tl), error: undefined };
      } catch (err) {
        const e = new Error(`Error parsing timeout label ${JSON.stringify(tl)}: ${(err as Error).message}`);
        return { intervalMs: defaultIntervalMs, timeoutMs: defaultTimeoutMs, error: e };
      }
    } catch (err) {
      const e = new Error(`Error parsing interval label ${JSON.stringify(il)}: ${(err as Error).message}`);
      return { intervalMs: defaultIntervalMs, timeoutMs: defaultTimeoutMs, error: e };
    }
  }

  /** Prometheus Target.Labels: the labels without the `__`-prefixed ones (what series get). */
  publicLabels(): Labels {
    if (this.#publicLabels === undefined) {
      const lb = new LabelsBuilder(this.labels);
      this.labels.forEach((name) => {
        if (name.startsWith(ReservedLabelPrefix)) lb.del(name);
      });
      this.#publicLabels = lb.labels();
    }
    return this.#publicLabels;
  }

  /** Prometheus Target.Report: records the outcome of a scrape that started at `startMs`. */
  report(startMs: number, durationMs: number, err: Error | undefined): void {
    this.health = err === undefined ? 'up' : 'down';
    this.lastError = err;
    this.lastScrape = startMs;
    this.lastScrapeDurationMs = durationMs;
  }

  /** Connects the metadata the target's scrape loop collects (its scrape cache). */
  setMetadataStore(store: MetadataStore): void {
    this.#metadata = store;
  }

  /** The metadata of the target's families, as last scraped; empty before the first scrape. */
  listMetadata(): MetricMetadata[] {
    return this.#metadata?.listMetadata() ?? [];
  }

  /** The metadata of one family, if the target exposes it. */
  getMetadata(metricFamily: string): MetricMetadata | undefined {
    return this.#metadata?.getMetadata(metricFamily);
  }
}
