// `--help` for every command and command group, in the layout of promtool's (kingpin's) help.
import type { Command, CommandIO } from './command.js';

/** Column where help texts start, as kingpin aligns them. */
const helpColumn = 29;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `  <name>  <help>` rows, the help wrapped at 80 columns and aligned as kingpin does. */
function rows(entries: readonly [string, string][], indent: string, column: number): string {
  let out = '';
  for (const [name, text] of entries) {
    const head = `${indent}${name}`;
    const lines = wrap(text, 80 - column);
    if (head.length + 2 <= column) out += `${head.padEnd(column)}${lines[0] ?? ''}\n`;
    else out += `${head}  \n${' '.repeat(column)}${lines[0] ?? ''}\n`;
    for (const l of lines.slice(1)) out += `${' '.repeat(column)}${l}\n`;
  }
  return out;
}

const helpFlag: [string, string] = ['-h, --help', 'Show context-sensitive help.'];

/** Prints the help of `command`. */
export function commandHelp(command: Command, io: CommandIO): void {
  let out = `usage: tspromtool ${command.path}${command.usage ? ` ${command.usage}` : ''}\n\n${command.summary}\n\n`;
  out += 'Flags:\n';
  out += rows([helpFlag], '  ', helpColumn);
  out += rows(
    (command.flags ?? []).map((f) => [f.flag, f.help]),
    '      ',
    helpColumn,
  );
  const args = command.args ?? [];
  if (args.length > 0) {
    const width = Math.max(...args.map((a) => a.arg.length)) + 4;
    out += `\nArgs:\n${rows(
      args.map((a) => [a.arg, a.help]),
      '  ',
      width,
    )}`;
  }
  io.stdout(`${out}\n`);
}

/** Prints the help of the commands whose path starts with the words `group` (all when empty). */
export function groupHelp(group: readonly string[], commands: readonly Command[], io: CommandIO): void {
  const prefix = group.join(' ');
  const members = commands.filter((c) => prefix === '' || c.path.startsWith(`${prefix} `));
  let out = `usage: tspromtool ${prefix === '' ? '' : `${prefix} `}<command> [<args> ...]\n\n`;
  out += prefix === '' ? 'Tooling for the tsprom monitoring system.\n\n' : `Run ${prefix} commands.\n\n`;
  out += `Flags:\n${rows([helpFlag], '  ', helpColumn)}\n`;
  out += prefix === '' ? 'Commands:\n' : 'Subcommands:\n';
  for (const c of members)
    out += `${c.path}${c.usage ? ` ${c.usage}` : ''}\n${wrap(c.summary, 76)
      .map((l) => `    ${l}\n`)
      .join('')}\n`;
  io.stdout(out);
}

/** Whether `args` ask for help (`-h` or `--help` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}
