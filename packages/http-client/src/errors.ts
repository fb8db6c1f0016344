/** A setting the configuration allows but tsprom's HTTP client cannot honour (an OAuth2 JWT grant). */
export class UnsupportedConfigError extends Error {
  override readonly name = 'UnsupportedConfigError';
}
