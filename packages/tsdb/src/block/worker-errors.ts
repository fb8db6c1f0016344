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

/** An error as the worker posts it. */
export interface SerializedError {
  /** The class name (`name`), looked up among the classes a compaction may throw. */
  name: string;
  message: string;
  stack?: string;
  /** Own fields holding primitives: `dir`, `file`, `offset`, errno `code`, `path`… */
  fields: Record<string, string | number | boolean | null>;
  cause?: SerializedError;
}

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

/** The error (or thrown value) `err` as plain data for postMessage. */
export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: SerializedError['fields'] = {};
  for (const [k, v] of Object.entries(err)) {
    if (k === 'cause' || k === 'message' || k === 'stack') continue;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
  }
  const out: SerializedError = { name: err.name, message: err.message, stack: err.stack, fields };
  if (err.cause !== undefined && depth < 8) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

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
