// tspromtool: the command-line tool of tsprom, with promtool's subcommands and output.
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { commands } from './commands.js';

const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function help(io: CommandIO): void {
  io.stdout('usage: tspromtool <command> [<args> ...]\n\nTooling for the tsprom monitoring system.\n\nCommands:\n');
  for (const c of commands) io.stdout(`  ${c.path.padEnd(20)} ${c.summary}\n`);
}

/** Picks the command whose words start `argv`, longest first. */
function find(argv: string[]): [Command, string[]] | undefined {
  let best: [Command, string[]] | undefined;
  for (const c of commands) {
    const words = c.path.split(' ');
    if (words.every((w, i) => argv[i] === w) && (best === undefined || words.length > best[0].path.split(' ').length)) {
      best = [c, argv.slice(words.length)];
    }
  }
  return best;
}

/** Runs tspromtool with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    help(io);
    return argv.length === 0 ? 1 : 0;
  }
  const found = find(argv);
  if (found === undefined) {
    io.stderr(`tspromtool: error: expected command but got "${argv.join(' ')}", try --help\n`);
    return 1;
  }
  const [command, rest] = found;
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`tspromtool: error: ${err.message}, try --help\n`);
      return 1;
    }
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
