// `tspromtool promql test FILE...`: runs PromQL test-DSL scripts (Prometheus promqltest format).
import { readFile } from 'node:fs/promises';
import { countEvalStatements, runTestScript } from '@tsprom/promql/testing';
import { type Command, UsageError } from '../command.js';

/** Runs each file's eval statements and ends with `N passed, M failed`. Exit code 1 if any failed. */
export const promqlTest: Command = {
  path: 'promql test',
  summary: 'Run PromQL test-DSL scripts (load / clear / eval) against the engine.',
  usage: '<test-file>...',
  args: [{ arg: '<test-file>...', help: 'The test scripts (Prometheus promqltest format).' }],
  async run(args, io) {
    const files = args.filter((a) => !a.startsWith('-'));
    if (files.length === 0) throw new UsageError('promql test: at least one FILE is required');
    let passed = 0;
    let failed = 0;
    let broken = 0;
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        io.stderr(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
        broken++;
        continue;
      }
      const res = await runTestScript(text);
      // A script error stops the file: the eval statements it did not reach count as failed.
      const unreached = res.error === null ? 0 : Math.max(0, countEvalStatements(text) - res.evals.length);
      if (res.error !== null) {
        io.stderr(`${file}: ${res.error}\n`);
        broken++;
      }
      let filePassed = 0;
      for (const e of res.evals) {
        if (e.passed) {
          filePassed++;
          continue;
        }
        io.stdout(`FAIL ${file}:${e.line}: ${e.expr}\n  ${e.message.split('\n').join('\n  ')}\n`);
      }
      const fileFailed = res.evals.length - filePassed + unreached;
      passed += filePassed;
      failed += fileFailed;
      io.stdout(`${file}: ${filePassed} passed, ${fileFailed} failed\n`);
    }
    io.stdout(`${passed} passed, ${failed} failed\n`);
    return failed === 0 && broken === 0 ? 0 : 1;
  },
};
