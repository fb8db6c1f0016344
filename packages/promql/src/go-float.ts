// Go's float formatting and parsing, as PromQL uses them for label values and messages
// (strconv.FormatFloat, strconv.ParseFloat, fmt's %g, math.Pow).

// The formatting half lives with the parser, which prints number literals the same way.
export { formatFloatF, formatFloatG } from './parser/literals.js';

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
