// Prometheus: discovery/registry.go UnmarshalYAMLWithInlineConfigs and readConfigs, and
// discovery/discovery.go StaticConfig. The `*_sd_configs` and `static_configs` of a scrape config
// or an alertmanager config are kept as plain objects (the YAML as JavaScript values) for the
// discovery registry to parse; static configs are checked here as Prometheus checks them.
import { isValidLabelName } from '@tsprom/labels';
import { isMap, isScalar, isSeq } from 'yaml';
import { Secret, SECRET_TOKEN } from './secret.js';
import { type YamlOut, YamlOutMap, YamlOutSeq } from './yaml-emit.js';
import type { YamlMap, YamlReader, YamlValue } from './yaml-reader.js';

/** One service discovery entry of a scrape or alertmanager config, in document order. */
export interface ServiceDiscoveryConfig {
  /** The key it was listed under: `static_configs`, `file_sd_configs`, `consul_sd_configs`… */
  readonly key: string;
  /**
   * The entry: the plain object YAML gave, or what {@link SDConfigLoader.parse} returned for it.
   * For `static_configs` always `{ targets: string[], labels?: Record<string, string> }`.
   */
  readonly config: unknown;
  /** The directory relative file names in the entry are relative to (the config file's). */
  readonly baseDir: string | undefined;
}

/**
 * Knows the service discovery mechanisms (the discovery registry offers one): which keys exist and
 * how to check an entry. Without one, the built-in Prometheus keys are accepted and kept unparsed.
 */
export interface SDConfigLoader {
  /** Whether `key` (such as `consul_sd_configs`) names a known mechanism. */
  has(key: string): boolean;
  /**
   * Validates one entry (defaults filled) and returns what is stored in
   * {@link ServiceDiscoveryConfig.config}. Throws an Error whose message says what is wrong.
   */
  parse(key: string, raw: unknown, baseDir: string | undefined): unknown;
}

/** The `*_sd_configs` keys of Prometheus 3 (discovery/install), plus `static_configs`. */
export const BuiltinSDConfigKeys: ReadonlySet<string> = new Set([
  'static_configs',
  'aws_sd_configs',
  'azure_sd_configs',
  'consul_sd_configs',
  'digitalocean_sd_configs',
  'docker_sd_configs',
  'dockerswarm_sd_configs',
  'dns_sd_configs',
  'ec2_sd_configs',
  'eureka_sd_configs',
  'file_sd_configs',
  'gce_sd_configs',
  'hetzner_sd_configs',
  'http_sd_configs',
  'ionos_sd_configs',
  'kubernetes_sd_configs',
  'kuma_sd_configs',
  'lightsail_sd_configs',
  'linode_sd_configs',
  'marathon_sd_configs',
  'nerve_sd_configs',
  'nomad_sd_configs',
  'oci_sd_configs',
  'openstack_sd_configs',
  'outscale_sd_configs',
  'ovhcloud_sd_configs',
  'puppetdb_sd_configs',
  'scaleway_sd_configs',
  'serverset_sd_configs',
  'stackit_sd_configs',
  'triton_sd_configs',
  'uyuni_sd_configs',
  'vultr_sd_configs',
]);

/** Whether `key` of a scrape/alertmanager config is an SD key the loader (or the built-ins) knows. */
export function isSDKey(key: string, loader: SDConfigLoader | undefined): boolean {
  return key === 'static_configs' || (loader === undefined ? BuiltinSDConfigKeys.has(key) : loader.has(key));
}

const STATIC_KEYS: ReadonlySet<string> = new Set(['targets', 'labels']);

/**
 * Reads the SD entries of `m` in key order then entry order, as Prometheus's readConfigs (an empty
 * entry is `empty or null section in <key>`). When `checkTargets` is set, static targets must not
 * look like URLs (Prometheus checkStaticTargets, applied when there are no relabel configs).
 */
export function loadSDConfigs(
  r: YamlReader,
  m: YamlMap,
  loader: SDConfigLoader | undefined,
  baseDir: string | undefined,
  checkTargets: boolean,
): ServiceDiscoveryConfig[] {
  const out: ServiceDiscoveryConfig[] = [];
  for (const [k, v] of m.entries()) {
    if (loader !== undefined && !isSDKey(k, loader) && BuiltinSDConfigKeys.has(k)) {
      r.fail(
        { node: v.anchor, path: v.path, anchor: null, present: true },
        `service discovery ${k} is not available: no registered mechanism provides it`,
      );
    }
  }
  const keys = [...m.entries()].filter(([k]) => isSDKey(k, loader)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, list] of keys) {
    for (const entry of r.seq(list, `[]${key}`)) {
      if (entry.node === null) r.fail(entry, `empty or null section in ${key}`);
      if (key === 'static_configs') {
        out.push({ key, config: loadStaticConfig(r, entry, checkTargets), baseDir });
        continue;
      }
      const raw = toPlain(r, entry);
      let config: unknown = raw;
      if (loader !== undefined) {
        try {
          config = loader.parse(key, raw, baseDir);
        } catch (err) {
          r.fail(entry, err instanceof Error ? err.message : String(err), err);
        }
      }
      out.push({ key, config, baseDir });
    }
  }
  return out;
}

/** A static target group as prometheus.yml writes it. */
export interface StaticConfigYaml {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

function loadStaticConfig(r: YamlReader, v: YamlValue, checkTargets: boolean): StaticConfigYaml {
  const m = r.map(v, 'targetgroup.Group', STATIC_KEYS);
  const targets: string[] = [];
  for (const tv of r.seq(m.get('targets'), '[]string')) {
    const t = r.str(tv) ?? '';
    // Prometheus CheckTargetAddress: a URL in a target list is a common mistake.
    if (checkTargets && t.includes('/')) r.fail(tv, `${JSON.stringify(t)} is not a valid hostname`);
    targets.push(t);
  }
  const lv = m.get('labels');
  if (lv.node === null) return { targets };
  const labels: Record<string, string> = {};
  for (const [name, value] of r.rawMap(lv, 'model.LabelSet').entries()) {
    if (!isValidLabelName(name, 'utf8')) r.fail(value, `${JSON.stringify(name)} is not a valid label name`);
    labels[name] = r.str(value) ?? '';
  }
  return { targets, labels };
}

/** The YAML value as plain JavaScript (mappings as objects with merges applied, scalars resolved). */
export function toPlain(r: YamlReader, v: YamlValue): unknown {
  const n = v.node;
  if (n === null) return null;
  if (isSeq(n)) return r.seq(v).map((e) => toPlain(r, e));
  if (isMap(n)) {
    const obj: Record<string, unknown> = {};
    for (const [k, kv] of r.rawMap(v).entries()) obj[k] = toPlain(r, kv);
    return obj;
  }
  return isScalar(n) ? (n.value ?? null) : null;
}

/**
 * An SD config that renders itself for /api/v1/status/config (the discovery registry's parsed
 * configs do, with their defaults filled in and in Prometheus's field order).
 */
export interface YamlRenderable {
  /** The config as plain values: objects (key order kept), arrays, strings, numbers, booleans, Secrets. */
  toYAML(): unknown;
}

/**
 * Fields that hold a `<secret>` in Prometheus's SD configs (and their HTTP/TLS parts). An SD config
 * kept unparsed (no registry entry knows it) still never shows these values when rendered.
 */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'password',
  'bearer_token',
  'credentials',
  'client_secret',
  'client_certificate_key',
  'secret_key',
  'token',
  'auth_token',
  'key',
  'application_credential_secret',
  'application_secret',
  'consumer_key',
  'certificate_password',
]);

/**
 * Converts an SD config (plain object or {@link YamlRenderable}) into what the YAML writer takes.
 * In a plain object, string values under Prometheus's secret field names print as `<secret>`.
 */
export function toYamlValue(v: unknown, key?: string): YamlOut {
  if (typeof v === 'string' && v !== '' && key !== undefined && SECRET_FIELDS.has(key)) return SECRET_TOKEN;
  if (v === null || v === undefined) return null;
  if (v instanceof Secret) return SECRET_TOKEN;
  if (v instanceof YamlOutMap || v instanceof YamlOutSeq) return v; // Already rendered (httpClientConfigToYAML).
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return new YamlOutSeq(v.map((x) => toYamlValue(x, key === 'secrets' ? 'token' : undefined)));
  if (v instanceof Map) {
    const keys = [...v.keys()].map(String).sort();
    return new YamlOutMap(keys.map((k) => [k, toYamlValue(v.get(k), k)]));
  }
  if (typeof v === 'object') {
    const r = v as Partial<YamlRenderable>;
    if (typeof r.toYAML === 'function') return toYamlValue(r.toYAML());
    return new YamlOutMap(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toYamlValue(x, k)]));
  }
  return String(v);
}
