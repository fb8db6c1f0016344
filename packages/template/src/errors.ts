// Errors of parsing and executing a template, with Go's text/template messages.

/**
 * A template that does not parse or fails while executing. `message` is phrased as Prometheus
 * phrases it; `goMessage` is text/template's own (`template: NAME:LINE:COL: executing "NAME" at
 * <.Foo>: …`); `templateName`, `line` and `column` (0 when unknown; columns are 0-based byte
 * offsets in the line, as Go counts them) say where.
 */
export class TemplateError extends Error {
  override readonly name: string = 'TemplateError';
  constructor(
    message: string,
    readonly goMessage: string,
    readonly templateName: string,
    readonly line: number,
    readonly column: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A template that does not parse: `template: NAME:LINE: what`. */
export class TemplateParseError extends TemplateError {
  override readonly name = 'TemplateParseError';
  constructor(templateName: string, line: number, what: string) {
    const msg = `template: ${templateName}:${line}: ${what}`;
    super(msg, msg, templateName, line, 0);
  }
}

/** A template that failed while executing: `template: NAME:LINE:COL: executing "NAME" at <…>: what`. */
export class TemplateExecError extends TemplateError {
  override readonly name = 'TemplateExecError';
  constructor(goMessage: string, templateName: string, line: number, column: number, options?: ErrorOptions) {
    super(goMessage, goMessage, templateName, line, column, options);
  }
}

/** An error a template function returned (Go: the `error` result), wrapped by the executor as `error calling NAME: …`. */
export class FuncError extends Error {
  override readonly name = 'FuncError';
}
