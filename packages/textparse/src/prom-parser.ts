// Prometheus: model/textparse/promparse.go PromParser and promlex.l (the lexer, by hand).
import type { MetricType } from '@tsprom/storage-interfaces';
import { goQuote, lastFloatStatus, parseGoInt } from './go-float.js';
import { Entry } from './parser.js';
import { C, isLabelChar, isLabelStart, isMetricChar, isMetricStart, TextParserBase, Tok } from './text-parser-base.js';

const S = { Init: 0, Comment: 1, Meta1: 2, Meta2: 3, Labels: 4, LValue: 5, Value: 6, Timestamp: 7 } as const;
type S = (typeof S)[keyof typeof S];

const PROM_TYPES = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'unknown'],
]);

/**
 * Parser for the Prometheus text format 0.0.4 (and 1.0.0, which adds quoted UTF-8 names), as
 * Prometheus's `PromParser`: blanks and tabs between tokens, `# HELP`/`# TYPE` metadata, other `#`
 * lines as comments, optional integer millisecond timestamps, every line ending in `\n`.
 * Takes the body as bytes (decoded once, see decodeBody; a big body a piece at a time) or as an
 * already decoded string.
 */
export class PromParser extends TextParserBase {
  #state: S = S.Init;

  override next(): Entry {
    for (;;) {
      if (this.i >= this.len) this.nextPiece();
      this.start = this.i;
      this.offsets.length = 0;
      const t = this.#token();
      switch (t) {
        case Tok.EOF:
          return Entry.EOF;
        case Tok.Linebreak:
          continue; // Blank lines are allowed.
        case Tok.Help:
        case Tok.Type:
          return this.#metadata(t);
        case Tok.Comment: {
          this.textStart = this.tokStart;
          this.textEnd = this.i;
          const t2 = this.#token();
          // A comment running to the end of the body ends it (Prometheus's consumeComment).
          if (t2 === Tok.EOF) return Entry.EOF;
          if (t2 !== Tok.Linebreak) this.parseError('linebreak expected after comment', t2);
          return Entry.Comment;
        }
        case Tok.BraceOpen:
          this.offsets.push(-1, -1);
          this.#labelSet();
          this.seriesEnd = this.i;
          return this.#suffix(this.#token());
        case Tok.MName: {
          this.offsets.push(this.tokStart, this.i);
          this.seriesEnd = this.i;
          let t2 = this.#token();
          if (t2 === Tok.BraceOpen) {
            this.#labelSet();
            this.seriesEnd = this.i;
            t2 = this.#token();
          }
          return this.#suffix(t2);
        }
        default:
          return this.parseError('expected a valid start token', t);
      }
    }
  }

  #metadata(t: Tok): Entry {
    const t2 = this.#token();
    if (t2 !== Tok.MName) this.parseError(`expected metric name after ${t === Tok.Help ? 'HELP' : 'TYPE'}`, t2);
    let a = this.tokStart;
    let b = this.i;
    if (this.s.charCodeAt(a) === C.quote) {
      a++;
      b--;
    }
    this.offsets.push(a, b);
    if (this.#token() !== Tok.Text) this.fail(`expected text in ${t === Tok.Help ? 'HELP' : 'TYPE'}`, this.tokStart);
    // The text token starts with the blank after the name, which is not part of the text.
    this.textStart = this.i > this.tokStart ? this.tokStart + 1 : this.tokStart;
    this.textEnd = this.i;
    if (t === Tok.Type) {
      const word = this.s.slice(this.textStart, this.textEnd);
      const mt = PROM_TYPES.get(word);
      if (mt === undefined) this.fail(`invalid metric type ${goQuote(word)}`, this.textStart);
      this.mtype = mt;
    } else if (!this.validUtf8(this.textStart, this.textEnd)) {
      this.fail(`help text ${this.quoteFrom(this.textStart, this.textEnd)} is not a valid utf8 string`, this.textStart);
    }
    const t3 = this.#token();
    if (t3 !== Tok.Linebreak) this.parseError('linebreak expected after metadata', t3);
    return t === Tok.Help ? Entry.Help : Entry.Type;
  }

  /** The help text with `\\` and `\n` resolved (the text format escapes nothing else in HELP). */
  override help(): string {
    const t = this.s.slice(this.textStart, this.textEnd);
    return t.indexOf('\\') < 0 ? t : t.replace(/\\([\\n])/g, (_, ch: string) => (ch === 'n' ? '\n' : '\\'));
  }

  /** Parses the contents of `{…}` (Prometheus parseLVals); the lexer is after `{`. */
  #labelSet(): void {
    const o = this.offsets;
    let t = this.#token();
    for (;;) {
      if (t === Tok.BraceClose) return;
      if (t !== Tok.LName && t !== Tok.QString) this.parseError('expected label name', t);
      const curT = t;
      let a = this.tokStart;
      let b = this.i;
      t = this.#token();
      // A quoted string followed by a comma or brace is the metric name.
      if (curT === Tok.QString && (t === Tok.Comma || t === Tok.BraceClose)) {
        if (o[0] !== -1) this.fail(`metric name already set while parsing: ${this.quoteFrom(this.start, this.i)}`, a);
        o[0] = a + 1;
        o[1] = b - 1;
        if (t === Tok.BraceClose) return;
        t = this.#token();
        continue;
      }
      if (curT === Tok.QString) {
        a++;
        b--;
      }
      o.push(a, b);
      if (t !== Tok.Equal) this.parseError('expected equal', t);
      const t2 = this.#token();
      if (t2 !== Tok.LValue) this.parseError('expected label value', t2);
      if (!this.validUtf8(this.tokStart, this.i)) {
        this.fail(`invalid UTF-8 label value: ${this.quoteFrom(this.tokStart, this.i)}`, this.tokStart);
      }
      o.push(this.tokStart + 1, this.i - 1);
      // A trailing comma is allowed; blanks between labels too (unlike OpenMetrics).
      t = this.#token();
      if (t === Tok.Comma) t = this.#token();
    }
  }

  /** Value and optional timestamp after the name and labels (Prometheus parseMetricSuffix). */
  #suffix(t: Tok): Entry {
    if (this.offsets[0] === -1)
      this.fail(`metric name not set while parsing: ${this.quoteFrom(this.start, this.i)}`, this.start);
    if (t !== Tok.Value) this.parseError('expected value after metric', t);
    this.val = this.parseValue(this.tokStart, this.i);
    this.hasTs = false;
    const t2 = this.#token();
    if (t2 === Tok.Timestamp) {
      this.hasTs = true;
      this.ts = parseGoInt(this.s, this.tokStart, this.i);
      if (lastFloatStatus() !== 0) {
        const what = lastFloatStatus() === 2 ? 'value out of range' : 'invalid syntax';
        this.fail(
          `strconv.ParseInt: parsing ${this.quoteFrom(this.tokStart, this.i)}: ${what} while parsing: ${this.quoteFrom(this.start, this.i)}`,
          this.tokStart,
        );
      }
      const t3 = this.#token();
      if (t3 !== Tok.Linebreak) this.parseError('expected next entry after timestamp', t3);
    } else if (t2 !== Tok.Linebreak) {
      this.parseError('expected timestamp or new record', t2);
    }
    return Entry.Series;
  }

  /** The next token that is not whitespace (Prometheus nextToken). */
  #token(): Tok {
    for (;;) {
      const t = this.#lex();
      if (t !== Tok.Whitespace) return t;
    }
  }

  /** One token of promlex.l; sets `tokStart` and advances `i` past it. */
  #lex(): Tok {
    const s = this.s;
    const len = this.len;
    let i = this.i;
    this.tokStart = i;
    if (i >= len) return Tok.EOF;
    let c = s.charCodeAt(i);
    if (this.#state === S.Meta2) {
      // {C}*: the rest of the line, blanks included, possibly empty.
      let e = s.indexOf('\n', i);
      if (e < 0) e = len;
      this.i = e;
      this.#state = S.Init;
      return Tok.Text;
    }
    if (c === C.space || c === C.tab) {
      do c = s.charCodeAt(++i);
      while (c === C.space || c === C.tab);
      this.i = i;
      return Tok.Whitespace;
    }
    switch (this.#state) {
      case S.Init:
        if (c === C.nl) {
          this.i = i + 1;
          return Tok.Linebreak;
        }
        if (isMetricStart(c)) {
          do c = s.charCodeAt(++i);
          while (isMetricChar(c));
          this.i = i;
          this.#state = S.Value;
          return Tok.MName;
        }
        if (c === C.lbrace) {
          this.i = i + 1;
          this.#state = S.Labels;
          return Tok.BraceOpen;
        }
        if (c === C.hash) {
          c = s.charCodeAt(i + 1);
          if (c !== C.space && c !== C.tab) return this.#consumeComment();
          const hash = i;
          i += 2;
          while (s.charCodeAt(i) === C.space || s.charCodeAt(i) === C.tab) i++;
          this.i = i;
          return this.#commentKeyword(hash);
        }
        if (c === 0) return Tok.EOF; // Prometheus's lexer reads a NUL byte as the end.
        return Tok.Invalid;
      case S.Labels:
        if (isLabelStart(c)) {
          do c = s.charCodeAt(++i);
          while (isLabelChar(c));
          this.i = i;
          return Tok.LName;
        }
        if (c === C.quote) return this.#quoted(Tok.QString, S.Labels);
        if (c === C.rbrace) {
          this.i = i + 1;
          this.#state = S.Value;
          return Tok.BraceClose;
        }
        if (c === C.equal) {
          this.i = i + 1;
          this.#state = S.LValue;
          return Tok.Equal;
        }
        if (c === C.comma) {
          this.i = i + 1;
          return Tok.Comma;
        }
        return Tok.Invalid;
      case S.LValue:
        if (c === C.quote) return this.#quoted(Tok.LValue, S.Labels);
        return Tok.Invalid;
      case S.Value:
        if (c === C.lbrace) {
          this.i = i + 1;
          this.#state = S.Labels;
          return Tok.BraceOpen;
        }
        // [^{ \t\n]+
        while (i < len && c !== C.lbrace && c !== C.space && c !== C.tab && c !== C.nl) c = s.charCodeAt(++i);
        if (i === this.tokStart) return Tok.Invalid;
        this.i = i;
        this.#state = S.Timestamp;
        return Tok.Value;
      case S.Timestamp:
        if (c === C.nl) {
          this.i = i + 1;
          this.#state = S.Init;
          return Tok.Linebreak;
        }
        // -?[0-9]+ (the format's own example has a timestamp before the epoch).
        if (c === C.minus) c = s.charCodeAt(++i);
        if (c >= C.zero && c <= C.nine) {
          do c = s.charCodeAt(++i);
          while (c >= C.zero && c <= C.nine);
          this.i = i;
          return Tok.Timestamp;
        }
        return Tok.Invalid;
      case S.Meta1:
        if (c === C.quote) return this.#quoted(Tok.MName, S.Meta2);
        if (isMetricStart(c)) {
          do c = s.charCodeAt(++i);
          while (isMetricChar(c));
          this.i = i;
          this.#state = S.Meta2;
          return Tok.MName;
        }
        return Tok.Invalid;
      default:
        return Tok.Invalid;
    }
  }

  /** After `#` and blanks: `HELP`/`TYPE` and blanks start metadata, anything else is a comment. */
  #commentKeyword(hash: number): Tok {
    const s = this.s;
    const i = this.i;
    const help = s.startsWith('HELP', i);
    if (help || s.startsWith('TYPE', i)) {
      const c = s.charCodeAt(i + 4);
      if (c === C.space || c === C.tab) {
        let j = i + 5;
        while (s.charCodeAt(j) === C.space || s.charCodeAt(j) === C.tab) j++;
        this.tokStart = i;
        this.i = j;
        this.#state = S.Meta1;
        return help ? Tok.Help : Tok.Type;
      }
    }
    this.tokStart = hash;
    return this.#consumeComment();
  }

  /** The rest of the line as a comment token (the newline stays for the next token). */
  #consumeComment(): Tok {
    const e = this.s.indexOf('\n', this.i);
    if (e < 0) {
      this.i = this.len;
      return Tok.EOF;
    }
    this.i = e;
    this.#state = S.Init;
    return Tok.Comment;
  }

  #quoted(t: Tok, next: S): Tok {
    const e = this.scanQuoted(true);
    if (e < 0) return Tok.Invalid;
    this.i = e;
    this.#state = next;
    return t;
  }
}
