// Prometheus: cmd/promtool/main.go (`promtool test rules`): unit tests for rules, see
// rules-unit-test.ts.
import { checkExistingFiles } from '../existing-files.js';
import { type Command, type CommandIO, UsageError } from '../command.js';
import { rulesUnitTest } from './rules-unit-test.js';

async function run(args: string[], io: CommandIO): Promise<number> {
  const files: string[] = [];
  const runPatterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--run=')) runPatterns.push(a.slice('--run='.length));
    else if (a === '--run') {
      const v = args[++i];
      if (v === undefined) throw new UsageError("expected argument for flag '--run'");
      runPatterns.push(v);
    } else if (a.startsWith('--')) throw new UsageError(`unknown long flag '${a}'`);
    else files.push(a);
  }
  if (files.length === 0) throw new UsageError("required argument 'test-rule-file' not provided");
  await checkExistingFiles(files);
  let runRe: RegExp | undefined;
  if (runPatterns.length > 0) {
    try {
      runRe = new RegExp(runPatterns.join('|'), 'u');
    } catch (err) {
      throw new UsageError(`--run: ${(err as Error).message}`);
    }
  }
  return rulesUnitTest(files, { run: runRe }, io);
}

export const testRules: Command = {
  path: 'test rules',
  summary: 'Unit tests for rules.',
  usage: '[<flags>] <test-rule-file>...',
  flags: [
    {
      flag: '--run=RUN ...',
      help: 'If set, will only run test groups whose names match the regular expression. Can be specified multiple times.',
    },
  ],
  args: [{ arg: '<test-rule-file>', help: 'The unit test file.' }],
  run,
};
