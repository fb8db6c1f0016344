// Prometheus: model/labels/regexp.go findSetMatches, optimizeConcatRegex, stringMatcherFromRegexp,
// reworked over the RegexNode tree of regex-parse.ts.
import type { RegexNode } from './regex-parse.js';
import {
  ANY_WITHOUT_NEWLINE,
  anyNonEmpty,
  ContainsMatcher,
  EqualMatcher,
  OrMatcher,
  PrefixMatcher,
  SetMatcher,
  type StringMatcher,
  SuffixMatcher,
  TRUE_MATCHER,
  zeroOrOneChar,
} from './string-matcher.js';

/** Prometheus `maxSetMatches`: larger literal sets are left to the other matchers. */
export const MAX_SET_MATCHES = 256;

/** How a set of literals compares: case-sensitively, case-insensitively, or either (no cased letters). */
type CaseKind = 'cs' | 'ci' | 'any';

interface SetResult {
  readonly matches: string[];
  readonly kind: CaseKind;
}

function merge(a: CaseKind, b: CaseKind): CaseKind | undefined {
  if (a === 'any') return b;
  if (b === 'any' || a === b) return a;
  return undefined;
}

function litKind(n: { fold: boolean; cased: boolean }): CaseKind {
  return !n.cased ? 'any' : n.fold ? 'ci' : 'cs';
}

/**
 * Prometheus `findSetMatches`: the finite list of strings `node` matches, when it is built only of
 * literals, small classes, alternations, concatenations and `?`, all of one case mode.
 */
export function findSetMatches(node: RegexNode): SetResult | undefined {
  switch (node.op) {
    case 'empty':
      return { matches: [''], kind: 'any' };
    case 'lit':
      return { matches: [node.s], kind: litKind(node) };
    case 'class': {
      const kind = node.chars.some((c) => c.toLowerCase() !== c || c.toUpperCase() !== c) ? 'cs' : 'any';
      return { matches: [...node.chars], kind };
    }
    case 'quest': {
      const sub = findSetMatches(node.sub);
      if (sub === undefined || sub.matches.length + 1 > MAX_SET_MATCHES) return undefined;
      return { matches: ['', ...sub.matches], kind: sub.kind };
    }
    case 'alt': {
      let kind: CaseKind | undefined = 'any';
      const out: string[] = [];
      for (const s of node.subs) {
        const r = findSetMatches(s);
        if (r === undefined) return undefined;
        kind = merge(kind, r.kind);
        if (kind === undefined) return undefined;
        out.push(...r.matches);
        if (out.length > MAX_SET_MATCHES) return undefined;
      }
      return { matches: dedupe(out), kind };
    }
    case 'concat': {
      let kind: CaseKind | undefined = 'any';
      let acc = [''];
      for (const s of node.subs) {
        const r = findSetMatches(s);
        if (r === undefined) return undefined;
        kind = merge(kind, r.kind);
        if (kind === undefined || acc.length * r.matches.length > MAX_SET_MATCHES) return undefined;
        const next: string[] = [];
        for (const a of acc) for (const b of r.matches) next.push(a + b);
        acc = next;
      }
      return { matches: dedupe(acc), kind };
    }
    default:
      return undefined;
  }
}

function dedupe(xs: string[]): string[] {
  return xs.length < 2 ? xs : [...new Set(xs)];
}

/**
 * Prometheus `optimizeConcatRegex`: case-sensitive literals at the start, at the end and in the
 * middle of a top-level concatenation, which every match must contain (in that order).
 */
export function concatLiterals(node: RegexNode): { prefix: string; suffix: string; contains: string[] } {
  const out = { prefix: '', suffix: '', contains: [] as string[] };
  if (node.op !== 'concat') return out;
  const subs = node.subs;
  const isCsLit = (n: RegexNode): n is Extract<RegexNode, { op: 'lit' }> => n.op === 'lit' && litKind(n) !== 'ci';
  const first = subs[0]!;
  const last = subs[subs.length - 1]!;
  if (isCsLit(first)) out.prefix = first.s;
  if (isCsLit(last)) out.suffix = last.s;
  for (let i = 1; i < subs.length - 1; i++) {
    const n = subs[i]!;
    if (isCsLit(n)) out.contains.push(n.s);
  }
  return out;
}

function setMatcher(r: SetResult): StringMatcher {
  const cs = r.kind !== 'ci';
  return r.matches.length === 1 ? new EqualMatcher(r.matches[0]!, cs) : new SetMatcher(r.matches, cs);
}

function isRepeat(n: RegexNode): boolean {
  return n.op === 'star' || n.op === 'plus' || n.op === 'quest';
}

/**
 * Prometheus `stringMatcherFromRegexp`: a matcher that decides the regex without the regex engine,
 * for `.*`, `.+`, `.?`, literals, alternations of those, and concatenations of a literal set with
 * such matchers on either side; undefined otherwise.
 */
export function stringMatcherFor(node: RegexNode): StringMatcher | undefined {
  switch (node.op) {
    case 'plus':
      return node.sub.op === 'any' ? anyNonEmpty(node.sub.nl) : undefined;
    case 'star':
      if (node.sub.op !== 'any') return undefined;
      return node.sub.nl ? TRUE_MATCHER : ANY_WITHOUT_NEWLINE;
    case 'quest': {
      if (node.sub.op === 'any') return zeroOrOneChar(node.sub.nl);
      const sub = stringMatcherFor(node.sub);
      return sub === undefined ? undefined : new OrMatcher([new EqualMatcher('', true), sub]);
    }
    case 'empty':
      return new EqualMatcher('', true);
    case 'lit':
      return new EqualMatcher(node.s, litKind(node) !== 'ci');
    case 'class':
      return new SetMatcher(node.chars, true);
    case 'any':
      return zeroOrOneCharExactlyOne(node.nl);
    case 'alt': {
      const set = findSetMatches(node);
      if (set !== undefined) return setMatcher(set);
      const subs: StringMatcher[] = [];
      for (const s of node.subs) {
        const m = stringMatcherFor(s);
        if (m === undefined) return undefined;
        subs.push(m);
      }
      return new OrMatcher(subs);
    }
    case 'concat':
      return concatMatcher(node.subs);
  }
}

function zeroOrOneCharExactlyOne(nl: boolean): StringMatcher {
  const m = zeroOrOneChar(nl);
  return {
    matches: (s) => s.length > 0 && m.matches(s),
    matchesRange: (s, from, to) => to > from && m.matchesRange!(s, from, to),
  };
}

function concatMatcher(all: readonly RegexNode[]): StringMatcher | undefined {
  let subs = all;
  let left: StringMatcher | undefined;
  let right: StringMatcher | undefined;
  if (isRepeat(subs[0]!)) {
    left = stringMatcherFor(subs[0]!);
    if (left === undefined) return undefined;
    subs = subs.slice(1);
  }
  if (subs.length > 0 && isRepeat(subs[subs.length - 1]!)) {
    right = stringMatcherFor(subs[subs.length - 1]!);
    if (right === undefined) return undefined;
    subs = subs.slice(0, -1);
  }
  if (subs.length === 0) return undefined;
  const middle: RegexNode = subs.length === 1 ? subs[0]! : { op: 'concat', subs };
  let set = findSetMatches(middle);
  if (set === undefined && subs.length === 2) {
    // A literal then something we can match (`foo(bar|.+)`), or the other way round.
    const [a, b] = subs as [RegexNode, RegexNode];
    if (right === undefined && a.op === 'lit') {
      right = stringMatcherFor(b);
      if (right !== undefined) set = { matches: [a.s], kind: litKind(a) };
    } else if (left === undefined && b.op === 'lit') {
      left = stringMatcherFor(a);
      if (left !== undefined) set = { matches: [b.s], kind: litKind(b) };
    }
  }
  if (set === undefined || set.matches.length === 0) return undefined;
  const cs = set.kind !== 'ci';
  if (left === undefined && right === undefined) return setMatcher(set);
  if (left === undefined && set.matches.length === 1) return new PrefixMatcher(set.matches[0]!, cs, right!);
  if (right === undefined && set.matches.length === 1) return new SuffixMatcher(left!, set.matches[0]!, cs);
  if (cs) return new ContainsMatcher(set.matches, left, right);
  return undefined;
}
