// Go's float formatting and parsing, as PromQL uses them for label values and messages
// (strconv.FormatFloat, strconv.ParseFloat, fmt's %g, math.Pow).

/** Go `strconv.FormatFloat(f, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const s = String(f);
  const e = s.indexOf('e');
  if (e < 0) return s;
  return expandExponent(s.slice(0, e), Number(s.slice(e + 1)));
}

function expandExponent(mant: string, exp: number): string {
  const neg = mant.startsWith('-');
  if (neg) mant = mant.slice(1);
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const pointPos = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (pointPos <= 0) out = `0.${'0'.repeat(-pointPos)}${digits}`;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = `${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
  return neg ? `-${out}` : out;
}

/** Go `fmt.Sprintf("%g", f)` for float64: shortest digits, exponent when exp < -4 or >= 21. */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const ex = f.toExponential(); // shortest round-trip digits: d.ddde+X
  const eIdx = ex.indexOf('e');
  const mant = ex.slice(0, eIdx);
  const exp = Number(ex.slice(eIdx + 1));
  if (exp < -4 || exp >= 21) {
    const sign = exp < 0 ? '-' : '+';
    const a = Math.abs(exp);
    return `${mant}e${sign}${a < 10 ? `0${a}` : a}`;
  }
  return formatFloatF(f);
}

const goFloatRe =
  /^[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d*(?:_\d+)*(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*(?:[pP][+-]?\d+)?)$/;

/** Go `strconv.ParseFloat(s, 64)`; returns null where Go returns an error. */
export function parseGoFloat(s: string): number | null {
  const lower = s.toLowerCase();
  const body = lower.startsWith('+') || lower.startsWith('-') ? lower.slice(1) : lower;
  const sign = lower.startsWith('-') ? -1 : 1;
  if (body === 'inf' || body === 'infinity') return sign * Number.POSITIVE_INFINITY;
  if (body === 'nan') return Number.NaN;
  if (s === '' || !goFloatRe.test(s)) return null;
  if (body.startsWith('0x')) return sign * parseHexFloat(body.slice(2).replaceAll('_', ''));
  if (s.includes('_')) return null; // underscores only with a base prefix
  if (body === '' || body === '.' || /^\.?e/.test(body)) return null;
  const n = Number(s);
  return Number.isNaN(n) ? null : n;
}

function parseHexFloat(h: string): number {
  const p = h.indexOf('p');
  const mant = p < 0 ? h : h.slice(0, p);
  const exp = p < 0 ? 0 : Number(h.slice(p + 1));
  const dot = mant.indexOf('.');
  const intPart = dot < 0 ? mant : mant.slice(0, dot);
  const frac = dot < 0 ? '' : mant.slice(dot + 1);
  let v = 0;
  for (const c of intPart + frac) v = v * 16 + Number.parseInt(c, 16);
  return v * 2 ** (exp - 4 * frac.length);
}

/** Go `math.Pow`, which differs from `**` on a few special cases (1^NaN, (-1)^±Inf). */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return x ** y;
}
