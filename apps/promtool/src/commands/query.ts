// Prometheus: cmd/promtool/query.go QueryInstant, QueryRange, QuerySeries, QueryLabels,
// parseTime, parseStartTimeAndEndTime, handleAPIError and the promql/json printers
// (`promtool query instant|range|series|labels <server> …`) against any Prometheus-compatible
// server. Output on standard output as promtool's; errors on standard error, exit 1.
import { type Command, type CommandIO, type FlagHelp, UsageError } from '../command.js';
import { goJSONLine, labelSetString, QueryClient, QueryError, valueJSON, valueString } from './query-client.js';

interface ParsedArgs {
  readonly flags: Map<string, string[]>;
  readonly positional: string[];
}

/** kingpin's parsing of `--name=value`, `--name value`, `-o value`, `-ovalue`. */
function parseArgs(args: string[], known: readonly string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      value = eq < 0 ? undefined : a.slice(eq + 1);
      if (!known.includes(name)) throw new UsageError(`unknown long flag '--${name}'`);
    } else if (a.startsWith('-') && a.length > 1) {
      if (a[1] !== 'o') throw new UsageError(`unknown short flag '-${a[1]}'`);
      name = 'format';
      value = a.length > 2 ? a.slice(2) : undefined;
    } else {
      positional.push(a);
      continue;
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) throw new UsageError(`expected argument for flag '--${name}'`);
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  const format = flags.get('format')?.at(-1) ?? 'promql';
  if (format !== 'promql' && format !== 'json') {
    throw new UsageError(`enum value must be one of promql,json, got '${format}'`);
  }
  return { flags, positional };
}

/** The one value of a flag ('' when not given). */
function one(p: ParsedArgs, name: string): string {
  return p.flags.get(name)?.at(-1) ?? '';
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339_RE = /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/;

/** promtool parseTime: Unix seconds (a float) or RFC 3339; ms. */
export function parseTime(s: string): number {
  if (FLOAT_RE.test(s)) return Math.round(Number(s) * 1000);
  if (RFC3339_RE.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  throw new Error(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in ms. */
export function parseGoDuration(s: string): number {
  const bad = (): never => {
    throw new UsageError(`time: invalid duration ${JSON.stringify(s)}`);
  };
  if (s === '0') return 0;
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '') bad();
  let total = 0;
  const re = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (m === null) return bad();
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** promtool parseStartTimeAndEndTime: 9999h around now when not given. */
function startAndEnd(p: ParsedArgs): [number, number] {
  const now = Date.now();
  let start = now - 9999 * 3_600_000;
  let end = now + 9999 * 3_600_000;
  if (one(p, 'start') !== '') {
    try {
      start = parseTime(one(p, 'start'));
    } catch (err) {
      throw new QueryError('', `error parsing start time: ${(err as Error).message}`);
    }
  }
  if (one(p, 'end') !== '') {
    try {
      end = parseTime(one(p, 'end'));
    } catch (err) {
      throw new QueryError('', `error parsing end time: ${(err as Error).message}`);
    }
  }
  return [start, end];
}

/** Runs `fn`; a QueryError is printed as promtool's handleAPIError (or its plain message) and gives 1. */
async function guarded(io: CommandIO, fn: () => Promise<void>, apiCall = true): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    if (err.type === '' && !apiCall) io.stderr(`${err.message}\n`);
    else if (err.detail !== '') io.stderr(`query error: ${err.message} (detail: ${err.detail.trim()})\n`);
    else io.stderr(`query error: ${err.message}\n`);
    return 1;
  }
}

function requireArgs(p: ParsedArgs, names: readonly string[]): void {
  for (let i = 0; i < names.length; i++) {
    if (p.positional[i] === undefined) throw new UsageError(`required argument '${names[i]}' not provided`);
  }
  if (p.positional.length > names.length) throw new UsageError(`unexpected ${p.positional[names.length]}`);
}

const FORMAT: FlagHelp = { flag: '-o, --format=promql', help: 'Output format of the query.' };
const SERVER = { arg: '<server>', help: 'Prometheus server to query.' };
const EXPR = { arg: '<expr>', help: 'PromQL query expression.' };

export const queryInstant: Command = {
  path: 'query instant',
  summary: 'Run instant query.',
  usage: '[<flags>] <server> <expr>',
  flags: [FORMAT, { flag: '--time=TIME', help: 'Query evaluation time (RFC3339 or Unix timestamp).' }],
  args: [SERVER, EXPR],
  async run(args, io) {
    const p = parseArgs(args, ['format', 'time']);
    requireArgs(p, ['server', 'expr']);
    let t = Date.now();
    if (one(p, 'time') !== '') {
      try {
        t = parseTime(one(p, 'time'));
      } catch (err) {
        io.stderr(`error parsing evaluation time: ${(err as Error).message}\n`);
        return 1;
      }
    }
    return guarded(io, async () => {
      const v = await new QueryClient(p.positional[0]!).query(p.positional[1]!, t);
      io.stdout(one(p, 'format') === 'json' ? goJSONLine(valueJSON(v)) : `${valueString(v)}\n`);
    });
  },
};

export const queryRange: Command = {
  path: 'query range',
  summary: 'Run range query.',
  usage: '[<flags>] <server> <expr>',
  flags: [
    FORMAT,
    { flag: '--header=HEADER ...', help: 'Extra headers to send to server.' },
    { flag: '--start=START', help: 'Query range start time (RFC3339 or Unix timestamp).' },
    { flag: '--end=END', help: 'Query range end time (RFC3339 or Unix timestamp).' },
    { flag: '--step=STEP', help: 'Query step size (duration).' },
  ],
  args: [SERVER, EXPR],
  async run(args, io) {
    const p = parseArgs(args, ['format', 'header', 'start', 'end', 'step']);
    requireArgs(p, ['server', 'expr']);
    const headers: Record<string, string> = {};
    for (const h of p.flags.get('header') ?? []) {
      const i = h.indexOf('=');
      if (i < 0) throw new UsageError(`expected KEY=VALUE got '${h}'`);
      headers[h.slice(0, i)] = h.slice(i + 1);
    }
    let step = one(p, 'step') === '' ? 0 : parseGoDuration(one(p, 'step'));
    let end = Date.now();
    let start: number;
    try {
      if (one(p, 'end') !== '') end = parseTime(one(p, 'end'));
    } catch (err) {
      io.stderr(`error parsing end time: ${(err as Error).message}\n`);
      return 1;
    }
    try {
      start = one(p, 'start') === '' ? end - 5 * 60_000 : parseTime(one(p, 'start'));
    } catch (err) {
      io.stderr(`error parsing start time: ${(err as Error).message}\n`);
      return 1;
    }
    if (!(start < end)) {
      io.stderr('start time is not before end time\n');
      return 1;
    }
    if (step === 0) step = Math.max(Math.floor((end - start) / 1000 / 250), 1) * 1000;
    return guarded(io, async () => {
      const v = await new QueryClient(p.positional[0]!, headers).queryRange(p.positional[1]!, start, end, step);
      io.stdout(one(p, 'format') === 'json' ? goJSONLine(valueJSON(v)) : `${valueString(v)}\n`);
    });
  },
};

const TIME_FLAGS: FlagHelp[] = [
  { flag: '--start=START', help: 'Start time (RFC3339 or Unix timestamp).' },
  { flag: '--end=END', help: 'End time (RFC3339 or Unix timestamp).' },
];
const MATCH: FlagHelp = { flag: '--match=MATCH ...', help: 'Series selector. Can be specified multiple times.' };

export const querySeries: Command = {
  path: 'query series',
  summary: 'Run series query.',
  usage: '--match=MATCH [<flags>] <server>',
  flags: [FORMAT, MATCH, ...TIME_FLAGS],
  args: [SERVER],
  async run(args, io) {
    const p = parseArgs(args, ['format', 'match', 'start', 'end']);
    if ((p.flags.get('match') ?? []).length === 0) throw new UsageError('required flag --match not provided');
    requireArgs(p, ['server']);
    let times: [number, number];
    try {
      times = startAndEnd(p);
    } catch (err) {
      io.stderr(`${(err as Error).message}\n`);
      return 1;
    }
    return guarded(io, async () => {
      const sets = await new QueryClient(p.positional[0]!).series(p.flags.get('match')!, ...times);
      if (one(p, 'format') === 'json') io.stdout(goJSONLine(sets));
      else for (const s of sets) io.stdout(`${labelSetString(s)}\n`);
    });
  },
};

export const queryLabels: Command = {
  path: 'query labels',
  summary: 'Run labels query.',
  usage: '[<flags>] <server> <name>',
  flags: [FORMAT, ...TIME_FLAGS, MATCH],
  args: [SERVER, { arg: '<name>', help: 'Label name to provide label values for.' }],
  async run(args, io) {
    const p = parseArgs(args, ['format', 'match', 'start', 'end']);
    requireArgs(p, ['server', 'name']);
    let times: [number, number];
    try {
      times = startAndEnd(p);
    } catch (err) {
      io.stderr(`${(err as Error).message}\n`);
      return 1;
    }
    return guarded(io, async () => {
      const client = new QueryClient(p.positional[0]!);
      const { values, warnings } = await client.labelValues(p.positional[1]!, p.flags.get('match') ?? [], ...times);
      for (const w of warnings) io.stderr(`query warning: ${w}\n`);
      if (one(p, 'format') === 'json') io.stdout(goJSONLine(values));
      else for (const v of values) io.stdout(`${v}\n`);
    });
  },
};
