// Prometheus: web/api/v1/api.go parseTime, parseTimeParam, parseDuration, parseLimitParam,
// MinTime, MaxTime: how the API reads timestamps, durations and limits.
import { parseDuration as parseModelDuration, parseGoFloat } from '@tsprom/promql';

/** Prometheus MinTime in ms: the earliest time the API accepts (far before year 0). */
export const MIN_TIME_MS = Number((-9223372036854775n + 62135596801n) * 1000n);
/** Prometheus MaxTime in ms: the latest time the API accepts. */
export const MAX_TIME_MS = Number((9223372036854775n - 62135596801n) * 1000n + 999n);
// Go formats MinTime and MaxTime with five-digit years, which its own parser cannot read back;
// Prometheus accepts exactly these two strings.
const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';

const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Go time.Parse(time.RFC3339Nano, s) to ms (truncated), or undefined when it does not parse. */
function parseRFC3339(s: string): number | undefined {
  const m = RFC3339_RE.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March; Go rejects it.
  if (new Date(base).getUTCDate() !== day) return undefined;
  let ms = base + (frac === undefined ? 0 : Math.trunc(Number(`0.${frac}`) * 1000 + 1e-9));
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const zh = Number(zone!.slice(1, 3));
    const zm = Number(zone!.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    ms -= sign * (zh * 3600_000 + zm * 60_000);
  }
  // Years below 1000 go through Date.UTC's two-digit rule: fix them up.
  if (Number(y) < 100) {
    const dt = new Date(ms);
    dt.setUTCFullYear(dt.getUTCFullYear() - 1900);
    ms = dt.getTime();
  }
  return ms;
}

/** Why a timestamp or duration parameter was refused. */
export class ParamParseError extends Error {
  override readonly name = 'ParamParseError';
}

/**
 * Prometheus parseTime: a Unix time in seconds (float; fractions rounded to ms) or RFC3339, to ms.
 */
export function parseTime(s: string): number {
  const f = parseGoFloat(s);
  if (f !== null && Number.isFinite(f)) {
    const secs = Math.trunc(f);
    return secs * 1000 + roundHalfAway((f - secs) * 1000);
  }
  if (f === null) {
    const t = parseRFC3339(s);
    if (t !== undefined) return t;
    if (s === MIN_TIME_FORMATTED) return MIN_TIME_MS;
    if (s === MAX_TIME_FORMATTED) return MAX_TIME_MS;
  }
  throw new ParamParseError(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

/** Prometheus parseTimeParam: the parameter's time in ms, or `defaultMs` when it is empty. */
export function parseTimeParam(value: string, paramName: string, defaultMs: number): number {
  if (value === '') return defaultMs;
  try {
    return parseTime(value);
  } catch (err) {
    throw new ParamParseError(`Invalid time value for '${paramName}': ${(err as Error).message}`, { cause: err });
  }
}

const MAX_INT64 = 2 ** 63; // As a double, which is what Go compares with.

/** Prometheus parseDuration: float seconds or a Prometheus duration (`5m`, `1h30m`), to ms. */
export function parseDuration(s: string): number {
  const f = parseGoFloat(s);
  if (f !== null) {
    const ns = f * 1e9;
    if (!(ns <= MAX_INT64 && ns >= -MAX_INT64)) {
      throw new ParamParseError(`cannot parse ${JSON.stringify(s)} to a valid duration. It overflows int64`);
    }
    return Math.trunc(ns / 1e6);
  }
  try {
    return parseModelDuration(s);
  } catch {
    throw new ParamParseError(`cannot parse ${JSON.stringify(s)} to a valid duration`);
  }
}

/** Go strconv.Atoi: a decimal int, or the error text Go gives. */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ParamParseError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    throw new ParamParseError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return n;
}

/** Prometheus parseLimitParam: 0 (no limit) when empty, else a non-negative int. */
export function parseLimitParam(s: string): number {
  if (s === '') return 0;
  const n = atoi(s);
  if (n < 0) throw new ParamParseError('limit must be non-negative');
  return n;
}
