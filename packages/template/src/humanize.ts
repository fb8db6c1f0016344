// Prometheus: template/template.go humanize, humanize1024, humanizeDuration, humanizePercentage,
// humanizeTimestamp, toTime, toDuration and convertToFloat.
import { sprintf } from './go-fmt.js';
import { parseGoFloat } from './go-strconv.js';
import { GoDuration, GoTime } from './go-time.js';
import { goTypeName } from './go-values.js';

/** Prometheus's convertToFloat: float64, a string as strconv.ParseFloat reads it, or an int. */
export function convertToFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseGoFloat(v);
  if (typeof v === 'bigint') return Number(v);
  throw new Error(`can't convert ${goTypeName(v)} to float`);
}

const g4 = (v: number, suffix = ''): string => sprintf('%.4g', [v]) + suffix;

/** Metric prefixes (k, M, …; m, u, n, …), 4 significant digits. */
export function humanize(i: unknown): string {
  let v = convertToFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v, prefix);
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, prefix);
}

/** Binary prefixes (ki, Mi, …), 4 significant digits; |v| <= 1 unscaled. */
export function humanize1024(i: unknown): string {
  let v = convertToFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v, prefix);
}

/** Seconds as `1d 2h 3m 4s`, or `1.5s`, `250ms`. */
export function humanizeDuration(i: unknown): string {
  let v = convertToFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v, 's');
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = Math.trunc(v); // Go's int64(v).
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, `${prefix}s`);
}

/** A ratio as a percentage, 4 significant digits. */
export function humanizePercentage(i: unknown): string {
  return sprintf('%.4g%%', [convertToFloat(i) * 100]);
}

const NAN_OR_INF = Symbol('NaN or Inf');

/** Prometheus's floatToTime: seconds to a UTC time with millisecond precision. */
function floatToTime(v: number): GoTime | typeof NAN_OR_INF {
  if (!Number.isFinite(v)) return NAN_OR_INF;
  const ns = v * 1e9;
  if (ns >= 2 ** 63 || ns < -(2 ** 63)) {
    throw new Error(`${sprintf('%v', [v])} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  // model.TimeFromUnixNano: integer nanoseconds, truncated to milliseconds.
  const ms = Number(BigInt(Math.trunc(ns)) / 1_000_000n);
  return new GoTime(ms, true);
}

/** A Unix timestamp in seconds as `2006-01-02 15:04:05.999 +0000 UTC`. */
export function humanizeTimestamp(i: unknown): string {
  const v = convertToFloat(i);
  const t = floatToTime(v);
  if (t === NAN_OR_INF) return g4(v);
  return t.toString();
}

/** A Unix timestamp in seconds as a *time.Time. */
export function toTime(i: unknown): GoTime {
  const v = convertToFloat(i);
  const t = floatToTime(v);
  if (t === NAN_OR_INF) throw new Error('value is NaN or Inf');
  return t;
}

const MIN_INT64 = -(2n ** 63n);

/** Seconds as a *time.Duration (Go's conversion of an out-of-range float gives the minimum int64). */
export function toDuration(i: unknown): GoDuration {
  const ns = convertToFloat(i) * 1e9;
  if (!Number.isFinite(ns) || ns >= 2 ** 63 || ns < -(2 ** 63)) return new GoDuration(MIN_INT64, true);
  return new GoDuration(BigInt(Math.trunc(ns)), true);
}
