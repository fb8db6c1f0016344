// Prometheus: config/config.go RuntimeConfig, DefaultRuntimeConfig.
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** The `runtime` section. tsprom has no Go garbage collector; `gogc` is kept for fidelity. */
export interface RuntimeConfig {
  /** Go's GOGC percentage (default 75); no effect on a Node runtime. */
  readonly goGC: number;
}

/** Prometheus: config.DefaultRuntimeConfig. */
export const DefaultRuntimeConfig: RuntimeConfig = { goGC: 75 };

const KEYS: ReadonlySet<string> = new Set(['gogc']);

/** Loads the `runtime` section; an empty section is the default (as Prometheus's isZero check). */
export function loadRuntimeConfig(r: YamlReader, v: YamlValue): RuntimeConfig {
  const m = r.map(v, 'config.RuntimeConfig', KEYS);
  const goGC = r.int(m.get('gogc'));
  return { goGC: goGC === undefined || goGC === 0 ? DefaultRuntimeConfig.goGC : goGC };
}
