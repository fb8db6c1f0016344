// `tspromtool check metrics` against Debian's promtool 2.42 on the same stdin: the same problems
// on stderr, the same --extended table on stdout, the same exit code. For input promtool cannot
// parse, the exit code and the line number agree; the reason is worded by tsprom's parser for
// malformed lines (expfmt's own checks keep expfmt's words). Skipped with a reason when promtool is
// missing (fails under CI). TSPROM_PROMTOOL overrides the binary.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const promtool = process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool';
const have = existsSync(promtool);
const runIt = have || process.env.CI ? it : it.skip;
const reason = have ? '' : ` (skipped: ${promtool} is not installed)`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runPromtool(input: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(promtool, ['check', 'metrics', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += String(d);
    });
    p.stderr.on('data', (d) => {
      stderr += String(d);
    });
    p.once('error', reject);
    p.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input);
  });
}

async function runOurs(input: string, args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['check', 'metrics', ...args], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => new TextEncoder().encode(input),
  });
  return { code, stdout, stderr };
}

/** Expositions promtool lints the same way every time (no name with two units, no ties in --extended). */
const CLEAN: [string, string][] = [
  ['empty', ''],
  ['good counter', '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{queue="a"} 3\n'],
  ['no help, untyped', 'a 1\na 2\nb{x="y"} 3 1700000000000\n'],
  ['counter without _total', '# HELP c x\n# TYPE c counter\nc{fooBar="1"} 1\nc{fooBar="2"} 1\n'],
  [
    'histogram and summary',
    '# HELP h x\n# TYPE h histogram\nh_bucket{le="1",aB="x"} 1\nh_bucket{le="+Inf",aB="x"} 1\nh_sum{aB="x"} 1\nh_count{aB="x"} 1\n' +
      '# HELP s h\n# TYPE s summary\ns{quantile="0.5",xY="1"} 1\ns_sum{xY="1"} 1\ns_count{xY="1"} 1\ns{quantile="0.5",xY="2"} 1\n',
  ],
  ['le and quantile on a gauge', '# HELP g x\n# TYPE g gauge\ng{le="1",quantile="2"} 1\ng{le="2"} 1\n'],
  [
    'reserved suffixes',
    '# HELP g_count x\n# TYPE g_count gauge\ng_count 1\n# HELP x_bucket y\n# TYPE x_bucket summary\nx_bucket 1\n',
  ],
  [
    'gauge with _total',
    '# HELP g_total x\n# TYPE g_total gauge\ng_total 1\n# HELP s_sum x\n# TYPE s_sum counter\ns_sum 1\n',
  ],
  [
    'units',
    '# HELP a_milliseconds x\na_milliseconds 1\n# HELP b_kilobytes x\nb_kilobytes 1\n# HELP c_petabits x\nc_petabits 1\n',
  ],
  [
    'base units',
    '# HELP a_seconds x\na_seconds 1\n# HELP b_kelvin x\nb_kelvin 1\n# HELP c_mebibytes x\nc_mebibytes 1\n',
  ],
  ['abbreviations', '# HELP x_ms_total h\nx_ms_total 1\n# HELP x_s_s h\nx_s_s 1\n# HELP my_kB h\nmy_kB 1\n'],
  ['type in name', '# HELP x_Counter h\nx_Counter 1\n# HELP x_gauge_histogram h\nx_gauge_histogram 1\n'],
  ['reserved chars, camelCase', '# HELP a:b h\na:b{aB="1",cD="2"} 1\n# HELP fooBar h\nfooBar 1\n'],
  ['HELP without samples', '# HELP a x\n# TYPE a counter\na_total 1\n'],
  ['blank lines and comments', '\n  \n# a comment\n# HELP a_total x\n# TYPE a_total counter\n\na_total 1\n'],
  [
    'extended',
    '# HELP a_total x\n# TYPE a_total counter\na_total{x="1"} 1\na_total{x="2"} 1\n# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n# HELP s x\n# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n',
  ],
];

/** Expositions promtool fails to parse: [name, input, expfmt's reason when tsprom uses the same words]. */
const BROKEN: [string, string, string | undefined][] = [
  ['duplicate label', 'a{x="1",x="2"} 1\n', 'duplicate label names for metric "a"'],
  [
    'second TYPE',
    '# TYPE a gauge\n# TYPE a gauge\na 1\n',
    'second TYPE line for metric name "a", or TYPE reported after samples',
  ],
  [
    'TYPE after samples',
    'a 1\n# TYPE a gauge\n',
    'second TYPE line for metric name "a", or TYPE reported after samples',
  ],
  [
    'second HELP',
    '# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\nb 1\n# HELP a y\n',
    'second HELP line for metric name "a"',
  ],
  ['le not a float', '# TYPE h histogram\nh_bucket{le="x"} 1\n', `expected float as value for 'le' label, got "x"`],
  [
    'quantile not a float',
    '# TYPE s summary\ns{quantile="x"} 1\n',
    `expected float as value for 'quantile' label, got "x"`,
  ],
  ['invalid escape', 'a{x="\\q"} 1\n', "invalid escape sequence '\\q'"],
  ['quoted name', '{"a"} 1\n', 'invalid metric name'],
  ['unknown type', '# HELP a h\n# TYPE a foo\na 1\n', undefined],
  ['bad label', 'a 1\nb{ 1\n', undefined],
  ['bad value', '# HELP a h\na x\n', undefined],
  ['bad timestamp', 'a 1 2.5\n', undefined],
  ['no final newline', 'a 1', undefined],
];

/**
 * promtool sorts the `--extended` table by cardinality with Go's sort.Slice, which is not stable:
 * rows of equal cardinality come out in any order from one run to the next. Both outputs are
 * compared with such ties put in name order; the order by cardinality is still compared.
 */
function tiesInNameOrder(stdout: string): string {
  const lines = stdout.split('\n');
  const first = lines.findIndex((l) => l.startsWith('Metric '));
  const total = lines.findIndex((l) => l.startsWith('Total '));
  if (first < 0 || total < first) return stdout;
  const rows = lines.slice(first + 1, total);
  const card = (l: string) => Number(l.trim().split(/\s+/)[1]);
  rows.sort((a, b) => card(b) - card(a) || (a < b ? -1 : a > b ? 1 : 0));
  return [...lines.slice(0, first + 1), ...rows, ...lines.slice(total)].join('\n');
}

describe('tspromtool check metrics', () => {
  for (const [name, input] of CLEAN) {
    for (const args of [[], ['--extended']]) {
      runIt(`${name} ${args.join(' ')}: as promtool${reason}`, async () => {
        expect(have, `${promtool} is missing (required when CI is set)`).toBe(true);
        const [theirs, ours] = await Promise.all([runPromtool(input, args), runOurs(input, args)]);
        expect({ ...ours, stdout: tiesInNameOrder(ours.stdout) }).toEqual({
          ...theirs,
          stdout: tiesInNameOrder(theirs.stdout),
        });
      });
    }
  }

  for (const [name, input, words] of BROKEN) {
    runIt(`${name}: fails as promtool${reason}`, async () => {
      expect(have, `${promtool} is missing (required when CI is set)`).toBe(true);
      const [theirs, ours] = await Promise.all([runPromtool(input, []), runOurs(input, [])]);
      expect(ours.code).toBe(1);
      expect(theirs.code).toBe(1);
      const line = /^error while linting: text format parsing error in line (\d+): /;
      expect(ours.stderr.match(line)?.[1], ours.stderr).toBe(theirs.stderr.match(line)?.[1]);
      if (words !== undefined) expect(ours.stderr).toBe(theirs.stderr);
    });
  }

  it('the problems exit 3 and print nothing on stdout, even with --extended', async () => {
    const r = await runOurs('a 1\n', ['--extended']);
    expect(r).toEqual({ code: 3, stdout: '', stderr: 'a no help text\n' });
  });
});
