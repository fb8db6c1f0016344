// Prometheus: cmd/promtool/main.go CheckMetrics (`promtool check metrics [--extended]`): lints the
// exposition read from stdin with promlint; exit 3 when it has problems, 1 when it does not parse.
import type { Command, CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { readInput } from '../read-input.js';
import { cardinalities, lint, readFamilies, TextFormatError } from './promlint.js';

const SUCCESS = 0;
const FAILURE = 1;
const LINT_ERROR = 3;

/** Go text/tabwriter with minwidth 4, tabwidth 4, padding 4, padchar ' ': every cell tab-terminated. */
function tabwrite(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i]!.length + 4);
  }
  return rows.map((r) => `${r.map((c, i) => c.padEnd(widths[i]!)).join('')}\n`).join('');
}

/** `check metrics`: promtool's lint of an exposition on stdin. */
export const checkMetrics: Command = {
  path: 'check metrics',
  summary: 'Pass Prometheus metrics over stdin to lint them for consistency and correctness.',
  usage: '[<flags>]',
  flags: [{ flag: '--extended', help: 'Print extended information related to the cardinality of the metrics.' }],
  async run(args: string[], io: CommandIO): Promise<number> {
    let extended = false;
    for (const a of args) {
      if (a === '--extended') extended = true;
      else throw new UsageError(`unexpected ${a}`);
    }
    const body = await readInput(io);
    let families: ReturnType<typeof readFamilies>;
    try {
      families = readFamilies(body);
    } catch (err) {
      if (!(err instanceof TextFormatError)) throw err;
      io.stderr(`error while linting: ${err.message}\n`);
      return FAILURE;
    }
    const problems = lint(families);
    for (const p of problems) io.stderr(`${p.metric} ${p.text}\n`);
    if (problems.length > 0) return LINT_ERROR;
    if (extended) {
      const stats = cardinalities(families);
      let total = 0;
      for (const s of stats) total += s.cardinality;
      const rows = [['Metric', 'Cardinality', 'Percentage']];
      for (const s of stats)
        rows.push([s.name, String(s.cardinality), `${((s.cardinality / total) * 100).toFixed(2)}%`]);
      rows.push(['Total', String(total), '100%']);
      io.stdout(tabwrite(rows));
    }
    return SUCCESS;
  },
};
