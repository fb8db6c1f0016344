// @tsprom/http-client: Prometheus's HTTP client made from an `<http_config>` (prometheus/common
// config/http_config.go), on undici.
export { UnsupportedConfigError } from './errors.js';
export { HTTPClient, type HTTPClientOptions, type HTTPRequestOptions } from './http-client.js';
