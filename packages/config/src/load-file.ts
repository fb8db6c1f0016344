// Prometheus: config/config.go LoadFile and Config.GetScrapeConfigs. The file system is reached
// through a lazy `import('#config-fs')`, so the rest of the package stays usable where there is no
// Node (loading text needs no file).
import { type Config, type LoadConfigOptions, loadConfig, loadScrapeConfigList } from './config.js';
import type { ConfigFS } from './config-fs.js';
import { ConfigError } from './errors.js';
import { cleanPath } from './file-path.js';
import { GlobPatternError, glob } from './glob.js';
import type { ScrapeConfig } from './scrape-config.js';
import { YamlReader } from './yaml-reader.js';

async function nodeFS(): Promise<ConfigFS> {
  // Reached only here, through `#config-fs` (Node), so the rest of the package stays universal.
  return (await import('#config-fs')).openConfigFS();
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : file.slice(0, i);
}

/**
 * Reads and loads a configuration file as Prometheus's LoadFile: relative file names in it resolve
 * against the file's directory. A missing or unreadable file is a {@link ConfigError} too.
 */
export async function loadConfigFile(
  file: string,
  options: Omit<LoadConfigOptions, 'file' | 'baseDir'> = {},
): Promise<Config> {
  const fs = await nodeFS();
  let text: string;
  try {
    text = await fs.readFile(file);
  } catch (err) {
    throw new ConfigError(goFileError('open', file, err), { path: '', line: 0, column: 0 }, undefined, { cause: err });
  }
  return loadConfig(text, { ...options, file, baseDir: dirOf(file) });
}

/**
 * The scrape configs of `config` followed by those of its `scrape_config_files` (globs, matched in
 * order, files sorted), each validated with the global defaults, job names unique across all of
 * them (Prometheus Config.GetScrapeConfigs). Errors name the file's absolute path.
 */
export async function loadScrapeConfigFiles(
  config: Config,
  options: Pick<LoadConfigOptions, 'sdLoader'> = {},
): Promise<ScrapeConfig[]> {
  const fs = await nodeFS();
  const out: ScrapeConfig[] = [...config.scrapeConfigs];
  const names = new Map<string, string>(out.map((sc) => [sc.jobName, 'main config file']));
  for (const pattern of config.scrapeConfigFiles) {
    let files: string[];
    try {
      files = await glob(pattern, fs);
    } catch (err) {
      if (!(err instanceof GlobPatternError)) throw err;
      throw new ConfigError(
        `error retrieving scrape config files for ${JSON.stringify(pattern)}: ${err.message}`,
        { path: 'scrape_config_files', line: 0, column: 0 },
        undefined,
        { cause: err },
      );
    }
    for (const file of files) {
      const abs = file.startsWith('/') ? file : cleanPath(`${fs.cwd()}/${file}`);
      const quoted = JSON.stringify(abs);
      let text: string;
      try {
        text = await fs.readFile(file);
      } catch (err) {
        throw new ConfigError(`${quoted}: ${goFileError('open', file, err)}`, { path: '', line: 0, column: 0 }, abs, {
          cause: err,
        });
      }
      const r = YamlReader.parse(text, abs);
      const m = r.map(r.root(), 'config.ScrapeConfigs', new Set(['scrape_configs']));
      out.push(
        ...loadScrapeConfigList(r, m.get('scrape_configs'), config.global, dirOf(file), options.sdLoader, {
          names,
          where: quoted,
        }),
      );
    }
  }
  return out;
}

/** Go's *PathError text: `open prometheus.yml: no such file or directory`. */
export function goFileError(op: string, file: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  const text: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
  };
  return `${op} ${file}: ${(code !== undefined && text[code]) || (err instanceof Error ? err.message : String(err))}`;
}
