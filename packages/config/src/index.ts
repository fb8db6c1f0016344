// @tsprom/config: Prometheus's config package (prometheus.yml), loaded into typed objects with
// Prometheus 3's defaults and validation, and rendered back as Prometheus prints it.
export { type Config, type LoadConfigOptions, loadConfig } from './config.js';
export { loadConfigFile, loadScrapeConfigFiles } from './load-file.js';
export { configToYAML, httpClientConfigToYAML, scrapeConfigToYAML } from './to-yaml.js';
export { ConfigError, type ConfigPosition, ConfigSyntaxError } from './errors.js';
export { DurationError, formatDuration, parseDuration } from './duration.js';
export { formatSize, parseSize, SizeError } from './size.js';
export { SECRET_TOKEN, Secret } from './secret.js';
export { glob, type GlobFS, globMatch, GlobPatternError } from './glob.js';
export { DefaultGlobalConfig, expandEnv, type GlobalConfig, type LookupEnv } from './global-config.js';
export type { ScrapeConfig } from './scrape-config.js';
export {
  type Authorization,
  type BasicAuth,
  DefaultHTTPClientConfig,
  type HTTPClientConfig,
  type HTTPHeader,
  HTTP_CLIENT_KEYS,
  parseHTTPClientConfig,
} from './http-client-config.js';
export type { OAuth2Config } from './oauth2-config.js';
export { DefaultProxyConfig, type ProxyConfig } from './proxy-config.js';
export { DefaultTLSConfig, type TLSConfig, type TLSVersion } from './tls-config.js';
export {
  BuiltinSDConfigKeys,
  type SDConfigLoader,
  type ServiceDiscoveryConfig,
  type StaticConfigYaml,
  type YamlRenderable,
} from './sd-config.js';
export {
  type AlertingConfig,
  type AlertmanagerAPIVersion,
  type AlertmanagerConfig,
  DefaultAlertingConfig,
} from './alerting-config.js';
export type { AzureADConfig, GoogleIAMConfig, SigV4Config } from './auth-extras.js';
export {
  DefaultMetadataConfig,
  DefaultQueueConfig,
  type MetadataConfig,
  type QueueConfig,
  type RemoteWriteConfig,
  type RemoteWriteProtoMsg,
} from './remote-write-config.js';
export type { RemoteReadConfig } from './remote-read-config.js';
export {
  DefaultExemplarsConfig,
  DefaultStorageConfig,
  type ExemplarsConfig,
  type StorageConfig,
  type TSDBConfig,
  type TSDBRetentionConfig,
} from './storage-config.js';
export { DefaultTracingConfig, type TracingConfig } from './tracing-config.js';
export { DefaultOTLPConfig, type OTLPConfig, type TranslationStrategy } from './otlp-config.js';
export { DefaultRuntimeConfig, type RuntimeConfig } from './runtime-config.js';
export {
  type ClientAuthType,
  checkBcryptHash,
  GO_CIPHER_SUITES,
  GO_CURVES,
  parseWebConfig,
  validateWebConfig,
  type WebConfig,
  WebConfigError,
  type WebTLSConfig,
  type WebTLSVersion,
  webTLSEnabled,
} from './web-config.js';
