// What the remote-write receiver answers 400 for, and what it logs with.
import {
  DuplicateSampleForTimestampError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  TooOldSampleError,
} from '@tsprom/storage-interfaces';
import { InvalidHistogramError } from '@tsprom/tsdb';

/** What a write handler logs. */
export type ReceiveLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  msg: string,
  fields?: Record<string, unknown>,
) => void;

/** A sample rejected as Prometheus answers with 400 (no retry). */
export function isBadSampleError(err: unknown): err is Error {
  return (
    err instanceof OutOfOrderSampleError ||
    err instanceof OutOfBoundsError ||
    err instanceof DuplicateSampleForTimestampError ||
    err instanceof TooOldSampleError
  );
}

/** Prometheus: isHistogramValidationError: a histogram the storage refused as malformed (400, no retry). */
export function isHistogramValidationError(err: unknown): err is Error {
  return err instanceof InvalidHistogramError;
}
