// Prometheus: discovery/registry.go RegisterConfig and the config-key lookup of
// UnmarshalYAMLWithInlineConfigs. A registry of SD mechanisms by their prometheus.yml key, so that a
// third-party package adds its own (`registerSD(mySD)` when imported) and prometheus.yml accepts it.
import type { SDConfig, SDMechanism } from './discoverer.js';
import { consulSD } from './consul-sd-config.js';
import { dnsSD } from './dns-sd-config.js';
import { dockerSD } from './docker-sd-config.js';
import { fileSD } from './file-sd-config.js';
import { httpSD } from './http-sd.js';
import { kubernetesSD } from './kubernetes-sd-config.js';
import { staticSD } from './static-discovery.js';

/** A mechanism's key is already taken. */
export class SDRegistrationError extends Error {
  override readonly name = 'SDRegistrationError';
}

/** SD mechanisms by config key. */
export class SDRegistry {
  readonly #byKey = new Map<string, SDMechanism>();

  /** Adds a mechanism; its key must be new and end in `_sd_configs` (`static_configs` aside). */
  register(m: SDMechanism): void {
    if (m.key !== 'static_configs' && !m.key.endsWith('_sd_configs')) {
      throw new SDRegistrationError(`discovery: config key ${JSON.stringify(m.key)} must end in _sd_configs`);
    }
    if (this.#byKey.has(m.key)) {
      throw new SDRegistrationError(`discovery: config key ${JSON.stringify(m.key)} is already registered`);
    }
    this.#byKey.set(m.key, m);
  }

  /** The mechanism for `key`, if registered. */
  get(key: string): SDMechanism | undefined {
    return this.#byKey.get(key);
  }

  /** Whether `key` is registered. */
  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** The registered keys, sorted. */
  keys(): string[] {
    return [...this.#byKey.keys()].sort();
  }

  /**
   * Parses an entry with the mechanism of `key` (what @tsprom/config's `SDConfigLoader.parse`
   * expects): pass `registry` as `loadConfig`'s `sdLoader`.
   */
  parse(key: string, raw: unknown, baseDir: string | undefined): SDConfig {
    const m = this.#byKey.get(key);
    if (m === undefined) throw new Error(`field ${key} not found`);
    return m.parse(raw, { baseDir });
  }
}

/**
 * A registry holding the built-in mechanisms: `static_configs`, `file_sd_configs`,
 * `http_sd_configs`, `dns_sd_configs`, `consul_sd_configs`,
 * `kubernetes_sd_configs`, `docker_sd_configs`.
 */
export function newSDRegistry(): SDRegistry {
  const r = new SDRegistry();
  r.register(staticSD);
  r.register(fileSD);
  r.register(httpSD);
  r.register(dnsSD);
  r.register(consulSD);
  r.register(kubernetesSD);
  r.register(dockerSD);
  return r;
}

/** The process-wide registry third-party SD packages add themselves to. */
export const defaultSDRegistry: SDRegistry = newSDRegistry();

/** Adds a mechanism to {@link defaultSDRegistry} (Prometheus discovery.RegisterConfig). */
export function registerSD(m: SDMechanism): void {
  defaultSDRegistry.register(m);
}
