// Prometheus: model/textparse (the errors its parsers return), scrape/scrape.go extractMediaType.

/**
 * A malformed exposition body. `reason` is the problem in Prometheus's words where it has them
 * (`expected label name, got "1" ("INVALID") while parsing: "foo{1"`); `message` adds where:
 * `line 3, column 5 (byte 41): …`. Lines and columns count from 1, columns in characters and
 * `offset` in bytes from 0. A protobuf body has no lines: `line` is 0 and `offset` is the byte
 * offset of the delimited message that failed.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
    options?: ErrorOptions,
  ) {
    super(
      line > 0 ? `line ${line}, column ${column} (byte ${offset}): ${reason}` : `byte ${offset}: ${reason}`,
      options,
    );
  }
}

/**
 * The response's Content-Type names no format a parser exists for, or cannot be parsed, and no
 * `fallback_scrape_protocol` is configured: Prometheus 3 fails such a scrape.
 */
export class ContentTypeError extends Error {
  override readonly name = 'ContentTypeError';
  constructor(
    readonly contentType: string,
    message: string,
  ) {
    super(message);
  }
}
