// The sending half of worker-errors.ts: an error as plain data for postMessage. Apart, so that a
// worker thread that only sends errors (the WAL decoding worker) does not load the error classes
// the receiving half rebuilds (block writing, index writing), and starts sooner.

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
