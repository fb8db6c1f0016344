// Prometheus: promql/engine.go ErrQueryTimeout, ErrQueryCanceled, ErrTooManySamples, ErrStorage

/** The query ran past its timeout. */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
  constructor(readonly where: string) {
    super(`query timed out in ${where}`);
  }
}

/** The query was cancelled through its AbortSignal. */
export class QueryCanceledError extends Error {
  override readonly name = 'QueryCanceledError';
  constructor(readonly where: string) {
    super(`query was canceled in ${where}`);
  }
}

/** The query would hold more samples than the engine's `maxSamples`. */
export class TooManySamplesError extends Error {
  override readonly name = 'TooManySamplesError';
  constructor(readonly where = 'query execution') {
    super(`query processing would load too many samples into memory in ${where}`);
  }
}

/** A query that cannot be evaluated (duplicate series, bad parameters, many-to-many matching…). */
export class PromQLEvalError extends Error {
  override readonly name = 'PromQLEvalError';
}

/** Selecting from storage failed; the cause is kept. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
}
