// Prometheus: github.com/prometheus/otlptranslator (metric_namer.go, label_namer.go,
// unit_namer.go), as Prometheus 3's OTLP receiver uses it: OTLP metric names and units into
// Prometheus metric names, attribute keys into label names.
import type { TranslationStrategy } from '@tsprom/config';

/** Prometheus: otlptranslator MetricType: what the namer needs to know of a metric. */
export type OTLPMetricKind =
  | 'gauge'
  | 'monotonic-counter'
  | 'non-monotonic-counter'
  | 'histogram'
  | 'summary'
  | 'unknown';

const UNIT_MAP: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNIT_MAP: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** Prometheus: buildUnitSuffixes: the main unit and the `per_` unit of an OTLP unit. */
function unitSuffixes(unit: string): [string, string] {
  const [mainRaw = '', perRaw] = splitOnce(unit, '/');
  let main = '';
  let per = '';
  const m = mainRaw.trim();
  if (m !== '' && !/[{}]/.test(m)) main = UNIT_MAP[m] ?? m;
  if (perRaw !== undefined) {
    const p = perRaw.trim();
    if (p !== '' && !/[{}]/.test(p)) per = PER_UNIT_MAP[p] ?? p;
    if (per !== '') per = `per_${per}`;
  }
  return [cleanUnit(main), cleanUnit(per)];
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Prometheus: cleanUpUnit: invalid characters to `_`, runs of `_` to one, no leading `_`. */
function cleanUnit(u: string): string {
  return u
    .replace(/[^a-zA-Z0-9:_]/g, '_')
    .replace(/__+/g, '_')
    .replace(/^_/, '');
}

/**
 * Prometheus: MetricNamer.Build: the Prometheus name of an OTLP metric under `strategy`. With
 * suffixes: name tokens of letters and digits joined by `_`, the unit (and per-unit) appended when
 * not already a token, `_total` for monotonic counters, `_ratio` for gauges of unit `1`.
 */
export function buildMetricName(
  name: string,
  unit: string,
  kind: OTLPMetricKind,
  strategy: TranslationStrategy,
): string {
  const suffixes = strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'NoUTF8EscapingWithSuffixes';
  const escaping = strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'UnderscoreEscapingWithoutSuffixes';
  if (!suffixes) {
    if (!escaping) return name;
    let n = name
      .split(/[^a-zA-Z0-9_:]+/)
      .filter((t) => t !== '')
      .join('_');
    if (/^[0-9]/.test(n)) n = `_${n}`;
    return n;
  }
  let tokens = escaping ? name.split(/[^a-zA-Z0-9:]+/).filter((t) => t !== '') : [name];
  const [main, per] = unitSuffixes(unit);
  if (main !== '' && !tokens.includes(main)) tokens.push(main);
  if (per !== '' && !tokens.includes(per)) tokens.push(per);
  if (kind === 'monotonic-counter') {
    tokens = tokens.filter((t) => t !== 'total');
    tokens.push('total');
  }
  if (unit === '1' && kind === 'gauge') {
    tokens = tokens.filter((t) => t !== 'ratio');
    tokens.push('ratio');
  }
  let n = tokens.join('_');
  if (escaping && /^[0-9]/.test(n)) n = `_${n}`;
  return n;
}

/**
 * Prometheus: LabelNamer.Build (with underscore sanitization, multiple underscores kept):
 * invalid characters to `_`; a leading digit gets `key_`, a single leading `_` gets `key`.
 * Without escaping (NoUTF8Escaping*, NoTranslation) names stay as they are.
 */
export function buildLabelName(key: string, strategy: TranslationStrategy): string {
  if (key === '') return key;
  if (strategy === 'NoUTF8EscapingWithSuffixes' || strategy === 'NoTranslation') return key;
  let l = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(l)) l = `key_${l}`;
  else if (l.startsWith('_') && !l.startsWith('__')) l = `key${l}`;
  return l;
}
