// Prometheus: discovery/discovery.go Discoverer, Config, DiscovererOptions. The contract every
// service discovery mechanism implements, built-in or from a third-party package.
import type { DiscoveryMetrics } from './discovery-metrics.js';
import type { TargetGroup } from './target-group.js';

/** Where a discovery mechanism reports what went wrong (failures are logged, never thrown away). */
export interface DiscoveryLogger {
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  debug(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Logs errors and warnings to the console, drops info and debug. */
export const consoleLogger: DiscoveryLogger = {
  error: (msg, fields) => console.error(`discovery: ${msg}`, fields ?? ''),
  warn: (msg, fields) => console.warn(`discovery: ${msg}`, fields ?? ''),
  info: () => {},
  debug: () => {},
};

/**
 * A running source of targets (Prometheus Discoverer).
 *
 * `run(signal)` returns an async iterable of updates. Each update is a list of target groups that
 * changed: a group replaces the previous group with the same `source`; a group with no targets
 * removes it. The first update should be the full state (every group the discoverer knows), as
 * soon as it is known. Iteration ends when `signal` aborts (the discoverer then stops its watches,
 * timers and requests); it must not end before that unless the discoverer can never produce
 * anything again. Transient failures (a host down, a malformed file) are logged and retried, not
 * thrown: throwing ends this discoverer for good. Updates are pulled: a slow consumer simply makes
 * the discoverer wait, and a discoverer may merge what accumulated meanwhile.
 */
export interface Discoverer {
  run(signal: AbortSignal): AsyncIterable<TargetGroup[]>;
}

/** What a discoverer is built with (Prometheus DiscovererOptions). */
export interface DiscovererOptions {
  readonly logger: DiscoveryLogger;
  /** Where refreshes and the mechanism's own counters are reported (the Manager always sets it). */
  readonly metrics?: DiscoveryMetrics | undefined;
}

/**
 * One parsed SD configuration entry (Prometheus discovery.Config): it knows its mechanism's name
 * and builds its discoverer. Two configs that compare equal ({@link sdConfigKey}) share one
 * running discoverer.
 */
export interface SDConfig {
  /** The mechanism's name (`static`, `file`, `consul`…), used in provider names (`file/0`). */
  readonly name: string;
  newDiscoverer(options: DiscovererOptions): Discoverer;
  /**
   * The config as plain values for /api/v1/status/config, defaults filled, in Prometheus's field
   * order; secrets as objects whose `toString()` hides them. Optional.
   */
  toYAML?(): unknown;
}

/** Where an SD config entry came from, for resolving its relative file names. */
export interface SDParseContext {
  /** The directory of the configuration file the entry was written in. */
  readonly baseDir: string | undefined;
}

/** A service discovery mechanism: the config key it answers to and how to read its entries. */
export interface SDMechanism {
  /** The prometheus.yml key, ending in `_sd_configs` (or `static_configs`). */
  readonly key: string;
  /** The mechanism's name (`file`), as Prometheus names it (Config.Name). */
  readonly name: string;
  /**
   * Validates one entry (the YAML as plain values), fills its defaults and returns the config.
   * Throws an Error saying what is wrong (the config loader adds where).
   */
  parse(raw: unknown, ctx: SDParseContext): SDConfig;
}

/**
 * A stable key of a config's content, so that equal configs are told equal (Prometheus compares
 * with reflect.DeepEqual): object keys sorted, Maps and Sets by content, secrets (objects with a
 * `reveal()` method) by their value.
 */
export function sdConfigKey(mechanismKey: string, config: unknown): string {
  return `${mechanismKey}:${stable(config)}`;
}

function stable(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return '';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as { reveal?: () => string };
  if (typeof o.reveal === 'function') return `secret(${JSON.stringify(o.reveal())})`;
  if (v instanceof Map)
    return `map{${[...v]
      .map(([k, x]) => `${stable(k)}:${stable(x)}`)
      .sort()
      .join(',')}}`;
  if (v instanceof Set) return `set{${[...v].map(stable).sort().join(',')}}`;
  const rec = v as Record<string, unknown>;
  const keys = Object.keys(rec)
    .filter((k) => typeof rec[k] !== 'function')
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stable(rec[k])}`).join(',')}}`;
}
