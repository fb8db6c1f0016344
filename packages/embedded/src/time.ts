// Times and durations as the facade takes them: never a bare number, whose unit (seconds or
// milliseconds?) a reader cannot see and a typo cannot reveal. A Date, or an object naming its unit.
import { parseDuration } from '@tsprom/promql';
import { EmbeddedError } from './errors.js';

/** A point in time: a `Date`, `{ seconds }` or `{ ms }` since the Unix epoch. Bare numbers are refused. */
export type TimeInput = Date | { readonly seconds: number } | { readonly ms: number };

/**
 * A duration: a Prometheus duration string (`'15s'`, `'1m30s'`), `{ seconds }` or `{ ms }`. Bare
 * numbers are refused.
 */
export type DurationInput = string | { readonly seconds: number } | { readonly ms: number };

const UNIT_HINT = 'pass a Date, { seconds: n } or { ms: n }';

/** `t` in ms since the epoch (whole ms, as the TSDB stores them); `what` names it in errors. */
export function timeMs(t: TimeInput, what: string): number {
  let ms: number;
  if (t instanceof Date) ms = t.getTime();
  else if (typeof t === 'object' && t !== null && 'seconds' in t && typeof t.seconds === 'number')
    ms = t.seconds * 1000;
  else if (typeof t === 'object' && t !== null && 'ms' in t && typeof t.ms === 'number') ms = t.ms;
  else if (typeof t === 'number') {
    throw new EmbeddedError('bad_data', `${what}: a bare number (${t}) has no unit: ${UNIT_HINT}`);
  } else throw new EmbeddedError('bad_data', `${what}: ${describe(t)} is not a time: ${UNIT_HINT}`);
  if (!Number.isFinite(ms)) throw new EmbeddedError('bad_data', `${what}: not a finite time: ${describe(t)}`);
  return Math.round(ms);
}

/** `d` in ms (positive); `what` names it in errors. */
export function durationMs(d: DurationInput, what: string): number {
  let ms: number;
  if (typeof d === 'string') {
    try {
      ms = parseDuration(d);
    } catch (err) {
      throw new EmbeddedError('bad_data', `${what}: ${(err as Error).message}`, { cause: err });
    }
  } else if (typeof d === 'object' && d !== null && 'seconds' in d && typeof d.seconds === 'number') {
    ms = d.seconds * 1000;
  } else if (typeof d === 'object' && d !== null && 'ms' in d && typeof d.ms === 'number') ms = d.ms;
  else if (typeof d === 'number') {
    throw new EmbeddedError(
      'bad_data',
      `${what}: a bare number (${d}) has no unit: pass a duration such as '15s', { seconds: n } or { ms: n }`,
    );
  } else throw new EmbeddedError('bad_data', `${what}: ${describe(d)} is not a duration`);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new EmbeddedError('bad_data', `${what}: must be positive, got ${describe(d)}`);
  }
  return Math.round(ms);
}

function describe(v: unknown): string {
  if (v instanceof Date) return `Date(${v.toString()})`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v); // A cyclic object: its String() is enough to name it.
  }
}
