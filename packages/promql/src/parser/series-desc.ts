// Prometheus: promql/parser/parse.go ParseSeriesDesc, generated_parser.y (series_description),
// and the histogram notation of promql/promqltest (buildHistogramFromMap, histogramsSeries).
import { Labels, MetricName } from '@tsprom/labels';
import { CounterResetHint, type FloatHistogram, StaleNaN } from '@tsprom/storage-interfaces';
import { ParseError, ParseErrors } from './errors.js';
import { parseDuration } from './duration.js';
import { parseNumber, StringLiteralError, unquoteString } from './literals.js';
import { cloneHistogram, combineHistograms } from './series-desc-histogram.js';

/**
 * One point of a series description. `omitted` is `_` (no sample); otherwise `value` holds the
 * float (StaleNaN for `stale`) or `histogram` the native histogram (then `value` is 0).
 */
export interface SequenceValue {
  omitted: boolean;
  value: number;
  histogram: FloatHistogram | null;
}

/** A parsed series description line of the test DSL. */
export interface SeriesDesc {
  labels: Labels;
  values: SequenceValue[];
  /** True when the labels were followed by `@st` (the values are start-timestamp offsets). */
  startTimestamps: boolean;
}

let input = '';
function fail(start: number, end: number, msg: string): never {
  throw new ParseErrors([new ParseError({ start, end }, msg, input)]);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** End (exclusive) of the quoted string starting at `i`. */
function stringEnd(s: string, i: number): number {
  const q = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== q) {
    if (s[j] === '\\' && q !== '`') j++;
    j++;
  }
  if (j >= s.length) fail(i, s.length, 'unterminated quoted string');
  return j + 1;
}

function unquoteAt(s: string, start: number, end: number): string {
  try {
    return unquoteString(s.slice(start, end));
  } catch (err) {
    if (!(err instanceof StringLiteralError)) throw err;
    return fail(start + err.offset, end, err.message);
  }
}

/** Parses `name{a="b", "c.d"="e", "utf8.name"}` (label set syntax: `=` only) starting at `i`. */
function parseMetric(s: string, i: number): { labels: Labels; end: number } {
  const pairs: string[] = [];
  let j = i;
  const id = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s.slice(j));
  if (id !== null) {
    pairs.push(MetricName, id[0]);
    j += id[0].length;
  }
  if (s[j] === '{') {
    j++;
    for (;;) {
      while (isSpace(s[j])) j++;
      if (s[j] === '}') {
        j++;
        break;
      }
      let name: string;
      const start = j;
      const c = s[j];
      if (c === '"' || c === "'" || c === '`') {
        const e = stringEnd(s, j);
        name = unquoteAt(s, j, e);
        j = e;
      } else {
        const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(j));
        if (m === null)
          fail(j, j + 1, `unexpected ${JSON.stringify(s[j] ?? '')} in label set, expected identifier or "}"`);
        name = m[0];
        j += m[0].length;
      }
      while (isSpace(s[j])) j++;
      if (s[j] === '=') {
        j++;
        while (isSpace(s[j])) j++;
        const q = s[j];
        if (q !== '"' && q !== "'" && q !== '`') fail(j, j + 1, 'unexpected character in label set, expected string');
        const e = stringEnd(s, j);
        pairs.push(name, unquoteAt(s, j, e));
        j = e;
      } else if (start !== j && s[start] !== undefined && /["'`]/.test(s[start] as string)) {
        pairs.push(MetricName, name);
      } else {
        fail(j, j + 1, 'unexpected character in label set, expected "="');
      }
      while (isSpace(s[j])) j++;
      if (s[j] === ',') j++;
      else if (s[j] !== '}') fail(j, j + 1, 'unexpected character in label set, expected "," or "}"');
    }
  } else if (id === null) {
    fail(j, j + 1, 'unexpected character in series description, expected metric name or "{"');
  }
  return { labels: Labels.fromStrings(...pairs), end: j };
}

const NUM_RE =
  /^(?:[+-]?(?:inf|nan)|[+-]?(?:[0-9]+(?:ms|[smhdwy]))+|[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)/i;

/** Reads a signed number or duration (seconds) at the start of `t`. */
function readNumber(t: string, pos: number): { v: number; len: number } {
  const m = NUM_RE.exec(t);
  if (m === null) fail(pos, pos + t.length, `invalid number in series description: ${JSON.stringify(t)}`);
  const raw = m[0];
  const sign = raw[0] === '-' ? -1 : 1;
  const body = raw[0] === '-' || raw[0] === '+' ? raw.slice(1) : raw;
  let v: number;
  if (/^(?:[0-9]+(?:ms|[smhdwy]))+$/.test(body)) v = parseDuration(body) / 1000;
  else v = parseNumber(body);
  return { v: sign * v, len: raw.length };
}

function readTimes(t: string, pos: number): number {
  if (!/^[0-9]+$/.test(t))
    fail(pos, pos + t.length, `invalid repetition count in series description: ${JSON.stringify(t)}`);
  return Number(t);
}

function float(v: number): SequenceValue {
  return { omitted: false, value: v, histogram: null };
}

/**
 * Parses a series description of Prometheus's test DSL: labels then values, e.g.
 * `a{b="c"} 1+1x10 _ stale 2-1x3 _x2 {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2`.
 * `a+bxN` gives N+1 values a, a+b, … (accumulated by repeated addition, as Prometheus does);
 * `axN` N+1 copies; `_` one omitted point and `_xN` N omitted points; `stale` the StaleNaN marker;
 * durations are numbers of seconds (`-30s-1mx2`). Histograms `{{…}}` take the keys schema, sum,
 * count, z_bucket, z_bucket_w, buckets, offset, n_buckets, n_offset, counter_reset_hint,
 * custom_values, and the forms `{{…}}xN`, `{{…}}+{{…}}xN`, `{{…}}-{{…}}xN`.
 * Throws {@link ParseErrors}.
 */
export function parseSeriesDesc(desc: string): SeriesDesc {
  const saved = input;
  input = desc;
  try {
    let i = 0;
    while (isSpace(desc[i])) i++;
    const metric = parseMetric(desc, i);
    i = metric.end;
    let startTimestamps = false;
    if (desc.startsWith('@st', i)) {
      startTimestamps = true;
      i += 3;
    }
    if (i < desc.length && !isSpace(desc[i]))
      fail(i, i + 1, `unexpected ${JSON.stringify(desc[i])} after metric in series description`);
    const values: SequenceValue[] = [];
    for (;;) {
      while (isSpace(desc[i])) i++;
      if (i >= desc.length) break;
      let end = i;
      while (end < desc.length && !isSpace(desc[end])) {
        if (desc.startsWith('{{', end)) {
          const close = desc.indexOf('}}', end);
          if (close === -1) fail(end, desc.length, 'unterminated histogram in series description');
          end = close + 2;
        } else end++;
      }
      parseItem(desc.slice(i, end), i, values);
      i = end;
    }
    return { labels: metric.labels, values, startTimestamps };
  } finally {
    input = saved;
  }
}

function parseItem(t: string, pos: number, out: SequenceValue[]): void {
  if (t === '_') {
    out.push({ omitted: true, value: 0, histogram: null });
    return;
  }
  if (t.startsWith('_x')) {
    const n = readTimes(t.slice(2), pos + 2);
    for (let k = 0; k < n; k++) out.push({ omitted: true, value: 0, histogram: null });
    return;
  }
  if (t.startsWith('{{')) {
    parseHistogramItem(t, pos, out);
    return;
  }
  if (t === 'stale') {
    out.push(float(StaleNaN));
    return;
  }
  const a = readNumber(t, pos);
  let rest = t.slice(a.len);
  if (rest === '') {
    out.push(float(a.v));
    return;
  }
  let inc = 0;
  if (rest[0] === '+' || rest[0] === '-') {
    const b = readNumber(rest, pos + a.len);
    inc = b.v;
    rest = rest.slice(b.len);
  }
  if (rest[0] !== 'x') fail(pos, pos + t.length, `invalid value in series description: ${JSON.stringify(t)}`);
  const n = readTimes(rest.slice(1), pos + t.length - rest.length + 1);
  let cur = a.v;
  for (let k = 0; k <= n; k++) {
    out.push(float(cur));
    cur += inc;
  }
}

function parseHistogramItem(t: string, pos: number, out: SequenceValue[]): void {
  const close = t.indexOf('}}');
  const base = parseHistogram(t.slice(2, close), pos + 2);
  let rest = t.slice(close + 2);
  if (rest === '') {
    out.push({ omitted: false, value: 0, histogram: base });
    return;
  }
  let inc: FloatHistogram | null = null;
  let sub = false;
  if ((rest[0] === '+' || rest[0] === '-') && rest.startsWith('{{', 1)) {
    sub = rest[0] === '-';
    const c2 = rest.indexOf('}}');
    inc = parseHistogram(rest.slice(3, c2), pos + t.length - rest.length + 3);
    rest = rest.slice(c2 + 2);
  }
  if (rest[0] !== 'x') fail(pos, pos + t.length, 'invalid histogram expansion in series description');
  const n = readTimes(rest.slice(1), pos + t.length - rest.length + 1);
  let cur = base;
  out.push({ omitted: false, value: 0, histogram: cur });
  for (let k = 1; k <= n; k++) {
    if (inc !== null) {
      if (cur.schema > inc.schema && cur.schema !== -53) {
        fail(
          pos,
          pos + t.length,
          `error combining histograms: cannot merge from schema ${inc.schema} to ${cur.schema}`,
        );
      }
      cur = combineHistograms(cur, inc, sub ? -1 : 1);
    }
    out.push({ omitted: false, value: 0, histogram: inc === null ? cloneHistogram(base) : cur });
  }
}

const HINTS: Record<string, CounterResetHint> = {
  unknown: CounterResetHint.Unknown,
  reset: CounterResetHint.CounterReset,
  not_reset: CounterResetHint.NotCounterReset,
  gauge: CounterResetHint.Gauge,
};

/** Parses the inside of `{{…}}`: `key:value` pairs, lists as `[1 2 3]`. */
function parseHistogram(body: string, pos: number): FloatHistogram {
  const h: FloatHistogram = {
    counterResetHint: CounterResetHint.Unknown,
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: [],
    negativeSpans: [],
    positiveBuckets: [],
    negativeBuckets: [],
  };
  let offset = 0;
  let nOffset = 0;
  const re = /\s*([a-z_]+)\s*:\s*(\[[^\]]*\]|[^\s\]]+)/y;
  let i = 0;
  for (;;) {
    while (isSpace(body[i])) i++;
    if (i >= body.length) break;
    re.lastIndex = i;
    const m = re.exec(body);
    if (m === null) fail(pos + i, pos + body.length, `invalid histogram description: ${JSON.stringify(body.slice(i))}`);
    i = re.lastIndex;
    const key = m[1] as string;
    const raw = m[2] as string;
    const list = (): number[] =>
      raw
        .slice(1, -1)
        .trim()
        .split(/\s+/)
        .filter((x) => x !== '')
        .map((x) => readNumber(x, pos).v);
    const num = (): number => {
      const r = readNumber(raw, pos + i);
      if (r.len !== raw.length)
        fail(pos + i - raw.length, pos + i, `invalid number for ${key}: ${JSON.stringify(raw)}`);
      return r.v;
    };
    switch (key) {
      case 'schema':
        h.schema = num();
        break;
      case 'sum':
        h.sum = num();
        break;
      case 'count':
        h.count = num();
        break;
      case 'z_bucket':
        h.zeroCount = num();
        break;
      case 'z_bucket_w':
        h.zeroThreshold = num();
        break;
      case 'buckets':
        h.positiveBuckets = list();
        break;
      case 'n_buckets':
        h.negativeBuckets = list();
        break;
      case 'offset':
        offset = num();
        break;
      case 'n_offset':
        nOffset = num();
        break;
      case 'custom_values':
        h.customValues = list();
        break;
      case 'counter_reset_hint': {
        const hint = HINTS[raw];
        if (hint === undefined) fail(pos, pos + body.length, `invalid counter reset hint ${JSON.stringify(raw)}`);
        h.counterResetHint = hint;
        break;
      }
      default:
        fail(pos, pos + body.length, `invalid histogram key ${JSON.stringify(key)}`);
    }
  }
  if (h.positiveBuckets.length > 0) h.positiveSpans = [{ offset, length: h.positiveBuckets.length }];
  if (h.negativeBuckets.length > 0) h.negativeSpans = [{ offset: nOffset, length: h.negativeBuckets.length }];
  return h;
}
