// Prometheus: promql/parser/lex.go (the tokens), as the lexical rules of a hand-written parser.
//
// The scanner matches one token at a time at `pos` and, when something it tries does not match,
// records where (`far`, the rightmost failure). A syntax error is reported at the rightmost
// failure, as a PEG parser reports it: for `x o` that is the end of the input (`o` could begin
// `offset` or `or`), for `x[st]` it is the `]` (`st` could begin `step()`). Keywords are matched
// letter by letter for that reason, and `~identPart` (a keyword must not run on into a longer
// name) fails at the letter after the keyword.

/** `[a-zA-Z_]` */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
/** `[0-9]` */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** `[a-zA-Z0-9_]`: a letter that may continue a label or function name. */
export function isWordPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}
/** `[a-zA-Z0-9_:]`: a letter that may continue a metric name. */
export function isIdentPart(c: number): boolean {
  return isWordPart(c) || c === 58;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Character codes the parsers compare against. */
export const Ch = {
  tab: 9,
  nl: 10,
  cr: 13,
  space: 32,
  bang: 33,
  dquote: 34,
  hash: 35,
  percent: 37,
  squote: 39,
  lparen: 40,
  rparen: 41,
  star: 42,
  plus: 43,
  comma: 44,
  minus: 45,
  dot: 46,
  slash: 47,
  colon: 58,
  lt: 60,
  eq: 61,
  gt: 62,
  at: 64,
  lbracket: 91,
  rbracket: 93,
  caret: 94,
  underscore: 95,
  backtick: 96,
  lbrace: 123,
  rbrace: 125,
  tilde: 126,
} as const;

/** A position in the input and the rightmost position where a token the parser tried was missing. */
export class Scanner {
  readonly input: string;
  /** Where the next token is looked for. Tokens are matched at `pos` (call {@link skip} first). */
  pos = 0;
  /** The rightmost position at which an expected token was not found (-1: none yet). */
  far = -1;

  constructor(input: string) {
    this.input = input;
  }

  /** The UTF-16 code unit at `i` (NaN past the end). */
  code(i: number): number {
    return this.input.charCodeAt(i);
  }

  /** Records that something expected at `at` was not there. */
  fail(at: number): void {
    if (at > this.far) this.far = at;
  }

  /** Moves `pos` past spaces and `#` comments and returns it. */
  skip(): number {
    const s = this.input;
    let i = this.pos;
    for (;;) {
      let c = s.charCodeAt(i);
      while (c === Ch.space || c === Ch.nl || c === Ch.tab || c === Ch.cr) c = s.charCodeAt(++i);
      if (c !== Ch.hash) break;
      while (i < s.length && s.charCodeAt(i) !== Ch.nl) i++;
    }
    this.pos = i;
    return i;
  }

  /** Consumes the character `c` at `pos`, or records its absence. */
  eat(c: number): boolean {
    if (this.input.charCodeAt(this.pos) === c) {
      this.pos++;
      return true;
    }
    this.fail(this.pos);
    return false;
  }

  /**
   * End of the lowercase word `w` spelled at `at` in any case, or -1 (recording the first letter
   * that differs). Does not look at what follows.
   */
  spelled(at: number, w: string): number {
    const s = this.input;
    for (let i = 0; i < w.length; i++) {
      let c = s.charCodeAt(at + i);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== w.charCodeAt(i)) {
        this.fail(at + i);
        return -1;
      }
    }
    return at + w.length;
  }

  /** Consumes the keyword `w` (any case, not followed by a name character) at `pos`. */
  kw(w: string): boolean {
    const e = this.spelled(this.pos, w);
    if (e < 0) return false;
    if (isIdentPart(this.input.charCodeAt(e))) {
      this.fail(e);
      return false;
    }
    this.pos = e;
    return true;
  }

  /**
   * Consumes the first of `words` spelled at `pos` if no name character follows it; returns its
   * index, or -1. The first word spelled decides, as an ordered choice followed by `~identPart`:
   * `count_valuesx` is no keyword even though `count` is a prefix of it.
   */
  kwChoice(words: readonly string[]): number {
    for (let i = 0; i < words.length; i++) {
      const e = this.spelled(this.pos, words[i] as string);
      if (e < 0) continue;
      if (isIdentPart(this.input.charCodeAt(e))) {
        this.fail(e);
        return -1;
      }
      this.pos = e;
      return i;
    }
    return -1;
  }

  /** Whether keyword `w` is at `at`, recording nothing (a negative lookahead's inner match). */
  isKw(at: number, w: string): boolean {
    const s = this.input;
    for (let i = 0; i < w.length; i++) {
      let c = s.charCodeAt(at + i);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== w.charCodeAt(i)) return false;
    }
    return !isIdentPart(s.charCodeAt(at + w.length));
  }

  /** End of the run of `isWordPart` characters starting at `at` (the first is not checked). */
  wordEnd(at: number): number {
    let i = at + 1;
    while (isWordPart(this.input.charCodeAt(i))) i++;
    this.fail(i);
    return i;
  }

  /** End of the run of `isIdentPart` characters starting at `at` (the first is not checked). */
  identEnd(at: number): number {
    let i = at + 1;
    while (isIdentPart(this.input.charCodeAt(i))) i++;
    this.fail(i);
    return i;
  }

  /**
   * Consumes a number literal at `pos` (`numLit`: a duration `1h30m`, hex `0x1F`, float `1.5e3`,
   * `.5`, `Inf`, `NaN`, digits separated by single `_`), not followed by a word character. Returns
   * 1 for a duration, 0 for another number, -1 (nothing consumed) if there is none.
   */
  number(): number {
    const p = this.pos;
    let e = this.#duration(p);
    let isDuration = 1;
    if (e < 0) {
      isDuration = 0;
      e = this.#hex(p);
      if (e < 0) e = this.#float(p);
      if (e < 0) {
        e = this.spelled(p, 'inf');
        if (e < 0) e = this.spelled(p, 'nan');
      }
    }
    if (e < 0) return -1;
    if (isWordPart(this.input.charCodeAt(e))) {
      this.fail(e);
      return -1;
    }
    this.pos = e;
    return isDuration;
  }

  // `(digit+ durUnit)+`
  #duration(p: number): number {
    const s = this.input;
    let end = -1;
    let i = p;
    for (;;) {
      if (!isDigit(s.charCodeAt(i))) break;
      let d = i + 1;
      while (isDigit(s.charCodeAt(d))) d++;
      const c = s.charCodeAt(d);
      // "ms" | "s" | "m" | "h" | "d" | "w" | "y"
      if (c === 109 && s.charCodeAt(d + 1) === 115) i = d + 2;
      else if (c === 115 || c === 109 || c === 104 || c === 100 || c === 119 || c === 121) i = d + 1;
      else {
        this.fail(d);
        break;
      }
      end = i;
    }
    this.fail(i);
    return end;
  }

  // `"0" ("x" | "X") ("_" | hexDigit)+`
  #hex(p: number): number {
    const s = this.input;
    const x = s.charCodeAt(p + 1);
    if (s.charCodeAt(p) !== 48 || (x !== 120 && x !== 88)) return -1;
    let i = p + 2;
    while (s.charCodeAt(i) === Ch.underscore || isHexDigit(s.charCodeAt(i))) i++;
    this.fail(i);
    return i === p + 2 ? -1 : i;
  }

  // `decDigits ("." decDigits?)? expPart? | "." decDigits expPart?`
  #float(p: number): number {
    const s = this.input;
    let i = this.#decDigits(p);
    if (i < 0) {
      if (s.charCodeAt(p) !== Ch.dot) return -1;
      i = this.#decDigits(p + 1);
      if (i < 0) return -1;
    } else if (s.charCodeAt(i) === Ch.dot) {
      const f = this.#decDigits(i + 1);
      i = f < 0 ? i + 1 : f;
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = s.charCodeAt(j);
      if (sign === Ch.plus || sign === Ch.minus) j++;
      const x = this.#decDigits(j);
      if (x >= 0) i = x;
    }
    this.fail(i);
    return i;
  }

  // `digit ("_"? digit)*`
  #decDigits(p: number): number {
    const s = this.input;
    if (!isDigit(s.charCodeAt(p))) return -1;
    let i = p + 1;
    for (;;) {
      const j = s.charCodeAt(i) === Ch.underscore ? i + 1 : i;
      if (!isDigit(s.charCodeAt(j))) return i;
      i = j + 1;
    }
  }

  /** End of the string literal at `at` (the lexer has checked it is terminated). */
  stringEnd(at: number): number {
    const s = this.input;
    const q = s.charCodeAt(at);
    let i = at + 1;
    if (q === Ch.backtick) {
      while (i < s.length && s.charCodeAt(i) !== Ch.backtick) i++;
      return i + 1;
    }
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === q) return i + 1;
      i += c === 92 ? 2 : 1;
    }
    return s.length;
  }

  /** Whether a string literal starts at `at`. */
  isQuote(at: number): boolean {
    const c = this.input.charCodeAt(at);
    return c === Ch.dquote || c === Ch.squote || c === Ch.backtick;
  }
}
