/** Where a command writes; tests pass buffers, the CLI passes process streams. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** One promtool subcommand, e.g. `tsdb dump`. */
export interface Command {
  /** The words that select it, as promtool names them: `tsdb dump`. */
  readonly path: string;
  /** One line for the help listing. */
  readonly summary: string;
  /** Runs with the arguments after the command words; resolves to the exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** A usage error: promtool prints it with the command's help and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
