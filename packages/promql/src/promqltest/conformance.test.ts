import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConformance, runConformance } from './conformance.js';

// Prometheus's own promqltest files, in ../shared next to the repository root (never copied into
// it). Skipped with the reason in its name when they are missing; fails instead in CI.
const dir = join(import.meta.dirname, '../../../../../shared/promql-testdata');
const present = existsSync(dir);

describe('conformance with Prometheus promqltest files', () => {
  if (!present && !process.env.CI) {
    it.skip(`skipped: ${dir} is missing`, () => {});
    return;
  }
  it('passes every statement, native-histogram ones included', { timeout: 900_000 }, async () => {
    expect(present, `${dir} is missing (required when CI is set)`).toBe(true);
    const names = readdirSync(dir).filter((n) => n.endsWith('.test'));
    const report = await runConformance(names.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') })));
    const text = formatConformance(report);
    expect(text).toMatch(/conformance: \d+\.\d\d% of \d+ eval statements pass \(failing: \d+\)/);
    const total = report.passed + report.failed;
    expect(total).toBeGreaterThan(1900);
    // Statements about floats only all pass, and so do the native-histogram ones.
    expect(report.passed - report.nativeHistogramPassed).toBe(total - report.nativeHistogram);
    expect(report.nativeHistogramPassed).toBe(report.nativeHistogram);
    expect(report.failed, text).toBe(0);
  });
});
