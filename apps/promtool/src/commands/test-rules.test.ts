// `tspromtool test rules` against Debian's `promtool test rules` (2.42): the unit-test files in
// src/testdata/rules-test, passing and failing, give the same stdout, stderr and exit code. Where
// Prometheus 3 (which tsprom follows) differs from 2.42, the difference is normalized and named
// where it is done; behaviour only Prometheus 3 has is tested on tspromtool alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const PROMTOOL = '/usr/bin/promtool';
const have = existsSync(PROMTOOL);
if (!have && process.env.CI) throw new Error(`${PROMTOOL} is missing (required when CI is set)`);

const dir = relative(process.cwd(), fileURLToPath(new URL('../testdata/rules-test/', import.meta.url)));
const f = (name: string): string => `${dir}/${name}`;

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

async function ours(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { stdout, stderr, code };
}

function theirs(args: string[]): Run {
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

describe.runIf(have)('tspromtool test rules matches promtool 2.42', () => {
  it.each([
    ['pass.yml'],
    ['fail-labels.yml'],
    ['fail-annotations.yml'],
    ['fail-samples.yml'],
    ['fail-missing.yml'],
    ['bad-setup.yml'],
    ['bad-alertname.yml'],
    ['unknown-field.yml'],
    ['rule-file-errors.yml'],
    ['eval-error.yml'],
    ['run-filter.yml'],
    ['group-order.yml'],
    ['group-order-reversed.yml'],
  ])('test rules %s', async (name) => {
    const args = ['test', 'rules', f(name)];
    expect(await ours(args)).toEqual(theirs(args));
  });

  it('reports every file, failing or not, in one run', async () => {
    const args = ['test', 'rules', f('fail-labels.yml'), f('pass.yml'), f('fail-missing.yml')];
    expect(await ours(args)).toEqual(theirs(args));
  });

  it('reports input series and expected labels that do not parse, with their place', async () => {
    // The series parser words its reasons otherwise than Prometheus's generated parser
    // (`invalid number in series description: "x"` for `unexpected "x"`): the reasons are masked.
    // Prometheus 3 counts the line of a bad input series in the load script (the first series is
    // line 2, after `load <interval>`); 2.42 dropped that offset and says line 1.
    const mask = (r: Run): Run => ({ ...r, stderr: r.stderr.replace(/parse error: .*/g, 'parse error: …') });
    const args = ['test', 'rules', f('bad-input.yml')];
    const want = mask(theirs(args));
    want.stderr = want.stderr.replace(/^1:35: /m, '2:35: ');
    expect(mask(await ours(args))).toEqual(want);
  });

  it('stops a test group at a rule that fails to evaluate', async () => {
    // The engine names the two series of a many-to-many match in the other order than
    // Prometheus's (which names the later one first): the pair is compared sorted.
    const sortPair = (r: Run): Run => ({
      ...r,
      stderr: r.stderr.replace(
        /\[(\{[^}]*\}), (\{[^}]*\})\]/,
        (_, a: string, b: string) => `[${[a, b].sort().join(', ')}]`,
      ),
    });
    const args = ['test', 'rules', f('many-to-many.yml')];
    const want = theirs(args);
    expect(want.stderr).toContain('many-to-many matching not allowed');
    expect(sortPair(await ours(args))).toEqual(sortPair(want));
  });

  it('defaults a test group interval to evaluation_interval (Prometheus 3; 2.42 put every sample at 0s)', async () => {
    const args = ['test', 'rules', f('default-interval.yml')];
    expect(theirs(args).code).toBe(1);
    expect(await ours(args)).toEqual({
      stdout: `Unit Testing:  ${f('default-interval.yml')}\n  SUCCESS\n\n`,
      stderr: '',
      code: 0,
    });
  });

  it.each([['missing.yml'], ['../rules-test']])('refuses %s before testing anything, as kingpin does', async (name) => {
    const args = ['test', 'rules', f('pass.yml'), f(name)];
    const want = theirs(args);
    expect(want.code).toBe(1);
    expect(await ours(args)).toEqual({ ...want, stderr: want.stderr.replace(/^promtool:/, 'tspromtool:') });
  });
});

describe('tspromtool test rules', () => {
  it('runs only the test groups --run selects (Prometheus 3)', async () => {
    const file = f('run-filter.yml');
    expect(await ours(['test', 'rules', '--run', '^selected', file])).toEqual({
      stdout: `Unit Testing:  ${file}\n  SUCCESS\n\n`,
      stderr: '',
      code: 0,
    });
    const both = await ours(['test', 'rules', '--run=nothing', '--run=other', file]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('exp: {__name__="up", instance="x", job="a"} 3E+00');
  });

  it('starts a test group at start_timestamp (Prometheus 3)', async () => {
    const file = f('start-timestamp.yml');
    expect(await ours(['test', 'rules', file])).toEqual({
      stdout: `Unit Testing:  ${file}\n  SUCCESS\n\n`,
      stderr: '',
      code: 0,
    });
    if (have) expect(theirs(['test', 'rules', file]).stderr).toContain('field start_timestamp not found');
  });

  it('lets fuzzy_compare ignore the last bit of the mantissa (Prometheus 3)', async () => {
    const file = f('fuzzy.yml');
    expect((await ours(['test', 'rules', file])).code).toBe(0);
    const strict = await ours(['test', 'rules', f('fuzzy-strict.yml')]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('exp: {} 3E-01\n        got: {} 3.0000000000000004E-01');
  });

  it('refuses native histogram input series rather than testing without them', async () => {
    const r = await ours(['test', 'rules', f('histogram-input.yml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('  FAILED:\ninput series up: native histogram samples are not supported\n');
  });

  it('needs a file', async () => {
    const r = await ours(['test', 'rules']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tspromtool: error: required argument 'test-rule-file' not provided, try --help\n");
  });
});
