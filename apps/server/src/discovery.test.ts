import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, loadScrapeConfigFiles } from '@tsprom/config';
import { defaultSDRegistry, SDPackageNotFoundError } from '@tsprom/discovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSDPackages, loadSDPackagesForScrapeConfigFiles } from './discovery.js';

describe('SD packages for the server configuration', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-server-sd-'));
    const pkg = join(dir, 'node_modules', 'tsprom-sd-srvfiles');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{"type":"module","main":"index.js"}');
    writeFileSync(
      join(pkg, 'index.js'),
      `export const mechanisms = [{ key: 'srvfiles_sd_configs', name: 'srvfiles', parse(raw) {
        return { name: 'srvfiles', host: raw.host, newDiscoverer() { return { async *run() {} }; } };
      } }];`,
    );
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(
      join(dir, 'jobs', 'a.yml'),
      'scrape_configs:\n  - job_name: from-file\n    srvfiles_sd_configs:\n      - host: h\n',
    );
    writeFileSync(join(dir, 'prometheus.yml'), 'scrape_config_files: [jobs/*.yml]\n');
    writeFileSync(join(dir, 'missing.yml'), 'scrape_configs:\n  - job_name: m\n    srvmissing_sd_configs: [{}]\n');
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('loads the packages the scrape_config_files need, from their directory up', async () => {
    const file = join(dir, 'prometheus.yml');
    await loadSDPackages(file, []);
    const config = await loadConfigFile(file, { sdLoader: defaultSDRegistry });
    expect(defaultSDRegistry.has('srvfiles_sd_configs')).toBe(false);
    await loadSDPackagesForScrapeConfigFiles(config);
    expect(defaultSDRegistry.has('srvfiles_sd_configs')).toBe(true);
    const scs = await loadScrapeConfigFiles(config, { sdLoader: defaultSDRegistry });
    expect(scs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs.map((s) => s.key)])).toEqual([
      ['from-file', ['srvfiles_sd_configs']],
    ]);
  });

  it('refuses a configuration whose package is not installed, naming it', async () => {
    const err = await loadSDPackages(join(dir, 'missing.yml'), []).catch((e) => e);
    expect(err).toBeInstanceOf(SDPackageNotFoundError);
    expect(err.message).toContain('"tsprom-sd-srvmissing" (for srvmissing_sd_configs) is not installed');
    const flag = await loadSDPackages(undefined, ['@acme/tsprom-sd-nothere']).catch((e) => e);
    expect(flag).toBeInstanceOf(SDPackageNotFoundError);
  });
});
