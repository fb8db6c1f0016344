// Errors of the zstd decoder.

/** Malformed or unsupported zstd data. */
export class ZstdError extends Error {
  override readonly name = 'ZstdError';
}
