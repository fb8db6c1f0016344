// Prometheus: config/config.go AlertingConfig, AlertmanagerConfig, DefaultAlertmanagerConfig,
// AlertmanagerAPIVersion and their UnmarshalYAML checks.
import type { RelabelConfig } from '@tsprom/relabel';
import { loadSigV4Config, type SigV4Config } from './auth-extras.js';
import { HTTP_CLIENT_KEYS, type HTTPClientConfig, loadHTTPClientConfig } from './http-client-config.js';
import { loadRelabelList } from './relabel-list.js';
import {
  BuiltinSDConfigKeys,
  isSDKey,
  loadSDConfigs,
  type SDConfigLoader,
  type ServiceDiscoveryConfig,
} from './sd-config.js';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** The Alertmanager API version; only v2 exists since Prometheus 3. */
export type AlertmanagerAPIVersion = 'v2';

/** One `alertmanagers` entry: where alerts are sent and how. */
export interface AlertmanagerConfig {
  readonly httpClientConfig: HTTPClientConfig;
  readonly sigv4: SigV4Config | undefined;
  /** Default `http`. */
  readonly scheme: string;
  /** Prefix of the push path (`''`: none, i.e. `/`). */
  readonly pathPrefix: string;
  /** Timeout per push (ms), default 10s. */
  readonly timeoutMs: number;
  readonly apiVersion: AlertmanagerAPIVersion;
  readonly relabelConfigs: readonly RelabelConfig[];
  readonly alertRelabelConfigs: readonly RelabelConfig[];
  readonly serviceDiscoveryConfigs: readonly ServiceDiscoveryConfig[];
}

/** The `alerting` section. */
export interface AlertingConfig {
  readonly alertRelabelConfigs: readonly RelabelConfig[];
  readonly alertmanagers: readonly AlertmanagerConfig[];
}

/** No Alertmanager. */
export const DefaultAlertingConfig: AlertingConfig = { alertRelabelConfigs: [], alertmanagers: [] };

const KEYS: ReadonlySet<string> = new Set(['alert_relabel_configs', 'alertmanagers']);
const AM_KEYS: ReadonlySet<string> = new Set([
  'sigv4',
  'scheme',
  'path_prefix',
  'timeout',
  'api_version',
  'relabel_configs',
  'alert_relabel_configs',
  ...HTTP_CLIENT_KEYS,
]);

/** Loads the `alerting` section. */
export function loadAlertingConfig(
  r: YamlReader,
  v: YamlValue,
  dir: string | undefined,
  sdLoader: SDConfigLoader | undefined,
): AlertingConfig {
  const m = r.map(v, 'config.AlertingConfig', KEYS);
  return {
    alertRelabelConfigs: loadRelabelList(
      r,
      m.get('alert_relabel_configs'),
      'utf8',
      'empty or null alert relabeling rule',
    ),
    alertmanagers: r
      .seq(m.get('alertmanagers'), '[]*config.AlertmanagerConfig')
      .map((e) => loadAlertmanagerConfig(r, e, dir, sdLoader)),
  };
}

function loadAlertmanagerConfig(
  r: YamlReader,
  v: YamlValue,
  dir: string | undefined,
  sdLoader: SDConfigLoader | undefined,
): AlertmanagerConfig {
  // Prometheus 2.42 crashes on a null entry; it configures nothing, so it is refused.
  if (v.node === null) r.fail(v, 'empty or null alertmanager config section');
  const m = r.map(
    v,
    'config.AlertmanagerConfig',
    AM_KEYS,
    (k) => isSDKey(k, sdLoader) || (sdLoader !== undefined && BuiltinSDConfigKeys.has(k)),
  );
  const httpClientConfig = loadHTTPClientConfig(r, m, dir);
  const sv = m.get('sigv4');
  const sigv4 = sv.node === null ? undefined : loadSigV4Config(r, sv);
  const h = httpClientConfig;
  if ((h.basicAuth !== undefined || h.authorization !== undefined || h.oauth2 !== undefined) && sigv4 !== undefined) {
    r.fail(v, 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured');
  }
  const api = r.str(m.get('api_version')) ?? 'v2';
  if (api === 'v1') r.fail(m.get('api_version'), 'alertmanager api v1 is no longer supported');
  if (api !== 'v2') r.fail(m.get('api_version'), `expected Alertmanager api version to be one of [v2] but got ${api}`);
  const relabelConfigs = loadRelabelList(
    r,
    m.get('relabel_configs'),
    'utf8',
    'empty or null Alertmanager target relabeling rule',
  );
  return {
    httpClientConfig,
    sigv4,
    scheme: r.str(m.get('scheme')) ?? 'http',
    pathPrefix: r.str(m.get('path_prefix')) ?? '',
    timeoutMs: r.duration(m.get('timeout')) ?? 10_000,
    apiVersion: 'v2',
    relabelConfigs,
    alertRelabelConfigs: loadRelabelList(
      r,
      m.get('alert_relabel_configs'),
      'utf8',
      'empty or null Alertmanager alert relabeling rule',
    ),
    serviceDiscoveryConfigs: loadSDConfigs(r, m, sdLoader, dir, relabelConfigs.length === 0),
  };
}
