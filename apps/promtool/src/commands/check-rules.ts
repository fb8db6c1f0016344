// Prometheus: cmd/promtool/main.go CheckRules, checkRules, checkRulesFromStdin, checkRuleGroups,
// checkDuplicates (`promtool check rules`). Parses each rule file as Prometheus loads it (rulefmt),
// counts its rules and, with the duplicate-rules lint, reports rules sharing a name and label set.
// With no file it reads the rules from standard input (Prometheus 3). Exit codes: 1 when a file has
// errors, 3 when the only problems are lint problems and --lint-fatal is set, else 0.
import { readFile } from 'node:fs/promises';
import { compareStrings, Labels } from '@tsprom/labels';
import { parseRules, type RuleFileError, type RuleGroups, RuleFileSyntaxError } from '@tsprom/rules';
import { checkExistingFiles } from '../existing-files.js';
import { type Command, type CommandIO, UsageError } from '../command.js';
import { goError } from '../go-errors.js';
import { readInput } from '../read-input.js';

const SUCCESS = 0;
const FAILURE = 1;
const LINT_ERROR = 3;

/** The lint settings of `--lint` and `--lint-fatal`. */
// Prometheus: cmd/promtool/main.go rulesLintConfig
export interface LintConfig {
  all: boolean;
  duplicateRules: boolean;
  fatal: boolean;
}

interface CheckRulesArgs {
  files: string[];
  lint: LintConfig;
}

/**
 * Takes `--lint`/`--lint=…` and `--lint-fatal` out of `args` (the rest is returned) and makes the
 * lint settings, warning on stdout of an unknown lint option as promtool does.
 */
// Prometheus: cmd/promtool/main.go newRulesLintConfig
export function parseLintFlags(args: readonly string[], io: CommandIO): { lint: LintConfig; rest: string[] } {
  const rest: string[] = [];
  let lint = 'duplicate-rules';
  let fatal = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--lint-fatal') fatal = true;
    else if (a.startsWith('--lint=')) lint = a.slice('--lint='.length);
    else if (a === '--lint') {
      const v = args[++i];
      if (v === undefined) throw new UsageError("expected argument for flag '--lint'");
      lint = v;
    } else rest.push(a);
  }
  const ls: LintConfig = { all: false, duplicateRules: false, fatal };
  for (const setting of lint.split(',')) {
    if (setting === 'all') ls.all = true;
    else if (setting === 'duplicate-rules') ls.duplicateRules = true;
    else if (setting !== 'none') io.stdout(`WARNING: unknown lint option ${setting}\n`);
  }
  return { lint: ls, rest };
}

function parseArgs(args: string[], io: CommandIO): CheckRulesArgs {
  const { lint, rest } = parseLintFlags(args, io);
  for (const a of rest) if (a.startsWith('--')) throw new UsageError(`unknown long flag '${a}'`);
  return { files: rest, lint };
}

/** A rule's identity for the duplicate lint: its alert or record name and its labels. */
interface RuleIdentity {
  metric: string;
  labels: Labels;
}

function compareIdentity(a: RuleIdentity, b: RuleIdentity): number {
  const c = compareStrings(a.metric, b.metric);
  return c !== 0 ? c : Labels.compare(a.labels, b.labels);
}

/** The rules that share a name and label set with another, one entry per such pair. */
// Prometheus: cmd/promtool/main.go checkDuplicates
export function checkDuplicates(rgs: RuleGroups): RuleIdentity[] {
  const rules: RuleIdentity[] = [];
  for (const g of rgs.groups) {
    for (const r of g.rules) rules.push({ metric: r.alert ?? r.record ?? '', labels: Labels.fromMap(r.labels) });
  }
  const duplicates: RuleIdentity[] = [];
  if (rules.length < 2) return duplicates;
  rules.sort(compareIdentity);
  let last = rules[0]!;
  for (let i = 1; i < rules.length; i++) {
    const r = rules[i]!;
    // A rule written three times is one duplicate, as promtool counts it.
    if (
      compareIdentity(last, r) === 0 &&
      (duplicates.length === 0 || compareIdentity(last, duplicates.at(-1)!) !== 0)
    ) {
      duplicates.push(r);
    }
    last = r;
  }
  return duplicates;
}

/** The lint problem of promtool's checkRuleGroups, or undefined. */
// Prometheus: cmd/promtool/main.go checkRuleGroups
function lintRuleGroups(rgs: RuleGroups, ls: LintConfig): string | undefined {
  if (!(ls.all || ls.duplicateRules)) return undefined;
  const dups = checkDuplicates(rgs);
  if (dups.length === 0) return undefined;
  let msg = `${dups.length} duplicate rule(s) found.\n`;
  for (const d of dups) {
    msg += `Metric: ${d.metric}\nLabel(s):\n`;
    d.labels.forEach((name, value) => {
      msg += `\t${name}: ${value}\n`;
    });
  }
  return `lint error ${msg}Might cause inconsistency while recording expressions`;
}

/**
 * rulefmt.Parse's errors as Prometheus lists them. Malformed YAML fails both of its decodings (the
 * strict one into the groups and the one into YAML nodes), so Prometheus reports it twice.
 */
function parseErrors(errors: readonly RuleFileError[]): RuleFileError[] {
  const [first] = errors;
  if (errors.length === 1 && first instanceof RuleFileSyntaxError && /^yaml: line \d+:/.test(first.detail)) {
    return [first, first];
  }
  return [...errors];
}

/** What checking rule files found: any problem, and any that is not a lint problem. */
export interface Outcome {
  failed: boolean;
  hasErrors: boolean;
}

/** Checks one file's (or stdin's) text, printing promtool's lines after `Checking …`. */
function checkText(text: string, file: string | undefined, ls: LintConfig, io: CommandIO): Outcome {
  const { groups, errors } = parseRules(text);
  if (errors.length > 0) {
    io.stderr('  FAILED:\n');
    for (const e of parseErrors(errors)) io.stderr(`${file === undefined ? e.detail : `${file}: ${e.detail}`}\n`);
    // Prometheus 3 moves on to the next file without the blank line (2.42 printed one).
    return { failed: true, hasErrors: true };
  }
  const rgs = groups ?? { groups: [] };
  const lint = lintRuleGroups(rgs, ls);
  if (lint !== undefined) io.stderr(`  FAILED:\n${lint}\n`);
  else io.stdout(`  SUCCESS: ${rgs.groups.reduce((n, g) => n + g.rules.length, 0)} rules found\n`);
  io.stdout('\n');
  return { failed: lint !== undefined, hasErrors: false };
}

async function run(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, io);
  await checkExistingFiles(args.files);
  let failed = false;
  let hasErrors = false;
  const note = (o: Outcome): void => {
    failed ||= o.failed;
    hasErrors ||= o.hasErrors;
  };
  if (args.files.length === 0) {
    io.stdout('Checking standard input\n');
    let text: string;
    try {
      text = new TextDecoder().decode(await readInput(io));
    } catch (err) {
      io.stderr(`  FAILED: ${goError(err)}\n`);
      return FAILURE;
    }
    note(checkText(text, undefined, args.lint, io));
  } else note(await checkRuleFiles(args.files, args.lint, io));
  return exitCode(failed, hasErrors, args.lint);
}

/** promtool's exit code: 1 for errors, 3 for lint problems alone under --lint-fatal, else 0. */
export function exitCode(failed: boolean, hasErrors: boolean, ls: LintConfig): number {
  if (failed && hasErrors) return FAILURE;
  if (failed && ls.fatal) return LINT_ERROR;
  return SUCCESS;
}

/** Checks rule files in order, printing `Checking <file>` and what it found for each. */
// Prometheus: cmd/promtool/main.go checkRules
export async function checkRuleFiles(files: readonly string[], ls: LintConfig, io: CommandIO): Promise<Outcome> {
  const out: Outcome = { failed: false, hasErrors: false };
  for (const f of files) {
    io.stdout(`Checking ${f}\n`);
    let o: Outcome;
    try {
      o = checkText(await readFile(f, 'utf8'), f, ls, io);
    } catch (err) {
      io.stderr(`  FAILED:\n${f}: read ${f}: ${goError(err)}\n`);
      o = { failed: true, hasErrors: true };
    }
    out.failed ||= o.failed;
    out.hasErrors ||= o.hasErrors;
  }
  return out;
}

export const checkRules: Command = {
  path: 'check rules',
  summary: 'Check if the rule files are valid or not.',
  usage: '[<flags>] [<rule-files>...]',
  flags: [
    {
      flag: '--lint="duplicate-rules"',
      help: 'Linting checks to apply. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting',
    },
    { flag: '--lint-fatal', help: 'Make lint errors exit with exit code 3.' },
  ],
  args: [{ arg: '<rule-files>', help: 'The rule files to check, default is read from standard input.' }],
  run,
};
