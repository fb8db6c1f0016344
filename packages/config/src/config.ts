// Prometheus: config/config.go Config, DefaultConfig, Config.UnmarshalYAML, Load. Loading is pure
// (text in, typed config out); reading files lives in load-file.ts.
import { type GlobalConfig, type LookupEnv, loadGlobalConfig } from './global-config.js';
import { joinDir } from './file-path.js';
import { loadScrapeConfig, type ScrapeConfig } from './scrape-config.js';
import type { SDConfigLoader } from './sd-config.js';
import { joinPath, type YamlMap, YamlReader, type YamlValue } from './yaml-reader.js';
import { DefaultRuntimeConfig, loadRuntimeConfig, type RuntimeConfig } from './runtime-config.js';

/** A loaded prometheus.yml, defaults filled and validated as Prometheus 3 does. */
export interface Config {
  readonly global: GlobalConfig;
  readonly runtime: RuntimeConfig;
  /** Rule file globs, relative ones resolved against the config file's directory. */
  readonly ruleFiles: readonly string[];
  /** Globs of files holding more scrape configs (see `loadScrapeConfigFiles`). */
  readonly scrapeConfigFiles: readonly string[];
  /** The scrape configs written in this file (not those of `scrapeConfigFiles`). */
  readonly scrapeConfigs: readonly ScrapeConfig[];
}

/** How {@link loadConfig} reads a configuration. */
export interface LoadConfigOptions {
  /** The file name, for error messages. */
  readonly file?: string | undefined;
  /** The directory relative file names resolve against (Prometheus: the config file's). */
  readonly baseDir?: string | undefined;
  /** Environment for `${VAR}` in external labels; default: none (every variable is empty). */
  readonly env?: LookupEnv | undefined;
  /** The SD mechanisms known (the discovery registry); default: Prometheus's keys, kept unparsed. */
  readonly sdLoader?: SDConfigLoader | undefined;
  /** Agent mode: `alerting`, `rule_files` and `remote_read` are refused, as in `prometheus --agent`. */
  readonly agentMode?: boolean | undefined;
}

const KEYS: ReadonlySet<string> = new Set([
  'global',
  'runtime',
  'alerting',
  'rule_files',
  'scrape_config_files',
  'scrape_configs',
  'storage',
  'tracing',
  'remote_write',
  'remote_read',
  'otlp',
]);

/** Prometheus patRulePath: at most one `*`, and only in the last path element. */
const RULE_PATH = /^[^*]*(\*[^/]*)?$/;

/**
 * Loads a prometheus.yml text as Prometheus 3's config.Load: strict YAML (unknown keys are
 * errors), defaults filled, every section validated. Throws {@link ConfigError} naming the file,
 * line:column and field path.
 */
export function loadConfig(text: string, options: LoadConfigOptions = {}): Config {
  const r = YamlReader.parse(text, options.file);
  const root = r.root();
  const m = r.map(root, 'config.Config', KEYS);
  const dir = options.baseDir;
  const global = loadGlobalConfig(r, m.get('global'), options.env ?? (() => undefined));
  const runtime = m.get('runtime').node === null ? DefaultRuntimeConfig : loadRuntimeConfig(r, m.get('runtime'));
  const ruleFiles = globList(r, m, 'rule_files', 'invalid rule file path', dir);
  const scrapeConfigFiles = globList(r, m, 'scrape_config_files', 'invalid scrape config file path', dir);
  const scrapeConfigs = loadScrapeConfigList(r, m.get('scrape_configs'), global, dir, options.sdLoader);
  if (options.agentMode) {
    if (ruleFiles.length > 0) r.fail(m.get('rule_files'), 'field rule_files is not allowed in agent mode');
  }
  return { global, runtime, ruleFiles, scrapeConfigFiles, scrapeConfigs };
}

/**
 * Loads a `scrape_configs` list and checks that job names are unique, then those already taken
 * (`taken`: job name → where it was first defined) by earlier lists.
 */
export function loadScrapeConfigList(
  r: YamlReader,
  v: YamlValue,
  global: GlobalConfig,
  dir: string | undefined,
  sdLoader: SDConfigLoader | undefined,
  taken?: Map<string, string>,
): ScrapeConfig[] {
  const seen = new Set<string>();
  return r.seq(v, '[]*config.ScrapeConfig').map((e) => {
    const sc = loadScrapeConfig(r, e, global, { dir, sdLoader });
    const first = taken?.get(sc.jobName);
    if (first !== undefined) {
      r.fail(e, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}, first found in ${first}`);
    }
    if (seen.has(sc.jobName)) r.fail(e, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}`);
    seen.add(sc.jobName);
    return sc;
  });
}

function globList(r: YamlReader, m: YamlMap, key: string, msg: string, dir: string | undefined): string[] {
  const v = m.get(key);
  const list = r.strList(v) ?? [];
  return list.map((p, i) => {
    if (!RULE_PATH.test(p)) r.fail({ ...v, path: joinPath(v.path, i) }, `${msg} ${JSON.stringify(p)}`);
    return joinDir(dir, p);
  });
}
