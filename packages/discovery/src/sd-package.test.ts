import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@tsprom/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSDRegistry } from './registry.js';
import {
  isSDPackageName,
  registerSDPackage,
  SDPackageLoadError,
  SDPackageNotFoundError,
  sdPackageNameForKey,
  unknownSDKeys,
} from './sd-package.js';
import { loadSDPackage, loadSDPackagesFor } from './sd-package-loader.js';

/** An ESM module text exporting one mechanism for `key` whose configs need a `host`. */
const mechanismModule = (key: string) => `
export const mechanisms = [{
  key: ${JSON.stringify(key)},
  name: ${JSON.stringify(key.replace('_sd_configs', ''))},
  parse(raw) {
    if (typeof raw?.host !== 'string') throw new Error('host is required');
    return { name: 'x', host: raw.host, newDiscoverer() { return { async *run() {} }; } };
  },
}];
`;

describe('SD packages', () => {
  let dir = '';
  const write = (pkg: string, files: Record<string, string>) => {
    const d = join(dir, 'node_modules', pkg);
    mkdirSync(d, { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-sd-packages-'));
    mkdirSync(join(dir, 'project', 'conf'), { recursive: true });
    write('tsprom-sd-alpha', {
      'package.json': JSON.stringify({
        name: 'tsprom-sd-alpha',
        type: 'module',
        exports: { '.': { types: './x.d.ts', import: './main.js' } },
      }),
      'main.js': mechanismModule('alpha_sd_configs'),
    });
    write('@acme/tsprom-sd-beta', {
      'package.json': JSON.stringify({ name: '@acme/tsprom-sd-beta', type: 'module', main: 'index.js' }),
      'index.js': mechanismModule('beta_sd_configs'),
    });
    write('tsprom-sd-syntax', { 'package.json': '{"type":"module"}', 'index.js': 'export const = ;' });
    write('tsprom-sd-empty', { 'package.json': '{"type":"module"}', 'index.js': 'export const other = 1;' });
    write('tsprom-sd-unbuilt', { 'package.json': '{"type":"module","main":"dist/index.js"}' });
    write('tsprom-sd-badkey', { 'package.json': '{"type":"module"}', 'index.js': mechanismModule('badkey_configs') });
    write('tsprom-sd-clash', { 'package.json': '{"type":"module"}', 'index.js': mechanismModule('file_sd_configs') });
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('names: tsprom-sd-<name> or scoped; a config key calls for its package', () => {
    expect(isSDPackageName('tsprom-sd-foo')).toBe(true);
    expect(isSDPackageName('@acme/tsprom-sd-foo')).toBe(true);
    expect(isSDPackageName('foo')).toBe(false);
    expect(isSDPackageName('../tsprom-sd-foo')).toBe(false);
    expect(sdPackageNameForKey('foo_sd_configs')).toBe('tsprom-sd-foo');
  });

  it('finds a package in the node_modules above a directory, imports it and registers its mechanisms', async () => {
    const registry = newSDRegistry();
    const from = join(dir, 'project', 'conf');
    const added = await loadSDPackage('tsprom-sd-alpha', { registry, searchFrom: [from] });
    expect(added.map((m) => m.key)).toEqual(['alpha_sd_configs']);
    expect(registry.has('alpha_sd_configs')).toBe(true);
    // Loading it again (a reload) registers nothing new and does not fail.
    expect(await loadSDPackage('tsprom-sd-alpha', { registry, searchFrom: [from] })).toEqual([]);
    await loadSDPackage('@acme/tsprom-sd-beta', { registry, searchFrom: [from] });
    expect(registry.has('beta_sd_configs')).toBe(true);
  });

  it('loads the packages a configuration needs, then the configuration parses with them', async () => {
    const text =
      'scrape_configs:\n  - job_name: a\n    alpha_sd_configs:\n      - host: h1\n    file_sd_configs: [{files: [x.json]}]\n';
    const registry = newSDRegistry();
    expect(unknownSDKeys(text, registry)).toEqual(['alpha_sd_configs']);
    await loadSDPackagesFor([text], [], { registry, searchFrom: [dir] });
    const cfg = loadConfig(text, { sdLoader: registry, file: 'p.yml' });
    expect(cfg.scrapeConfigs[0]!.serviceDiscoveryConfigs.map((s) => s.key)).toEqual([
      'alpha_sd_configs',
      'file_sd_configs',
    ]);
    // The package's own validation, with the file and line of the entry.
    expect(() => loadConfig(text.replace('host: h1', 'port: 1'), { sdLoader: registry, file: 'p.yml' })).toThrow(
      'p.yml:4:9: scrape_configs[0].alpha_sd_configs[0]: host is required',
    );
    expect(() => loadConfig(text.replace('host: h1', 'port: 1'), { sdLoader: registry })).toThrow(ConfigError);
  });

  it('a missing package says which, for which key, and where it looked', async () => {
    const registry = newSDRegistry();
    const text = 'scrape_configs:\n  - job_name: a\n    gamma_sd_configs: [{host: x}]\n';
    const err = await loadSDPackagesFor([text], [], { registry, searchFrom: [join(dir, 'project')] }).catch((e) => e);
    expect(err).toBeInstanceOf(SDPackageNotFoundError);
    expect(err.packageName).toBe('tsprom-sd-gamma');
    expect(err.message).toContain(
      `service discovery package "tsprom-sd-gamma" (for gamma_sd_configs) is not installed: looked in ${join(dir, 'project', 'node_modules')}, ${join(dir, 'node_modules')}`,
    );
  });

  it.each([
    ['tsprom-sd-syntax', 'is broken: importing'],
    ['tsprom-sd-empty', 'is broken: it must export `mechanisms`'],
    ['tsprom-sd-unbuilt', 'is broken: its entry "dist/index.js" does not exist (is it built?)'],
    ['tsprom-sd-badkey', 'mechanisms[0].key must be a string ending in _sd_configs, got "badkey_configs"'],
    ['tsprom-sd-clash', 'file_sd_configs is already provided by another mechanism'],
    ['not-an-sd-package', 'is not a service discovery package name'],
  ])('a broken package %s: %s', async (name, msg) => {
    const registry = newSDRegistry();
    const before = registry.keys();
    const err = await loadSDPackage(name, { registry, searchFrom: [dir] }).catch((e) => e);
    expect(err).toBeInstanceOf(SDPackageLoadError);
    expect(err.message).toContain(msg);
    expect(registry.keys()).toEqual(before);
  });

  it('registerSDPackage accepts a default export holding the mechanisms', () => {
    const registry = newSDRegistry();
    const m = { key: 'delta_sd_configs', name: 'delta', parse: () => ({}) as never };
    registerSDPackage(registry, 'tsprom-sd-delta', { default: { mechanisms: [m] } });
    expect(registry.get('delta_sd_configs')).toBe(m);
  });
});
