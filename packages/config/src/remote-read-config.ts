// Prometheus: config/config.go RemoteReadConfig, DefaultRemoteReadConfig and
// RemoteReadConfig.UnmarshalYAML. The client comes later; the configuration is loaded faithfully.
import { isValidLabelName } from '@tsprom/labels';
import { HTTP_CLIENT_KEYS, type HTTPClientConfig, loadHTTPClientConfig } from './http-client-config.js';
import { loadHeaders, loadURL } from './remote-write-config.js';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** One `remote_read` entry. */
export interface RemoteReadConfig {
  readonly url: string;
  /** Default 1m. */
  readonly remoteTimeoutMs: number;
  readonly headers: ReadonlyMap<string, string>;
  /** Also read ranges the local storage should have complete data for. */
  readonly readRecent: boolean;
  /** Unique among remote read configs when set. */
  readonly name: string;
  readonly httpClientConfig: HTTPClientConfig;
  /** Equality matchers a selector must contain for this endpoint to be queried. */
  readonly requiredMatchers: ReadonlyMap<string, string>;
  /** Use the external labels as selectors (default true). */
  readonly filterExternalLabels: boolean;
}

const KEYS: ReadonlySet<string> = new Set([
  'url',
  'remote_timeout',
  'headers',
  'read_recent',
  'name',
  'required_matchers',
  'filter_external_labels',
  ...HTTP_CLIENT_KEYS,
]);

/** Loads one `remote_read` entry with Prometheus's defaults. */
export function loadRemoteReadConfig(r: YamlReader, v: YamlValue, dir: string | undefined): RemoteReadConfig {
  if (v.node === null) r.fail(v, 'empty or null remote read config section');
  const m = r.map(v, 'config.RemoteReadConfig', KEYS);
  const url = loadURL(r, m, 'remote_read');
  const headers = loadHeaders(r, m, 'basic_auth or authorization');
  const rm = m.get('required_matchers');
  const requiredMatchers = r.strMap(rm) ?? new Map<string, string>();
  for (const name of requiredMatchers.keys()) {
    if (!isValidLabelName(name, 'utf8')) r.fail(rm, `${JSON.stringify(name)} is not a valid label name`);
  }
  return {
    url,
    remoteTimeoutMs: r.duration(m.get('remote_timeout')) ?? 60_000,
    headers,
    readRecent: r.bool(m.get('read_recent')) ?? false,
    name: r.str(m.get('name')) ?? '',
    httpClientConfig: loadHTTPClientConfig(r, m, dir),
    requiredMatchers,
    filterExternalLabels: r.bool(m.get('filter_external_labels')) ?? true,
  };
}
