/** Where a command writes; tests pass buffers, the CLI passes process streams. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of standard input; commands that read it fall back to process.stdin without one. */
  readStdin?: () => Promise<Uint8Array>;
}

/** A flag in a command's `--help`: `--min-time=-9223372036854775808` and what it does. */
export interface FlagHelp {
  /** As shown, with its default when it has one: `--match="{__name__=~'(?s:.*)'}"`. */
  readonly flag: string;
  readonly help: string;
}

/** A positional argument in a command's `--help`: `[<db path>]` and what it is. */
export interface ArgHelp {
  readonly arg: string;
  readonly help: string;
}

/** One promtool subcommand, e.g. `tsdb dump`. */
export interface Command {
  /** The words that select it, as promtool names them: `tsdb dump`. */
  readonly path: string;
  /** One line for the help listing. */
  readonly summary: string;
  /** What follows the command words in its usage line, as promtool prints it: `[<flags>] [<db path>]`. */
  readonly usage?: string;
  /** Its flags (besides `-h, --help`), for `--help`. */
  readonly flags?: readonly FlagHelp[];
  /** Its positional arguments, for `--help`. */
  readonly args?: readonly ArgHelp[];
  /** Runs with the arguments after the command words; resolves to the exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** A usage error: promtool prints it with the command's help and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
