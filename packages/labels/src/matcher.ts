// Prometheus: model/labels/matcher.go MatchType, Matcher.
import { FastRegexMatcher } from './fast-regex-matcher.js';
import { quoteString } from './quote.js';

/** The four label matcher operators. */
export const MatchType = { Equal: 0, NotEqual: 1, Regexp: 2, NotRegexp: 3 } as const;
/** One of {@link MatchType}'s values. */
export type MatchType = (typeof MatchType)[keyof typeof MatchType];

const OPS = ['=', '!=', '=~', '!~'] as const;
const INVERSE = [MatchType.NotEqual, MatchType.Equal, MatchType.NotRegexp, MatchType.Regexp] as const;

// Set by inverse() around its `new Matcher`, so the inverse shares the compiled regex.
let compiledForNext: FastRegexMatcher | undefined;

/** The PromQL operator of a match type: `=`, `!=`, `=~`, `!~`. */
export function matchTypeToString(t: MatchType): string {
  const op = OPS[t];
  if (op === undefined) throw new Error(`invalid match type ${t}`);
  return op;
}

/**
 * A label matcher (`name="v"`, `!=`, `=~`, `!~`) with Prometheus 3 semantics. Matching is on
 * values: a series without the label is matched as the empty value, so callers pass `''` for an
 * absent label (`foo=""` and `foo!~".+"` select series without `foo`). Regexes are RE2, fully
 * anchored, with `.` matching newline. Immutable; safe to share.
 */
export class Matcher {
  /** The operator. */
  readonly type: MatchType;
  /** The label name matched against. */
  readonly name: string;
  /** The literal (`=`, `!=`) or the regex as written (`=~`, `!~`), without anchoring. */
  readonly value: string;
  readonly #re: FastRegexMatcher | undefined;

  /** Builds a matcher; throws {@link RegexSyntaxError} for an invalid regex. */
  constructor(type: MatchType, name: string, value: string) {
    matchTypeToString(type);
    this.type = type;
    this.name = name;
    this.value = value;
    if (type === MatchType.Regexp || type === MatchType.NotRegexp) {
      this.#re = compiledForNext ?? new FastRegexMatcher(value);
    }
  }

  /**
   * Prometheus `Matcher.Inverse`: the matcher with the opposite operator (`=` and `!=`, `=~` and
   * `!~`), which matches exactly the values this one does not. Shares the compiled regex.
   */
  inverse(): Matcher {
    compiledForNext = this.#re;
    try {
      return new Matcher(INVERSE[this.type], this.name, this.value);
    } finally {
      compiledForNext = undefined;
    }
  }

  /** Whether label value `s` (`''` for an absent label) satisfies the matcher. */
  matches(s: string): boolean {
    switch (this.type) {
      case MatchType.Equal:
        return s === this.value;
      case MatchType.NotEqual:
        return s !== this.value;
      case MatchType.Regexp:
        return this.#re!.matchString(s);
      default:
        return !this.#re!.matchString(s);
    }
  }

  /**
   * Prometheus `Matcher.String`: the name (quoted unless it is `[a-zA-Z_][a-zA-Z0-9_]*`), the
   * operator and the Go-quoted value, e.g. `job=~"api|web"`, `"my.label"="x"`.
   */
  toString(): string {
    return `${shouldQuoteName(this.name) ? quoteString(this.name) : this.name}${OPS[this.type]}${quoteString(this.value)}`;
  }

  /** For regex matchers, the literal set the regex is equal to (see {@link FastRegexMatcher.setMatches}). */
  setMatches(): string[] | undefined {
    return this.#re?.setMatches();
  }

  /** For regex matchers, the literal prefix every match starts with; `''` otherwise. */
  prefix(): string {
    return this.#re?.prefix() ?? '';
  }

  /** Whether this is a regex matcher whose matching uses a fast path. */
  isRegexOptimized(): boolean {
    return this.#re?.isOptimized() ?? false;
  }
}

function shouldQuoteName(n: string): boolean {
  return !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n);
}
