// Go's strconv.ParseFloat, with its errors, as Prometheus's convertToFloat reaches it.
import { quoteString } from '@tsprom/labels';

const DEC_RE = /^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?$/;
const HEX_RE = /^0[xX](?:_?[0-9a-fA-F])*(?:\.(?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?[pP][+-]?\d(?:_?\d)*$/;

/** Go's `strconv.ParseFloat(s, 64)`: throws Go's `strconv.ParseFloat: parsing "s": invalid syntax` / `value out of range`. */
export function parseGoFloat(s: string): number {
  const syntax = (): never => {
    throw new Error(`strconv.ParseFloat: parsing ${quoteString(s)}: invalid syntax`);
  };
  const sign = s[0] === '+' || s[0] === '-' ? s[0] : '';
  const body = s.slice(sign.length);
  const lower = body.toLowerCase();
  const neg = sign === '-';
  if (lower === 'inf' || lower === 'infinity') return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (lower === 'nan' && sign === '') return Number.NaN;
  let v: number;
  if (HEX_RE.test(body)) {
    const clean = body.slice(2).replaceAll('_', '').toLowerCase();
    const p = clean.indexOf('p');
    const mant = clean.slice(0, p);
    const exp = Number(clean.slice(p + 1));
    const dot = mant.indexOf('.');
    const digits = mant.replace('.', '');
    if (digits === '') syntax();
    const frac = dot < 0 ? 0 : mant.length - dot - 1;
    v = Number(BigInt(`0x${digits}`)) * 2 ** (exp - 4 * frac);
  } else {
    // Underscores are only allowed with a base prefix.
    if (body.includes('_') || !DEC_RE.test(body) || !/\d/.test(body.split(/[eE]/)[0]!)) syntax();
    v = Number(body);
  }
  if (!Number.isFinite(v)) {
    throw new Error(`strconv.ParseFloat: parsing ${quoteString(s)}: value out of range`);
  }
  return neg ? -v : v;
}
