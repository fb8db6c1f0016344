// tspromtool: the command-line tool of tsprom, with promtool's subcommands and output.
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { commands } from './commands.js';
import { commandHelp, groupHelp, wantsHelp } from './help.js';

const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

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

/** The leading words of `argv` that name a group of commands (`tsdb`), possibly none. */
function groupOf(argv: string[]): string[] {
  const group: string[] = [];
  for (const a of argv) {
    const next = [...group, a];
    if (!commands.some((c) => c.path.startsWith(`${next.join(' ')} `))) break;
    group.push(a);
  }
  return group;
}

/**
 * `query -o json instant …`: the `query` group's `-o/--format` flag may come before the
 * subcommand word, as kingpin allows; it is moved after it, where the query commands read it.
 */
function queryFormatAfterCommand(argv: string[]): string[] {
  const moved: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o' || a === '--format') {
      if (argv[i + 1] === undefined) break;
      moved.push(a, argv[++i]!);
    } else if (a.startsWith('-o') || a.startsWith('--format=')) moved.push(a);
    else break;
  }
  if (moved.length === 0 || i >= argv.length) return argv;
  return ['query', argv[i]!, ...moved, ...argv.slice(i + 1)];
}

/** Runs tspromtool with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  if (argv.length === 0) {
    groupHelp([], commands, io);
    return 1;
  }
  // `help tsdb dump` is `tsdb dump --help`, as in promtool.
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
  if (argv[0] === 'query') argv = queryFormatAfterCommand(argv);
  const found = find(argv);
  if (found === undefined) {
    const group = groupOf(argv);
    if (argv.length === group.length + 1 && wantsHelp(argv.slice(group.length))) {
      groupHelp(group, commands, io);
      return 0;
    }
    const rest = argv.slice(group.length);
    if (group.length > 0 && (rest.length === 0 || rest[0]!.startsWith('-'))) {
      io.stderr(`tspromtool: error: must select a subcommand of '${group.join(' ')}', try --help\n`);
    } else io.stderr(`tspromtool: error: expected command but got "${argv.join(' ')}", try --help\n`);
    return 1;
  }
  const [command, rest] = found;
  if (wantsHelp(rest)) {
    commandHelp(command, io);
    return 0;
  }
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
