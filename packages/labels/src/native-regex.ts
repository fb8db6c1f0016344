// Translates a safe subset of the RegexNode tree to a native RegExp, which V8 runs far faster than
// re2js. Safe means two things. Same meaning: only literals, `.`, small explicit classes,
// alternation, concatenation and `* + ?` are translated, with the `u` flag (code points, like RE2)
// and `.` spelled out (`[^\n]` when it must not match newline; under `s` otherwise); case folding
// is all-or-nothing since Node 20 has no inline `(?i:)`. Linear time: V8 backtracks, so the
// pattern may hold at most one unbounded repeat (`*`/`+`), of a single character, and only a small
// number of alternative paths; an anchored match then costs O(paths x input length).
// fast-regex-matcher.test.ts checks the translation against re2js on random patterns and inputs.
import { isCased, type RegexNode } from './regex-parse.js';

/** Alternative paths through the pattern (product over concatenation, sum over alternation). */
const MAX_PATHS = 64;

function esc(c: string): string {
  return /^[0-9A-Za-z]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

function escAll(s: string): string {
  let out = '';
  for (const c of s) out += esc(c);
  return out;
}

interface Walk {
  unbounded: number;
  fold: boolean | undefined; // Case mode of cased literals seen so far.
  ok: boolean;
}

function single(n: RegexNode): boolean {
  return n.op === 'any' || n.op === 'class' || (n.op === 'lit' && [...n.s].length === 1);
}

function paths(n: RegexNode, w: Walk): number {
  switch (n.op) {
    case 'lit':
      if (n.cased) {
        if (w.fold !== undefined && w.fold !== n.fold) w.ok = false;
        w.fold = n.fold;
      }
      return 1;
    case 'class':
      if (n.chars.some(isCased)) {
        if (w.fold === true) w.ok = false;
        w.fold = false;
      }
      return 1;
    case 'any':
    case 'empty':
      return 1;
    case 'quest':
      return 2 * paths(n.sub, w);
    case 'star':
    case 'plus':
      w.unbounded++;
      if (!single(n.sub)) w.ok = false;
      return paths(n.sub, w);
    case 'concat': {
      let p = 1;
      for (const s of n.subs) p = Math.min(p * paths(s, w), MAX_PATHS + 1);
      return p;
    }
    case 'alt': {
      let p = 0;
      for (const s of n.subs) p += paths(s, w);
      return Math.min(p, MAX_PATHS + 1);
    }
  }
}

function source(n: RegexNode): string {
  switch (n.op) {
    case 'lit':
      return escAll(n.s);
    case 'any':
      return n.nl ? '.' : '[^\\n]';
    case 'class':
      return `[${n.chars.map(esc).join('')}]`;
    case 'empty':
      return '';
    case 'star':
      return `(?:${source(n.sub)})*`;
    case 'plus':
      return `(?:${source(n.sub)})+`;
    case 'quest':
      return `(?:${source(n.sub)})?`;
    case 'concat':
      return n.subs.map(source).join('');
    case 'alt':
      return `(?:${n.subs.map(source).join('|')})`;
  }
}

/**
 * A native RegExp equivalent to `^(?s:node)$` under RE2 semantics, or undefined when the pattern
 * is outside the safe subset described above.
 */
export function toNativeRegExp(node: RegexNode): RegExp | undefined {
  const w: Walk = { unbounded: 0, fold: undefined, ok: true };
  const p = paths(node, w);
  if (!w.ok || w.unbounded > 1 || p > MAX_PATHS) return undefined;
  return new RegExp(`^(?:${source(node)})$`, w.fold === true ? 'isu' : 'su');
}
