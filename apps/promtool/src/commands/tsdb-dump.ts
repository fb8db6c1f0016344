// Prometheus: cmd/promtool/tsdb.go dumpSamples (`promtool tsdb dump`). Prints every sample of the
// series matching --match within [--min-time, --max-time] as `{labels} VALUE TIMESTAMP`, with the
// value formatted as Go's %g, series sorted by labels. Reads the head (WAL) of the data dir.
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { type Series, ValueType } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { type Command, type CommandIO, UsageError } from '../command.js';

/** Formats a float as Go's `%g` (shortest representation): `1e-05`, `1.234567e+06`, `+Inf`. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const neg = v < 0;
  const [mant, expStr] = Math.abs(v).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  let out: string;
  if (exp < -4 || exp >= 6) {
    // %e: d.ddde±XX, at least two exponent digits.
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    out = `${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

const ops: [string, MatchType][] = [
  ['=~', MatchType.Regexp],
  ['!~', MatchType.NotRegexp],
  ['!=', MatchType.NotEqual],
  ['=', MatchType.Equal],
];

/**
 * Parses a series selector (`name{a="b", c=~'d.*'}`), enough for `--match`: a metric name and/or
 * label matchers with single, double or back quoted values.
 */
export function parseSeriesSelector(s: string): Matcher[] {
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const ident = (): string => {
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s.slice(i));
    if (m === null) throw new UsageError(`invalid series selector ${JSON.stringify(s)} at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const quoted = (): string => {
    const q = s[i];
    if (q !== '"' && q !== "'" && q !== '`') throw new UsageError(`expected a quoted string in ${JSON.stringify(s)}`);
    let out = '';
    i++;
    while (i < s.length && s[i] !== q) {
      if (s[i] === '\\' && q !== '`') {
        const c = s[++i];
        const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
        if (c === undefined || esc[c] === undefined) throw new UsageError(`invalid escape in ${JSON.stringify(s)}`);
        out += esc[c];
        i++;
      } else out += s[i++];
    }
    if (s[i] !== q) throw new UsageError(`unterminated string in ${JSON.stringify(s)}`);
    i++;
    return out;
  };
  const ms: Matcher[] = [];
  ws();
  if (i < s.length && s[i] !== '{') ms.push(new Matcher(MatchType.Equal, '__name__', ident()));
  ws();
  if (s[i] === '{') {
    i++;
    ws();
    while (s[i] !== '}') {
      const name = s[i] === '"' ? quoted() : ident();
      ws();
      const op = ops.find(([o]) => s.startsWith(o, i));
      if (op === undefined) throw new UsageError(`expected a match operator in ${JSON.stringify(s)}`);
      i += op[0].length;
      ws();
      ms.push(new Matcher(op[1], name, quoted()));
      ws();
      if (s[i] === ',') i++;
      else if (s[i] !== '}') throw new UsageError(`expected , or } in ${JSON.stringify(s)}`);
      ws();
    }
    i++;
  }
  ws();
  if (i !== s.length || ms.length === 0) throw new UsageError(`invalid series selector ${JSON.stringify(s)}`);
  return ms;
}

interface DumpArgs {
  dir: string;
  minTime: number;
  maxTime: number;
  matches: string[];
}

function parseArgs(args: string[]): DumpArgs {
  const out: DumpArgs = { dir: 'data/', minTime: -Infinity, maxTime: Infinity, matches: [] };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(min-time|max-time|match)(?:=(.*))?$/s.exec(a);
    if (m === null) {
      if (a.startsWith('--')) throw new UsageError(`unknown long flag '${a}'`);
      positional.push(a);
      continue;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new UsageError(`expected argument for flag '--${m[1]}'`);
    if (m[1] === 'match') out.matches.push(value);
    else {
      if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid --${m[1]} ${JSON.stringify(value)}`);
      if (m[1] === 'min-time') out.minTime = Number(value);
      else out.maxTime = Number(value);
    }
  }
  if (positional.length > 1) throw new UsageError(`unexpected ${positional[1]}`);
  if (positional[0] !== undefined) out.dir = positional[0];
  if (out.matches.length === 0) out.matches.push("{__name__=~'(?s:.*)'}");
  return out;
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const a = parseArgs(args);
  const matcherSets = a.matches.map(parseSeriesSelector);
  const db = await DB.open(a.dir, { readOnly: true });
  try {
    const seen = new Set<string>();
    const q = db.querier(a.minTime, a.maxTime);
    const lines: string[] = [];
    // Several --match selectors: their union, each series once, in label order.
    const series: { labels: string; s: Series }[] = [];
    for (const ms of matcherSets) {
      const set = await q.select(true, undefined, ...ms);
      while (set.next()) {
        const s = set.at();
        const key = s.labels().key();
        if (seen.has(key)) continue;
        seen.add(key);
        series.push({ labels: s.labels().toString(), s });
      }
      const err = set.err();
      if (err !== undefined) throw err;
    }
    if (matcherSets.length > 1) series.sort((x, y) => Labels.compare(x.s.labels(), y.s.labels()));
    for (const { labels, s } of series) {
      const it = s.iterator();
      while (it.next() === ValueType.Float) {
        lines.push(`${labels} ${formatGoFloat(it.atV())} ${it.atT()}\n`);
        if (lines.length >= 4096) io.stdout(lines.splice(0).join(''));
      }
      const err = it.err();
      if (err !== undefined) throw err;
    }
    if (lines.length > 0) io.stdout(lines.join(''));
    await q.close();
  } finally {
    await db.close();
  }
  return 0;
}

/** `tspromtool tsdb dump [--min-time=T] [--max-time=T] [--match=SELECTOR]... [DIR]` */
export const tsdbDump: Command = {
  path: 'tsdb dump',
  summary: 'Dump samples from a TSDB.',
  run,
};
