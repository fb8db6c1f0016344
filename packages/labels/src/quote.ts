// Prometheus: Go strconv.Quote / strconv.Unquote, which label and matcher formatting use.

const HEX = '0123456789abcdef';
// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function hex(n: number, digits: number): string {
  let s = '';
  for (let i = (digits - 1) * 4; i >= 0; i -= 4) s += HEX[(n >>> i) & 0xf];
  return s;
}

/**
 * Quotes `s` as a double-quoted string literal with Go's `strconv.Quote` rules (`%q`): `"` and `\`
 * are escaped, non-printable code points become `\a \b \f \n \r \t \v`, `\xHH`, `\uHHHH` or
 * `\UHHHHHHHH` (lower-case hex). Lone surrogates, which have no UTF-8 form, are written as
 * `\uHHHH` (Go would see invalid bytes instead); {@link unquoteString} reads them back.
 */
export function quoteString(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0x22) out += '\\"';
    else if (r === 0x5c) out += '\\\\';
    else if (r >= 0x20 && r < 0x7f) out += ch;
    else if (r >= 0x80 && !(r >= 0xd800 && r < 0xe000) && PRINTABLE.test(ch)) out += ch;
    else if (r === 0x07) out += '\\a';
    else if (r === 0x08) out += '\\b';
    else if (r === 0x0c) out += '\\f';
    else if (r === 0x0a) out += '\\n';
    else if (r === 0x0d) out += '\\r';
    else if (r === 0x09) out += '\\t';
    else if (r === 0x0b) out += '\\v';
    else if (r < 0x20 || r === 0x7f) out += `\\x${hex(r, 2)}`;
    else if (r < 0x10000) out += `\\u${hex(r, 4)}`;
    else out += `\\U${hex(r, 8)}`;
  }
  return `${out}"`;
}

/** Thrown by {@link unquoteString} for a malformed literal; `offset` is relative to the literal. */
export class UnquoteError extends Error {
  override readonly name = 'UnquoteError';
  constructor(
    readonly literal: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`invalid string literal ${JSON.stringify(literal)} at offset ${offset}: ${reason}`);
  }
}

/**
 * Reads a Go/PromQL string literal (`"…"`, `'…'` with escapes, or raw `` `…` ``) and returns its
 * value, as Go's `strconv.Unquote` does (octal `\ooo` and `\xHH` must denote a code point below
 * 0x80, since JavaScript strings cannot hold raw bytes). Throws {@link UnquoteError}.
 */
export function unquoteString(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q || (q !== '"' && q !== "'" && q !== '`')) {
    throw new UnquoteError(lit, 0, 'not a quoted string');
  }
  const body = lit.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new UnquoteError(lit, 1 + body.indexOf('`'), 'backquote inside raw string');
    return body;
  }
  if (!body.includes('\\')) {
    if (body.includes(q)) throw new UnquoteError(lit, 1 + body.indexOf(q), 'unescaped quote');
    if (body.includes('\n')) throw new UnquoteError(lit, 1 + body.indexOf('\n'), 'newline in string');
    return body;
  }
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === q) throw new UnquoteError(lit, i + 1, 'unescaped quote');
    if (c === '\n') throw new UnquoteError(lit, i + 1, 'newline in string');
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    switch (e) {
      case 'a':
        out += '\x07';
        i += 2;
        break;
      case 'b':
        out += '\b';
        i += 2;
        break;
      case 'f':
        out += '\f';
        i += 2;
        break;
      case 'n':
        out += '\n';
        i += 2;
        break;
      case 'r':
        out += '\r';
        i += 2;
        break;
      case 't':
        out += '\t';
        i += 2;
        break;
      case 'v':
        out += '\v';
        i += 2;
        break;
      case '\\':
        out += '\\';
        i += 2;
        break;
      case '"':
      case "'":
        if (e !== q) throw new UnquoteError(lit, i + 1, `invalid escape \\${e}`);
        out += e;
        i += 2;
        break;
      case 'x':
      case 'u':
      case 'U': {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const digits = body.slice(i + 2, i + 2 + n);
        if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) {
          throw new UnquoteError(lit, i + 1, `invalid escape \\${e}${digits}`);
        }
        const v = Number.parseInt(digits, 16);
        if (e === 'x' && v >= 0x80) throw new UnquoteError(lit, i + 1, 'byte escape above 0x7f is not a code point');
        if (v > 0x10ffff) throw new UnquoteError(lit, i + 1, 'escape above U+10FFFF');
        out += String.fromCodePoint(v);
        i += 2 + n;
        break;
      }
      default: {
        if (e !== undefined && e >= '0' && e <= '7') {
          const digits = body.slice(i + 1, i + 4);
          if (!/^[0-7]{3}$/.test(digits)) throw new UnquoteError(lit, i + 1, `invalid octal escape \\${digits}`);
          const v = Number.parseInt(digits, 8);
          if (v >= 0x80) throw new UnquoteError(lit, i + 1, 'byte escape above 0x7f is not a code point');
          out += String.fromCharCode(v);
          i += 4;
          break;
        }
        throw new UnquoteError(lit, i + 1, `invalid escape \\${e ?? ''}`);
      }
    }
  }
  return out;
}
