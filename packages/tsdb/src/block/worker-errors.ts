// Errors across a worker thread boundary. Structured clone keeps only the message of an Error
// subclass: a CorruptBlockError thrown in the compaction worker would reach the caller as a plain
// Error, without its class, block directory, file or offset. The worker sends the error's class
// name and own fields; the caller rebuilds an instance of the same class (a real Error object, so
// `instanceof`, `name`, `message`, the fields, errno `code`s, `cause` and the worker's stack all
// survive).
import { FormatError } from '../index/file-cursor.js';
import { IndexWriterError } from '../index/index-writer.js';
import { BlockWriteError } from './block-writer.js';
import { BlockClosedError, CorruptBlockError } from './errors.js';
import { ShortReadError } from './paged-file.js';
import type { SerializedError } from './serialize-error.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The typed errors a compaction may throw, by class name. Any other error comes back as an Error. */
const classes: Record<string, ErrorClass> = {
  CorruptBlockError,
  BlockWriteError,
  BlockClosedError,
  ShortReadError,
  FormatError,
  IndexWriterError,
  RangeError,
  TypeError,
};

/**
 * The error `s` describes, as an instance of its class when it is one a compaction throws (built
 * without running that class's constructor: its fields are restored as they were).
 */
export function deserializeError(s: SerializedError): Error {
  const cls = Object.hasOwn(classes, s.name) ? classes[s.name]! : Error;
  const opts = s.cause === undefined ? undefined : { cause: deserializeError(s.cause) };
  const err = Reflect.construct(Error, [s.message, opts], cls) as Error & Record<string, unknown>;
  for (const [k, v] of Object.entries(s.fields)) {
    Object.defineProperty(err, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (cls === Error && s.name !== 'Error') {
    Object.defineProperty(err, 'name', { value: s.name, enumerable: false, writable: true, configurable: true });
  }
  if (s.stack !== undefined) err.stack = s.stack;
  return err;
}
