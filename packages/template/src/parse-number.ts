// Prometheus: Go text/template/parse/node.go Tree.newNumber: what a number literal denotes (an
// int, a float, or both, as Go's constants are untyped until used).
import type { NumberNode } from './nodes.js';

const INT_RE = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;
const FLOAT_RE =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?|0[xX](?:_?[0-9a-fA-F])*\.?(?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?[pP][+-]?\d(?:_?\d)*)$/;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** Go's parse.Tree.newNumber for an integer or float literal; a string is the error. */
export function numberValue(text: string): Omit<NumberNode, 'kind' | 'pos'> | string {
  if (INT_RE.test(text)) {
    const neg = text.startsWith('-');
    let body = text.replace(/^[+-]/, '').replaceAll('_', '');
    if (/^0[0-7]/.test(body)) body = `0o${body.slice(1)}`;
    let v = BigInt(body);
    if (neg) v = -v;
    if (v >= MIN_INT64 && v <= MAX_INT64) {
      return { text, isInt: true, isFloat: true, int: v, float: Number(v) };
    }
    if (!neg && v < 2n ** 64n) return { text, isInt: false, isFloat: true, int: 0n, float: Number(v) };
  }
  if (FLOAT_RE.test(text) && /\d/.test(text)) {
    const f = parseFloatLiteral(text);
    if (f !== undefined && Number.isFinite(f)) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${JSON.stringify(text)}`;
      const isInt = Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63;
      return { text, isInt, isFloat: true, int: isInt ? BigInt(f) : 0n, float: f };
    }
  }
  return `illegal number syntax: ${JSON.stringify(text)}`;
}

function parseFloatLiteral(text: string): number | undefined {
  const s = text.replaceAll('_', '');
  const lower = s.toLowerCase();
  const neg = lower.startsWith('-');
  const body = lower.replace(/^[+-]/, '');
  if (body.startsWith('0x')) {
    const p = body.indexOf('p');
    const mant = body.slice(2, p);
    const exp = Number(body.slice(p + 1));
    const dot = mant.indexOf('.');
    const digits = mant.replace('.', '');
    const fracLen = dot < 0 ? 0 : mant.length - dot - 1;
    const v = Number(BigInt(`0x${digits || '0'}`)) * 2 ** (exp - 4 * fracLen);
    return neg ? -v : v;
  }
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}
