// Go's strconv.FormatFloat for the 'e', 'f', 'g' and 'x' formats, with Go's rounding: exact
// decimal expansion, ties to even (JavaScript's toFixed/toPrecision round ties away from zero,
// so `%.2f` of 0.125 is 0.12 in Go and 0.13 in JavaScript).

/** Decimal digits (no leading or trailing zeros) and the decimal point position: value = 0.DIGITS × 10^dp. */
interface Decimal {
  digits: string;
  dp: number;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The mantissa and binary exponent of a finite positive double: v = mant × 2^exp. */
function decompose(v: number): [bigint, number] {
  f64[0] = v;
  const hi = u32[LITTLE ? 1 : 0]!;
  const lo = u32[LITTLE ? 0 : 1]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (bexp === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = bexp - 1075;
  }
  return [mant, exp];
}

/** The exact decimal expansion of a finite positive double. */
function exactDecimal(v: number): Decimal {
  const [mant, exp] = decompose(v);
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trim({ digits, dp });
}

function trim(d: Decimal): Decimal {
  let end = d.digits.length;
  while (end > 0 && d.digits[end - 1] === '0') end--;
  return end === d.digits.length ? d : { digits: d.digits.slice(0, end), dp: end === 0 ? 0 : d.dp };
}

/** The shortest digits that read back as `v` (finite, positive), as Go's shortest formatting finds. */
function shortestDecimal(v: number): Decimal {
  const [mant, e] = v.toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', ''), dp: Number(e) + 1 };
}

/** Rounds to `nd` significant digits, ties to even (Go's decimal.Round). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: 0 };
  if (nd >= d.digits.length) return d;
  const c = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (c === 5 && nd + 1 === d.digits.length) up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 5;
  if (!up) return trim({ digits: d.digits.slice(0, nd), dp: d.digits.length === 0 ? 0 : d.dp });
  // Round up: add one at position nd-1, carrying.
  const ds = d.digits.slice(0, nd).split('');
  let k = nd - 1;
  while (k >= 0 && ds[k] === '9') {
    ds[k] = '0';
    k--;
  }
  if (k < 0) return { digits: '1', dp: d.dp + 1 };
  ds[k] = String.fromCharCode(ds[k]!.charCodeAt(0) + 1);
  return trim({ digits: ds.join(''), dp: d.dp });
}

function fmtE(neg: boolean, d: Decimal, prec: number, upper: boolean): string {
  let s = neg ? '-' : '';
  s += d.digits.length === 0 ? '0' : d.digits[0];
  if (prec > 0) {
    s += '.';
    let i = 1;
    const m = Math.min(d.digits.length, prec + 1);
    if (i < m) {
      s += d.digits.slice(i, m);
      i = m;
    }
    s += '0'.repeat(prec + 1 - i);
  }
  s += upper ? 'E' : 'e';
  let exp = d.dp - 1;
  if (d.digits.length === 0) exp = 0;
  s += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  s += exp < 10 ? `0${exp}` : String(exp);
  return s;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    const m = Math.min(d.digits.length, d.dp);
    s += d.digits.slice(0, m) + '0'.repeat(d.dp - m);
  } else {
    s += '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      s += j >= 0 && j < d.digits.length ? d.digits[j] : '0';
    }
  }
  return s;
}

/**
 * Go's `strconv.FormatFloat(v, fmt, prec, 64)` for fmt 'e', 'E', 'f', 'F', 'g', 'G' (prec -1: the
 * shortest digits that read back exactly) and 'x', 'X' (hexadecimal, shortest only).
 */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (fmt === 'x' || fmt === 'X') return fmtX(neg, a, fmt === 'X');
  const shortest = prec < 0;
  let d: Decimal;
  if (a === 0) {
    d = { digits: '', dp: 0 };
  } else if (shortest) {
    d = shortestDecimal(a);
  } else {
    const exact = exactDecimal(a);
    switch (fmt) {
      case 'e':
      case 'E':
        d = roundDecimal(exact, prec + 1);
        break;
      case 'f':
      case 'F':
        d = roundDecimal(exact, exact.dp + prec);
        break;
      default:
        d = roundDecimal(exact, prec === 0 ? 1 : prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, d, shortest ? Math.max(d.digits.length - 1, 0) : prec, fmt === 'E');
    case 'f':
    case 'F':
      return fmtF(neg, d, shortest ? Math.max(d.digits.length - d.dp, 0) : prec);
    default: {
      const nd = d.digits.length;
      let p = shortest ? nd : prec === 0 ? 1 : prec;
      let eprec = p;
      if (eprec > nd && nd >= d.dp) eprec = nd;
      if (shortest) eprec = 6; // Go decides on precision 6 for the shortest form.
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (p > nd) p = nd;
        return fmtE(neg, d, p - 1, fmt === 'G');
      }
      if (p > d.dp) p = nd;
      return fmtF(neg, d, Math.max(p - d.dp, 0));
    }
  }
}

function fmtX(neg: boolean, a: number, upper: boolean): string {
  let mant = 0n;
  let exp = 0;
  if (a !== 0) {
    [mant, exp] = decompose(a);
    // Normalize so the leading bit is bit 52: mant × 2^exp = 1.xxx × 2^(exp+52).
    while (mant < 1n << 52n) {
      mant <<= 1n;
      exp--;
    }
    exp += 52;
  }
  let frac = (mant & ((1n << 52n) - 1n)).toString(16).padStart(13, '0').replace(/0+$/, '');
  if (upper) frac = frac.toUpperCase();
  const e = Math.abs(exp);
  const s = `${neg ? '-' : ''}${upper ? '0X' : '0x'}${a === 0 ? '0' : '1'}${frac === '' ? '' : `.${frac}`}${upper ? 'P' : 'p'}${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  return s;
}
