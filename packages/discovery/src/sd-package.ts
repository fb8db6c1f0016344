// Third-party service discovery packages (what Prometheus cannot do without a rebuild): a package
// named `tsprom-sd-<name>` (or `@scope/tsprom-sd-<name>`) exports `mechanisms`, a list of
// SDMechanism, which are added to a registry. The pure part lives here (names, the module's
// shape, which keys a configuration needs); finding and importing a package on disk is Node's
// (sd-package-loader.ts, `@tsprom/discovery/packages`).
import { isMap, isSeq, parseDocument } from 'yaml';
import type { SDMechanism } from './discoverer.js';
import type { SDRegistry } from './registry.js';

/** A service discovery package that could not be used; `packageName` says which. */
export class SDPackageError extends Error {
  override readonly name: string = 'SDPackageError';
  constructor(
    readonly packageName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The package is not installed where it was looked for. */
export class SDPackageNotFoundError extends SDPackageError {
  override readonly name = 'SDPackageNotFoundError';
  constructor(
    packageName: string,
    /** The `node_modules` directories searched, in order. */
    readonly searched: readonly string[],
    neededFor?: string,
  ) {
    super(
      packageName,
      `service discovery package ${JSON.stringify(packageName)}${neededFor === undefined ? '' : ` (for ${neededFor})`} is not installed: looked in ${searched.join(', ')}`,
    );
  }
}

/** The package is installed but cannot be imported or does not export valid mechanisms. */
export class SDPackageLoadError extends SDPackageError {
  override readonly name = 'SDPackageLoadError';
}

/** What an SD package's main module exports. */
export interface SDPackageModule {
  /** The mechanisms the package provides, each with its own `*_sd_configs` key. */
  readonly mechanisms: readonly SDMechanism[];
}

const SCOPED = /^@[a-z0-9][a-z0-9._~-]*\/tsprom-sd-[a-z0-9][a-z0-9._~-]*$/;
const UNSCOPED = /^tsprom-sd-[a-z0-9][a-z0-9._~-]*$/;

/** Whether `name` is a valid SD package name: `tsprom-sd-<name>` or `@scope/tsprom-sd-<name>`. */
export function isSDPackageName(name: string): boolean {
  return UNSCOPED.test(name) || SCOPED.test(name);
}

/** The package a config key calls for: `foo_sd_configs` → `tsprom-sd-foo`. */
export function sdPackageNameForKey(key: string): string {
  if (!key.endsWith('_sd_configs')) throw new Error(`${JSON.stringify(key)} is not a *_sd_configs key`);
  return `tsprom-sd-${key.slice(0, -'_sd_configs'.length)}`;
}

/**
 * Checks an imported package module and registers its mechanisms in `registry`. Mechanisms already
 * registered (the same objects: the package was loaded before) are left as they are. Throws
 * {@link SDPackageLoadError} naming what is wrong; nothing is registered then.
 */
export function registerSDPackage(registry: SDRegistry, packageName: string, mod: unknown): SDMechanism[] {
  const broken = (what: string) =>
    new SDPackageLoadError(packageName, `service discovery package ${JSON.stringify(packageName)} is broken: ${what}`);
  const exported =
    (mod as { mechanisms?: unknown } | null)?.mechanisms ??
    (mod as { default?: { mechanisms?: unknown } } | null)?.default?.mechanisms;
  if (!Array.isArray(exported) || exported.length === 0) {
    throw broken('it must export `mechanisms`, a non-empty list of service discovery mechanisms');
  }
  const fresh: SDMechanism[] = [];
  for (const [i, m] of exported.entries()) {
    const o = m as Partial<SDMechanism> | null;
    if (typeof o !== 'object' || o === null) throw broken(`mechanisms[${i}] is not an object`);
    if (typeof o.key !== 'string' || !o.key.endsWith('_sd_configs')) {
      throw broken(`mechanisms[${i}].key must be a string ending in _sd_configs, got ${JSON.stringify(o.key)}`);
    }
    if (typeof o.name !== 'string' || o.name === '') throw broken(`mechanisms[${i}] (${o.key}) has no name`);
    if (typeof o.parse !== 'function') throw broken(`mechanisms[${i}] (${o.key}) has no parse function`);
    const existing = registry.get(o.key);
    if (existing === m) continue;
    if (existing !== undefined) throw broken(`${o.key} is already provided by another mechanism`);
    fresh.push(m as SDMechanism);
  }
  for (const m of fresh) registry.register(m);
  return fresh;
}

/**
 * The `*_sd_configs` keys a prometheus.yml (or scrape config file) uses anywhere that the registry
 * does not know, sorted: the packages to load before the config can be parsed. Text that is not
 * YAML gives none (the config loader then reports it properly).
 */
export function unknownSDKeys(yamlText: string, registry: SDRegistry): string[] {
  const doc = parseDocument(yamlText, { uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  const keys = new Set<string>();
  const walk = (n: unknown, depth: number): void => {
    if (depth > 64) return;
    if (isMap(n)) {
      for (const item of n.items) {
        const k = (item.key as { value?: unknown } | null)?.value;
        if (typeof k === 'string' && k.endsWith('_sd_configs') && !registry.has(k)) keys.add(k);
        walk(item.value, depth + 1);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) walk(item, depth + 1);
    }
  };
  walk(doc.contents, 0);
  return [...keys].sort();
}
