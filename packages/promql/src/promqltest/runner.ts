// Prometheus: promql/promqltest/test.go (running a test script)
import { Labels } from '@tsprom/labels';
import { type FloatHistogram, isStaleNaN } from '@tsprom/storage-interfaces';
import { Engine, type EngineOptions } from '../engine.js';
import { almostEqual } from '../functions/histogram-quantile.js';
import { exprType, parseExpr, type SequenceValue } from '../parser/index.js';
import { TestStorage } from '../storage/test-storage.js';
import type { QueryValue, Result } from '../value.js';
import { type AtModifierCase, atModifierCases } from './at-modifier.js';
import { floatHistogramString } from '@tsprom/histogram';
import { histogramsMatch } from './histogram-compare.js';
import { classicToNHCB } from './nhcb.js';
import { type EvalCommand, type LoadCommand, parseTestScript, type TestCommand } from './script.js';

const defaultEpsilon = 0.000001;

/** The engine options Prometheus's promqltest harness runs with. */
export const promqltestEngineOptions: EngineOptions = {
  maxSamples: 10000,
  timeoutMs: 100_000,
  lookbackDeltaMs: 300_000,
  enableAtModifier: true,
  enableNegativeOffset: true,
  enableDelayedNameRemoval: true,
  enableExperimentalFunctions: true,
  experimentalDurationExpr: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
  noStepSubqueryIntervalFn: () => 60_000,
};

/** The outcome of one eval statement. */
export interface EvalOutcome {
  line: number;
  expr: string;
  passed: boolean;
  /** Why it failed; '' when it passed. */
  message: string;
  /**
   * Its query reads native-histogram samples, or its expected result holds histograms (counted
   * apart by the conformance run). Only the statement's own query counts, not the wider windows
   * of the extra range-mode and `@` runs.
   */
  nativeHistogram: boolean;
  /** Not {@link nativeHistogram}, but an extra range-mode or `@` run read histogram samples. */
  histogramsOnlyAround: boolean;
  /** The expected result holds native histograms (which this float engine never returns). */
  expectsHistogram: boolean;
}

/** The outcome of a test script. */
export interface ScriptOutcome {
  evals: EvalOutcome[];
  /** A script-level error (syntax, bad load), if the script could not run to its end. */
  error: string | null;
}

/** Options of {@link runTestScript}. */
export interface RunOptions {
  /** Engine options; default {@link promqltestEngineOptions}. */
  engineOptions?: EngineOptions;
  /** Also run instant queries as a 3-step range query and compare the middle step (default true). */
  checkRangeMode?: boolean;
  /**
   * Also run instant queries with `@` set on every selector at other evaluation times, which must
   * give the same result, as Prometheus's harness does (default true).
   */
  checkAtModifier?: boolean;
}

/** Runs a test script (`load`, `clear`, `eval` …) and reports every eval. Never throws for a failed eval. */
export async function runTestScript(text: string, opts: RunOptions = {}): Promise<ScriptOutcome> {
  let cmds: TestCommand[];
  try {
    cmds = parseTestScript(text);
  } catch (err) {
    return { evals: [], error: err instanceof Error ? err.message : String(err) };
  }
  const engine = new Engine(opts.engineOptions ?? promqltestEngineOptions);
  const storage = new TestStorage();
  const evals: EvalOutcome[] = [];
  for (const cmd of cmds) {
    if (cmd.kind === 'clear') {
      storage.clear();
      continue;
    }
    if (cmd.kind === 'load') {
      try {
        loadCommand(storage, cmd);
      } catch (err) {
        return { evals, error: `line ${cmd.line}: ${err instanceof Error ? err.message : String(err)}` };
      }
      continue;
    }
    const seen: HistogramReads = { main: false, other: false };
    let message = '';
    try {
      message = await runEval(engine, storage, cmd, opts.checkRangeMode ?? true, seen, true);
      if (message === '' && cmd.instant && (opts.checkAtModifier ?? true)) {
        message = await runAtModifierCases(engine, storage, cmd, opts.checkRangeMode ?? true, seen);
      }
    } catch (err) {
      message = `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    }
    evals.push({
      line: cmd.line,
      expr: cmd.expr,
      passed: message === '',
      message,
      nativeHistogram: seen.main || expectsHistograms(cmd),
      histogramsOnlyAround: !seen.main && seen.other && !expectsHistograms(cmd),
      expectsHistogram: expectsHistograms(cmd),
    });
  }
  return { evals, error: null };
}

/** Appends the samples of a `load` command (and its NHCB conversions) to the storage. */
function loadCommand(storage: TestStorage, cmd: LoadCommand): void {
  // `name{…}@st` lines give start-timestamp offsets (seconds) for the samples of `name{…}`.
  const stOffsets = new Map<string, SequenceValue[]>();
  for (const s of cmd.series) if (s.startTimestamps) stOffsets.set(s.labels.key(), s.values);
  for (const s of cmd.series) {
    if (s.startTimestamps) continue;
    const sts = stOffsets.get(s.labels.key());
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (v.omitted) continue;
      const t = i * cmd.intervalMs;
      const o = sts?.[i];
      const st = o === undefined || o.omitted ? 0 : t + Math.round(o.value * 1000);
      if (v.histogram !== null) storage.appendHistogram(s.labels, t, v.histogram, st);
      else storage.append(s.labels, t, v.value, st);
    }
  }
  if (cmd.withNHCB) {
    for (const h of classicToNHCB(cmd.series)) {
      for (let i = 0; i < h.values.length; i++) {
        const fh = h.values[i];
        if (fh !== null && fh !== undefined) storage.appendHistogram(h.labels, i * cmd.intervalMs, fh);
      }
    }
  }
}

/**
 * Where histogram samples were read: by the statement's own query (`main`), or only by the extra
 * runs the harness adds (range mode at ±1m, the `@` re-runs), which read a wider window.
 */
interface HistogramReads {
  main: boolean;
  other: boolean;
}

/** The expected result holds native histograms. */
function expectsHistograms(cmd: EvalCommand): boolean {
  return cmd.expected.some((e) => e.values.some((v) => v.histogram !== null));
}

async function runEval(
  engine: Engine,
  storage: TestStorage,
  cmd: EvalCommand,
  checkRange: boolean,
  seen: HistogramReads,
  main: boolean,
): Promise<string> {
  const failExp = cmd.expectations.filter((e) => e.type === 'fail');
  const expectFail = failExp.length > 0;
  let res: Result;
  try {
    const q = cmd.instant
      ? engine.newInstantQuery(storage, cmd.expr, cmd.start)
      : engine.newRangeQuery(storage, cmd.expr, cmd.start, cmd.end, cmd.stepMs);
    res = await q.exec();
    if (res.stats.histogramSamples > 0) {
      if (main) seen.main = true;
      else seen.other = true;
    }
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    if (expectFail) return checkFailure(cmd, err);
    return `error creating query: ${err.message}`;
  }
  if (res.err !== null) {
    if (expectFail) return checkFailure(cmd, res.err);
    return `error evaluating query: ${res.err.message}`;
  }
  if (expectFail) return 'expected error evaluating query but got none';
  const annErr = checkAnnotations(cmd, res);
  if (annErr !== '') return annErr;
  const cmpErr = compareResult(cmd, res.value!);
  if (cmpErr !== '') return cmpErr;
  if (!cmd.instant || !checkRange || cmd.expectations.some((e) => e.type === 'ordered')) return '';
  let t: string;
  try {
    t = exprType(
      parseExpr(cmd.expr, {
        enableExperimentalFunctions: true,
        experimentalDurationExpr: true,
        enableExtendedRangeSelectors: true,
        enableBinopFillModifiers: true,
      }),
    );
  } catch {
    return '';
  }
  if (t !== 'vector' && t !== 'scalar') return '';
  // step(), range(), start() and end() differ between the instant and the range run by design.
  if (/\b(step|range|start|end)\(\s*\)/.test(cmd.expr)) return '';
  // Prometheus also checks that the query gives the same in range mode, at the middle step.
  const rq = engine.newRangeQuery(storage, cmd.expr, cmd.start - 60_000, cmd.start + 60_000, 60_000);
  const rr = await rq.exec();
  if (rr.stats.histogramSamples > 0) seen.other = true;
  if (rr.err !== null) return `error evaluating query in range mode: ${rr.err.message}`;
  if (rr.value?.type !== 'matrix') return 'range mode did not return a matrix';
  const sortErr = matrixSortError(rr.value.matrix);
  if (sortErr !== '') return `range mode: ${sortErr}`;
  const vec = [];
  for (const s of rr.value.matrix) {
    for (let i = 0; i < s.length; i++) {
      if (s.ts[i] === cmd.start) {
        const h = s.histogramAt(i);
        if (h !== undefined) vec.push({ metric: s.metric, t: cmd.start, f: 0, dropName: false, h });
        else vec.push({ metric: s.metric, t: cmd.start, f: s.vs[i]!, dropName: false });
        break;
      }
    }
  }
  const asValue: QueryValue =
    res.value!.type === 'scalar'
      ? { type: 'scalar', scalar: { t: cmd.start, v: vec[0]?.f ?? Number.NaN } }
      : { type: 'vector', vector: vec };
  const e2 = compareResult(cmd, asValue);
  return e2 === '' ? '' : `range mode: ${e2}`;
}

const allFeatures = {
  enableExperimentalFunctions: true,
  experimentalDurationExpr: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

async function runAtModifierCases(
  engine: Engine,
  storage: TestStorage,
  cmd: EvalCommand,
  checkRange: boolean,
  seen: HistogramReads,
): Promise<string> {
  // As in Prometheus, an expected failure must also happen in every `@` re-run.
  let cases: AtModifierCase[];
  try {
    cases = atModifierCases(parseExpr(cmd.expr, allFeatures), cmd.start);
  } catch {
    return '';
  }
  for (const c of cases) {
    const sub: EvalCommand = { ...cmd, expr: c.expr, start: c.evalTime, end: c.evalTime };
    const msg = await runEval(engine, storage, sub, checkRange, seen, false);
    if (msg !== '') return `with @ at ${c.evalTime}ms (${c.expr}): ${msg}`;
  }
  return '';
}

function checkFailure(cmd: EvalCommand, err: Error): string {
  for (const e of cmd.expectations) {
    if (e.type !== 'fail' || e.match === null) continue;
    if (e.match === 'msg' && err.message !== e.text)
      return `expected error ${JSON.stringify(e.text)} but got ${JSON.stringify(err.message)}`;
    if (e.match === 'regex' && !new RegExp(e.text).test(err.message)) {
      return `expected error matching ${JSON.stringify(e.text)} but got ${JSON.stringify(err.message)}`;
    }
  }
  return '';
}

function checkAnnotations(cmd: EvalCommand, res: Result): string {
  const { warnings, infos } = res.warnings.asStrings(cmd.expr);
  for (const [kind, got] of [
    ['warn', warnings],
    ['info', infos],
  ] as const) {
    const exps = cmd.expectations.filter((e) => e.type === kind);
    if (cmd.expectations.some((e) => e.type === `no_${kind}`) && got.length > 0) {
      return `unexpected ${kind} annotations: ${JSON.stringify(got)}`;
    }
    if (exps.length === 0) continue;
    if (got.length === 0) return `expected ${kind} annotations but got none`;
    for (const e of exps) {
      if (e.match === null) continue;
      const ok = got.some((g) => (e.match === 'msg' ? g === e.text : new RegExp(e.text).test(g)));
      if (!ok) return `expected ${kind} annotation ${JSON.stringify(e.text)} but got ${JSON.stringify(got)}`;
    }
    for (const g of got) {
      const ok = exps.some((e) => e.match === null || (e.match === 'msg' ? g === e.text : new RegExp(e.text).test(g)));
      if (!ok) return `unexpected ${kind} annotation ${JSON.stringify(g)}`;
    }
  }
  return '';
}

// Prometheus: util/almost/almost.go Equal (a stale marker equals only a stale marker)
function floatsEqual(exp: number, got: number): boolean {
  if (isStaleNaN(exp) || isStaleNaN(got)) return isStaleNaN(exp) && isStaleNaN(got);
  return almostEqual(exp, got, defaultEpsilon);
}

// Prometheus: promql/promqltest/test.go assertMatrixSorted
function matrixSortError(m: readonly { metric: Labels }[]): string {
  for (let i = 1; i < m.length; i++) {
    const a = m[i - 1]!.metric;
    const b = m[i]!.metric;
    if (Labels.compare(a, b) > 0) {
      return `matrix results should always be sorted by labels, but matrix is not sorted: series at index ${i - 1} with labels ${a.toString()} sorts before series at index ${i} with labels ${b.toString()}`;
    }
  }
  return '';
}

function compareResult(cmd: EvalCommand, v: QueryValue): string {
  const ordered = cmd.expectations.some((e) => e.type === 'ordered');
  switch (v.type) {
    case 'string':
      if (cmd.expectedString === null) return `unexpected string result ${JSON.stringify(v.string.v)}`;
      return v.string.v === cmd.expectedString
        ? ''
        : `expected string ${JSON.stringify(cmd.expectedString)} but got ${JSON.stringify(v.string.v)}`;
    case 'scalar': {
      if (cmd.expectedScalar === null) return `unexpected scalar result ${v.scalar.v}`;
      return floatsEqual(cmd.expectedScalar, v.scalar.v)
        ? ''
        : `expected scalar ${cmd.expectedScalar} but got ${v.scalar.v}`;
    }
    case 'vector': {
      if (cmd.expectedScalar !== null) return 'expected scalar but got vector';
      const exp = new Map<string, { i: number; labels: Labels; v: number; h: FloatHistogram | null }>();
      cmd.expected.forEach((e, i) => {
        const v0 = e.values[0];
        exp.set(e.labels.key(), { i, labels: e.labels, v: v0?.value ?? Number.NaN, h: v0?.histogram ?? null });
      });
      const seen = new Set<string>();
      for (let pos = 0; pos < v.vector.length; pos++) {
        const s = v.vector[pos]!;
        const k = s.metric.key();
        const e = exp.get(k);
        if (e === undefined) return `unexpected metric ${s.metric.toString()} in result, has value ${s.f}`;
        if (ordered && e.i !== pos)
          return `expected metric ${s.metric.toString()} at position ${e.i} but was at ${pos}`;
        if (e.h !== null) {
          if (s.h === undefined) return `expected histogram for ${s.metric.toString()} but got float value ${s.f}`;
          if (!histogramsMatch(e.h, s.h)) {
            return `expected ${floatHistogramString(e.h)} for ${s.metric.toString()} but got ${floatHistogramString(s.h)}`;
          }
        } else if (s.h !== undefined) {
          return `expected float value ${e.v} for ${s.metric.toString()} but got histogram ${floatHistogramString(s.h)}`;
        } else if (!floatsEqual(e.v, s.f)) return `expected ${e.v} for ${s.metric.toString()} but got ${s.f}`;
        seen.add(k);
      }
      for (const [k, e] of exp) if (!seen.has(k)) return `expected metric ${e.labels.toString()} with ${e.v} not found`;
      return '';
    }
    case 'matrix': {
      if (
        cmd.instant &&
        cmd.expectedRangeVector === null &&
        cmd.expected.length > 0 &&
        cmd.expected.every((e) => e.values.length <= 1)
      ) {
        return 'received range result on instant evaluation';
      }
      if (ordered) return 'expected ordered result, but query returned a matrix';
      if (cmd.expectedScalar !== null) return 'expected scalar result, but got matrix';
      const sortErr = matrixSortError(v.matrix);
      if (sortErr !== '') return sortErr;
      const start = cmd.expectedRangeVector?.start ?? cmd.start;
      const end = cmd.expectedRangeVector?.end ?? cmd.end;
      const step = cmd.expectedRangeVector?.stepMs ?? cmd.stepMs;
      const exp = new Map<string, (typeof cmd.expected)[number]>();
      for (const e of cmd.expected) exp.set(e.labels.key(), e);
      const seen = new Set<string>();
      for (const s of v.matrix) {
        const k = s.metric.key();
        const e = exp.get(k);
        if (e === undefined) return `unexpected metric ${s.metric.toString()} in result`;
        seen.add(k);
        const want: [number, number, FloatHistogram | null][] = [];
        let wantHistograms = 0;
        for (let i = 0; i < e.values.length; i++) {
          const t = start + i * step;
          if (t > end)
            return `expected ${e.values.length} points for ${e.labels.toString()}, but query time range cannot return this many points`;
          const ev = e.values[i]!;
          if (ev.histogram !== null) {
            wantHistograms++;
            want.push([t, 0, ev.histogram]);
          } else if (!ev.omitted) want.push([t, ev.value, null]);
        }
        let gotHistograms = 0;
        for (let i = 0; i < s.length; i++) if (s.histogramAt(i) !== undefined) gotHistograms++;
        if (want.length !== s.length || wantHistograms !== gotHistograms) {
          return `expected ${want.length - wantHistograms} float points and ${wantHistograms} histogram points for ${s.metric.toString()}, but got ${s.length - gotHistograms} float points and ${gotHistograms} histogram points: ${JSON.stringify(s.floats())}`;
        }
        for (let i = 0; i < want.length; i++) {
          const [t, f, h] = want[i]!;
          if (s.ts[i] !== t)
            return `expected value at index ${i} for ${s.metric.toString()} to have timestamp ${t}, but it had timestamp ${s.ts[i]}`;
          const gh = s.histogramAt(i);
          if (h !== null) {
            if (gh === undefined)
              return `expected histogram at index ${i} (t=${t}) for ${s.metric.toString()}, but got float ${s.vs[i]}`;
            if (!histogramsMatch(h, gh)) {
              return `expected histogram value at index ${i} (t=${t}) for ${s.metric.toString()} to be ${floatHistogramString(h)}, but got ${floatHistogramString(gh)}`;
            }
          } else if (gh !== undefined) {
            return `expected float value at index ${i} (t=${t}) for ${s.metric.toString()} to be ${f}, but got histogram ${floatHistogramString(gh)}`;
          } else if (!floatsEqual(f, s.vs[i]!))
            return `expected float value at index ${i} (t=${t}) for ${s.metric.toString()} to be ${f}, but got ${s.vs[i]}`;
        }
      }
      for (const [k, e] of exp) if (!seen.has(k)) return `expected metric ${e.labels.toString()} not found`;
      return '';
    }
  }
}
