// Prometheus: web/api/v1/api.go errorType, apiError, returnAPIError, respondError's status codes.
import { QueryCanceledError, QueryTimeoutError, StorageError } from '@tsprom/promql';

/** The `errorType` of an error response, as Prometheus names them. */
export type ErrorType =
  | 'timeout'
  | 'canceled'
  | 'execution'
  | 'bad_data'
  | 'internal'
  | 'unavailable'
  | 'not_found'
  | 'not_acceptable';

/** HTTP status of each error type (Prometheus respondError). */
export const errorStatus: Readonly<Record<ErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  // Prometheus 3 answers a canceled query with 499 (client closed request); 2.x with 503.
  canceled: 499,
  timeout: 503,
  internal: 500,
  unavailable: 503,
  not_found: 404,
  not_acceptable: 406,
};

/** An error the API answers with: its type picks the status code, its message is `error`. */
export class APIError extends Error {
  override readonly name = 'APIError';
  constructor(
    readonly type: ErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Prometheus invalidParamError: `invalid parameter "time": <why>`, a bad_data error. */
export function invalidParamError(err: unknown, parameter: string): APIError {
  const msg = err instanceof Error ? err.message : String(err);
  return new APIError('bad_data', `invalid parameter ${JSON.stringify(parameter)}: ${msg}`, { cause: err });
}

/** Prometheus returnAPIError: the error type of a failed query or storage call. */
export function returnAPIError(err: Error): APIError {
  if (err instanceof APIError) return err;
  if (err instanceof QueryCanceledError) return new APIError('canceled', err.message, { cause: err });
  if (err instanceof QueryTimeoutError) return new APIError('timeout', err.message, { cause: err });
  if (err instanceof StorageError) return new APIError('internal', err.message, { cause: err });
  if (err.name === 'AbortError') return new APIError('canceled', err.message, { cause: err });
  return new APIError('execution', err.message, { cause: err });
}
