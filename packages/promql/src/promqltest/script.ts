// Prometheus: promql/promqltest/test.go (parsing of the test scripting language)
import type { Labels } from '@tsprom/labels';
import { parseDuration, parseSeriesDesc, type SequenceValue } from '../parser/index.js';

/** `load <interval>`: series and values to add. */
export interface LoadCommand {
  kind: 'load';
  line: number;
  intervalMs: number;
  /** `load_with_nhcb`: classic histograms also loaded as native histograms with custom buckets. */
  withNHCB: boolean;
  /** `startTimestamps`: a `name{…}@st` line, whose values are start-timestamp offsets in seconds. */
  series: { labels: Labels; values: SequenceValue[]; line: number; startTimestamps: boolean }[];
}

/** `clear`: drop all data. */
export interface ClearCommand {
  kind: 'clear';
  line: number;
}

/** One `expect` line. */
export interface Expectation {
  type: 'fail' | 'warn' | 'info' | 'no_warn' | 'no_info' | 'ordered';
  /** How to match the message: exact (`msg`), regular expression (`regex`), or not at all. */
  match: 'msg' | 'regex' | null;
  text: string;
}

/** An expected series of an eval and its values. */
export interface ExpectedSeries {
  labels: Labels;
  values: SequenceValue[];
  line: number;
}

/** `eval instant at T expr` or `eval range from A to B step S expr`, with what it should give. */
export interface EvalCommand {
  kind: 'eval';
  line: number;
  expr: string;
  instant: boolean;
  /** Instant: evaluation time; range: start, end and step (ms). */
  start: number;
  end: number;
  stepMs: number;
  expectations: Expectation[];
  expected: ExpectedSeries[];
  /** A bare number line: the expected scalar. */
  expectedScalar: number | null;
  /** `expect string "…"`. */
  expectedString: string | null;
  /** `expect range vector from A to B step S`. */
  expectedRangeVector: { start: number; end: number; stepMs: number } | null;
}

/** A command of a test script. */
export type TestCommand = LoadCommand | ClearCommand | EvalCommand;

/** A syntax error in a test script, with its 1-based line. */
export class TestScriptError extends Error {
  override readonly name = 'TestScriptError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const patLoad = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const patEvalInstant = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const patEvalRange = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const patExpect = /^expect\s+(fail|warn|info|no_warn|no_info|ordered)(?:\s+(msg|regex):\s*(.*))?\s*$/;
const patExpectString = /^expect\s+string\s+(.+)$/;
const patExpectRange = /^expect\s+range\s+vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;

/** Prometheus `model.ParseDuration`-style time; also plain numbers of seconds. */
function parseTime(s: string, line: number): number {
  const t = s.trim();
  try {
    return parseDuration(t);
  } catch {
    const n = Number(t);
    if (t !== '' && Number.isFinite(n)) return Math.round(n * 1000);
    throw new TestScriptError(line, `invalid time ${JSON.stringify(t)}`);
  }
}

function getLines(text: string): string[] {
  return text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
}

function unquote(s: string): string {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith('`') && t.endsWith('`'))) {
    if (t.startsWith('`')) return t.slice(1, -1);
    return JSON.parse(t) as string;
  }
  return t;
}

/** Parses a test script into commands. Throws TestScriptError. */
export function parseTestScript(text: string): TestCommand[] {
  const lines = getLines(text);
  const cmds: TestCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    const word = l.split(/\s+/, 1)[0]!.toLowerCase();
    if (word === 'clear') {
      cmds.push({ kind: 'clear', line: i + 1 });
      continue;
    }
    if (word.startsWith('load')) {
      const m = patLoad.exec(l);
      if (m === null) throw new TestScriptError(i + 1, `invalid load command (load[_with_nhcb] <step:duration>)`);
      const cmd: LoadCommand = {
        kind: 'load',
        line: i + 1,
        intervalMs: parseTime(m[2]!, i + 1),
        withNHCB: m[1] !== undefined,
        series: [],
      };
      while (i + 1 < lines.length && lines[i + 1] !== '') {
        i++;
        try {
          const d = parseSeriesDesc(lines[i]!);
          cmd.series.push({ labels: d.labels, values: d.values, line: i + 1, startTimestamps: d.startTimestamps });
        } catch (err) {
          throw new TestScriptError(i + 1, err instanceof Error ? err.message : String(err));
        }
      }
      cmds.push(cmd);
      continue;
    }
    if (word.startsWith('eval')) {
      i = parseEval(lines, i, cmds);
      continue;
    }
    throw new TestScriptError(i + 1, `invalid command ${JSON.stringify(l)}`);
  }
  return cmds;
}

function parseEval(lines: string[], i: number, cmds: TestCommand[]): number {
  const l = lines[i]!;
  const line = i + 1;
  let cmd: EvalCommand;
  let modifier: string | undefined;
  const mi = patEvalInstant.exec(l);
  const base = {
    kind: 'eval' as const,
    line,
    expectations: [] as Expectation[],
    expected: [] as ExpectedSeries[],
    expectedScalar: null,
    expectedString: null,
    expectedRangeVector: null,
  };
  if (mi !== null) {
    modifier = mi[1];
    const at = mi[2] === undefined ? 0 : parseTime(mi[2], line);
    cmd = { ...base, expr: mi[3]!, instant: true, start: at, end: at, stepMs: 0 };
  } else {
    const mr = patEvalRange.exec(l);
    if (mr === null) throw new TestScriptError(line, `invalid evaluation command ${JSON.stringify(l)}`);
    modifier = mr[1];
    cmd = {
      ...base,
      expr: mr[5]!,
      instant: false,
      start: parseTime(mr[2]!, line),
      end: parseTime(mr[3]!, line),
      stepMs: parseTime(mr[4]!, line),
    };
  }
  if (modifier !== undefined) cmd.expectations.push({ type: modifier as Expectation['type'], match: null, text: '' });
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const d = lines[i]!;
    if (d.startsWith('expected_fail_message')) {
      cmd.expectations.push({ type: 'fail', match: 'msg', text: d.slice('expected_fail_message'.length).trim() });
      continue;
    }
    if (d.startsWith('expected_fail_regexp')) {
      cmd.expectations.push({ type: 'fail', match: 'regex', text: d.slice('expected_fail_regexp'.length).trim() });
      continue;
    }
    if (d.startsWith('expect')) {
      const ms = patExpectString.exec(d);
      if (ms !== null) {
        cmd.expectedString = unquote(ms[1]!);
        continue;
      }
      const mr = patExpectRange.exec(d);
      if (mr !== null) {
        cmd.expectedRangeVector = {
          start: parseTime(mr[1]!, i + 1),
          end: parseTime(mr[2]!, i + 1),
          stepMs: parseTime(mr[3]!, i + 1),
        };
        continue;
      }
      const me = patExpect.exec(d);
      if (me === null) throw new TestScriptError(i + 1, `invalid expect statement ${JSON.stringify(d)}`);
      cmd.expectations.push({
        type: me[1] as Expectation['type'],
        match: (me[2] as 'msg' | 'regex' | undefined) ?? null,
        text: unquoteMsg(me[3] ?? ''),
      });
      continue;
    }
    const num = parseScalarLine(d);
    if (num !== null) {
      cmd.expectedScalar = num;
      break;
    }
    try {
      const sd = parseSeriesDesc(d);
      if (sd.values.length > 1 && cmd.instant && cmd.expectedRangeVector === null) {
        throw new TestScriptError(i + 1, 'expecting multiple values in instant evaluation not allowed');
      }
      cmd.expected.push({ labels: sd.labels, values: sd.values, line: i + 1 });
    } catch (err) {
      if (err instanceof TestScriptError) throw err;
      throw new TestScriptError(i + 1, err instanceof Error ? err.message : String(err));
    }
  }
  cmds.push(cmd);
  return i;
}

function unquoteMsg(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  return t;
}

function parseScalarLine(s: string): number | null {
  const t = s.trim();
  if (/^[+-]?(?:Inf|NaN|inf|nan)$/i.test(t)) {
    if (/nan/i.test(t)) return Number.NaN;
    return t.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|0x[0-9a-f]+)$/i.test(t)) return Number(t);
  return null;
}
