// Rule unit tests (`promtool test rules`): each test group loads its input series into an
// in-memory TSDB, evaluates the rule groups every evaluation_interval up to its last eval_time with
// a fake clock (the evaluation time), compares the firing alerts at each alert test's eval_time,
// and then runs its PromQL tests over what the inputs and the rules wrote.
// Prometheus: cmd/promtool/unittest.go RulesUnitTestResult, ruleUnitTest, testGroup.test
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { formatDuration, glob } from '@tsprom/config';
import { Labels } from '@tsprom/labels';
import { Engine, ParseErrors, parseSeriesDesc, type SequenceValue, type Vector } from '@tsprom/promql';
import { AlertingRule, AlertState, engineQueryFunc, type Group, Manager, RuleFileErrors } from '@tsprom/rules';
import { DB } from '@tsprom/tsdb';
import type { CommandIO } from '../command.js';
import { goError } from '../go-errors.js';
import { nodeGlobFS } from '../glob-fs.js';
import { goDuration, goQuote } from '../go-format.js';
import { type AlertTestCase, parseUnitTestFile, type TestGroup, UnitTestFileError } from './unit-test-file.js';
import {
  compareAlerts,
  formatAlerts,
  formatSamples,
  type LabelsAndAnnotations,
  type ParsedSample,
} from './unit-test-report.js';

/** Options of {@link rulesUnitTest}. */
export interface RulesUnitTestOptions {
  /** Only test groups whose name matches (`--run`, Prometheus 3). */
  run?: RegExp;
}

/**
 * Runs the unit tests of `files`, printing promtool's report to `io`. Resolves to the exit code:
 * 0 when every test passed, 1 otherwise.
 */
// Prometheus: cmd/promtool/unittest.go RulesUnitTestResult
export async function rulesUnitTest(
  files: readonly string[],
  opts: RulesUnitTestOptions,
  io: CommandIO,
): Promise<number> {
  let failed = false;
  for (const f of files) {
    const errs = await ruleUnitTest(f, opts, io);
    if (errs.length > 0) {
      io.stderr('  FAILED:\n');
      for (const e of errs) {
        io.stderr(`${e}\n`);
        io.stdout('\n');
      }
      failed = true;
    } else io.stdout('  SUCCESS\n');
    io.stdout('\n');
  }
  return failed ? 1 : 0;
}

/** The test file's rule files, relative to its directory, globbed. */
// Prometheus: cmd/promtool/unittest.go resolveAndGlobFilepaths
async function resolveRuleFiles(baseDir: string, ruleFiles: readonly string[], io: CommandIO): Promise<string[]> {
  const out: string[] = [];
  for (const rf of ruleFiles) {
    const p = rf !== '' && !isAbsolute(rf) ? join(baseDir, rf) : rf;
    const m = await glob(p, nodeGlobFS);
    if (m.length === 0) io.stderr(`  WARNING: no file match pattern ${p}\n`);
    out.push(...m);
  }
  return out;
}

/** One test file: its messages of failure (none when it passed). */
// Prometheus: cmd/promtool/unittest.go ruleUnitTest
async function ruleUnitTest(filename: string, opts: RulesUnitTestOptions, io: CommandIO): Promise<string[]> {
  io.stdout(`Unit Testing:  ${filename}\n`);
  let file: ReturnType<typeof parseUnitTestFile>;
  try {
    file = parseUnitTestFile(await readFile(filename, 'utf8'));
  } catch (err) {
    if (err instanceof UnitTestFileError) return [err.message];
    return [`open ${filename}: ${goError(err)}`];
  }
  const ruleFiles = await resolveRuleFiles(dirname(filename), file.ruleFiles, io);
  const evalIntervalMs = file.evaluationIntervalMs === 0 ? 60_000 : file.evaluationIntervalMs;
  // Groups named in group_eval_order run in that order; the others first, in file order.
  const groupOrder = new Map<string, number>();
  for (const [i, name] of file.groupEvalOrder.entries()) {
    if (groupOrder.has(name)) return [`group name repeated in evaluation order: ${name}`];
    groupOrder.set(name, i);
  }
  const errs: string[] = [];
  for (const tg of file.tests) {
    if (opts.run !== undefined && !opts.run.test(tg.name)) continue;
    // Prometheus 3 defaults a group's interval to evaluation_interval (2.42 left it 0: every
    // sample at the start time).
    if (tg.intervalMs === 0) tg.intervalMs = evalIntervalMs;
    errs.push(...(await runTestGroup(tg, evalIntervalMs, groupOrder, file.fuzzyCompare, ruleFiles)));
  }
  return errs;
}

/** An input series: its labels and float samples (ms, value). */
interface InputSeries {
  labels: Labels;
  ts: Float64Array;
  /** A typed array: a plain array of numbers may lose the stale marker's NaN payload. */
  vs: Float64Array;
  /** Samples appended so far. */
  next: number;
}

/**
 * The input series as promqltest's `load` reads them, with the series line of the load script as
 * the error's line (the first series is line 2, after `load <interval>`).
 */
// Prometheus: cmd/promtool/unittest.go testGroup.seriesLoadingString; promql/promqltest parseLoad
function loadSeries(tg: TestGroup): InputSeries[] {
  const byKey = new Map<string, InputSeries>();
  for (const [i, is] of tg.inputSeries.entries()) {
    const line = `${is.series} ${is.values}`.trim();
    let values: SequenceValue[];
    let labels: Labels;
    try {
      ({ labels, values } = parseSeriesDesc(line));
    } catch (err) {
      if (!(err instanceof ParseErrors) || err.errors[0] === undefined) throw err;
      const m = /^(\d+):(\d+): (.*)$/s.exec(err.message);
      throw new UnitTestFileError(m === null ? err.message : `${Number(m[1]) + i + 1}:${m[2]}: ${m[3]}`, {
        cause: err,
      });
    }
    // The engine evaluates floats only: a test over native histograms could not mean what it says.
    if (values.some((v) => v.histogram !== null)) {
      throw new UnitTestFileError(`input series ${is.series}: native histogram samples are not supported`);
    }
    let n = 0;
    for (const v of values) if (!v.omitted) n++;
    const s: InputSeries = { labels, ts: new Float64Array(n), vs: new Float64Array(n), next: 0 };
    n = 0;
    for (let j = 0; j < values.length; j++) {
      const v = values[j]!;
      if (v.omitted) continue;
      s.ts[n] = tg.startTimestampMs + j * tg.intervalMs;
      s.vs[n++] = v.value;
    }
    // A series written twice keeps its last line, as the load command's map does.
    byKey.set(labels.key(), s);
  }
  return [...byKey.values()];
}

/** Appends the input samples at or before `tMs` not appended yet. */
// Prometheus: promql/promqltest LazyLoader.appendTill
async function appendTill(db: DB, series: readonly InputSeries[], tMs: number): Promise<void> {
  const app = db.appender();
  for (const s of series) {
    let ref = 0;
    while (s.next < s.ts.length && s.ts[s.next]! <= tMs) {
      ref = app.append(ref, s.labels, s.ts[s.next]!, s.vs[s.next]!);
      s.next++;
    }
  }
  await app.commit();
}

/** The latest eval_time of the group's tests. */
function maxEvalTime(tg: TestGroup): number {
  let max = 0;
  for (const a of tg.alertRuleTests) max = Math.max(max, a.evalTimeMs);
  for (const p of tg.promqlExprTests) max = Math.max(max, p.evalTimeMs);
  return max;
}

/** The firing alerts of the rules named `name`, across groups. */
function firingAlerts(groups: readonly Group[], name: string): LabelsAndAnnotations[] {
  const out: LabelsAndAnnotations[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      if (!(r instanceof AlertingRule) || r.name !== name) continue;
      for (const a of r.activeAlerts()) {
        if (a.state === AlertState.Firing) out.push({ labels: a.labels, annotations: Labels.fromArray(a.annotations) });
      }
    }
  }
  return out;
}

/** Runs one test group; returns its failure messages. */
// Prometheus: cmd/promtool/unittest.go testGroup.test
async function runTestGroup(
  tg: TestGroup,
  evalIntervalMs: number,
  groupOrder: ReadonlyMap<string, number>,
  fuzzyCompare: boolean,
  ruleFiles: readonly string[],
): Promise<string[]> {
  let input: InputSeries[];
  try {
    input = loadSeries(tg);
  } catch (err) {
    if (err instanceof UnitTestFileError) return [err.message];
    throw err;
  }
  // The engine of promqltest's LazyLoader, with the `@` modifier and negative offsets enabled as
  // promtool enables them.
  const engine = new Engine({
    maxSamples: 10000,
    timeoutMs: 100_000,
    enableAtModifier: true,
    enableNegativeOffset: true,
    noStepSubqueryIntervalFn: () => evalIntervalMs,
  });
  const db = await DB.open();
  try {
    const queryFunc = engineQueryFunc(engine, db);
    const manager = new Manager({ queryFunc, appendable: db, queryable: db });
    let groupsMap: Map<string, Group>;
    try {
      groupsMap = await manager.loadGroups(tg.intervalMs, Labels.fromMap(tg.externalLabels), tg.externalURL, ruleFiles);
    } catch (err) {
      if (err instanceof RuleFileErrors) return err.errors.map((e) => e.message);
      throw err;
    }
    const groups = [...groupsMap.values()]
      .map((g, i) => ({ g, i }))
      .sort((a, b) => (groupOrder.get(a.g.name) ?? 0) - (groupOrder.get(b.g.name) ?? 0) || a.i - b.i)
      .map(({ g }) => g);

    const mint = tg.startTimestampMs;
    const maxt = mint + maxEvalTime(tg);
    const alertTests = new Map<number, AlertTestCase[]>();
    for (const a of tg.alertRuleTests) {
      if (a.alertname === '') {
        const where = tg.name !== '' ? ` (in TestGroup ${tg.name})` : '';
        return [
          `an item under alert_rule_test misses required attribute alertname at eval_time ${formatDuration(a.evalTimeMs)}${where}`,
        ];
      }
      const list = alertTests.get(a.evalTimeMs) ?? [];
      list.push(a);
      alertTests.set(a.evalTimeMs, list);
    }
    const alertEvalTimes = [...alertTests.keys()].sort((a, b) => a - b);
    let curr = 0;

    // Alerting rules count as restored, so that they write ALERTS series from the first evaluation.
    for (const g of groups) for (const r of g.rules) if (r instanceof AlertingRule) r.restored = true;

    const errs: string[] = [];
    const testName = tg.name !== '' ? `    name: ${tg.name},\n` : '';
    for (let ts = mint; ts <= maxt; ts += evalIntervalMs) {
      await appendTill(db, input, ts);
      const evalErrs: string[] = [];
      for (const g of groups) {
        await g.eval(ts);
        for (const r of g.rules) {
          if (r.lastError !== undefined) {
            evalErrs.push(`    rule: ${r.name}, time: ${goDuration(ts - mint)}, err: ${r.lastError.message}`);
          }
        }
      }
      errs.push(...evalErrs);
      // Evaluation errors end the group's test here; failed comparisons do not.
      if (evalErrs.length > 0) return errs;

      // Alerts tested at an eval_time in [ts, ts+interval) are compared with the evaluation at ts.
      while (curr < alertEvalTimes.length) {
        const t = alertEvalTimes[curr]!;
        if (!(ts - mint <= t && t < ts + evalIntervalMs - mint)) break;
        for (const tc of alertTests.get(t)!) {
          const got = firingAlerts(groups, tc.alertname);
          const exp = tc.expAlerts.map((a) => ({
            labels: Labels.fromMap({ ...a.expLabels, alertname: tc.alertname }),
            annotations: Labels.fromMap(a.expAnnotations),
          }));
          got.sort(compareAlerts);
          exp.sort(compareAlerts);
          const same =
            got.length === exp.length &&
            got.every((g, i) => g.labels.equals(exp[i]!.labels) && g.annotations.equals(exp[i]!.annotations));
          if (!same) {
            errs.push(
              `${testName}    alertname: ${tc.alertname}, time: ${formatDuration(tc.evalTimeMs)}, \n` +
                `        exp:${formatAlerts(exp, '            ')}, \n        got:${formatAlerts(got, '            ')}`,
            );
          }
        }
        curr++;
      }
    }

    for (const tc of tg.promqlExprTests) {
      const at = `    expr: ${goQuote(tc.expr)}, time: ${formatDuration(tc.evalTimeMs)}`;
      let got: Vector;
      try {
        got = await queryFunc(tc.expr, mint + tc.evalTimeMs);
      } catch (err) {
        errs.push(`${at}, err: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const exp: ParsedSample[] = [];
      let bad: string | undefined;
      for (const s of tc.expSamples) {
        try {
          exp.push({ labels: s.labels === '' ? Labels.EMPTY : parseSeriesDesc(s.labels).labels, value: s.value });
        } catch (err) {
          if (!(err instanceof ParseErrors)) throw err;
          bad = `${at}, err: labels ${goQuote(s.labels)}: ${err.message}`;
          break;
        }
      }
      if (bad !== undefined) {
        errs.push(bad);
        continue;
      }
      const gotSamples: ParsedSample[] = got.map((s) => ({ labels: s.metric, value: s.f }));
      const byLabels = (a: ParsedSample, b: ParsedSample): number => Labels.compare(a.labels, b.labels);
      exp.sort(byLabels);
      gotSamples.sort(byLabels);
      const same =
        exp.length === gotSamples.length &&
        exp.every(
          (e, i) => e.labels.equals(gotSamples[i]!.labels) && floatsEqual(e.value, gotSamples[i]!.value, fuzzyCompare),
        );
      if (!same) {
        errs.push(`${at},\n        exp: ${formatSamples(exp)}\n        got: ${formatSamples(gotSamples)}`);
      }
    }
    return errs;
  } finally {
    await db.close();
  }
}

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);

/**
 * Go's `==` on float64 (NaN equals nothing, -0 equals 0); with fuzzy_compare, floats one unit in
 * the last place apart are equal too.
 */
function floatsEqual(a: number, b: number, fuzzy: boolean): boolean {
  if (a === b) return true;
  if (!fuzzy || Number.isNaN(a) || Number.isNaN(b) || Math.sign(a) !== Math.sign(b)) return false;
  f64[0] = a;
  const ba = u64[0]!;
  f64[0] = b;
  const bb = u64[0]!;
  const d = ba - bb;
  return d === 1n || d === -1n;
}
