// @tsprom/config: Prometheus's config package (prometheus.yml), loaded into typed objects with
// Prometheus 3's defaults and validation.
export { type Config, type LoadConfigOptions, loadConfig } from './config.js';
export { ConfigError, type ConfigPosition, ConfigSyntaxError } from './errors.js';
export { DurationError, formatDuration, parseDuration } from './duration.js';
export { formatSize, parseSize, SizeError } from './size.js';
export { SECRET_TOKEN, Secret } from './secret.js';
export { DefaultGlobalConfig, expandEnv, type GlobalConfig, type LookupEnv } from './global-config.js';
export type { ScrapeConfig } from './scrape-config.js';
export {
  type Authorization,
  type BasicAuth,
  DefaultHTTPClientConfig,
  type HTTPClientConfig,
  type HTTPHeader,
} from './http-client-config.js';
export type { OAuth2Config } from './oauth2-config.js';
export { DefaultProxyConfig, type ProxyConfig } from './proxy-config.js';
export { DefaultTLSConfig, type TLSConfig, type TLSVersion } from './tls-config.js';
export {
  BuiltinSDConfigKeys,
  type SDConfigLoader,
  type ServiceDiscoveryConfig,
  type StaticConfigYaml,
} from './sd-config.js';
export { DefaultRuntimeConfig, type RuntimeConfig } from './runtime-config.js';
