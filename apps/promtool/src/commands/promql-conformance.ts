// `tspromtool promql conformance DIR`: runs every promqltest file (`*.test`) of a directory, such
// as Prometheus's own promql/promqltest/testdata, and prints the conformance figures.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatConformance, runConformance } from '@tsprom/promql/testing';
import { type Command, UsageError } from '../command.js';

/**
 * Prints the report of the directory's scripts; exit code 1 if fewer statements passed than
 * `--min-pass-rate` asks (100%: every one) or DIR is unreadable.
 */
export const promqlConformance: Command = {
  path: 'promql conformance',
  summary: 'Run every promqltest script of a directory and print the conformance figures.',
  usage: '[--min-pass-rate=PERCENT] DIR',
  args: [
    {
      arg: '--min-pass-rate=PERCENT',
      help: 'The share of eval statements that must pass for exit code 0 (default 100: every one).',
    },
    {
      arg: 'DIR',
      help:
        'A directory of promqltest scripts (*.test). Prints per-file figures, the failures grouped by kind, ' +
        'and "conformance: P% of N eval statements pass (failing: M)"; exits 1 when fewer pass than ' +
        '--min-pass-rate asks or DIR cannot be read. Statements about native histograms are counted too ' +
        '(and also apart, in a line of their own).',
    },
  ],
  async run(args, io) {
    const dirs = args.filter((a) => !a.startsWith('-'));
    if (dirs.length !== 1) throw new UsageError('promql conformance: exactly one DIR is required');
    let minPassRate = 100;
    for (const a of args.filter((x) => x.startsWith('-'))) {
      const m = /^--min-pass-rate=(.*)$/.exec(a);
      const rate = m === null ? Number.NaN : Number(m[1]);
      if (m === null || m[1] === '' || !(rate >= 0 && rate <= 100)) {
        throw new UsageError(
          `promql conformance: unknown flag or bad value ${JSON.stringify(a)} (--min-pass-rate=0..100)`,
        );
      }
      minPassRate = rate;
    }
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
    const total = report.passed + report.failed;
    if (report.failed === 0) return 0;
    return (report.passed / total) * 100 >= minPassRate ? 0 : 1;
  },
};
