// The server's discovery wiring: its two managers (scrape and notify) share the process's SD
// registry and metrics, and the SD packages a configuration needs are loaded before it is parsed.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Config, type GlobFS, glob } from '@tsprom/config';
import { DiscoveryMetrics, defaultSDRegistry, Manager as DiscoveryManager } from '@tsprom/discovery';
import { loadSDPackagesFor } from '@tsprom/discovery/packages';
import type { Logger } from './logger.js';

/** The process's discovery metrics (Prometheus's are process-wide too). */
export const sdMetrics = new DiscoveryMetrics();

/** A discovery manager named `scrape` or `notify`, logging through `log`. */
export function newDiscoveryManager(name: 'scrape' | 'notify', log: Logger): DiscoveryManager {
  const sdLog = log.with({ component: `discovery manager ${name}` });
  return new DiscoveryManager({
    name,
    registry: defaultSDRegistry,
    metrics: sdMetrics,
    logger: {
      error: (m, f) => sdLog.log('error', m, f),
      warn: (m, f) => sdLog.log('warn', m, f),
      info: (m, f) => sdLog.log('info', m, f),
      debug: (m, f) => sdLog.log('debug', m, f),
    },
  });
}

/**
 * Loads the `--sd.package` packages and those `configFile` calls for (a `foo_sd_configs` key no
 * mechanism provides loads `tsprom-sd-foo`), from the node_modules above the configuration file's
 * directory, then above the working directory. Throws an SDPackageError when one is missing or
 * broken: the configuration is then refused (at startup and on reload alike).
 */
export async function loadSDPackages(configFile: string | undefined, packages: readonly string[]): Promise<void> {
  const texts: string[] = [];
  const searchFrom: string[] = [];
  if (configFile !== undefined) {
    try {
      texts.push(await readFile(configFile, 'utf8'));
    } catch {
      // Unreadable: the configuration loader reports it.
    }
    searchFrom.push(dirname(resolve(configFile)));
  }
  searchFrom.push(process.cwd());
  await loadSDPackagesFor(texts, packages, { registry: defaultSDRegistry, searchFrom });
}

/** Node's file system for the scrape config file globs. */
const globFS: GlobFS = {
  exists: async (path) => {
    try {
      await lstat(path);
      return true;
    } catch {
      return false; // Go's filepath.Glob skips what it cannot stat.
    }
  },
  readdir: (path) => readdir(path),
};

/**
 * Loads the SD packages the `scrape_config_files` of `config` call for (their keys, as for the
 * main file), searched from each file's directory and the working directory. Files and globs that
 * cannot be read are left to the configuration loader to report.
 */
export async function loadSDPackagesForScrapeConfigFiles(config: Config): Promise<void> {
  for (const pattern of config.scrapeConfigFiles) {
    let files: string[];
    try {
      files = await glob(pattern, globFS);
    } catch {
      continue; // A bad pattern: loadScrapeConfigFiles reports it.
    }
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue; // Unreadable: loadScrapeConfigFiles reports it.
      }
      await loadSDPackagesFor([text], [], {
        registry: defaultSDRegistry,
        searchFrom: [dirname(resolve(file)), process.cwd()],
      });
    }
  }
}
