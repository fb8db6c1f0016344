// Finds an SD package in the `node_modules` directories above the given directories (Node's
// lookup), imports its ESM entry and registers its mechanisms. Node only.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SDMechanism } from './discoverer.js';
import type { SDRegistry } from './registry.js';
import {
  isSDPackageName,
  registerSDPackage,
  SDPackageLoadError,
  SDPackageNotFoundError,
  sdPackageNameForKey,
  unknownSDKeys,
} from './sd-package.js';

/** Where {@link loadSDPackage} looks and what it registers into. */
export interface LoadSDPackageOptions {
  readonly registry: SDRegistry;
  /** Directories whose `node_modules` (and their parents') are searched, in order. */
  readonly searchFrom: readonly string[];
}

/** Packages already imported by entry file: a reload never imports a module twice. */
const imported = new Map<string, unknown>();

/**
 * Loads the SD package `name` and registers its mechanisms (none again if it was loaded before).
 * Throws {@link SDPackageNotFoundError} or {@link SDPackageLoadError}.
 */
export async function loadSDPackage(
  name: string,
  options: LoadSDPackageOptions,
  neededFor?: string,
): Promise<SDMechanism[]> {
  if (!isSDPackageName(name)) {
    throw new SDPackageLoadError(
      name,
      `${JSON.stringify(name)} is not a service discovery package name: tsprom-sd-<name> or @<scope>/tsprom-sd-<name>`,
    );
  }
  const searched: string[] = [];
  let dir: string | undefined;
  for (const from of options.searchFrom) {
    for (let d = resolve(from); ; d = dirname(d)) {
      const nm = join(d, 'node_modules');
      if (!searched.includes(nm)) searched.push(nm);
      if (existsSync(join(nm, name, 'package.json'))) {
        dir = join(nm, name);
        break;
      }
      if (dirname(d) === d) break;
    }
    if (dir !== undefined) break;
  }
  if (dir === undefined) throw new SDPackageNotFoundError(name, searched, neededFor);
  const entry = packageEntry(name, dir);
  let mod = imported.get(entry);
  if (mod === undefined) {
    try {
      mod = await import(pathToFileURL(entry).href);
    } catch (err) {
      throw new SDPackageLoadError(
        name,
        `service discovery package ${JSON.stringify(name)} is broken: importing ${entry} failed: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    imported.set(entry, mod);
  }
  return registerSDPackage(options.registry, name, mod);
}

/**
 * Loads the packages named (flags) and those the configuration text needs: each `*_sd_configs`
 * key the registry does not know calls for `tsprom-sd-<name>`. Stops at the first failure.
 */
export async function loadSDPackagesFor(
  yamlTexts: readonly string[],
  names: readonly string[],
  options: LoadSDPackageOptions,
): Promise<void> {
  for (const name of names) await loadSDPackage(name, options);
  for (const text of yamlTexts) {
    for (const key of unknownSDKeys(text, options.registry)) {
      if (options.registry.has(key)) continue; // A package loaded just before provided it.
      await loadSDPackage(sdPackageNameForKey(key), options, key);
    }
  }
}

/** The ESM entry of the package in `dir`: `exports` (import, node, default conditions), `module`, `main`. */
function packageEntry(name: string, dir: string): string {
  let pkg: { exports?: unknown; module?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg;
  } catch (err) {
    throw new SDPackageLoadError(
      name,
      `service discovery package ${JSON.stringify(name)} is broken: unreadable package.json`,
      {
        cause: err,
      },
    );
  }
  let rel = pickExport(pkg.exports);
  if (rel === undefined && typeof pkg.module === 'string') rel = pkg.module;
  if (rel === undefined && typeof pkg.main === 'string') rel = pkg.main;
  rel ??= 'index.js';
  const file = join(dir, rel);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new SDPackageLoadError(
      name,
      `service discovery package ${JSON.stringify(name)} is broken: its entry ${JSON.stringify(rel)} does not exist (is it built?)`,
    );
  }
  return file;
}

/** The conditions Node's ESM loader matches, tried in the object's key order as Node does. */
const CONDITIONS: ReadonlySet<string> = new Set(['node', 'import', 'default']);

function pickExport(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (Array.isArray(exp)) {
    for (const e of exp) {
      const r = pickExport(e);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (typeof exp !== 'object' || exp === null) return undefined;
  const o = exp as Record<string, unknown>;
  if ('.' in o) return pickExport(o['.']);
  for (const [k, v] of Object.entries(o)) {
    if (!CONDITIONS.has(k)) continue;
    const r = pickExport(v);
    if (r !== undefined) return r;
  }
  return undefined;
}
