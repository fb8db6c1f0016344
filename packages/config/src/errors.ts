// Errors of configuration loading. One base class, so a caller counts every rejected config with
// one `instanceof`; the position says where in the file the problem is.

/** Where in a configuration file a value is: the field path and the YAML position (1-based). */
export interface ConfigPosition {
  /** The field path from the document root, such as `scrape_configs[0].scrape_timeout`; `''` for the root. */
  readonly path: string;
  /** 1-based line of the offending node, 0 when unknown (a whole-file problem). */
  readonly line: number;
  /** 1-based column of the offending node, 0 when unknown. */
  readonly column: number;
}

/**
 * A configuration Prometheus would reject. The message names the file (when known), the YAML
 * line:column and the field path, then the problem in Prometheus's words:
 * `prometheus.yml:7:5: scrape_configs[0].scrape_timeout: scrape timeout greater than scrape interval…`.
 */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
  /** The problem alone, without file, position or path. */
  readonly reason: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** The file the configuration came from, when it came from one. */
  readonly file: string | undefined;

  constructor(reason: string, pos: ConfigPosition, file?: string, options?: ErrorOptions) {
    super(formatConfigError(reason, pos, file), options);
    this.reason = reason;
    this.path = pos.path;
    this.line = pos.line;
    this.column = pos.column;
    this.file = file;
  }
}

/** The YAML text itself is malformed (bad indentation, duplicate key, tab…), before any field is read. */
export class ConfigSyntaxError extends ConfigError {
  override readonly name = 'ConfigSyntaxError';
}

function formatConfigError(reason: string, pos: ConfigPosition, file: string | undefined): string {
  let where = file ?? '';
  if (pos.line > 0) where += `${where === '' ? '' : ':'}${pos.line}:${pos.column}`;
  const path = pos.path === '' ? '' : `${pos.path}: `;
  return `${where === '' ? '' : `${where}: `}${path}${reason}`;
}
