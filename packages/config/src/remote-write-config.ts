// Prometheus: config/config.go RemoteWriteConfig, QueueConfig, MetadataConfig, their defaults,
// RemoteWriteConfig.UnmarshalYAML, validateHeaders and validateAuthConfigs. The sender comes later
// in its own package; the configuration is loaded faithfully now.
import type { RelabelConfig } from '@tsprom/relabel';
import {
  type AzureADConfig,
  type GoogleIAMConfig,
  loadAzureADConfig,
  loadGoogleIAMConfig,
  loadSigV4Config,
  type SigV4Config,
} from './auth-extras.js';
import { HTTP_CLIENT_KEYS, type HTTPClientConfig, loadHTTPClientConfig } from './http-client-config.js';
import { goURLParseError } from './go-url.js';
import { loadRelabelList } from './relabel-list.js';
import type { YamlMap, YamlReader, YamlValue } from './yaml-reader.js';

/** The protobuf message remote write sends: Remote Write 1.0 or 2.0. */
export type RemoteWriteProtoMsg = 'prometheus.WriteRequest' | 'io.prometheus.write.v2.Request';

/** `queue_config`: sharding, batching and retries of a remote write queue. */
export interface QueueConfig {
  readonly capacity: number;
  readonly maxShards: number;
  readonly minShards: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadlineMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Retry on HTTP 429 (`retry_on_http_429`). */
  readonly retryOnRateLimit: boolean;
  /** Samples older than this are not sent (ms); 0 sends all. */
  readonly sampleAgeLimitMs: number;
}

/** Prometheus 3: config.DefaultQueueConfig. */
export const DefaultQueueConfig: QueueConfig = {
  capacity: 10_000,
  maxShards: 50,
  minShards: 1,
  maxSamplesPerSend: 2000,
  batchSendDeadlineMs: 5000,
  minBackoffMs: 30,
  maxBackoffMs: 5000,
  retryOnRateLimit: false,
  sampleAgeLimitMs: 0,
};

/** `metadata_config`: sending metric metadata with Remote Write 1.0. */
export interface MetadataConfig {
  readonly send: boolean;
  readonly sendIntervalMs: number;
  readonly maxSamplesPerSend: number;
}

/** Prometheus 3: config.DefaultMetadataConfig. */
export const DefaultMetadataConfig: MetadataConfig = { send: true, sendIntervalMs: 60_000, maxSamplesPerSend: 2000 };

/** One `remote_write` entry. */
export interface RemoteWriteConfig {
  readonly url: string;
  /** Default 30s. */
  readonly remoteTimeoutMs: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly writeRelabelConfigs: readonly RelabelConfig[];
  /** Unique among remote write configs when set. */
  readonly name: string;
  readonly sendExemplars: boolean;
  readonly sendNativeHistograms: boolean;
  readonly roundRobinDNS: boolean;
  readonly protobufMessage: RemoteWriteProtoMsg;
  /** HTTP/2 is off by default for remote write. */
  readonly httpClientConfig: HTTPClientConfig;
  readonly queueConfig: QueueConfig;
  readonly metadataConfig: MetadataConfig;
  readonly sigv4: SigV4Config | undefined;
  readonly azureAD: AzureADConfig | undefined;
  readonly googleIAM: GoogleIAMConfig | undefined;
}

const KEYS: ReadonlySet<string> = new Set([
  'url',
  'remote_timeout',
  'headers',
  'write_relabel_configs',
  'name',
  'send_exemplars',
  'send_native_histograms',
  'round_robin_dns',
  'protobuf_message',
  'queue_config',
  'metadata_config',
  'sigv4',
  'azuread',
  'google_iam',
  ...HTTP_CLIENT_KEYS,
]);
const QUEUE_KEYS: ReadonlySet<string> = new Set([
  'capacity',
  'max_shards',
  'min_shards',
  'max_samples_per_send',
  'batch_send_deadline',
  'min_backoff',
  'max_backoff',
  'retry_on_http_429',
  'sample_age_limit',
]);
const METADATA_KEYS: ReadonlySet<string> = new Set(['send', 'send_interval', 'max_samples_per_send']);

/** Headers remote write and read set themselves (Prometheus config.reservedHeaders). */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

/** Loads one `remote_write` entry with Prometheus 3's defaults. */
export function loadRemoteWriteConfig(r: YamlReader, v: YamlValue, dir: string | undefined): RemoteWriteConfig {
  if (v.node === null) r.fail(v, 'empty or null remote write config section');
  const m = r.map(v, 'config.RemoteWriteConfig', KEYS);
  const url = loadURL(r, m, 'remote_write');
  const writeRelabelConfigs = loadRelabelList(
    r,
    m.get('write_relabel_configs'),
    'utf8',
    'empty or null relabeling rule in remote write config',
  );
  const headers = loadHeaders(r, m, 'basic_auth, authorization, oauth2, sigv4, azuread or google_iam');
  const proto = r.str(m.get('protobuf_message')) ?? 'prometheus.WriteRequest';
  if (proto !== 'prometheus.WriteRequest' && proto !== 'io.prometheus.write.v2.Request') {
    r.fail(
      m.get('protobuf_message'),
      `invalid protobuf_message value: unknown remote write protobuf message ${proto}, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request`,
    );
  }
  const base = loadHTTPClientConfig(r, m, dir);
  // Prometheus 3: remote write's HTTP client has HTTP/2 off unless asked for.
  const httpClientConfig = m.get('enable_http2').node === null ? { ...base, enableHTTP2: false } : base;
  const sub = (key: string) => (m.get(key).node === null ? undefined : m.get(key));
  const sv = sub('sigv4');
  const av = sub('azuread');
  const gv = sub('google_iam');
  const auth: string[] = [];
  if (base.basicAuth !== undefined) auth.push('basic_auth');
  if (base.authorization !== undefined) auth.push('authorization');
  if (base.oauth2 !== undefined) auth.push('oauth2');
  if (sv !== undefined) auth.push('sigv4');
  if (av !== undefined) auth.push('azuread');
  if (gv !== undefined) auth.push('google_iam');
  if (auth.length > 1) {
    r.fail(
      v,
      `at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured. Currently configured: [${auth.join(' ')}]`,
    );
  }
  return {
    url,
    remoteTimeoutMs: r.duration(m.get('remote_timeout')) ?? 30_000,
    headers,
    writeRelabelConfigs,
    name: r.str(m.get('name')) ?? '',
    sendExemplars: r.bool(m.get('send_exemplars')) ?? false,
    sendNativeHistograms: r.bool(m.get('send_native_histograms')) ?? false,
    roundRobinDNS: r.bool(m.get('round_robin_dns')) ?? false,
    protobufMessage: proto,
    httpClientConfig,
    queueConfig: loadQueueConfig(r, m.get('queue_config')),
    metadataConfig: loadMetadataConfig(r, m.get('metadata_config')),
    sigv4: sv && loadSigV4Config(r, sv),
    azureAD: av && loadAzureADConfig(r, av),
    googleIAM: gv && loadGoogleIAMConfig(r, gv),
  };
}

function loadQueueConfig(r: YamlReader, v: YamlValue): QueueConfig {
  const m = r.map(v, 'config.QueueConfig', QUEUE_KEYS);
  const d = DefaultQueueConfig;
  return {
    capacity: r.int(m.get('capacity')) ?? d.capacity,
    maxShards: r.int(m.get('max_shards')) ?? d.maxShards,
    minShards: r.int(m.get('min_shards')) ?? d.minShards,
    maxSamplesPerSend: r.int(m.get('max_samples_per_send')) ?? d.maxSamplesPerSend,
    batchSendDeadlineMs: r.duration(m.get('batch_send_deadline')) ?? d.batchSendDeadlineMs,
    minBackoffMs: r.duration(m.get('min_backoff')) ?? d.minBackoffMs,
    maxBackoffMs: r.duration(m.get('max_backoff')) ?? d.maxBackoffMs,
    retryOnRateLimit: r.bool(m.get('retry_on_http_429')) ?? false,
    sampleAgeLimitMs: r.duration(m.get('sample_age_limit')) ?? 0,
  };
}

function loadMetadataConfig(r: YamlReader, v: YamlValue): MetadataConfig {
  const m = r.map(v, 'config.MetadataConfig', METADATA_KEYS);
  const d = DefaultMetadataConfig;
  return {
    send: r.bool(m.get('send')) ?? d.send,
    sendIntervalMs: r.duration(m.get('send_interval')) ?? d.sendIntervalMs,
    maxSamplesPerSend: r.int(m.get('max_samples_per_send')) ?? d.maxSamplesPerSend,
  };
}

/** Reads a required `url` (Prometheus config.URL): `url for <section> is empty` when missing. */
export function loadURL(r: YamlReader, m: YamlMap, section: string): string {
  const uv = m.get('url');
  const url = r.str(uv);
  if (url === undefined) r.fail(m.value, `url for ${section} is empty`);
  const problem = goURLParseError(url);
  if (problem !== undefined) r.fail(uv, problem);
  return url;
}

/** Reads `headers` (Prometheus validateHeaders): no Authorization, no header Prometheus sets itself. */
export function loadHeaders(r: YamlReader, m: YamlMap, authFields: string): Map<string, string> {
  const hv = m.get('headers');
  const headers = r.strMap(hv) ?? new Map<string, string>();
  for (const name of headers.keys()) {
    if (name.toLowerCase() === 'authorization') {
      r.fail(hv, `authorization header must be changed via the ${authFields} parameter`);
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) r.fail(hv, `${name} is a reserved header. It must not be changed`);
  }
  return headers;
}

/** Whether a header name is one Prometheus's remote clients set themselves. */
export function isReservedHeader(name: string): boolean {
  return RESERVED_HEADERS.has(name.toLowerCase());
}
