// `tspromtool check rules` against Debian's `promtool check rules` (2.42): same stdout, stderr and
// exit code for the rule files in src/testdata/rules. Where Prometheus 3 (which tsprom follows)
// prints otherwise than 2.42, only that difference is normalized, each named in `as3`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const PROMTOOL = '/usr/bin/promtool';
const have = existsSync(PROMTOOL);
if (!have && process.env.CI) throw new Error(`${PROMTOOL} is missing (required when CI is set)`);

const dir = relative(process.cwd(), fileURLToPath(new URL('../testdata/rules/', import.meta.url)));
const f = (name: string): string => `${dir}/${name}`;

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

async function ours(args: string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => new TextEncoder().encode(stdin ?? ''),
  });
  return { stdout, stderr, code };
}

function theirs(args: string[]): Run {
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

/**
 * promtool 2.42's output as Prometheus 3 prints it:
 * - a file that fails to parse is followed by no blank line (3's checkRules `continue`s past it);
 * - the strict YAML decoding names the rule type `rulefmt.Rule` (2.42 decoded into `rulefmt.RuleNode`);
 * - the program calls itself tspromtool.
 */
function as3(r: Run, failingFiles: readonly string[]): Run {
  let stdout = r.stdout;
  for (const file of failingFiles) stdout = stdout.replace(`Checking ${file}\n\n`, `Checking ${file}\n`);
  const stderr = r.stderr.replaceAll('rulefmt.RuleNode', 'rulefmt.Rule').replace(/^promtool: /, 'tspromtool: ');
  return { stdout, stderr, code: r.code };
}

describe.runIf(have)('tspromtool check rules matches promtool 2.42', () => {
  // [arguments, files among them that fail to parse]
  const cases: [string[], string[]][] = [
    [[f('good.yml')], []],
    [[f('dup.yml')], []],
    [['--lint-fatal', f('dup.yml')], []],
    [['--lint=none', f('dup.yml')], []],
    [['--lint=all', '--lint-fatal', f('dup.yml')], []],
    [['--lint=bogus,duplicate-rules', f('dup.yml')], []],
    [[f('bad-expr.yml')], [f('bad-expr.yml')]],
    [[f('bad-fields.yml')], [f('bad-fields.yml')]],
    [[f('bad-type.yml')], [f('bad-type.yml')]],
    [[f('unknown-field.yml')], [f('unknown-field.yml')]],
    [['--lint-fatal', f('good.yml'), f('bad-expr.yml'), f('dup.yml')], [f('bad-expr.yml')]],
    [[f('good.yml'), f('missing.yml')], []],
    [[f('good.yml'), dir], []],
  ];
  it.each(cases)('check rules %j', async (args, failing) => {
    const want = as3(theirs(['check', 'rules', ...args]), failing);
    const got = await ours(['check', 'rules', ...args]);
    expect(got).toEqual(want);
  });

  it.each([
    [[f('config-rules.yml')], []],
    [['--lint-fatal', f('config-rules.yml')], []],
    [['--lint=none', f('config-rules.yml'), f('config-rules-bad.yml')], [f('bad-expr.yml')]],
    [['--syntax-only', f('config-rules-bad.yml')], []],
  ])('check config %j checks the rule files it names', async (args, failing) => {
    // promtool 2.42's check config indented each rule file error by five spaces; Prometheus 3
    // prints them as check rules does.
    const want = as3(theirs(['check', 'config', ...args]), failing);
    want.stderr = want.stderr.replace(/^ {5}/gm, '');
    expect(await ours(['check', 'config', ...args])).toEqual(want);
  });

  it('reports malformed YAML twice, as rulefmt.Parse fails both its decodings', async () => {
    // The YAML parsers word the error differently (and 2.42 counts the line from the block's
    // start): only the shape of the report is compared.
    const file = f('bad-yaml.yml');
    const want = as3(theirs(['check', 'rules', file]), [file]);
    const got = await ours(['check', 'rules', file]);
    expect({ stdout: got.stdout, code: got.code }).toEqual({ stdout: want.stdout, code: want.code });
    for (const r of [want, got]) {
      const lines = r.stderr.split('\n');
      expect(lines[0]).toBe('  FAILED:');
      expect(lines[1]).toMatch(new RegExp(`^${file}: yaml: line \\d+: `));
      expect(lines[2]).toBe(lines[1]);
    }
  });
});

describe('tspromtool check rules', () => {
  it('reads the rules from standard input without a file (Prometheus 3)', async () => {
    expect(await ours(['check', 'rules'], readFileSync(f('good.yml'), 'utf8'))).toEqual({
      stdout: 'Checking standard input\n  SUCCESS: 2 rules found\n\n',
      stderr: '',
      code: 0,
    });
    expect(await ours(['check', 'rules', '--lint-fatal'], readFileSync(f('dup.yml'), 'utf8'))).toMatchObject({
      stdout: 'Checking standard input\n\n',
      code: 3,
    });
  });

  it('names no file in the errors of standard input', async () => {
    const r = await ours(
      ['check', 'rules'],
      'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Checking standard input\n');
    expect(r.stderr).toMatch(
      /^ {2}FAILED:\n5:15: group "g", rule 1, "x": could not parse expression: 1:5: parse error: /,
    );
  });

  it('accepts UTF-8 rule names, as Prometheus 3 does', async () => {
    const r = await ours(
      ['check', 'rules'],
      'groups:\n  - name: g\n    rules:\n      - record: "a.b c"\n        expr: up\n',
    );
    expect(r).toEqual({ stdout: 'Checking standard input\n  SUCCESS: 1 rules found\n\n', stderr: '', code: 0 });
  });
});
