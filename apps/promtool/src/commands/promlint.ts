// Prometheus: client_golang prometheus/testutil/promlint (the version promtool 2.42 bundles), over
// families read as expfmt's TextParser groups them, and promtool's checkMetricsExtended.
import { Entry, ParseError, PromParser } from '@tsprom/textparse';

/** A lint finding: the family's name and what is wrong (promlint's words). */
export interface Problem {
  readonly metric: string;
  readonly text: string;
}

type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** A metric family as expfmt's TextParser builds it from the text format. */
export interface Family {
  readonly name: string;
  help: string | undefined;
  type: FamilyType | undefined;
  /** One entry per dto.Metric: its label names (without `le` / `quantile` of histograms / summaries). */
  readonly metrics: { labelNames: string[]; buckets: number; quantiles: number }[];
  /** Histograms and summaries: dto.Metric index by label signature. */
  readonly bySignature: Map<string, number>;
}

/** The input is not what expfmt's TextParser accepts; the message is `text format parsing error in line N: …`. */
export class TextFormatError extends Error {
  override readonly name = 'TextFormatError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`text format parsing error in line ${line}: ${reason}`);
  }
}

const TYPES: Record<string, FamilyType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  unknown: 'untyped',
};

// Go strconv.ParseFloat's accepted forms, as the `le` and `quantile` values are checked.
const GO_FLOAT =
  /^[+-]?(?:inf(?:inity)?|nan|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:e[+-]?\d+)?|0x[\da-f_]*\.?[\da-f_]*(?:p[+-]?\d+)?)$/i;

function cut(name: string, suffixes: readonly string[]): string | undefined {
  for (const s of suffixes) if (name.endsWith(s)) return name.slice(0, -s.length);
  return undefined;
}

/** Line number (from 1) of each entry the text parser returns: its non-blank lines in order. */
function entryLines(text: string): number[] {
  const lines: number[] = [];
  let n = 0;
  for (const line of text.split('\n')) {
    n++;
    if (line.trim() !== '') lines.push(n);
  }
  return lines;
}

/** Backslash escapes the text format allows in label values: `\\`, `\"`, `\n`. */
function checkEscapes(series: string): string | undefined {
  const brace = series.indexOf('{');
  if (brace < 0) return undefined;
  for (let i = brace; i < series.length; i++) {
    if (series[i] !== '\\') continue;
    const c = series[i + 1];
    if (c !== '\\' && c !== '"' && c !== 'n') return `invalid escape sequence '\\${c ?? ''}'`;
    i++;
  }
  return undefined;
}

/**
 * Reads a text-format exposition into families as expfmt's TextParser does: HELP and TYPE lines
 * name a family exactly; `_sum`/`_count` (and `_bucket`) samples join a summary (histogram) family
 * of the base name; a family is one dto.Metric per line, or per label set for histograms and
 * summaries. Families without samples are dropped. Throws {@link TextFormatError} where expfmt
 * fails (its message for its own checks; the text parser's reason for malformed lines).
 */
export function readFamilies(body: Uint8Array): Family[] {
  const text = new TextDecoder().decode(body);
  const lines = entryLines(text);
  const p = new PromParser(body);
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, help: undefined, type: undefined, metrics: [], bySignature: new Map() };
      families.set(name, f);
    }
    return f;
  };
  let k = 0;
  for (;;) {
    let e: Entry;
    try {
      e = p.next();
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      throw new TextFormatError(err.line, err.reason);
    }
    if (e === Entry.EOF) break;
    const line = lines[k++] ?? lines.length;
    if (e === Entry.Help) {
      const f = family(p.metadataName());
      if (f.help !== undefined)
        throw new TextFormatError(line, `second HELP line for metric name ${JSON.stringify(f.name)}`);
      f.help = p.help();
      continue;
    }
    if (e === Entry.Type) {
      const f = family(p.metadataName());
      if (f.type !== undefined) {
        throw new TextFormatError(
          line,
          `second TYPE line for metric name ${JSON.stringify(f.name)}, or TYPE reported after samples`,
        );
      }
      const t = TYPES[p.type()];
      if (t === undefined) throw new TextFormatError(line, `unknown metric type ${JSON.stringify(p.type())}`);
      f.type = t;
      continue;
    }
    if (e !== Entry.Series) continue;
    const series = p.series();
    if (series.startsWith('{') || series.startsWith('"')) throw new TextFormatError(line, 'invalid metric name');
    const bad = checkEscapes(series);
    if (bad !== undefined) throw new TextFormatError(line, bad);
    const ls = p.labels();
    const name = ls.get('__name__');
    if (p.duplicateLabelName() !== undefined) {
      throw new TextFormatError(line, `duplicate label names for metric ${JSON.stringify(name)}`);
    }
    // expfmt setOrCreateCurrentMF: the exact name first, then a summary or histogram base name.
    let f = families.get(name);
    let role: 'plain' | 'bucket' | 'quantile' | 'sumcount' = 'plain';
    if (f === undefined) {
      const sBase = cut(name, ['_sum', '_count']);
      const hBase = cut(name, ['_sum', '_count', '_bucket']);
      const s = sBase === undefined ? undefined : families.get(sBase);
      const h = hBase === undefined ? undefined : families.get(hBase);
      if (s?.type === 'summary') {
        f = s;
        role = 'sumcount';
      } else if (h?.type === 'histogram') {
        f = h;
        role = name.endsWith('_bucket') ? 'bucket' : 'sumcount';
      } else f = family(name);
    } else if (f.type === 'summary') role = 'quantile';
    else if (f.type === 'histogram') role = 'bucket';
    f.type ??= 'untyped';
    const grouped = f.type === 'summary' || f.type === 'histogram';
    const special = f.type === 'summary' ? 'quantile' : 'le';
    const labelNames: string[] = [];
    let sig = '';
    ls.forEach((n, v) => {
      if (n === '__name__') return;
      if (grouped && n === special && (role === 'bucket' || role === 'quantile')) {
        if (!GO_FLOAT.test(v)) {
          throw new TextFormatError(line, `expected float as value for '${special}' label, got ${JSON.stringify(v)}`);
        }
        return;
      }
      labelNames.push(n);
      sig += `${n}\u0000${v}\u0000`;
    });
    if (!grouped) {
      f.metrics.push({ labelNames, buckets: 0, quantiles: 0 });
      continue;
    }
    let i = f.bySignature.get(sig);
    if (i === undefined) {
      i = f.metrics.length;
      f.bySignature.set(sig, i);
      f.metrics.push({ labelNames, buckets: 0, quantiles: 0 });
    }
    const m = f.metrics[i]!;
    if (role === 'bucket' && ls.has('le')) m.buckets++;
    if (role === 'quantile' && ls.has('quantile')) m.quantiles++;
  }
  return [...families.values()].filter((f) => f.metrics.length > 0);
}

// promlint's tables, as bundled with promtool 2.42.
const UNITS: Record<string, string> = {
  amperes: 'amperes',
  bytes: 'bytes',
  celsius: 'celsius',
  grams: 'grams',
  joules: 'joules',
  kelvin: 'kelvin',
  meters: 'meters',
  metres: 'metres',
  seconds: 'seconds',
  volts: 'volts',
  minutes: 'seconds',
  hours: 'seconds',
  days: 'seconds',
  weeks: 'seconds',
  kelvins: 'kelvin',
  fahrenheit: 'celsius',
  rankine: 'celsius',
  inches: 'meters',
  yards: 'meters',
  miles: 'meters',
  bits: 'bytes',
  calories: 'joules',
  pounds: 'grams',
  ounces: 'grams',
};
const UNIT_PREFIXES = [
  'pico',
  'nano',
  'micro',
  'milli',
  'centi',
  'deci',
  'deca',
  'hecto',
  'kilo',
  'kibi',
  'mega',
  'mibi',
  'giga',
  'gibi',
  'tera',
  'tebi',
  'peta',
  'pebi',
];
const UNIT_ABBREVIATIONS = ['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];
const TYPE_NAMES = ['counter', 'gauge', 'summary', 'histogram', 'gauge_histogram'];
const CAMEL_CASE = /[a-z][A-Z]/;

/**
 * promlint metricUnits: the first unit (possibly prefixed) among the name's `_`-separated words.
 * (promlint walks a Go map, so for a name with two units it picks either at random; this takes
 * the table's order.)
 */
function metricUnits(name: string): [string, string] | undefined {
  const words = name.split('_');
  for (const [unit, base] of Object.entries(UNITS)) {
    for (const prefix of [...UNIT_PREFIXES, '']) {
      if (words.includes(prefix + unit)) return [prefix + unit, base];
    }
  }
  return undefined;
}

/** promlint's checks of one family. */
export function lintFamily(f: Family): Problem[] {
  const out: Problem[] = [];
  const add = (text: string) => out.push({ metric: f.name, text });
  const n = f.name;
  if (f.help === undefined) add('no help text');
  const units = metricUnits(n);
  if (units !== undefined && units[0] !== units[1]) add(`use base unit "${units[1]}" instead of "${units[0]}"`);
  const hasTotal = n.endsWith('_total');
  if (f.type === 'counter' && !hasTotal) add('counter metrics should have "_total" suffix');
  else if (f.type !== 'untyped' && f.type !== 'counter' && hasTotal)
    add('non-counter metrics should not have "_total" suffix');
  if (f.type !== 'untyped') {
    const isH = f.type === 'histogram';
    const isS = f.type === 'summary';
    if (!isH && n.endsWith('_bucket')) add('non-histogram metrics should not have "_bucket" suffix');
    if (!isH && !isS && n.endsWith('_count'))
      add('non-histogram and non-summary metrics should not have "_count" suffix');
    if (!isH && !isS && n.endsWith('_sum')) add('non-histogram and non-summary metrics should not have "_sum" suffix');
    for (const m of f.metrics) {
      for (const l of m.labelNames) {
        if (!isH && l === 'le') add('non-histogram metrics should not have "le" label');
        if (!isS && l === 'quantile') add('non-summary metrics should not have "quantile" label');
      }
    }
  }
  const lower = n.toLowerCase();
  for (const t of TYPE_NAMES) {
    if (lower.includes(`_${t}_`) || lower.endsWith(`_${t}`)) add(`metric name should not include type '${t}'`);
  }
  if (n.includes(':')) add("metric names should not contain ':'");
  if (CAMEL_CASE.test(n)) add("metric names should be written in 'snake_case' not 'camelCase'");
  for (const m of f.metrics) {
    for (const l of m.labelNames) {
      if (CAMEL_CASE.test(l)) add("label names should be written in 'snake_case' not 'camelCase'");
    }
  }
  for (const a of UNIT_ABBREVIATIONS) {
    if (lower.includes(`_${a}_`) || lower.endsWith(`_${a}`)) add('metric names should not contain abbreviated units');
  }
  return out;
}

/** promlint Lint: every family's problems, sorted by metric then text. */
export function lint(families: readonly Family[]): Problem[] {
  const problems = families.flatMap(lintFamily);
  problems.sort((a, b) => {
    if (a.metric !== b.metric) return a.metric < b.metric ? -1 : 1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  });
  return problems;
}

/** promtool checkMetricsExtended: each family's series count, largest first. */
export function cardinalities(families: readonly Family[]): { name: string; cardinality: number }[] {
  const stats = families.map((f) => {
    let c = 0;
    for (const m of f.metrics) {
      if (f.type === 'histogram') c += 2 + m.buckets;
      else if (f.type === 'summary') c += 2 + m.quantiles;
      else c += 1;
    }
    return { name: f.name, cardinality: c };
  });
  return stats.sort((a, b) => b.cardinality - a.cardinality);
}
