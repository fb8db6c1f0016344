// `pnpm test:compat [--size small|medium|large]`: prints each failure, then `N passed, M failed`;
// exits 1 below 99% (2 on a usage error or when Prometheus is not installed).
import { parseArgs, UsageError } from './cli-args.js';
import { PeerMissingError, runCompat } from './compat.js';
import { MIN_PASS_RATE } from './pass-rate.js';

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2), 'small', false);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`test:compat: ${err.message}\nusage: pnpm test:compat [--size small|medium|large]`);
    return 2;
  }
  try {
    const r = await runCompat(
      args.size,
      (line) => console.log(line),
      (f) => console.log(`FAIL ${f.kind}: ${f.query}\n  ${f.diff}`),
    );
    const total = r.passed + r.failed;
    console.log(`Prometheus answered with data in ${r.withData} of ${total} comparisons`);
    console.log(`${r.passed} passed, ${r.failed} failed`);
    return total > 0 && r.passed / total >= MIN_PASS_RATE ? 0 : 1;
  } catch (err) {
    if (!(err instanceof PeerMissingError)) throw err;
    console.error(`test:compat: ${err.message}`);
    return 2;
  }
}

process.exitCode = await main();
