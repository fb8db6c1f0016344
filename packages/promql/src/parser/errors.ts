// Prometheus: promql/parser/parse.go ParseErr, ParseErrors
import { type PositionRange, startPosInput } from '@tsprom/storage-interfaces';

/**
 * One PromQL parse error. `message` reads like Prometheus's: `1:9: parse error: unexpected <op:*>`
 * (line and column 1-based, column in UTF-16 code units). `err` is the bare reason.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    /** Where in `query` the error is (start inclusive, end exclusive). */
    readonly positionRange: PositionRange,
    /** The reason without position, e.g. `unexpected end of input`. */
    readonly err: string,
    /** The query that failed to parse. */
    readonly query: string,
  ) {
    super(`${startPosInput(query, positionRange.start)}: parse error: ${err}`);
  }
}

/**
 * What `parseExpr` and the other parsers throw: every error found (at least one). The message is
 * the first error's message, as Prometheus's `ParseErrors.Error()` prints.
 */
export class ParseErrors extends Error {
  override readonly name = 'ParseErrors';
  constructor(readonly errors: readonly ParseError[]) {
    super(errors[0]?.message ?? 'error contains no error message');
  }
}
