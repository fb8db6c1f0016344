#!/usr/bin/env node
// Runs every workspace package's tests through turbo, then prints one plain line with the totals
// (`N passed, M failed, K skipped`) summed from the vitest JSON reports each package writes.
// Fails when turbo fails, when a test fails, or when a package with a `test` script left no report
// (a run that was killed or crashed must never read as green).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const groups = ['packages', 'apps', 'tooling', 'examples'];
const reports = [];
for (const group of groups) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'test-results.json');
    const manifest = join(dir, name, 'package.json');
    const hasTests = existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test !== undefined;
    reports.push({ pkg: `${group}/${name}`, file, hasTests });
    rmSync(file, { force: true }); // A stale report must never be counted.
  }
}

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const filtered = process.argv.length > 2; // e.g. --filter=@tsprom/tsdb: other packages do not run.
const args = ['run', 'test', '--continue', '--output-logs=new-only', ...process.argv.slice(2)];
const turbo = spawnSync(join(root, 'node_modules/.bin/turbo'), args, { stdio: 'inherit', env, cwd: root });

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
for (const { pkg, file, hasTests } of reports) {
  if (!existsSync(file)) {
    if (hasTests && !filtered) {
      failed++;
      lines.push(`  ${pkg}: no test report: its tests did not run to the end`);
    }
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  // A test file that fails before any test runs (an interop peer missing in CI throws at import)
  // has no failed test: it counts as one failure of its own.
  const broken = r.testResults.filter(
    (suite) => suite.status === 'failed' && !suite.assertionResults.some((t) => t.status === 'failed'),
  );
  const pkgFailed = r.numFailedTests + broken.length;
  passed += r.numPassedTests;
  failed += pkgFailed;
  skipped += r.numPendingTests + r.numTodoTests;
  lines.push(`  ${pkg}: ${r.numPassedTests} passed, ${pkgFailed} failed, ${r.numPendingTests} skipped`);
  for (const suite of broken) {
    lines.push(`    failed to run: ${relative(root, suite.name)}: ${String(suite.message).split('\n')[0]}`);
  }
  for (const suite of r.testResults) {
    for (const t of suite.assertionResults) {
      if (t.status === 'pending' || t.status === 'skipped') lines.push(`    skipped: ${t.fullName}`);
    }
  }
}
const status = turbo.status ?? 1;
if (status !== 0 && failed === 0) failed = 1; // A package that crashed before reporting still fails.
console.log('\nper package:');
for (const l of lines) console.log(l);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status !== 0 ? status : failed > 0 ? 1 : 0);
