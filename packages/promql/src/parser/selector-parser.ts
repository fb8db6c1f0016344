// Prometheus: promql/parser/generated_parser.y (label_matchers, vector_selector, grouping_labels).
import { Matcher, MatchType, MetricName, RegexSyntaxError } from '@tsprom/labels';
import type { VectorSelector } from './ast.js';
import { vectorSelector } from './ast-builders.js';
import type { ParseState } from './parse-state.js';
import { regexMatcher } from './regex-matchers.js';
import { Ch, isIdentStart } from './scanner.js';

/** Whether a word that is never a metric or function name (`bool`, `on`, `atan2`…) is at `at`. */
export function isReservedWord(s: ParseState, at: number): boolean {
  return (
    s.isKw(at, 'bool') ||
    s.isKw(at, 'on') ||
    s.isKw(at, 'ignoring') ||
    s.isKw(at, 'group_left') ||
    s.isKw(at, 'group_right') ||
    s.isKw(at, 'atan2')
  );
}

/**
 * A vector selector whose metric name starts at `start` (`pos`): `foo`, `foo:bar`, `foo{a="b"}`.
 * The name may be a keyword such as `sum` or `by`, as in Prometheus.
 */
export function namedSelector(s: ParseState, start: number): VectorSelector {
  const e = s.identEnd(start);
  s.pos = e;
  const name = s.input.slice(start, e);
  const q = s.skip();
  if (s.code(q) === Ch.lbrace) {
    const ms = labelMatchers(s);
    return vectorSelector(name, ms, start, s.pos);
  }
  s.fail(q);
  s.pos = e;
  return vectorSelector(name, [], start, e);
}

/** A selector of label matchers only, `{job="a"}`, at `pos` (a `{`). */
export function bareSelector(s: ParseState): VectorSelector {
  const start = s.pos;
  const ms = labelMatchers(s);
  return vectorSelector('', ms, start, s.pos);
}

/** `{ matcher, … }` at `pos` (a `{`): the matchers, `,` allowed after the last one. */
function labelMatchers(s: ParseState): Matcher[] {
  s.pos++;
  const out: Matcher[] = [];
  s.skip();
  if (s.eat(Ch.rbrace)) return out;
  for (;;) {
    labelMatcher(s, out);
    s.skip();
    if (s.eat(Ch.comma)) {
      const q = s.skip();
      if (s.code(q) === Ch.rbrace) {
        // `{a="b",}`: no matcher after the comma.
        s.fail(q);
        s.pos++;
        return out;
      }
      continue;
    }
    if (s.eat(Ch.rbrace)) return out;
    s.syntax();
  }
}

// `name op "value"` or `"name"` (a metric name in the braces) at `pos`.
function labelMatcher(s: ParseState, out: Matcher[]): void {
  const start = s.pos;
  const c = s.code(start);
  let nameEnd: number;
  const quoted = s.isQuote(start);
  if (isIdentStart(c)) {
    nameEnd = s.wordEnd(start);
    if (s.code(nameEnd) === Ch.colon) {
      s.fail(start);
      s.syntax();
    }
  } else if (quoted) {
    nameEnd = s.stringEnd(start);
  } else {
    s.fail(start);
    s.syntax();
  }
  s.pos = nameEnd;
  const type = matchOp(s);
  if (type === undefined) {
    if (!quoted) s.syntax();
    s.pos = nameEnd;
    out.push(new Matcher(MatchType.Equal, MetricName, s.str(start, nameEnd)));
    return;
  }
  const vp = s.skip();
  if (!s.isQuote(vp)) {
    s.fail(vp);
    s.syntax();
  }
  const end = s.stringEnd(vp);
  s.pos = end;
  const name = quoted ? s.str(start, nameEnd) : s.input.slice(start, nameEnd);
  const value = s.str(vp, end);
  try {
    out.push(
      type === MatchType.Regexp || type === MatchType.NotRegexp
        ? regexMatcher(type, name, value)
        : new Matcher(type, name, value),
    );
  } catch (err) {
    if (!(err instanceof RegexSyntaxError)) throw err;
    // Go prints the whole expression as compiled, anchored the way Prometheus 3 anchors it.
    const whole = `\`${value}\``;
    const msg = err.message.endsWith(whole) ? `${err.message.slice(0, -whole.length)}\`^(?s:${value})$\`` : err.message;
    s.semFail(start, end, msg);
    out.push(new Matcher(MatchType.Equal, name, ''));
  }
}

// `=~`, `!~`, `!=`, `=` after spaces at `pos`.
function matchOp(s: ParseState): MatchType | undefined {
  const p = s.skip();
  const c = s.code(p);
  const c1 = s.code(p + 1);
  if (c === Ch.eq) {
    if (c1 === Ch.tilde) {
      s.pos = p + 2;
      return MatchType.Regexp;
    }
    s.pos = p + 1;
    return MatchType.Equal;
  }
  if (c === Ch.bang && (c1 === Ch.tilde || c1 === Ch.eq)) {
    s.pos = p + 2;
    return c1 === Ch.tilde ? MatchType.NotRegexp : MatchType.NotEqual;
  }
  s.fail(p);
  return undefined;
}

/**
 * `( label, … )` after spaces at `pos`, as the [start, end) offsets of its labels (names or string
 * literals), or null when there is none there: then `pos` is unchanged and the failure recorded.
 * Labels are decoded by {@link groupingLabelValues} once the caller commits to them.
 */
export function groupingLabels(s: ParseState): number[] | null {
  const save = s.pos;
  s.skip();
  if (!s.eat(Ch.lparen)) {
    s.pos = save;
    return null;
  }
  const toks: number[] = [];
  s.skip();
  if (s.eat(Ch.rparen)) return toks;
  for (;;) {
    const q = s.skip();
    let e: number;
    if (isIdentStart(s.code(q))) {
      e = s.wordEnd(q);
      // A label name is no metric name: `by (a:b)` is an error at `a`.
      if (s.code(e) === Ch.colon) {
        s.fail(e);
        s.pos = save;
        return null;
      }
    } else if (s.isQuote(q)) {
      e = s.stringEnd(q);
    } else {
      s.fail(q);
      s.pos = save;
      return null;
    }
    toks.push(q, e);
    s.pos = e;
    s.skip();
    if (s.eat(Ch.comma)) {
      const r = s.skip();
      if (s.code(r) === Ch.rparen) {
        s.fail(r);
        s.pos++;
        return toks;
      }
      continue;
    }
    if (s.eat(Ch.rparen)) return toks;
    s.pos = save;
    return null;
  }
}

/** The label names of {@link groupingLabels}' offsets; string errors take place `slot` if given. */
export function groupingLabelValues(s: ParseState, toks: readonly number[], slot?: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < toks.length; i += 2) {
    const start = toks[i] as number;
    const end = toks[i + 1] as number;
    out.push(s.isQuote(start) ? s.str(start, end, slot) : s.input.slice(start, end));
  }
  return out;
}
