// Prometheus: storage/interface.go and tsdb errors. Callers branch on `instanceof`, never on text;
// the messages are Prometheus's so that logs and API responses read the same.
import type { SeriesRef } from './appender.js';

/** Base of every expected append rejection, so scrape and remote-write can count them. */
export class AppendError extends Error {
  override readonly name: string = 'AppendError';
}

/** Prometheus: storage.ErrOutOfOrderSample */
export class OutOfOrderSampleError extends AppendError {
  override readonly name = 'OutOfOrderSampleError';
  constructor(
    readonly t?: number,
    readonly minValidT?: number,
  ) {
    super('out of order sample');
  }
}

/** Prometheus: storage.ErrOutOfBounds */
export class OutOfBoundsError extends AppendError {
  override readonly name = 'OutOfBoundsError';
  constructor(
    readonly t?: number,
    readonly minValidT?: number,
  ) {
    super('out of bounds');
  }
}

/** Prometheus: storage.ErrTooOldSample (older than the out-of-order window allows). */
export class TooOldSampleError extends AppendError {
  override readonly name = 'TooOldSampleError';
  constructor(
    readonly t?: number,
    readonly minValidT?: number,
  ) {
    super('too old sample');
  }
}

/** Prometheus: storage.ErrDuplicateSampleForTimestamp */
export class DuplicateSampleForTimestampError extends AppendError {
  override readonly name = 'DuplicateSampleForTimestampError';
  constructor(
    readonly t?: number,
    readonly existing?: number,
    readonly value?: number,
  ) {
    super(
      t === undefined
        ? 'duplicate sample for timestamp'
        : `duplicate sample for timestamp; overrides not allowed: existing ${existing}, new value ${value}`,
    );
  }
}

/** Prometheus: storage.ErrOutOfOrderExemplar */
export class OutOfOrderExemplarError extends AppendError {
  override readonly name = 'OutOfOrderExemplarError';
  constructor() {
    super('out of order exemplar');
  }
}

/** Prometheus: storage.ErrDuplicateExemplar */
export class DuplicateExemplarError extends AppendError {
  override readonly name = 'DuplicateExemplarError';
  constructor() {
    super('duplicate exemplar');
  }
}

/** Prometheus: storage.ErrExemplarLabelLength */
export class ExemplarLabelLengthError extends AppendError {
  override readonly name = 'ExemplarLabelLengthError';
  constructor() {
    super('label length for exemplar exceeds maximum of 128 UTF-8 characters');
  }
}

/** Prometheus: storage.ErrExemplarsDisabled */
export class ExemplarsDisabledError extends AppendError {
  override readonly name = 'ExemplarsDisabledError';
  constructor() {
    super('exemplar storage is disabled or max exemplars is less than or equal to 0');
  }
}

/** Prometheus: storage.ErrNativeHistogramsDisabled */
export class NativeHistogramsDisabledError extends AppendError {
  override readonly name = 'NativeHistogramsDisabledError';
  constructor() {
    super('native histograms are disabled');
  }
}

/** Prometheus: storage.ErrOutOfOrderST / start timestamp after sample timestamp. */
export class OutOfOrderSTError extends AppendError {
  override readonly name = 'OutOfOrderSTError';
  constructor() {
    super('start timestamp out of order, ignoring');
  }
}

/** A sample or series with an empty or invalid label set. */
export class InvalidLabelsError extends AppendError {
  override readonly name = 'InvalidLabelsError';
  constructor(detail: string) {
    super(`invalid labels: ${detail}`);
  }
}

/** Prometheus: storage.ErrNotFound, e.g. an unknown series ref. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(what = 'not found') {
    super(what);
  }
}

/**
 * Prometheus: storage.AppendPartialError. Thrown by AppenderV2.append when the sample was kept but
 * some of its exemplars (or its metadata) were not; `ref` is the series ref to use from then on.
 */
export class AppendPartialError extends Error {
  override readonly name = 'AppendPartialError';
  constructor(
    readonly ref: SeriesRef,
    readonly errors: readonly Error[],
  ) {
    super(`append partially failed: ${errors.map((e) => e.message).join('; ')}`);
  }
}

/**
 * Base of the errors for a call the storage refuses in its current state: closed, read-only, a
 * closed querier, a finished appender. They are expected (an HTTP API answers them, e.g. 503 for a
 * closed storage), not bugs of the storage; one `instanceof` catches them all.
 */
export class StorageStateError extends Error {
  override readonly name: string = 'StorageStateError';
}

/** Prometheus: tsdb.ErrClosed. The storage (a DB) was used after `close()`. */
export class StorageClosedError extends StorageStateError {
  override readonly name = 'StorageClosedError';
  constructor() {
    super('db already closed');
  }
}

/**
 * The storage was opened read-only (as Prometheus's DBReadOnly, which has no appender): `op`, a
 * write such as an append or a delete, is refused.
 */
export class ReadOnlyStorageError extends StorageStateError {
  override readonly name = 'ReadOnlyStorageError';
  constructor(readonly op: string) {
    super(`storage is read-only: ${op} refused`);
  }
}

/** A querier (or chunk querier) was used after `close()`. */
export class QuerierClosedError extends StorageStateError {
  override readonly name = 'QuerierClosedError';
  constructor() {
    super('querier already closed');
  }
}

/**
 * Prometheus: tsdb.ErrAppenderClosed. An appender was used after its `commit()` or `rollback()`;
 * an appender serves one batch, take a new one for the next.
 */
export class AppenderClosedError extends StorageStateError {
  override readonly name = 'AppenderClosedError';
  constructor() {
    super('appender closed: already committed or rolled back');
  }
}
