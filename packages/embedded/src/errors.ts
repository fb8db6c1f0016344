// The one error of @tsprom/embedded: every promise of the facade rejects with it (nothing throws
// synchronously), whatever failed underneath: a parse error and an evaluation error look alike,
// and `type` (Prometheus's API error types) tells them apart.
import {
  InvalidQueryError,
  ParseErrors,
  PromQLEvalError,
  QueryCanceledError,
  QueryTimeoutError,
  StorageError,
  TooManySamplesError,
} from '@tsprom/promql';
import { AppendError, StorageClosedError, StorageStateError } from '@tsprom/storage-interfaces';

/**
 * What went wrong, as Prometheus's HTTP API names it: `bad_data` (a query that does not parse, an
 * argument out of place, a sample the DB refuses), `execution` (the query failed while it ran),
 * `timeout`, `canceled`, `unavailable` (the DB is closed), `internal` (a bug).
 */
export type EmbeddedErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'unavailable' | 'internal';

/** Every rejection of the facade. The underlying error, if any, is `cause`. */
export class EmbeddedError extends Error {
  override readonly name = 'EmbeddedError';
  constructor(
    readonly type: EmbeddedErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `err` as an EmbeddedError, `context` (such as `query "up"`) prefixed to its message. */
export function toEmbeddedError(err: unknown, context: string): EmbeddedError {
  if (err instanceof EmbeddedError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new EmbeddedError(errorType(err), `${context}: ${msg}`, { cause: err });
}

function errorType(err: unknown): EmbeddedErrorType {
  if (err instanceof ParseErrors || err instanceof InvalidQueryError || err instanceof AppendError) return 'bad_data';
  if (err instanceof QueryTimeoutError) return 'timeout';
  if (err instanceof QueryCanceledError) return 'canceled';
  if (err instanceof StorageClosedError) return 'unavailable';
  if (
    err instanceof StorageStateError ||
    err instanceof PromQLEvalError ||
    err instanceof TooManySamplesError ||
    err instanceof StorageError
  ) {
    return 'execution';
  }
  return 'internal';
}
