// Prometheus: model/relabel/relabel.go Regexp.
import { compileAnchoredRe2, FastRegexMatcher } from '@tsprom/labels';
import { expandTemplate } from './expand.js';

type Program = ReturnType<typeof compileAnchoredRe2>;

/**
 * A relabeling regex: RE2 syntax, anchored at both ends and with `.` matching newline, as
 * Prometheus 3 compiles it (`^(?s:PATTERN)$`). Matching alone uses labels' FastRegexMatcher (set,
 * prefix and suffix fast paths); capture groups come from the RE2 program, compiled on first use.
 * Immutable; safe to share. Throws labels' RegexSyntaxError, with Go's message, for a bad pattern.
 */
export class Regexp {
  /** The pattern as written in the configuration. */
  readonly source: string;
  readonly #matcher: FastRegexMatcher;
  #program: Program | undefined;

  constructor(pattern: string) {
    this.source = pattern;
    this.#matcher = new FastRegexMatcher(pattern);
  }

  /** Whether the whole of `s` matches. */
  matchString(s: string): boolean {
    return this.#matcher.matchString(s);
  }

  /**
   * Matches the whole of `s` and expands `template` with the groups (Go's FindStringSubmatchIndex
   * then ExpandString); `undefined` if `s` does not match.
   */
  expandMatch(s: string, template: string): string | undefined {
    const groups = this.#groups(s);
    if (groups === undefined) return undefined;
    return expandTemplate(template, groups, this.#program!.namedGroups());
  }

  /** Like {@link expandMatch} for two templates at once (the target label and the replacement). */
  expandMatch2(s: string, t1: string, t2: string): [string, string] | undefined {
    const groups = this.#groups(s);
    if (groups === undefined) return undefined;
    const names = this.#program!.namedGroups();
    return [expandTemplate(t1, groups, names), expandTemplate(t2, groups, names)];
  }

  #groups(s: string): (string | null)[] | undefined {
    if (this.#program === undefined) this.#program = compileAnchoredRe2(this.source);
    const m = this.#program.matcher(s);
    if (!m.matches()) return undefined;
    const n = m.groupCount();
    const groups: (string | null)[] = [];
    for (let i = 0; i <= n; i++) groups.push(m.group(i));
    return groups;
  }

  toString(): string {
    return this.source;
  }
}
