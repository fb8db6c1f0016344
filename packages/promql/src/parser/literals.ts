// Prometheus: promql/parser/lex.go (lexEscape, scanNumber), parse.go parseNumber, and
// util/strutil/quote.go Unquote.

/** A malformed string literal; `offset` is relative to the literal's opening quote. */
export class StringLiteralError extends Error {
  override readonly name = 'StringLiteralError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Parses a PromQL number literal as Prometheus's `parseNumber` does: Go `strconv.ParseInt(s, 0, 64)`
 * first (so `0x1F` is hex and `0755` is octal), then `ParseFloat` (`1.5e3`, `.5`, `Inf`, `NaN`).
 * Returns NaN for NaN and for unparsable input; callers validate the syntax first.
 */
export function parseNumber(s: string): number {
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  if (lower.startsWith('0x')) {
    const digits = lower.slice(2).replaceAll('_', '');
    return digits === '' ? Number.NaN : Number(BigInt(`0x${digits}`));
  }
  // Go's ParseInt(s, 0, 64) and ParseFloat take `_` between digits (`1_000_000`); the grammar
  // has checked where they stand.
  const plain = s.replaceAll('_', '');
  if (/^0[0-7]+$/.test(plain)) return Number(BigInt(`0o${plain.slice(1)}`));
  return Number(plain);
}

function goRune(r: number): string {
  const hex = r.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} '${String.fromCodePoint(r)}'`;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/**
 * Decodes a PromQL string literal with its quotes: `"…"` and `'…'` with Go escapes (`\n`, `\t`,
 * `\\`, the own quote, `\ooo`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`), or raw `` `…` ``. Octal and `\x`
 * escapes denote bytes; byte sequences that are not valid UTF-8 decode to lone surrogates
 * U+DC80–U+DCFF (one per byte), so they survive into label values and are seen as invalid UTF-8
 * by `isValidUtf8`. Throws {@link StringLiteralError} with Prometheus's lexer messages.
 */
export function unquoteString(lit: string): string {
  const q = lit[0];
  if (q === '`') {
    if (lit.length < 2 || lit[lit.length - 1] !== '`') throw new StringLiteralError('unterminated raw string', 0);
    // Go drops carriage returns from raw strings.
    return lit.slice(1, -1).replaceAll('\r', '');
  }
  if ((q !== '"' && q !== "'") || lit.length < 2 || lit[lit.length - 1] !== q) {
    throw new StringLiteralError('unterminated quoted string', 0);
  }
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += decodeBytes(bytes);
      bytes = [];
    }
  };
  const end = lit.length - 1;
  let i = 1;
  while (i < end) {
    const c = lit[i] as string;
    if (c === '\n') throw new StringLiteralError('unterminated quoted string', i);
    if (c !== '\\') {
      flush();
      out += c;
      i++;
      continue;
    }
    const escPos = i;
    i++;
    if (i >= end) throw new StringLiteralError('escape sequence not terminated', escPos);
    const e = lit[i] as string;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined || e === q) {
      flush();
      out += String.fromCharCode(simple ?? (q as string).charCodeAt(0));
      i++;
      continue;
    }
    let n = 0;
    let base = 0;
    let max = 0;
    switch (e) {
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
        n = 3;
        base = 8;
        max = 255;
        break;
      case 'x':
        i++;
        n = 2;
        base = 16;
        max = 255;
        break;
      case 'u':
        i++;
        n = 4;
        base = 16;
        max = 0x10ffff;
        break;
      case 'U':
        i++;
        n = 8;
        base = 16;
        max = 0x10ffff;
        break;
      default:
        throw new StringLiteralError(`unknown escape sequence ${goRune(e.codePointAt(0) as number)}`, escPos);
    }
    let x = 0;
    for (let k = 0; k < n; k++, i++) {
      // Running into the closing quote makes the quote the illegal character, as in Prometheus.
      if (i >= end)
        throw new StringLiteralError(`illegal character ${goRune(q.charCodeAt(0))} in escape sequence`, escPos);
      const d = Number.parseInt(lit[i] as string, base);
      if (Number.isNaN(d)) {
        throw new StringLiteralError(
          `illegal character ${goRune(lit.codePointAt(i) as number)} in escape sequence`,
          escPos,
        );
      }
      x = x * base + d;
    }
    if (x > max) throw new StringLiteralError('escape sequence is an invalid Unicode code point', escPos);
    if (max === 255) {
      bytes.push(x);
      continue;
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
      throw new StringLiteralError('escape sequence is an invalid Unicode code point', escPos);
    }
    flush();
    out += String.fromCodePoint(x);
  }
  flush();
  return out;
}

/** UTF-8 decoding where each byte of an invalid sequence becomes the lone surrogate 0xDC00+byte. */
function decodeBytes(b: number[]): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let need = 0;
    let cp = 0;
    let min = 0;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    }
    let ok = need > 0;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const cc = b[i + k];
        if (cc === undefined || (cc & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp < 0xe000)) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + c);
      i++;
    }
  }
  return out;
}

/**
 * Formats a float as Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that read
 * back exactly, never in exponent form; `+Inf`, `-Inf`, `NaN`.
 */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e === -1) return s;
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = mant.replace('.', '');
  const intLen = (dot === -1 ? mant.length : dot) + exp;
  let r: string;
  if (intLen <= 0) r = `0.${'0'.repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) r = digits + '0'.repeat(intLen - digits.length);
  else r = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return neg ? `-${r}` : r;
}

/**
 * Formats a float as Go's `%v` / `strconv.FormatFloat(v, 'g', -1, 64)` does: shortest digits, in
 * exponent form (`1e+06`, `1.5e-07`, `1.234567e+06`) when the decimal exponent is < -4 or >= 6;
 * `+Inf`, `-Inf`, `NaN`.
 */
export function formatFloatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // Shortest round-trip digits and decimal exponent, from JS's own shortest formatting.
  const [mant, expStr] = Math.abs(v).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  const sign = v < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return sign + formatFloatF(Math.abs(v));
}
