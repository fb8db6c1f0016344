// Prometheus: model/labels/regexp.go FastRegexMatcher.
import { RE2JS, RE2JSException } from 're2js';
import { RegexSyntaxError } from './errors.js';
import { parseRegexSubset } from './regex-parse.js';
import { toNativeRegExp } from './native-regex.js';
import { concatLiterals, findSetMatches, stringMatcherFor } from './regex-optimize.js';
import { containsInOrder, type StringMatcher } from './string-matcher.js';

/** Characters RE2 treats as special outside a class (`regexp.QuoteMeta`'s set). */
const META = /[\\.+*?()|[\]{}^$]/;

/**
 * Compiles `pattern` with RE2 semantics, throwing {@link RegexSyntaxError} with Go's message
 * (e.g. ``error parsing regexp: missing closing ): `a(` ``).
 */
export function compileRe2(pattern: string, flags = 0): RE2JS {
  try {
    return RE2JS.compile(pattern, flags);
  } catch (err) {
    if (err instanceof RE2JSException) throw new RegexSyntaxError(pattern, err.message, { cause: err });
    throw err;
  }
}

/** Compiles `pattern` with `.` matching newline; errors carry Go's message for `pattern` itself. */
function compileDotAll(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern, RE2JS.DOTALL);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    compileRe2(pattern); // re2js applies DOTALL as a `(?s)` prefix, which would show in the message.
    throw new RegexSyntaxError(pattern, err.message, { cause: err });
  }
}

/**
 * Compiles a Prometheus regex matcher value spelled out as Prometheus 3 does, `^(?s:PATTERN)$`:
 * the plain RE2 program without fast paths, which the tests use as the reference. Exported for
 * what needs the capture groups of such a regex (relabeling's `$1` expansion); syntax errors are
 * a {@link RegexSyntaxError} naming `pattern` as given. The program is immutable and shareable.
 */
export function compileAnchoredRe2(pattern: string): RE2JS {
  compileRe2(pattern); // Errors must name the pattern as given, and `a)|(b` must not pass when wrapped.
  return compileRe2(`^(?s:${pattern})$`);
}

/**
 * A regular-expression matcher with Prometheus 3 semantics: the pattern is fully anchored and `.`
 * matches newline (`^(?s:PATTERN)$`), syntax and matching are RE2's (via re2js, so no
 * backreferences or lookaround, and linear-time matching). Common shapes skip the regex engine as
 * Prometheus's FastRegexMatcher does: literal alternations (`a|b|c`, also under `(?i)`) become a
 * set lookup, `foo.*` a prefix test, `.*foo` a suffix test, `.*foo.*` a substring search, and
 * literal prefixes, suffixes and infixes reject non-matching strings early.
 * Immutable after construction; safe to share.
 */
export class FastRegexMatcher {
  /** The pattern as given. */
  readonly source: string;
  readonly #re: RE2JS | undefined;
  readonly #native: RegExp | undefined;
  readonly #stringMatcher: StringMatcher | undefined;
  readonly #setMatches: string[] | undefined;
  readonly #set: ReadonlySet<string> | undefined;
  readonly #prefix: string;
  readonly #suffix: string;
  readonly #contains: readonly string[];

  /** Compiles `re`; throws {@link RegexSyntaxError} if RE2 rejects it. */
  constructor(re: string) {
    this.source = re;
    this.#prefix = '';
    this.#suffix = '';
    this.#contains = [];
    const alts = literalAlternation(re);
    if (alts !== undefined) {
      // Prometheus optimizeAlternatingLiterals: no need to parse or compile a regex at all. As
      // there, `""` gets no set matches (an emptyStringMatcher) and a literal no prefix().
      this.#setMatches = re === '' ? undefined : alts;
      this.#set = new Set(alts);
      return;
    }
    // One compile both validates the pattern as given (errors name it, and `a)|(b` cannot slip
    // through a wrapper) and yields the program: DOTALL is the `(?s:…)`, and testExact() anchors
    // both ends, which re2js runs faster than explicit `^…$`.
    this.#re = compileDotAll(re);
    const node = parseRegexSubset(re);
    if (node === undefined) return;
    const lits = concatLiterals(node);
    this.#prefix = lits.prefix;
    this.#suffix = lits.suffix;
    this.#contains = lits.contains;
    const set = findSetMatches(node);
    if (set !== undefined && set.kind !== 'ci') {
      this.#setMatches = set.matches;
      this.#set = new Set(set.matches);
    }
    this.#stringMatcher = stringMatcherFor(node);
    if (this.#stringMatcher === undefined && this.#set === undefined) this.#native = toNativeRegExp(node);
    // Go parses `^foo$` to a concatenation (begin, literal, end text), so Prometheus gives it a
    // prefix; a bare literal such as `foo\.bar` is no concatenation and gets none.
    if (node.op === 'lit' && !node.fold && hasOuterAnchor(re)) this.#prefix = node.s;
  }

  /** Whether the whole of `s` matches. */
  matchString(s: string): boolean {
    if (this.#set !== undefined) return this.#set.has(s);
    // The string matcher decides exactly; the literal checks below would only repeat its work.
    if (this.#stringMatcher !== undefined) return this.#stringMatcher.matches(s);
    if (this.#prefix !== '' && !s.startsWith(this.#prefix)) return false;
    if (this.#suffix !== '' && !s.endsWith(this.#suffix)) return false;
    if (this.#contains.length > 0 && !containsInOrder(s, this.#contains)) return false;
    if (this.#native !== undefined) return this.#native.test(s);
    return this.#re!.testExact(s);
  }

  /**
   * The finite set of strings the regex matches, when it is a case-sensitive alternation of
   * literals such as `a|b|c`, `(a|b)(c|d)` or `foo[123]` (Prometheus `SetMatches`; at most 256
   * entries), else `undefined` (also for `""`, as in Prometheus). It may hold `''` (`a|`); label
   * indexes hold no empty values, so a lookup of the set finds only series that have the label. Lets storage look the values up instead of scanning. Callers must
   * not modify the array.
   */
  setMatches(): string[] | undefined {
    return this.#setMatches;
  }

  /**
   * Prometheus `prefix`: the leading case-sensitive literal of a concatenation (`foo.*` gives
   * `foo`, `^foo$` gives `foo`), which every match starts with; `''` otherwise, also for a plain
   * literal or literal alternation (`foo`, `foo\.bar`, `a|b`), whose values {@link setMatches}
   * lists instead.
   */
  prefix(): string {
    return this.#prefix;
  }

  /**
   * Which engine decides a match, for diagnostics and tests: `set` (a literal set), `string` (a
   * string matcher such as prefix or substring search), `native` (the pattern is in the subset
   * that translates to an equivalent, linear-time native RegExp) or `re2` (re2js).
   */
  engine(): 'set' | 'string' | 'native' | 're2' {
    if (this.#set !== undefined) return 'set';
    if (this.#stringMatcher !== undefined) return 'string';
    return this.#native !== undefined ? 'native' : 're2';
  }

  /** Whether matching avoids the general regex engine at least partly (Prometheus `IsOptimized`). */
  isOptimized(): boolean {
    return (
      this.#set !== undefined ||
      this.#stringMatcher !== undefined ||
      this.#prefix !== '' ||
      this.#suffix !== '' ||
      this.#contains.length > 0
    );
  }
}

/** Whether `re` starts with `^` or ends with an unescaped `$` (anchors Go keeps in a concatenation). */
function hasOuterAnchor(re: string): boolean {
  if (re.startsWith('^')) return true;
  if (!re.endsWith('$')) return false;
  let n = 0;
  for (let i = re.length - 2; i >= 0 && re[i] === '\\'; i--) n++;
  return n % 2 === 0;
}

/** Prometheus `optimizeAlternatingLiterals`: `a|b|c` of meta-free literals, or undefined. */
function literalAlternation(re: string): string[] | undefined {
  if (META.test(re.replaceAll('|', ''))) return undefined;
  return [...new Set(re.split('|'))];
}
