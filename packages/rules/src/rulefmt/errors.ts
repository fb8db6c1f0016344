// Errors of rule files, worded as Prometheus's rulefmt words them.
// Prometheus: model/rulefmt/rulefmt.go Error, WrappedError

/**
 * One problem in a rule file. The message is Prometheus's, prefixed with the file when known:
 * `rules.yml: 5:15: group "g", rule 1, "job:up": could not parse expression: …`.
 */
export class RuleFileError extends Error {
  override readonly name: string = 'RuleFileError';
  /** The file, when the rules came from one. */
  file: string | undefined;
  /** The problem without the file prefix (Prometheus's text). */
  readonly detail: string;
  /** 1-based line of the offending node, 0 when not known. */
  readonly line: number;

  constructor(detail: string, line: number, options?: ErrorOptions) {
    super(detail, options);
    this.detail = detail;
    this.line = line;
    this.file = undefined;
  }

  /** Prefixes the file name, as rulefmt.ParseFile wraps each error. */
  inFile(file: string): this {
    this.file = file;
    this.message = `${file}: ${this.detail}`;
    return this;
  }
}

/** The YAML text is malformed (`yaml: line 3: …`) or does not decode (`yaml: unmarshal errors: …`). */
export class RuleFileSyntaxError extends RuleFileError {
  override readonly name = 'RuleFileSyntaxError';
}

/** A rule breaks a rule of the format. Carries the group, rule number (1-based) and rule name. */
// Prometheus: model/rulefmt/rulefmt.go Error
export class RuleValidationError extends RuleFileError {
  override readonly name = 'RuleValidationError';
  constructor(
    readonly group: string,
    /** 1-based index of the rule in its group. */
    readonly rule: number,
    readonly ruleName: string,
    /** The problem alone: `could not parse expression: …`. */
    readonly reason: string,
    pos: readonly { line: number; column: number }[],
    options?: ErrorOptions,
  ) {
    const where = pos.map((p) => `${p.line}:${p.column}: `).join('');
    super(`${where}group ${goQuote(group)}, rule ${rule}, ${goQuote(ruleName)}: ${reason}`, pos[0]?.line ?? 0, options);
  }
}

/** Every problem found in a rule file (or in several): `errors` holds each; the message lists them. */
export class RuleFileErrors extends Error {
  override readonly name = 'RuleFileErrors';
  constructor(readonly errors: readonly RuleFileError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** Go's %q of a string: double quotes with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
