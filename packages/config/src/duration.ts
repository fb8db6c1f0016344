// Prometheus: prometheus/common model/time.go Duration, ParseDuration, Duration.String.

const MS_PER = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
} as const;
type Unit = keyof typeof MS_PER;
/** Units in the order they must appear (biggest first), as in model.unitMap's `pos`. */
const UNIT_POS: Record<string, number> = { y: 1, w: 2, d: 3, h: 4, m: 5, s: 6, ms: 7 };
/** time.Duration is int64 nanoseconds: longer durations are out of range. */
const MAX_MS = Math.floor((2 ** 63 - 1) / 1e6);

/** A duration string Prometheus rejects; the message is Prometheus's. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/**
 * Parses a Prometheus duration (`1y2w3d4h5m6s7ms`, units biggest first, each at most once, or a bare
 * `0`) into milliseconds. Prometheus durations have millisecond resolution; there is no sign and no
 * fraction. Throws {@link DurationError}.
 */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new DurationError('empty duration string');
  const invalid = () => new DurationError(`not a valid duration string: ${JSON.stringify(s)}`);
  let ms = 0;
  let lastPos = 0;
  let i = 0;
  while (i < s.length) {
    const start = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i === start) throw invalid();
    const v = Number(s.slice(start, i));
    if (!Number.isSafeInteger(v)) throw new DurationError('duration out of range');
    const ustart = i;
    while (i < s.length && !isDigit(s.charCodeAt(i))) i++;
    if (i === ustart) throw invalid();
    const u = s.slice(ustart, i);
    const pos = UNIT_POS[u];
    if (pos === undefined)
      throw new DurationError(`unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(s)}`);
    if (pos <= lastPos) throw invalid();
    lastPos = pos;
    const mult = MS_PER[u as Unit];
    if (v > MAX_MS / mult) throw new DurationError('duration out of range');
    ms += v * mult;
    if (ms > MAX_MS) throw new DurationError('duration out of range');
  }
  return ms;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Formats milliseconds as Prometheus prints a duration (model.Duration.String): `0s`, `1m30s`,
 * `90d`, `2w`, `1y`; years and weeks only when they divide exactly.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  const f = (unit: Unit, exact: boolean) => {
    const mult = MS_PER[unit];
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  f('y', true);
  f('w', true);
  f('d', false);
  f('h', false);
  f('m', false);
  f('s', false);
  f('ms', false);
  return out;
}
