// Prometheus: config/config.go Config, DefaultConfig, Config.UnmarshalYAML, Load. Loading is pure
// (text in, typed config out); reading files lives in load-file.ts.
import { DefaultProtoFirstScrapeProtocols } from '@tsprom/textparse';
import { type AlertingConfig, DefaultAlertingConfig, loadAlertingConfig } from './alerting-config.js';
import { joinDir } from './file-path.js';
import { type GlobalConfig, type LookupEnv, loadGlobalConfig } from './global-config.js';
import { DefaultOTLPConfig, loadOTLPConfig, type OTLPConfig } from './otlp-config.js';
import { loadRemoteReadConfig, type RemoteReadConfig } from './remote-read-config.js';
import { loadRemoteWriteConfig, type RemoteWriteConfig } from './remote-write-config.js';
import { DefaultRuntimeConfig, loadRuntimeConfig, type RuntimeConfig } from './runtime-config.js';
import { loadScrapeConfig, type ScrapeConfig } from './scrape-config.js';
import type { SDConfigLoader } from './sd-config.js';
import { DefaultStorageConfig, loadStorageConfig, type StorageConfig } from './storage-config.js';
import { DefaultTracingConfig, loadTracingConfig, type TracingConfig } from './tracing-config.js';
import { type YamlMap, YamlReader, type YamlValue } from './yaml-reader.js';

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
  readonly alerting: AlertingConfig;
  readonly storage: StorageConfig;
  readonly tracing: TracingConfig;
  readonly remoteWrite: readonly RemoteWriteConfig[];
  readonly remoteRead: readonly RemoteReadConfig[];
  readonly otlp: OTLPConfig;
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
  /**
   * The global `scrape_protocols` default is PrometheusProto first (DefaultProtoFirstScrapeProtocols)
   * when the file sets none, as Prometheus makes it with
   * `--enable-feature=created-timestamp-zero-ingestion`. Default false: no global default, each
   * scrape config picks by its `scrape_native_histograms`.
   */
  readonly protoFirstScrapeProtocols?: boolean | undefined;
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
  let global = loadGlobalConfig(r, m.get('global'), options.env ?? (() => undefined));
  if (global.scrapeProtocols === undefined && options.protoFirstScrapeProtocols === true) {
    global = { ...global, scrapeProtocols: DefaultProtoFirstScrapeProtocols };
  }
  const runtime = m.get('runtime').node === null ? DefaultRuntimeConfig : loadRuntimeConfig(r, m.get('runtime'));
  const ruleFiles = globList(r, m, 'rule_files', 'invalid rule file path', dir);
  const scrapeConfigFiles = globList(r, m, 'scrape_config_files', 'invalid scrape config file path', dir);
  const scrapeConfigs = loadScrapeConfigList(r, m.get('scrape_configs'), global, dir, options.sdLoader);
  const av = m.get('alerting');
  const alerting = av.node === null ? DefaultAlertingConfig : loadAlertingConfig(r, av, dir, options.sdLoader);
  const rwEntries = r.seq(m.get('remote_write'), '[]*config.RemoteWriteConfig');
  const remoteWrite = rwEntries.map((e) => loadRemoteWriteConfig(r, e, dir));
  uniqueNames(r, rwEntries, remoteWrite, 'found multiple remote write configs with job name');
  const rrEntries = r.seq(m.get('remote_read'), '[]*config.RemoteReadConfig');
  const remoteRead = rrEntries.map((e) => loadRemoteReadConfig(r, e, dir));
  uniqueNames(r, rrEntries, remoteRead, 'found multiple remote read configs with job name');
  const sv = m.get('storage');
  const tv = m.get('tracing');
  const ov = m.get('otlp');
  const config: Config = {
    global,
    runtime,
    ruleFiles,
    scrapeConfigFiles,
    scrapeConfigs,
    alerting,
    storage: sv.node === null ? DefaultStorageConfig : loadStorageConfig(r, sv),
    tracing: tv.node === null ? DefaultTracingConfig : loadTracingConfig(r, tv, dir),
    remoteWrite,
    remoteRead,
    otlp: ov.node === null ? DefaultOTLPConfig : loadOTLPConfig(r, ov, global.metricNameValidationScheme),
  };
  if (options.agentMode) {
    if (alerting.alertmanagers.length > 0 || alerting.alertRelabelConfigs.length > 0) {
      r.fail(av, 'field alerting is not allowed in agent mode');
    }
    if (ruleFiles.length > 0) r.fail(m.get('rule_files'), 'field rule_files is not allowed in agent mode');
    if (remoteRead.length > 0) r.fail(m.get('remote_read'), 'field remote_read is not allowed in agent mode');
  }
  return config;
}

function uniqueNames(
  r: YamlReader,
  entries: YamlValue[],
  list: readonly { readonly name: string }[],
  msg: string,
): void {
  const seen = new Set<string>();
  list.forEach((c, i) => {
    // Unnamed configs are told apart by a hash of their config later, as in Prometheus.
    if (c.name !== '' && seen.has(c.name)) r.fail(entries[i]!, `${msg} ${JSON.stringify(c.name)}`);
    seen.add(c.name);
  });
}

/**
 * Loads a `scrape_configs` list. Job names must be unique within it; with `taken` (job name →
 * where it was first defined, as `scrape_config_files` are read) they must also be new to `taken`,
 * which is updated with `where` for each config loaded.
 */
export function loadScrapeConfigList(
  r: YamlReader,
  v: YamlValue,
  global: GlobalConfig,
  dir: string | undefined,
  sdLoader: SDConfigLoader | undefined,
  taken?: { readonly names: Map<string, string>; readonly where: string },
): ScrapeConfig[] {
  const seen = new Set<string>();
  return r.seq(v, '[]*config.ScrapeConfig').map((e) => {
    const sc = loadScrapeConfig(r, e, global, { dir, sdLoader });
    const job = JSON.stringify(sc.jobName);
    if (taken !== undefined) {
      const first = taken.names.get(sc.jobName);
      if (first !== undefined) r.fail(e, `found multiple scrape configs with job name ${job}, first found in ${first}`);
      taken.names.set(sc.jobName, taken.where);
    } else if (seen.has(sc.jobName)) {
      r.fail(e, `found multiple scrape configs with job name ${job}`);
    }
    seen.add(sc.jobName);
    return sc;
  });
}

function globList(r: YamlReader, m: YamlMap, key: string, msg: string, dir: string | undefined): string[] {
  return r.seq(m.get(key), '[]string').map((e) => {
    const p = r.str(e) ?? '';
    if (!RULE_PATH.test(p)) r.fail(e, `${msg} ${JSON.stringify(p)}`);
    return joinDir(dir, p);
  });
}
