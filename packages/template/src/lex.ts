// Prometheus: Go text/template/parse/lex.go (the lexer Prometheus's templates go through).

/** Token kinds, as Go's itemType. Keywords come after `Keyword`. */
export const Item = {
  Error: 0,
  Bool: 1,
  Char: 2,
  CharConstant: 3,
  Comment: 4,
  Complex: 5,
  Assign: 6,
  Declare: 7,
  EOF: 8,
  Field: 9,
  Identifier: 10,
  LeftDelim: 11,
  LeftParen: 12,
  Number: 13,
  Pipe: 14,
  RawString: 15,
  RightDelim: 16,
  RightParen: 17,
  Space: 18,
  String: 19,
  Text: 20,
  Variable: 21,
  Keyword: 22,
  Block: 23,
  Break: 24,
  Continue: 25,
  Dot: 26,
  Define: 27,
  Else: 28,
  End: 29,
  If: 30,
  Nil: 31,
  Range: 32,
  Template: 33,
  With: 34,
} as const;
export type Item = (typeof Item)[keyof typeof Item];

const KEYWORDS: Readonly<Record<string, Item>> = {
  '.': Item.Dot,
  block: Item.Block,
  break: Item.Break,
  continue: Item.Continue,
  define: Item.Define,
  else: Item.Else,
  end: Item.End,
  if: Item.If,
  range: Item.Range,
  nil: Item.Nil,
  template: Item.Template,
  with: Item.With,
};

/** A token: kind, text, offset in the input (UTF-16 code units) and 1-based line. */
export interface Token {
  readonly typ: Item;
  readonly val: string;
  readonly pos: number;
  readonly line: number;
}

const LEFT = '{{';
const RIGHT = '}}';
const TRIM_LEN = 2; // The marker plus the space before or after it.

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const ALNUM = /[\p{L}\p{Nd}_]/u;
function isAlphaNumeric(c: string): boolean {
  return c === '_' || ALNUM.test(c);
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.charCodeAt(at) === 0x2d && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s.charCodeAt(at + 1) === 0x2d;
}

/** Go's `%#U` of a code point: `U+0023 '#'`. */
export function goRuneU(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(c) ? `U+${hex} '${c}'` : `U+${hex}`;
}

/**
 * Splits template text into tokens, as Go's lexer does: text outside `{{ }}`, and inside an action
 * identifiers, fields, variables, literals, `|`, `(`, `)`, `:=`, `=`, with `{{-`/`-}}` trimming
 * the whitespace around. A lexing error ends the stream with an Error token carrying Go's message.
 */
export function lex(input: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  // The line of `start`, counted forward lazily (token starts only move forward).
  let linePos = 0;
  let lineNo = 1;
  const lineOf = (p: number): number => {
    for (; linePos < p; linePos++) if (input.charCodeAt(linePos) === 10) lineNo++;
    return lineNo;
  };

  const emit = (typ: Item): void => {
    out.push({ typ, val: input.slice(start, pos), pos: start, line: lineOf(start) });
    start = pos;
  };
  const ignore = (): void => {
    start = pos;
  };
  const advance = (n: number): void => {
    pos += n;
  };
  const errorf = (msg: string): Token[] => {
    out.push({ typ: Item.Error, val: msg, pos: start, line: lineOf(start) });
    return out;
  };
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + TRIM_LEN)) return [true, true];
    if (input.startsWith(RIGHT, pos)) return [true, false];
    return [false, false];
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c)) return true;
    if (c === '.' || c === ',' || c === '|' || c === ':' || c === ')' || c === '(') return true;
    return input.startsWith(RIGHT, pos);
  };
  const nextChar = (): string | undefined => {
    const cp = input.codePointAt(pos);
    if (cp === undefined) return undefined;
    const c = String.fromCodePoint(cp);
    advance(c.length);
    return c;
  };

  // Text, then actions, until the input ends.
  for (;;) {
    // lexText
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit(Item.Text);
      out.push({ typ: Item.EOF, val: '', pos, line: lineOf(pos) });
      return out;
    }
    let textEnd = x;
    const trimLeft = hasLeftTrimMarker(input, x + LEFT.length);
    if (trimLeft) {
      while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    }
    pos = textEnd;
    if (pos > start) emit(Item.Text);
    pos = x;
    ignore();
    // lexLeftDelim
    pos += LEFT.length;
    const afterMarker = trimLeft ? TRIM_LEN : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      // lexComment
      pos += afterMarker;
      ignore();
      pos += 2;
      const end = input.indexOf('*/', pos);
      if (end < 0) return errorf('unclosed comment');
      advance(end + 2 - pos);
      const [delim, trimSpace] = atRightDelim();
      if (!delim) return errorf('comment ends before closing delimiter');
      pos += (trimSpace ? TRIM_LEN : 0) + RIGHT.length;
      ignore();
      if (trimSpace) skipLeadingSpace();
      continue;
    }
    emit(Item.LeftDelim);
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    // lexInsideAction, until the right delimiter.
    for (;;) {
      const [delim, trimSpace] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return errorf('unclosed left paren');
        if (trimSpace) {
          pos += TRIM_LEN;
          ignore();
        }
        pos += RIGHT.length;
        emit(Item.RightDelim);
        if (trimSpace) skipLeadingSpace();
        break;
      }
      const r = nextChar();
      if (r === undefined) return errorf('unclosed action');
      if (isSpace(r)) {
        // lexSpace: a run of spaces, but not the one before a ` -}}`.
        pos -= 1;
        let numSpaces = 0;
        while (isSpace(input[pos])) {
          advance(1);
          numSpaces++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos - 1 + TRIM_LEN)) {
          pos--;
          if (numSpaces === 1) continue;
        }
        emit(Item.Space);
        continue;
      }
      if (r === '=') emit(Item.Assign);
      else if (r === ':') {
        if (nextChar() !== '=') return errorf('expected :=');
        emit(Item.Declare);
      } else if (r === '|') emit(Item.Pipe);
      else if (r === '"') {
        for (;;) {
          let c = nextChar();
          if (c === '\\') {
            c = nextChar();
            if (c !== undefined && c !== '\n') continue;
          }
          if (c === undefined || c === '\n') return errorf('unterminated quoted string');
          if (c === '"') break;
        }
        emit(Item.String);
      } else if (r === '`') {
        const end = input.indexOf('`', pos);
        if (end < 0) return errorf('unterminated raw quoted string');
        advance(end + 1 - pos);
        emit(Item.RawString);
      } else if (r === '$' || (r === '.' && pos < input.length && !(input[pos]! >= '0' && input[pos]! <= '9'))) {
        // lexVariable / lexField
        if (atTerminator()) {
          emit(r === '$' ? Item.Variable : Item.Dot);
          continue;
        }
        let c: string | undefined;
        for (;;) {
          c = nextChar();
          if (c === undefined || !isAlphaNumeric(c)) break;
        }
        if (c !== undefined) pos -= c.length;
        if (!atTerminator()) return errorf(`bad character ${goRuneU(input.slice(pos, pos + (c?.length ?? 1)))}`);
        emit(r === '$' ? Item.Variable : Item.Field);
      } else if (r === "'") {
        for (;;) {
          let c = nextChar();
          if (c === '\\') {
            c = nextChar();
            if (c !== undefined && c !== '\n') continue;
          }
          if (c === undefined || c === '\n') return errorf('unterminated character constant');
          if (c === "'") break;
        }
        emit(Item.CharConstant);
      } else if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
        pos -= 1;
        const ok = scanNumber();
        if (!ok) return errorf(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        emit(input[pos - 1] === 'i' ? Item.Complex : Item.Number);
      } else if (isAlphaNumeric(r)) {
        let c: string | undefined;
        for (;;) {
          c = nextChar();
          if (c === undefined || !isAlphaNumeric(c)) break;
        }
        if (c !== undefined) pos -= c.length;
        if (!atTerminator()) return errorf(`bad character ${goRuneU(input.slice(pos, pos + (c?.length ?? 1)))}`);
        const word = input.slice(start, pos);
        const kw = KEYWORDS[word];
        if (kw !== undefined && Object.hasOwn(KEYWORDS, word)) emit(kw);
        else if (word === 'true' || word === 'false') emit(Item.Bool);
        else emit(Item.Identifier);
      } else if (r === '(') {
        parenDepth++;
        emit(Item.LeftParen);
      } else if (r === ')') {
        parenDepth--;
        if (parenDepth < 0) return errorf('unexpected right paren');
        emit(Item.RightParen);
      } else if (r.length === 1 && r.charCodeAt(0) < 0x80 && r.charCodeAt(0) >= 0x20 && r.charCodeAt(0) < 0x7f) {
        emit(Item.Char);
      } else {
        return errorf(`unrecognized character in action: ${goRuneU(r)}`);
      }
    }
  }

  function skipLeadingSpace(): void {
    while (isSpace(input[pos])) advance(1);
    ignore();
  }

  function scanNumber(): boolean {
    const accept = (valid: string): boolean => {
      if (pos < input.length && valid.includes(input[pos]!)) {
        pos++;
        return true;
      }
      return false;
    };
    const acceptRun = (valid: string): void => {
      while (pos < input.length && valid.includes(input[pos]!)) pos++;
    };
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    const c = input[pos];
    if (c !== undefined && isAlphaNumeric(c)) {
      pos++;
      return false;
    }
    return true;
  }
}
