// Prometheus: config/config.go Config.String (yaml.Marshal of the loaded config), the YAML tags of
// every config struct (field order, omitempty), discovery/registry.go MarshalYAMLWithInlineConfigs
// (SD configs last, sorted by key), and prometheus/common Secret.MarshalYAML (`<secret>`). This is
// what /api/v1/status/config serves: the configuration with every default filled in.
import type { Labels } from '@tsprom/labels';
import type { RelabelConfig } from '@tsprom/relabel';
import type { AlertingConfig, AlertmanagerConfig } from './alerting-config.js';
import type { AzureADConfig, SigV4Config } from './auth-extras.js';
import type { Config } from './config.js';
import { formatDuration } from './duration.js';
import type { GlobalConfig } from './global-config.js';
import type { HTTPClientConfig } from './http-client-config.js';
import type { OAuth2Config } from './oauth2-config.js';
import { DefaultOTLPConfig, type OTLPConfig } from './otlp-config.js';
import type { ProxyConfig } from './proxy-config.js';
import type { RemoteReadConfig } from './remote-read-config.js';
import type { RemoteWriteConfig } from './remote-write-config.js';
import type { ScrapeConfig } from './scrape-config.js';
import { type ServiceDiscoveryConfig, type StaticConfigYaml, toYamlValue } from './sd-config.js';
import type { Secret } from './secret.js';
import { SECRET_TOKEN } from './secret.js';
import { formatSize } from './size.js';
import type { StorageConfig } from './storage-config.js';
import type { TLSConfig } from './tls-config.js';
import type { TracingConfig } from './tracing-config.js';
import { emitYaml, type YamlOut, YamlOutMap, YamlOutSeq } from './yaml-emit.js';

/**
 * Renders a loaded configuration as Prometheus 3 prints it (Config.String, the `yaml` field of
 * /api/v1/status/config): defaults filled, durations normalized (`90s` → `1m30s`), sizes in
 * base-2 units (`10MiB`), secrets as `<secret>`, passwords in URLs as `xxxxx`.
 */
export function configToYAML(c: Config): string {
  const m = new YamlOutMap();
  m.set('global', globalToYaml(c.global));
  m.set('runtime', new YamlOutMap().set('gogc', c.runtime.goGC));
  const alerting = alertingToYaml(c.alerting);
  if (alerting.entries.length > 0) m.set('alerting', alerting);
  if (c.ruleFiles.length > 0) m.set('rule_files', new YamlOutSeq([...c.ruleFiles]));
  if (c.scrapeConfigFiles.length > 0) m.set('scrape_config_files', new YamlOutSeq([...c.scrapeConfigFiles]));
  if (c.scrapeConfigs.length > 0) m.set('scrape_configs', new YamlOutSeq(c.scrapeConfigs.map(scrapeConfigToYaml)));
  const storage = storageToYaml(c.storage);
  if (storage.entries.length > 0) m.set('storage', storage);
  const tracing = tracingToYaml(c.tracing);
  if (tracing.entries.length > 0) m.set('tracing', tracing);
  if (c.remoteWrite.length > 0) m.set('remote_write', new YamlOutSeq(c.remoteWrite.map(remoteWriteToYaml)));
  if (c.remoteRead.length > 0) m.set('remote_read', new YamlOutSeq(c.remoteRead.map(remoteReadToYaml)));
  m.set('otlp', otlpToYaml(c.otlp));
  return emitYaml(m);
}

/** Sets `key` unless the value is Go's zero value (yaml `omitempty`). */
function opt(m: YamlOutMap, key: string, v: YamlOut | undefined): void {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return;
  if (v instanceof YamlOutSeq && v.items.length === 0) return;
  if (v instanceof YamlOutMap && v.entries.length === 0) return;
  m.set(key, v);
}

const dur = (ms: number): string | undefined => (ms === 0 ? undefined : formatDuration(ms));
const secret = (s: Secret | undefined): string | undefined => (s === undefined ? undefined : SECRET_TOKEN);

/** A Go map: keys sorted (yaml.v2 sorts map keys). */
function sortedMap(entries: Iterable<[string, YamlOut]>): YamlOutMap {
  return new YamlOutMap([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function labelsToYaml(ls: Labels): YamlOutMap {
  const out: [string, YamlOut][] = [];
  ls.forEach((n, v) => {
    out.push([n, v]);
  });
  return sortedMap(out);
}

function globalToYaml(g: GlobalConfig): YamlOutMap {
  const m = new YamlOutMap();
  opt(m, 'scrape_interval', dur(g.scrapeIntervalMs));
  opt(m, 'scrape_timeout', dur(g.scrapeTimeoutMs));
  if (g.scrapeProtocols !== undefined) m.set('scrape_protocols', new YamlOutSeq([...g.scrapeProtocols]));
  opt(m, 'evaluation_interval', dur(g.evaluationIntervalMs));
  opt(m, 'rule_query_offset', dur(g.ruleQueryOffsetMs));
  opt(m, 'external_labels', labelsToYaml(g.externalLabels));
  opt(m, 'query_log_file', g.queryLogFile);
  opt(m, 'scrape_failure_log_file', g.scrapeFailureLogFile);
  opt(m, 'body_size_limit', g.bodySizeLimitBytes === 0 ? undefined : formatSize(g.bodySizeLimitBytes));
  opt(m, 'sample_limit', g.sampleLimit);
  opt(m, 'target_limit', g.targetLimit);
  opt(m, 'label_limit', g.labelLimit);
  opt(m, 'label_name_length_limit', g.labelNameLengthLimit);
  opt(m, 'label_value_length_limit', g.labelValueLengthLimit);
  opt(m, 'keep_dropped_targets', g.keepDroppedTargets);
  m.set('metric_name_validation_scheme', g.metricNameValidationScheme);
  opt(m, 'metric_name_escaping_scheme', g.metricNameEscapingScheme);
  opt(m, 'scrape_native_histograms', g.scrapeNativeHistograms);
  opt(m, 'always_scrape_classic_histograms', g.alwaysScrapeClassicHistograms);
  opt(m, 'convert_classic_histograms_to_nhcb', g.convertClassicHistogramsToNHCB);
  opt(m, 'extra_scrape_metrics', g.extraScrapeMetrics);
  return m;
}

/**
 * Renders one scrape config as Prometheus marshals it (what `/api/v1/scrape_pools/config`
 * serves): the same form as its entry in {@link configToYAML}, secrets as `<secret>`.
 */
export function scrapeConfigToYAML(c: ScrapeConfig): string {
  return emitYaml(scrapeConfigToYaml(c));
}

function scrapeConfigToYaml(c: ScrapeConfig): YamlOutMap {
  const m = new YamlOutMap();
  m.set('job_name', c.jobName);
  opt(m, 'honor_labels', c.honorLabels);
  m.set('honor_timestamps', c.honorTimestamps);
  m.set('track_timestamps_staleness', c.trackTimestampsStaleness);
  opt(m, 'params', sortedMap([...c.params].map(([k, vs]) => [k, new YamlOutSeq([...vs])])));
  opt(m, 'scrape_interval', dur(c.scrapeIntervalMs));
  opt(m, 'scrape_timeout', dur(c.scrapeTimeoutMs));
  m.set('scrape_protocols', new YamlOutSeq([...c.scrapeProtocols]));
  opt(m, 'fallback_scrape_protocol', c.fallbackScrapeProtocol);
  // Pointers Validate always sets: written even when false.
  m.set('scrape_native_histograms', c.scrapeNativeHistograms);
  m.set('always_scrape_classic_histograms', c.alwaysScrapeClassicHistograms);
  m.set('convert_classic_histograms_to_nhcb', c.convertClassicHistogramsToNHCB);
  opt(m, 'scrape_failure_log_file', c.scrapeFailureLogFile);
  opt(m, 'metrics_path', c.metricsPath);
  opt(m, 'scheme', c.scheme);
  m.set('enable_compression', c.enableCompression);
  opt(m, 'body_size_limit', c.bodySizeLimitBytes === 0 ? undefined : formatSize(c.bodySizeLimitBytes));
  opt(m, 'sample_limit', c.sampleLimit);
  opt(m, 'target_limit', c.targetLimit);
  opt(m, 'label_limit', c.labelLimit);
  opt(m, 'label_name_length_limit', c.labelNameLengthLimit);
  opt(m, 'label_value_length_limit', c.labelValueLengthLimit);
  opt(m, 'native_histogram_bucket_limit', c.nativeHistogramBucketLimit);
  opt(m, 'native_histogram_min_bucket_factor', c.nativeHistogramMinBucketFactor);
  opt(m, 'keep_dropped_targets', c.keepDroppedTargets);
  m.set('metric_name_validation_scheme', c.metricNameValidationScheme);
  m.set('metric_name_escaping_scheme', c.metricNameEscapingScheme);
  m.set('extra_scrape_metrics', c.extraScrapeMetrics);
  httpClientToYaml(m, c.httpClientConfig);
  opt(m, 'relabel_configs', relabelListToYaml(c.relabelConfigs));
  opt(m, 'metric_relabel_configs', relabelListToYaml(c.metricRelabelConfigs));
  sdConfigsToYaml(m, c.serviceDiscoveryConfigs);
  return m;
}

/** Prometheus: relabel.Config's YAML tags; the regex as written (null when empty). */
export function relabelToYaml(r: RelabelConfig): YamlOutMap {
  const m = new YamlOutMap();
  if (r.sourceLabels !== undefined && r.sourceLabels.length > 0) {
    m.set('source_labels', new YamlOutSeq([...r.sourceLabels], true));
  }
  opt(m, 'separator', r.separator);
  m.set('regex', r.regex.source === '' ? null : r.regex.source);
  opt(m, 'modulus', r.modulus);
  opt(m, 'target_label', r.targetLabel);
  opt(m, 'replacement', r.replacement);
  opt(m, 'action', r.action);
  return m;
}

function relabelListToYaml(list: readonly RelabelConfig[]): YamlOutSeq {
  return new YamlOutSeq(list.map(relabelToYaml));
}

/** SD configs after every other field, grouped by key in key order (Prometheus's registry). */
function sdConfigsToYaml(m: YamlOutMap, list: readonly ServiceDiscoveryConfig[]): void {
  const byKey = new Map<string, YamlOut[]>();
  for (const sd of list) {
    let items = byKey.get(sd.key);
    if (items === undefined) {
      items = [];
      byKey.set(sd.key, items);
    }
    items.push(sd.key === 'static_configs' ? staticToYaml(sd.config as StaticConfigYaml) : toYamlValue(sd.config));
  }
  for (const key of [...byKey.keys()].sort()) m.set(key, new YamlOutSeq(byKey.get(key)!));
}

/** Prometheus: targetgroup.Group MarshalYAML (`targets` always, `labels` when set). */
function staticToYaml(g: StaticConfigYaml): YamlOutMap {
  const m = new YamlOutMap().set('targets', new YamlOutSeq([...g.targets]));
  opt(m, 'labels', sortedMap(Object.entries(g.labels ?? {})));
  return m;
}

function tlsToYaml(t: TLSConfig): YamlOutMap | undefined {
  const m = new YamlOutMap();
  opt(m, 'ca', t.ca);
  opt(m, 'cert', t.cert);
  opt(m, 'key', secret(t.key));
  opt(m, 'ca_file', t.caFile);
  opt(m, 'cert_file', t.certFile);
  opt(m, 'key_file', t.keyFile);
  opt(m, 'server_name', t.serverName);
  if (m.entries.length === 0 && !t.insecureSkipVerify && t.minVersion === undefined && t.maxVersion === undefined) {
    return undefined; // The zero TLSConfig is omitted.
  }
  m.set('insecure_skip_verify', t.insecureSkipVerify);
  opt(m, 'min_version', t.minVersion);
  opt(m, 'max_version', t.maxVersion);
  return m;
}

function proxyToYaml(m: YamlOutMap, p: ProxyConfig): void {
  opt(m, 'proxy_url', p.proxyUrl === undefined ? undefined : redactURL(p.proxyUrl));
  opt(m, 'no_proxy', p.noProxy);
  opt(m, 'proxy_from_environment', p.proxyFromEnvironment);
  opt(
    m,
    'proxy_connect_header',
    sortedMap([...p.proxyConnectHeader].map(([k, vs]) => [k, new YamlOutSeq(vs.map(() => SECRET_TOKEN))])),
  );
}

/**
 * The `<http_config>` fields of `h` as Prometheus prints them inlined in a config (defaults
 * filled, secrets as `<secret>`), in its field order: for an SD config's `toYAML`, which adds its
 * own fields after them.
 */
export function httpClientConfigToYAML(h: HTTPClientConfig): Record<string, unknown> {
  const m = new YamlOutMap();
  httpClientToYaml(m, h);
  return Object.fromEntries(m.entries);
}

/** Writes the inlined `<http_config>` fields of `h` into `m`. */
function httpClientToYaml(m: YamlOutMap, h: HTTPClientConfig): void {
  if (h.basicAuth !== undefined) {
    const b = new YamlOutMap().set('username', h.basicAuth.username);
    opt(b, 'username_file', h.basicAuth.usernameFile);
    opt(b, 'password', secret(h.basicAuth.password));
    opt(b, 'password_file', h.basicAuth.passwordFile);
    m.set('basic_auth', b);
  }
  if (h.authorization !== undefined) {
    const a = new YamlOutMap();
    opt(a, 'type', h.authorization.type);
    opt(a, 'credentials', secret(h.authorization.credentials));
    opt(a, 'credentials_file', h.authorization.credentialsFile);
    m.set('authorization', a);
  }
  if (h.oauth2 !== undefined) m.set('oauth2', oauth2ToYaml(h.oauth2));
  opt(m, 'tls_config', tlsToYaml(h.tlsConfig));
  m.set('follow_redirects', h.followRedirects);
  m.set('enable_http2', h.enableHTTP2);
  proxyToYaml(m, h);
  if (h.httpHeaders !== undefined && h.httpHeaders.size > 0) {
    const hm = sortedMap(
      [...h.httpHeaders].map(([name, hd]) => {
        const e = new YamlOutMap();
        opt(e, 'values', new YamlOutSeq([...hd.values]));
        opt(e, 'secrets', new YamlOutSeq(hd.secrets.map(() => SECRET_TOKEN)));
        opt(e, 'files', new YamlOutSeq([...hd.files]));
        return [name, e];
      }),
    );
    m.set('http_headers', hm);
  }
}

function oauth2ToYaml(o: OAuth2Config): YamlOutMap {
  const m = new YamlOutMap();
  m.set('client_id', o.clientId);
  m.set('client_secret', secret(o.clientSecret) ?? null);
  m.set('client_secret_file', o.clientSecretFile);
  opt(m, 'client_certificate_key', secret(o.clientCertificateKey));
  opt(m, 'client_certificate_key_file', o.clientCertificateKeyFile);
  opt(m, 'client_certificate_key_id', o.clientCertificateKeyId);
  opt(m, 'grant_type', o.grantType);
  opt(m, 'signature_algorithm', o.signatureAlgorithm);
  opt(m, 'iss', o.iss);
  opt(m, 'audience', o.audience);
  opt(m, 'claims', sortedMap(o.claims));
  opt(m, 'scopes', new YamlOutSeq([...o.scopes]));
  m.set('token_url', o.tokenUrl);
  opt(m, 'endpoint_params', sortedMap(o.endpointParams));
  opt(m, 'tls_config', tlsToYaml(o.tlsConfig));
  proxyToYaml(m, o);
  return m;
}

/** Prometheus config.URL MarshalYAML: url.Redacted (the password as `xxxxx`). */
function redactURL(s: string): string {
  const at = s.indexOf('@');
  const scheme = s.indexOf('://');
  if (at < 0 || scheme < 0 || at < scheme) return s;
  const userinfo = s.slice(scheme + 3, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return s;
  return `${s.slice(0, scheme + 3)}${userinfo.slice(0, colon)}:xxxxx${s.slice(at)}`;
}

function sigv4ToYaml(s: SigV4Config): YamlOutMap {
  const m = new YamlOutMap();
  opt(m, 'region', s.region);
  opt(m, 'access_key', s.accessKey);
  opt(m, 'secret_key', secret(s.secretKey));
  opt(m, 'profile', s.profile);
  opt(m, 'role_arn', s.roleArn);
  opt(m, 'external_id', s.externalId);
  opt(m, 'use_fips_sts_endpoint', s.useFipsSTSEndpoint);
  return m;
}

function azureADToYaml(a: AzureADConfig): YamlOutMap {
  const m = new YamlOutMap();
  if (a.managedIdentity) m.set('managed_identity', new YamlOutMap().set('client_id', a.managedIdentity.clientId));
  if (a.workloadIdentity) {
    const w = new YamlOutMap()
      .set('client_id', a.workloadIdentity.clientId)
      .set('tenant_id', a.workloadIdentity.tenantId);
    opt(w, 'token_file_path', a.workloadIdentity.tokenFilePath);
    m.set('workload_identity', w);
  }
  if (a.oauth) {
    const o = new YamlOutMap().set('client_id', a.oauth.clientId);
    o.set('client_secret', secret(a.oauth.clientSecret) ?? '').set('tenant_id', a.oauth.tenantId);
    m.set('oauth', o);
  }
  if (a.certificate) {
    const c = new YamlOutMap().set('client_id', a.certificate.clientId).set('tenant_id', a.certificate.tenantId);
    c.set('certificate_path', a.certificate.certificatePath);
    opt(c, 'certificate_key_path', a.certificate.certificateKeyPath);
    opt(c, 'certificate_password', secret(a.certificate.certificatePassword));
    opt(c, 'send_certificate_chain', a.certificate.sendCertificateChain);
    m.set('certificate', c);
  }
  if (a.sdk) m.set('sdk', new YamlOutMap().set('tenant_id', a.sdk.tenantId));
  m.set('cloud', a.cloud);
  opt(m, 'scope', a.scope);
  return m;
}

function alertingToYaml(a: AlertingConfig): YamlOutMap {
  const m = new YamlOutMap();
  opt(m, 'alert_relabel_configs', relabelListToYaml(a.alertRelabelConfigs));
  opt(m, 'alertmanagers', new YamlOutSeq(a.alertmanagers.map(alertmanagerToYaml)));
  return m;
}

function alertmanagerToYaml(a: AlertmanagerConfig): YamlOutMap {
  const m = new YamlOutMap();
  httpClientToYaml(m, a.httpClientConfig);
  if (a.sigv4 !== undefined) m.set('sigv4', sigv4ToYaml(a.sigv4));
  opt(m, 'scheme', a.scheme);
  opt(m, 'path_prefix', a.pathPrefix);
  opt(m, 'timeout', dur(a.timeoutMs));
  m.set('api_version', a.apiVersion);
  opt(m, 'relabel_configs', relabelListToYaml(a.relabelConfigs));
  opt(m, 'alert_relabel_configs', relabelListToYaml(a.alertRelabelConfigs));
  sdConfigsToYaml(m, a.serviceDiscoveryConfigs);
  return m;
}

function storageToYaml(s: StorageConfig): YamlOutMap {
  const m = new YamlOutMap();
  if (s.tsdb !== undefined) {
    const t = new YamlOutMap();
    opt(t, 'out_of_order_time_window', dur(s.tsdb.outOfOrderTimeWindowMs));
    opt(t, 'stale_series_compaction_threshold', s.tsdb.staleSeriesCompactionThreshold);
    if (s.tsdb.retention !== undefined) {
      const r = new YamlOutMap();
      if (s.tsdb.retention.timeMs !== undefined) r.set('time', formatDuration(s.tsdb.retention.timeMs));
      opt(r, 'size', s.tsdb.retention.sizeBytes === 0 ? undefined : formatSize(s.tsdb.retention.sizeBytes));
      opt(r, 'percentage', s.tsdb.retention.percentage);
      t.set('retention', r);
    }
    if (s.tsdb.floatChunkEncoding !== undefined) {
      t.set('chunk_encoding', new YamlOutMap().set('floats', s.tsdb.floatChunkEncoding));
    }
    m.set('tsdb', t);
  }
  if (s.exemplars !== undefined) m.set('exemplars', new YamlOutMap().set('max_exemplars', s.exemplars.maxExemplars));
  return m;
}

function tracingToYaml(t: TracingConfig): YamlOutMap {
  const m = new YamlOutMap();
  if (t.endpoint === '' && t.samplingFraction === 0 && t.headers.size === 0 && t.timeoutMs === 0) {
    return m; // Tracing not configured: the zero TracingConfig (client type aside) is omitted.
  }
  m.set('client_type', t.clientType);
  opt(m, 'endpoint', t.endpoint);
  opt(m, 'sampling_fraction', t.samplingFraction);
  opt(m, 'insecure', t.insecure);
  opt(m, 'tls_config', tlsToYaml(t.tlsConfig));
  opt(m, 'headers', sortedMap(t.headers));
  opt(m, 'compression', t.compression);
  opt(m, 'timeout', dur(t.timeoutMs));
  return m;
}

function remoteWriteToYaml(c: RemoteWriteConfig): YamlOutMap {
  const m = new YamlOutMap();
  m.set('url', redactURL(c.url));
  opt(m, 'remote_timeout', dur(c.remoteTimeoutMs));
  opt(m, 'headers', sortedMap(c.headers));
  opt(m, 'write_relabel_configs', relabelListToYaml(c.writeRelabelConfigs));
  opt(m, 'name', c.name);
  opt(m, 'send_exemplars', c.sendExemplars);
  opt(m, 'send_native_histograms', c.sendNativeHistograms);
  opt(m, 'round_robin_dns', c.roundRobinDNS);
  opt(m, 'protobuf_message', c.protobufMessage);
  httpClientToYaml(m, c.httpClientConfig);
  const q = c.queueConfig;
  const qm = new YamlOutMap();
  opt(qm, 'capacity', q.capacity);
  opt(qm, 'max_shards', q.maxShards);
  opt(qm, 'min_shards', q.minShards);
  opt(qm, 'max_samples_per_send', q.maxSamplesPerSend);
  opt(qm, 'batch_send_deadline', dur(q.batchSendDeadlineMs));
  opt(qm, 'min_backoff', dur(q.minBackoffMs));
  opt(qm, 'max_backoff', dur(q.maxBackoffMs));
  opt(qm, 'retry_on_http_429', q.retryOnRateLimit);
  opt(qm, 'sample_age_limit', dur(q.sampleAgeLimitMs));
  opt(m, 'queue_config', qm);
  const md = c.metadataConfig;
  const mm = new YamlOutMap().set('send', md.send).set('send_interval', formatDuration(md.sendIntervalMs));
  opt(mm, 'max_samples_per_send', md.maxSamplesPerSend);
  m.set('metadata_config', mm);
  if (c.sigv4 !== undefined) m.set('sigv4', sigv4ToYaml(c.sigv4));
  if (c.azureAD !== undefined) m.set('azuread', azureADToYaml(c.azureAD));
  if (c.googleIAM !== undefined)
    m.set('google_iam', new YamlOutMap().set('credentials_file', c.googleIAM.credentialsFile));
  return m;
}

function remoteReadToYaml(c: RemoteReadConfig): YamlOutMap {
  const m = new YamlOutMap();
  m.set('url', redactURL(c.url));
  opt(m, 'remote_timeout', dur(c.remoteTimeoutMs));
  opt(m, 'headers', sortedMap(c.headers));
  opt(m, 'read_recent', c.readRecent);
  opt(m, 'name', c.name);
  httpClientToYaml(m, c.httpClientConfig);
  opt(m, 'required_matchers', sortedMap(c.requiredMatchers));
  opt(m, 'filter_external_labels', c.filterExternalLabels);
  return m;
}

function otlpToYaml(o: OTLPConfig): YamlOutMap {
  const m = new YamlOutMap();
  opt(m, 'promote_all_resource_attributes', o.promoteAllResourceAttributes);
  opt(m, 'promote_resource_attributes', new YamlOutSeq([...o.promoteResourceAttributes]));
  opt(m, 'ignore_resource_attributes', new YamlOutSeq([...o.ignoreResourceAttributes]));
  m.set('translation_strategy', o.translationStrategy || DefaultOTLPConfig.translationStrategy);
  opt(m, 'keep_identifying_resource_attributes', o.keepIdentifyingResourceAttributes);
  opt(m, 'convert_histograms_to_nhcb', o.convertHistogramsToNHCB);
  opt(m, 'promote_scope_metadata', o.promoteScopeMetadata);
  m.set('label_name_underscore_sanitization', o.labelNameUnderscoreSanitization);
  m.set('label_name_preserve_multiple_underscores', o.labelNamePreserveMultipleUnderscores);
  return m;
}
