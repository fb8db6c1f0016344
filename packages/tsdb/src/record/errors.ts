// Prometheus: tsdb/encoding/encoding.go ErrInvalidSize, tsdb/record/record.go decode errors.

/**
 * A WAL record that cannot be decoded: truncated, with bytes left over, or of an unexpected type.
 * Thrown by `RecordDecoder`; the replay treats it as corruption of the record it came from.
 */
export class RecordDecodeError extends Error {
  override readonly name = 'RecordDecodeError';
}
