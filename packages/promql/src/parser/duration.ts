// Prometheus: prometheus/common model/time.go ParseDuration, Duration.String

const UNITS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const DURATION_RE =
  /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

/** A duration string that is not in Prometheus's `1h30m` format. */
export class DurationParseError extends Error {
  override readonly name = 'DurationParseError';
  constructor(readonly input: string) {
    super(`not a valid duration string: ${JSON.stringify(input)}`);
  }
}

/**
 * Parses a Prometheus duration (`model.ParseDuration`): units `y w d h m s ms`, each at most once
 * and in that order (`1h30m`, `1d`, `500ms`); `0` alone is allowed. Returns milliseconds. Throws
 * {@link DurationParseError}.
 */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new DurationParseError(s);
  const m = DURATION_RE.exec(s);
  if (m === null) throw new DurationParseError(s);
  let ms = 0;
  for (let i = 0; i < ORDER.length; i++) {
    const g = m[i + 1];
    if (g !== undefined) ms += Number(g) * (UNITS[ORDER[i] as string] as number);
  }
  if (!Number.isSafeInteger(ms)) throw new DurationParseError(s);
  return ms;
}

/**
 * Formats milliseconds as Prometheus's `model.Duration.String()` does: `0s`, `1h30m`, `90d`
 * (years and weeks only when exact), `1m500ms`. Negative values get a leading `-`.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  let r = '';
  const f = (unit: string, mult: number, exact: boolean): void => {
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      r += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  f('y', UNITS.y as number, true);
  f('w', UNITS.w as number, true);
  f('d', UNITS.d as number, false);
  f('h', UNITS.h as number, false);
  f('m', UNITS.m as number, false);
  f('s', UNITS.s as number, false);
  f('ms', 1, false);
  return r;
}
