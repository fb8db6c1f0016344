// Runs Prometheus's promqltest files against this engine and reports the pass rate. The caller
// reads the files: `tspromtool promql conformance DIR` (root script `pnpm conformance DIR`) does.
import { type EvalOutcome, type RunOptions, runTestScript } from './runner.js';

/** One test file to run. */
export interface ConformanceFile {
  name: string;
  text: string;
}

/** Figures of one file. */
export interface FileFigures {
  name: string;
  passed: number;
  failed: number;
  nativeHistogram: number;
  /** Native-histogram statements that pass. */
  nativeHistogramPassed: number;
  error: string | null;
  failures: EvalOutcome[];
}

/** Figures of a conformance run. Native-histogram statements count in passed/failed like the rest. */
export interface ConformanceReport {
  files: FileFigures[];
  passed: number;
  failed: number;
  /** Statements about native histograms (included in passed/failed), and how many of them pass. */
  nativeHistogram: number;
  nativeHistogramPassed: number;
  /** Counted statements whose only histogram reads came from the extra range-mode or `@` runs. */
  histogramsOnlyAround: number;
  percent: number;
}

/** Runs every file and counts eval statements; those about native histograms are also counted apart. */
export async function runConformance(files: ConformanceFile[], opts: RunOptions = {}): Promise<ConformanceReport> {
  const out: FileFigures[] = [];
  let passed = 0;
  let failed = 0;
  let nh = 0;
  let nhPassed = 0;
  let around = 0;
  for (const f of files) {
    const res = await runTestScript(f.text, opts);
    const fig: FileFigures = {
      name: f.name,
      passed: 0,
      failed: 0,
      nativeHistogram: 0,
      nativeHistogramPassed: 0,
      error: res.error,
      failures: [],
    };
    for (const e of res.evals) {
      if (e.histogramsOnlyAround) around++;
      if (e.nativeHistogram) {
        fig.nativeHistogram++;
        if (e.passed) fig.nativeHistogramPassed++;
      }
      if (e.passed) fig.passed++;
      else {
        fig.failed++;
        fig.failures.push(e);
      }
    }
    // Eval statements a script error kept from running count as failed, not as absent.
    const notRun = countEvalStatements(f.text) - res.evals.length;
    if (notRun > 0) {
      fig.failed += notRun;
      fig.failures.push({
        line: 0,
        expr: `(${notRun} eval statements not run)`,
        passed: false,
        message: `script error: ${res.error ?? 'unknown'}`,
        nativeHistogram: false,
        histogramsOnlyAround: false,
        expectsHistogram: false,
      });
    }
    passed += fig.passed;
    failed += fig.failed;
    nh += fig.nativeHistogram;
    nhPassed += fig.nativeHistogramPassed;
    out.push(fig);
  }
  const total = passed + failed;
  return {
    files: out,
    passed,
    failed,
    nativeHistogram: nh,
    nativeHistogramPassed: nhPassed,
    histogramsOnlyAround: around,
    percent: total === 0 ? 100 : (100 * passed) / total,
  };
}

/** The number of eval statements (lines starting with `eval`) of a script, run or not. */
export function countEvalStatements(text: string): number {
  let n = 0;
  for (const l of text.split('\n')) if (/^\s*eval[\s_]/i.test(l)) n++;
  return n;
}

/** A failure message with numbers and quoted parts blurred, to group similar failures. */
function groupKey(msg: string): string {
  return msg
    .split('\n')[0]!
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\{[^}]*\}/g, '{…}')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, 'N')
    .slice(0, 110);
}

/** The report as text: per-file figures, grouped failures, and the final `conformance:` line. */
export function formatConformance(r: ConformanceReport, maxExamples = 3): string {
  const lines: string[] = [];
  for (const f of r.files) {
    const t = f.passed + f.failed;
    const pct = t === 0 ? 100 : (100 * f.passed) / t;
    lines.push(
      `${f.name}: ${f.passed} passed, ${f.failed} failed (${pct.toFixed(1)}%), native-histogram statements: ${f.nativeHistogram} (${f.nativeHistogramPassed} pass)${f.error !== null ? `, script error: ${f.error}` : ''}`,
    );
  }
  const groups = new Map<string, { n: number; examples: string[] }>();
  for (const f of r.files) {
    for (const e of f.failures) {
      const k = groupKey(e.message);
      let g = groups.get(k);
      if (g === undefined) {
        g = { n: 0, examples: [] };
        groups.set(k, g);
      }
      g.n++;
      if (g.examples.length < maxExamples)
        g.examples.push(`${f.name}:${e.line} ${e.expr}\n      ${e.message.split('\n')[0]}`);
    }
  }
  if (groups.size > 0) {
    lines.push('', 'failures by kind:');
    for (const [k, g] of [...groups].sort((a, b) => b[1].n - a[1].n)) {
      lines.push(`  ${g.n} × ${k}`);
      for (const ex of g.examples) lines.push(`    ${ex}`);
    }
  }
  lines.push(
    '',
    `native-histogram statements (the query reads histogram samples or the expected result holds histograms): ${r.nativeHistogram}, counted in the figure; ${r.nativeHistogramPassed} pass`,
    `statements whose only histogram reads were in the extra range-mode or @ runs: ${r.histogramsOnlyAround}`,
  );
  lines.push(
    `conformance: ${r.percent.toFixed(2)}% of ${r.passed + r.failed} eval statements pass (failing: ${r.failed})`,
  );
  return lines.join('\n');
}
