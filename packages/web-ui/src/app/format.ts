// Formatting for the UI: label sets, durations (Prometheus's), times and values.

/** `name{a="b", …}` as Prometheus's UI shows a series. */
export function formatSeries(metric: Record<string, string>): string {
  const { __name__: name, ...rest } = metric;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  if (pairs.length === 0) return name ?? '{}';
  return `${name ?? ''}{${pairs.join(', ')}}`;
}

const UNITS: [string, number][] = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** A duration in ms as Prometheus writes it (`1h30m`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const [u, n] of UNITS) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${u}`;
      rest %= n;
    }
  }
  return out;
}

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses a Prometheus duration (`1h`, `5m30s`) to ms; undefined when it is none. */
export function parseDuration(s: string): number | undefined {
  const m = DURATION_RE.exec(s.trim());
  if (m === null || s.trim() === '') return undefined;
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) ms += Number(m[i + 1] ?? 0) * (UNITS[i] as [string, number])[1];
  return ms;
}

/** A time (ms) as `YYYY-MM-DD HH:MM:SS` UTC. */
export function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
}

/** Time since `iso` in words (`12.3s ago`). */
export function ago(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = (Date.now() - t) / 1000;
  return s < 60 ? `${s.toFixed(1)}s ago` : `${formatDuration(Math.round(s) * 1000)} ago`;
}

/** Seconds as `123.4ms` or `1.2s`. */
export function formatSeconds(s: number): string {
  return s < 1 ? `${(s * 1000).toFixed(1)}ms` : `${s.toFixed(3)}s`;
}
