// Go's fmt as templates reach it: Sprint (action output, print), Sprintln, Sprintf (printf).
import { quoteString } from '@tsprom/labels';
import { formatFloat } from './go-float-format.js';
import {
  GoHTML,
  goTypeName,
  isGoNamed,
  isMap,
  isStruct,
  mapGet,
  mapKeys,
  STRUCT_TYPE,
  sliceItems,
} from './go-values.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid: number; // -1: none
  prec: number; // -1: none
}

const NO_FLAGS: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false, wid: -1, prec: -1 };

function pad(s: string, f: Flags, zeroOk = true): string {
  const n = [...s].length;
  if (f.wid < 0 || n >= f.wid) return s;
  const fill = f.wid - n;
  if (f.minus) return s + ' '.repeat(fill);
  if (f.zero && zeroOk) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function fmtFloatVerb(v: number, verb: string, f: Flags): string {
  let fmt = verb;
  let prec = f.prec;
  if (verb === 'v') {
    fmt = 'g';
  } else if (verb === 'F') {
    fmt = 'f';
  }
  if (prec < 0 && (fmt === 'e' || fmt === 'E' || fmt === 'f')) prec = 6;
  let s = formatFloat(v, fmt, prec);
  if (f.sharp && fmt !== 'x' && fmt !== 'X' && Number.isFinite(v) && !s.includes('.')) {
    // %#g keeps a decimal point (and, for %g, trailing zeros up to the precision): the common part.
    const e = s.search(/[eEpP]/);
    s = e < 0 ? `${s}.` : `${s.slice(0, e)}.${s.slice(e)}`;
  }
  if (s === '+Inf') s = f.plus ? '+Inf' : f.space ? ' Inf' : 'Inf';
  else if (!s.startsWith('-') && s !== 'NaN') {
    if (f.plus) s = `+${s}`;
    else if (f.space) s = ` ${s}`;
  } else if (s === 'NaN' && (f.plus || f.space)) s = f.plus ? '+NaN' : ' NaN';
  return pad(s, f, Number.isFinite(v));
}

function fmtIntVerb(v: bigint, verb: string, f: Flags): string | undefined {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = a.toString();
      break;
    case 'b':
      digits = a.toString(2);
      if (f.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = a.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (f.sharp && digits !== '0') prefix = '0';
      break;
    case 'x':
      digits = a.toString(16);
      if (f.sharp) prefix = '0x';
      break;
    case 'X':
      digits = a.toString(16).toUpperCase();
      if (f.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(a) <= 0x10ffff ? Number(a) : 0xfffd), f);
    case 'q':
      return pad(quoteRune(Number(a)), f);
    case 'U': {
      const h = a.toString(16).toUpperCase().padStart(4, '0');
      return pad(f.sharp ? `U+${h} '${String.fromCodePoint(Number(a))}'` : `U+${h}`, f);
    }
    default:
      return undefined;
  }
  if (f.prec >= 0) {
    digits = f.prec === 0 && a === 0n ? '' : digits.padStart(f.prec, '0');
  }
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + prefix + digits, f, f.prec < 0);
}

function quoteRune(r: number): string {
  const s = quoteString(String.fromCodePoint(r));
  const inner = s.slice(1, -1).replace(/\\"/g, '"');
  return `'${inner === "'" ? "\\'" : inner}'`;
}

const utf8 = new TextEncoder();

function hexString(s: string, f: Flags, upper: boolean): string {
  const bytes = utf8.encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (f.space && i > 0) out += ' ';
    if (f.sharp && (f.space || i === 0)) out += upper ? '0X' : '0x';
    const h = bytes[i]!.toString(16).padStart(2, '0');
    out += upper ? h.toUpperCase() : h;
  }
  return out;
}

function fmtStringVerb(s: string, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
    case 's':
      return pad(f.prec >= 0 ? [...s].slice(0, f.prec).join('') : s, f);
    case 'q':
      if (f.sharp && !/[`\u0000-\u0008\u000a-\u001f\u007f\ufeff]/.test(s)) return pad(`\`${s}\``, f);
      return pad(quoteString(s), f);
    case 'x':
      return pad(hexString(s, f, false), f);
    case 'X':
      return pad(hexString(s, f, true), f);
    default:
      return undefined;
  }
}

/** Formats one operand with a verb, as Go's printArg; `depth` > 0 inside a composite value. */
function printArg(v: unknown, verb: string, f: Flags, depth: number): string {
  if (verb === 'T') return pad(goTypeName(v), f);
  if (v === null || v === undefined) {
    if (verb === 'v') return pad('<nil>', f);
    return badVerb(v, verb);
  }
  let out: string | undefined;
  switch (typeof v) {
    case 'boolean':
      out = verb === 'v' || verb === 't' ? pad(String(v), f) : undefined;
      break;
    case 'number':
      out = 'vbgGxXfFeE'.includes(verb) ? fmtFloatVerb(v, verb, f) : undefined;
      break;
    case 'bigint':
      out = fmtIntVerb(v, verb, f);
      break;
    case 'string':
      out = fmtStringVerb(v, verb, f);
      break;
    default:
      if (v instanceof GoHTML) out = fmtStringVerb(v.s, verb, f);
      else if (isGoNamed(v)) {
        if ('vsxXq'.includes(verb)) out = fmtStringVerb(v.toString(), verb === 'v' ? 's' : verb, f);
      } else out = printComposite(v, verb, f, depth);
  }
  return out ?? badVerb(v, verb);
}

/**
 * How an action prints its value (Go's printableValue then fmt.Fprint): no value is `<no value>`,
 * and a pointer is followed first, so a sample prints as `{map[…] 1}`, not `&{…}`.
 */
export function fprintAction(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (isStruct(v) && v[STRUCT_TYPE].pointer) return printComposite(v, 'v', NO_FLAGS, 0, true) ?? '';
  return printArg(v, 'v', NO_FLAGS, 0);
}

function printComposite(v: unknown, verb: string, f: Flags, depth: number, deref = false): string | undefined {
  const items = sliceItems(v);
  if (items !== undefined) {
    return `[${items.map((x) => printArg(x, verb, f, depth + 1)).join(' ')}]`;
  }
  if (isStruct(v)) {
    const t = v[STRUCT_TYPE];
    const pointer = t.pointer && !deref;
    if (pointer && depth > 0) return '0xc000010000'; // A pointer inside a value prints as an address in Go.
    const body = t.fields.map((name) => (f.plus ? `${name}:` : '') + printArg(v[name], verb, f, depth + 1)).join(' ');
    return `${pointer ? '&' : ''}{${body}}`;
  }
  if (isMap(v)) {
    const parts = mapKeys(v).map(
      (k) => `${printArg(k, verb, f, depth + 1)}:${printArg(mapGet(v, k), verb, f, depth + 1)}`,
    );
    return `map[${parts.join(' ')}]`;
  }
  return undefined;
}

function badVerb(v: unknown, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${printArg(v, 'v', NO_FLAGS, 0)})`;
}

/** Go's `fmt.Sprint`: operands formatted with %v, a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let s = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') s += ' ';
    s += printArg(a, 'v', NO_FLAGS, 0);
  }
  return s;
}

/** Go's `fmt.Sprintln`: operands with %v separated by spaces, and a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((a) => printArg(a, 'v', NO_FLAGS, 0)).join(' ')}\n`;
}

/** Go's `fmt.Sprintf`, with its verbs, flags, widths, precisions, `[n]` indexes and `%!` error forms. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { ...NO_FLAGS };
    for (; i < n; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') f.space = true;
      else break;
    }
    const argIndex = (): boolean => {
      if (format[i] !== '[') return true;
      reordered = true;
      const close = format.indexOf(']', i);
      const idx = close < 0 ? Number.NaN : Number(format.slice(i + 1, close));
      if (!Number.isInteger(idx) || idx < 1 || idx > args.length) {
        i = close < 0 ? n : close + 1;
        return false;
      }
      argNum = idx - 1;
      i = close + 1;
      return true;
    };
    let goodIndex = argIndex();
    // Width.
    if (format[i] === '*') {
      i++;
      const w = args[argNum++];
      if (typeof w === 'bigint') {
        f.wid = Number(w < 0n ? -w : w);
        if (w < 0n) {
          f.minus = true;
          f.zero = false;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        f.wid = Number(m[0]);
        i += m[0].length;
      }
    }
    // Precision.
    if (format[i] === '.') {
      i++;
      goodIndex = argIndex() && goodIndex;
      if (format[i] === '*') {
        i++;
        const p = args[argNum++];
        if (typeof p === 'bigint' && p >= 0n) f.prec = Number(p);
        else out += '%!(BADPREC)';
      } else {
        const m = /^\d+/.exec(format.slice(i));
        f.prec = m ? Number(m[0]) : 0;
        i += m ? m[0].length : 0;
      }
    }
    if (!f.minus && f.wid >= 0 && format[i] !== undefined) goodIndex = argIndex() && goodIndex;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[argNum++];
    if (verb === 'w') out += badVerb(a, verb);
    else out += printArg(a, verb, f, 0);
  }
  if (!reordered && argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${printArg(a, 'v', NO_FLAGS, 0)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
