// `tspromtool promql conformance DIR`: runs every promqltest file (`*.test`) of a directory, such
// as Prometheus's own promql/promqltest/testdata, and prints the conformance figures.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatConformance, runConformance } from '@tsprom/promql/testing';
import { type Command, UsageError } from '../command.js';

/** Prints the report of the directory's scripts; exit code 1 if a statement failed or DIR is unreadable. */
export const promqlConformance: Command = {
  path: 'promql conformance',
  summary: 'Run every promqltest script of a directory and print the conformance figures.',
  usage: 'DIR',
  args: [
    {
      arg: 'DIR',
      help:
        'A directory of promqltest scripts (*.test). Prints per-file figures, the failures grouped by kind, ' +
        'and "conformance: P% of N eval statements pass (failing: M)"; exits 1 when a statement fails or DIR ' +
        'cannot be read. Statements about native histograms are counted apart.',
    },
  ],
  async run(args, io) {
    const dirs = args.filter((a) => !a.startsWith('-'));
    if (dirs.length !== 1) throw new UsageError('promql conformance: exactly one DIR is required');
    const dir = dirs[0]!;
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.test')).sort();
    } catch (err) {
      io.stderr(`promql conformance: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    if (names.length === 0) {
      io.stderr(`promql conformance: no *.test file in ${dir}\n`);
      return 1;
    }
    const files: { name: string; text: string }[] = [];
    for (const name of names) files.push({ name, text: await readFile(join(dir, name), 'utf8') });
    const report = await runConformance(files);
    io.stdout(`${formatConformance(report)}\n`);
    return report.failed === 0 ? 0 : 1;
  },
};
