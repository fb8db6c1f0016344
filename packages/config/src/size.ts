// Prometheus: github.com/alecthomas/units Base2Bytes, ParseBase2Bytes, ParseUnit, ToString (the
// `<size>` of prometheus.yml, such as body_size_limit: 10MB). Sizes are base 2: 1KB = 1KiB = 1024 B.

/** A size string Prometheus rejects; the message is the units package's. */
export class SizeError extends Error {
  override readonly name = 'SizeError';
}

const SCALE = 1024;
/** units.MakeUnitMap("iB", "B", 1024), with the "old" map ("KB", "MB"…) folded in: both are base 2. */
const UNITS: Record<string, number> = { B: 1 };
for (const [i, p] of ['K', 'M', 'G', 'T', 'P', 'E'].entries()) {
  UNITS[`${p}iB`] = SCALE ** (i + 1);
  UNITS[`${p}B`] = SCALE ** (i + 1);
}

/**
 * Parses a size with its unit (`512MB`, `1GiB`, `1.5KB`, `1GB512MB`, `0`) into bytes, as
 * units.ParseBase2Bytes. A unit is required except for a bare `0`. Throws {@link SizeError}.
 */
export function parseSize(s: string): number {
  const orig = s;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new SizeError(`units: invalid ${orig}`);
  let total = 0;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) throw new SizeError(`units: invalid ${orig}`);
    const m = /^([0-9]*)(\.[0-9]*)?/.exec(s)!;
    const whole = m[1]!;
    const frac = m[2] ?? '';
    if (whole === '' && frac.length <= 1) throw new SizeError(`units: invalid ${orig}`);
    s = s.slice(m[0].length);
    const um = /^[^0-9.]*/.exec(s)!;
    const unit = um[0];
    const mult = UNITS[unit];
    if (mult === undefined) throw new SizeError(`units: unknown unit ${unit} in ${orig}`);
    s = s.slice(unit.length);
    total += Number(`${whole === '' ? '0' : whole}${frac === '.' ? '' : frac}`) * mult;
  }
  if (total > 2 ** 63 - 1) throw new SizeError('units: overflow parsing unit');
  const bytes = Math.trunc(total);
  return neg ? -bytes : bytes;
}

const PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** Formats bytes as Base2Bytes.String: `10MiB`, `1KiB476B`, `0B`. */
export function formatSize(bytes: number): string {
  let n = Math.trunc(bytes);
  if (n === 0) return '0B';
  const out: string[] = [];
  for (let i = 0; i < PREFIXES.length; i++) {
    const r = n % SCALE;
    if (r !== 0) out.unshift(`${r}${PREFIXES[i]}${i === 0 ? 'B' : 'iB'}`);
    n = Math.trunc(n / SCALE);
    if (n === 0) break;
  }
  return out.join('');
}
