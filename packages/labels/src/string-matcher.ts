// Prometheus: model/labels/regexp.go StringMatcher and its implementations (equalStringMatcher,
// equalMultiStringMapMatcher, containsStringMatcher, literalPrefix/SuffixStringMatcher,
// anyStringWithoutNewlineMatcher, anyNonEmptyStringMatcher, zeroOrOneCharacterStringMatcher…).
// Case-insensitive comparisons use a native RegExp with the `iu` flags: its simple case folding is
// the same equivalence RE2's `(?i)` uses, and literal-only patterns backtrack at most linearly.

/** Tests whether a whole string matches; implementations are immutable. */
export interface StringMatcher {
  matches(s: string): boolean;
  /**
   * Whether `s.slice(from, to)` matches, without slicing: the matchers for `.*`, `.+` and `.?`
   * implement it, so prefix, suffix and contains matchers test their sides allocation-free.
   */
  matchesRange?(s: string, from: number, to: number): boolean;
}

/** `m` on `s.slice(from, to)`, allocation-free when `m` supports ranges. */
function matchesSub(m: StringMatcher, s: string, from: number, to: number): boolean {
  return m.matchesRange !== undefined ? m.matchesRange(s, from, to) : m.matches(s.slice(from, to));
}

function hasNewline(s: string, from: number, to: number): boolean {
  const i = s.indexOf('\n', from);
  return i >= 0 && i < to;
}

function escapeNative(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** `^(?:a|b|…)$` with case folding, as a native RegExp. */
function foldRegExp(alternatives: readonly string[], anchorEnd: boolean): RegExp {
  return new RegExp(`^(?:${alternatives.map(escapeNative).join('|')})${anchorEnd ? '$' : ''}`, 'iu');
}

/** Matches everything (`.*` with `.` matching newline). */
export const TRUE_MATCHER: StringMatcher = { matches: () => true, matchesRange: () => true };

/** `.*` without newline: any string that has no `\n`. */
export const ANY_WITHOUT_NEWLINE: StringMatcher = {
  matches: (s) => !s.includes('\n'),
  matchesRange: (s, from, to) => !hasNewline(s, from, to),
};

/** `.+`: any non-empty string (without `\n` unless `matchNL`). */
export function anyNonEmpty(matchNL: boolean): StringMatcher {
  return matchNL
    ? { matches: (s) => s.length > 0, matchesRange: (_, from, to) => to > from }
    : {
        matches: (s) => s.length > 0 && !s.includes('\n'),
        matchesRange: (s, from, to) => to > from && !hasNewline(s, from, to),
      };
}

/** `.?`: the empty string or a single code point (not `\n` unless `matchNL`). */
export function zeroOrOneChar(matchNL: boolean): StringMatcher {
  const range = (s: string, from: number, to: number): boolean => {
    const n = to - from;
    if (n === 0) return true;
    if (n > 2) return false;
    if (n === 2) {
      const hi = s.charCodeAt(from);
      const lo = s.charCodeAt(from + 1);
      return hi >= 0xd800 && hi < 0xdc00 && lo >= 0xdc00 && lo < 0xe000;
    }
    return matchNL || s.charCodeAt(from) !== 0x0a;
  };
  return { matches: (s) => range(s, 0, s.length), matchesRange: range };
}

/** Equality with one literal, optionally case-insensitive. */
export class EqualMatcher implements StringMatcher {
  readonly #re: RegExp | undefined;
  constructor(
    readonly s: string,
    readonly caseSensitive: boolean,
  ) {
    if (!caseSensitive) this.#re = foldRegExp([s], true);
  }
  matches(s: string): boolean {
    return this.#re === undefined ? s === this.s : this.#re.test(s);
  }
}

/** Equality with any of a set of literals (Prometheus equalMultiStringMapMatcher). */
export class SetMatcher implements StringMatcher {
  readonly #set: ReadonlySet<string> | undefined;
  readonly #re: RegExp | undefined;
  constructor(
    readonly values: readonly string[],
    readonly caseSensitive: boolean,
  ) {
    if (caseSensitive) this.#set = new Set(values);
    else this.#re = foldRegExp(values, true);
  }
  matches(s: string): boolean {
    return this.#set !== undefined ? this.#set.has(s) : this.#re!.test(s);
  }
}

/** Matches if any of the matchers does. */
export class OrMatcher implements StringMatcher {
  constructor(readonly subs: readonly StringMatcher[]) {}
  matches(s: string): boolean {
    for (let i = 0; i < this.subs.length; i++) if (this.subs[i]!.matches(s)) return true;
    return false;
  }
}

/** `prefix` followed by something `right` matches (`foo.*`, `foo.+`, `(?i)foo.*`). */
export class PrefixMatcher implements StringMatcher {
  readonly #re: RegExp | undefined;
  constructor(
    readonly prefix: string,
    readonly caseSensitive: boolean,
    readonly right: StringMatcher,
  ) {
    // Simple case folding maps BMP to BMP and astral to astral, so the UTF-16 length is kept.
    if (!caseSensitive) this.#re = foldRegExp([prefix], false);
  }
  matches(s: string): boolean {
    if (this.#re === undefined ? !s.startsWith(this.prefix) : !this.#re.test(s)) return false;
    return this.right === TRUE_MATCHER || matchesSub(this.right, s, this.prefix.length, s.length);
  }
}

/** Something `left` matches followed by `suffix` (`.*foo`). */
export class SuffixMatcher implements StringMatcher {
  readonly #re: RegExp | undefined;
  constructor(
    readonly left: StringMatcher,
    readonly suffix: string,
    readonly caseSensitive: boolean,
  ) {
    if (!caseSensitive) this.#re = new RegExp(`(?:${escapeNative(suffix)})$`, 'iu');
  }
  matches(s: string): boolean {
    if (s.length < this.suffix.length) return false;
    if (this.#re === undefined ? !s.endsWith(this.suffix) : !this.#re.test(s)) return false;
    return this.left === TRUE_MATCHER || matchesSub(this.left, s, 0, s.length - this.suffix.length);
  }
}

/**
 * One of `substrings` somewhere, with `left` matching what precedes it and `right` what follows
 * (`.*foo.*`, `.+(foo|bar).*`); case-sensitive only. A missing side means the substring is anchored
 * there.
 */
export class ContainsMatcher implements StringMatcher {
  constructor(
    readonly substrings: readonly string[],
    readonly left: StringMatcher | undefined,
    readonly right: StringMatcher | undefined,
  ) {}
  matches(s: string): boolean {
    const { left, right } = this;
    for (let k = 0; k < this.substrings.length; k++) {
      const sub = this.substrings[k]!;
      if (left === TRUE_MATCHER && right === TRUE_MATCHER) {
        if (s.includes(sub)) return true;
      } else if (left !== undefined && right !== undefined) {
        for (let pos = s.indexOf(sub); pos >= 0; pos = pos < s.length ? s.indexOf(sub, pos + 1) : -1) {
          if (splitsPair(s, pos)) continue; // Only an empty substring can land inside a surrogate pair.
          if (matchesSub(left, s, 0, pos) && matchesSub(right, s, pos + sub.length, s.length)) return true;
        }
      } else if (left !== undefined) {
        if (s.endsWith(sub) && matchesSub(left, s, 0, s.length - sub.length)) return true;
      } else if (right !== undefined) {
        if (s.startsWith(sub) && matchesSub(right, s, sub.length, s.length)) return true;
      } else if (s === sub) return true;
    }
    return false;
  }
}

/** `s` holds every string of `subs`, in order, without overlap (Prometheus containsInOrder). */
export function containsInOrder(s: string, subs: readonly string[]): boolean {
  let from = 0;
  for (let i = 0; i < subs.length; i++) {
    const at = s.indexOf(subs[i]!, from);
    if (at < 0) return false;
    from = at + subs[i]!.length;
  }
  return true;
}

function splitsPair(s: string, pos: number): boolean {
  if (pos === 0 || pos >= s.length) return false;
  const lo = s.charCodeAt(pos);
  const hi = s.charCodeAt(pos - 1);
  return lo >= 0xdc00 && lo < 0xe000 && hi >= 0xd800 && hi < 0xdc00;
}
