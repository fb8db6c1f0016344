// Typed errors of the labels package.

/**
 * A regular expression that RE2 (Go's `regexp/syntax`) rejects. The message is Go's, e.g.
 * ``error parsing regexp: missing closing ): `a(` ``; backreferences and lookaround are rejected
 * here too, as RE2 does not support them.
 */
export class RegexSyntaxError extends Error {
  override readonly name = 'RegexSyntaxError';
  constructor(
    /** The pattern as given (without the anchoring Prometheus adds). */
    readonly pattern: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A series description that {@link parseMetric} cannot read; `position` is a 0-based UTF-16 offset. */
export class MetricParseError extends Error {
  override readonly name = 'MetricParseError';
  constructor(
    readonly input: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`parse error at position ${position + 1} of ${JSON.stringify(input)}: ${reason}`);
  }
}
