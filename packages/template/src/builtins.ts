// Prometheus: Go text/template/funcs.go, the builtin functions (and, or, not, len, index, slice,
// print, printf, println, eq, ne, lt, le, gt, ge, html, js, urlquery, call).
import { compareStrings } from '@tsprom/labels';
import type { TemplateFunc } from './func-types.js';
import { sprint, sprintf, sprintln } from './go-fmt.js';
import { GoHTML, goTypeName, isMap, isTrue, mapElemType, mapGet, NO_ENTRY, sliceItems } from './go-values.js';
import { queryEscape } from './url-escape.js';

type Kind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'other';

function basicKind(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  if (v instanceof GoHTML) return 'string';
  return 'other';
}

function strOf(v: unknown): string {
  return v instanceof GoHTML ? v.s : (v as string);
}

const utf8 = new TextEncoder();

function isComparable(v: unknown): boolean {
  return !(isMap(v) || sliceItems(v) !== undefined || typeof v === 'function');
}

function eq(args: unknown[]): boolean {
  const [arg1, ...rest] = args;
  if (arg1 !== undefined && arg1 !== null && !isComparable(arg1)) {
    throw new Error(`uncomparable type ${goTypeName(arg1)}: ${sprint([arg1])}`);
  }
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) throw new Error('incompatible types for comparison');
    } else {
      switch (k1) {
        case 'bool':
        case 'int':
        case 'float':
          truth = arg1 === arg;
          break;
        case 'string':
          truth = strOf(arg1) === strOf(arg);
          break;
        default:
          if (arg === undefined || arg1 === undefined) truth = arg1 === arg;
          else {
            if (!isComparable(arg)) throw new Error(`uncomparable type ${goTypeName(arg)}: ${sprint([arg])}`);
            truth = arg1 === arg; // Pointers (samples, times) compare by identity, as in Go.
          }
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid' || k1 === 'other') throw new Error('invalid type for comparison');
  const k2 = basicKind(b);
  if (k2 === 'invalid' || k2 === 'other') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  switch (k1) {
    case 'bool':
      throw new Error('invalid type for comparison');
    case 'string':
      return compareStrings(strOf(a), strOf(b)) < 0;
    default:
      return (a as number) < (b as number);
  }
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq([a, b]);
}

function indexArg(index: unknown, cap: number): number {
  if (typeof index !== 'bigint') throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  if (index < 0n || index >= BigInt(cap)) throw new Error(`index out of range: ${index}`);
  return Number(index);
}

function index(args: unknown[]): unknown {
  let item = args[0];
  if (item === undefined || item === null) throw new Error('index of untyped nil');
  for (const ix of args.slice(1)) {
    if (item === undefined || item === null) throw new Error('index of untyped nil');
    const items = sliceItems(item);
    if (items !== undefined) {
      item = items[indexArg(ix, items.length)];
    } else if (typeof item === 'string' || item instanceof GoHTML) {
      const bytes = utf8.encode(strOf(item));
      item = BigInt(bytes[indexArg(ix, bytes.length)]!); // A byte (uint8) in Go.
    } else if (isMap(item)) {
      if (typeof ix !== 'string') {
        throw new Error(`value has type ${goTypeName(ix)}; should be string`);
      }
      const v = mapGet(item, ix);
      item = v !== NO_ENTRY ? v : mapElemType(item) === 'string' ? '' : undefined;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(args: unknown[]): unknown {
  const item = args[0];
  if (item === undefined || item === null) throw new Error('slice of untyped nil');
  const idx = args.slice(1);
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  let len: number;
  let cut: (a: number, b: number) => unknown;
  const items = sliceItems(item);
  if (typeof item === 'string') {
    if (idx.length === 3) throw new Error('cannot 3-index slice a string');
    const bytes = utf8.encode(item);
    len = bytes.length;
    cut = (a, b) => new TextDecoder().decode(bytes.subarray(a, b));
  } else if (items !== undefined) {
    len = items.length;
    cut = (a, b) => items.slice(a, b);
  } else {
    throw new Error(`can't slice item of type ${goTypeName(item)}`);
  }
  const ix = [0, len];
  for (let i = 0; i < idx.length; i++) ix[i] = indexArg(idx[i], len + 1);
  if (ix[0]! > ix[1]!) throw new Error(`invalid slice index: ${ix[0]} > ${ix[1]}`);
  return cut(ix[0]!, ix[1]!);
}

function lenOf(v: unknown): bigint {
  if (v === undefined || v === null) throw new Error('len of untyped nil');
  if (typeof v === 'string' || v instanceof GoHTML) return BigInt(utf8.encode(strOf(v)).length);
  const items = sliceItems(v);
  if (items !== undefined) return BigInt(items.length);
  if (isMap(v)) {
    if (v instanceof Map) return BigInt(v.size);
    return BigInt('entries' in v && v.entries instanceof Map ? v.entries.size : Object.keys(v).length);
  }
  throw new Error(`len of type ${goTypeName(v)}`);
}

/** Go's evalArgs for html/js/urlquery: one string as it is, anything else through fmt.Sprint. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

/** Go's template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\uFFFD'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

/** Go's template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (r < 0x20 || r === 0x7f || (r >= 0x80 && !/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch))) {
      out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

/** The builtin functions every template has. */
export function builtinFuncs(): Map<string, TemplateFunc> {
  const fns = new Map<string, TemplateFunc>();
  fns.set('and', { params: ['value', 'value'], variadic: true, shortCircuit: 'and', call: () => undefined });
  fns.set('or', { params: ['value', 'value'], variadic: true, shortCircuit: 'or', call: () => undefined });
  fns.set('not', {
    params: ['value'],
    call: ([v]) => !isTrue(v),
  });
  fns.set('len', { params: ['value'], call: ([v]) => lenOf(v) });
  fns.set('index', { params: ['value', 'value'], variadic: true, call: index });
  fns.set('slice', { params: ['value', 'value'], variadic: true, call: slice });
  fns.set('print', { params: ['any'], variadic: true, call: (a) => sprint(a) });
  fns.set('println', { params: ['any'], variadic: true, call: (a) => sprintln(a) });
  fns.set('printf', { params: ['string', 'any'], variadic: true, call: ([f, ...a]) => sprintf(f as string, a) });
  fns.set('eq', { params: ['value', 'value'], variadic: true, call: eq });
  fns.set('ne', { params: ['value', 'value'], call: ([a, b]) => !eq([a, b]) });
  fns.set('lt', { params: ['value', 'value'], call: ([a, b]) => lt(a, b) });
  fns.set('le', { params: ['value', 'value'], call: ([a, b]) => le(a, b) });
  fns.set('gt', { params: ['value', 'value'], call: ([a, b]) => !le(a, b) });
  fns.set('ge', { params: ['value', 'value'], call: ([a, b]) => !lt(a, b) });
  fns.set('html', { params: ['any'], variadic: true, call: (a) => htmlEscape(evalArgs(a)) });
  fns.set('js', { params: ['any'], variadic: true, call: (a) => jsEscape(evalArgs(a)) });
  fns.set('urlquery', { params: ['any'], variadic: true, call: (a) => queryEscape(evalArgs(a)) });
  fns.set('call', {
    params: ['value', 'value'],
    variadic: true,
    call: ([fn, ...a]) => {
      if (fn === undefined || fn === null) throw new Error('call of nil');
      if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
      return (fn as (...x: unknown[]) => unknown)(...a);
    },
  });
  return fns;
}
