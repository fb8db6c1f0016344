// Prometheus: promql/parser/lex.go (the checks its lexer makes, and item descriptions in errors).
import { isDigit, isIdentPart, isIdentStart, isWordPart } from './scanner.js';

/** A lexical error found before parsing: Prometheus's lexer message and where it applies. */
export interface LexProblem {
  pos: number;
  end: number;
  message: string;
}

/** The aggregation operators, which the lexer reports as keywords. */
export const AGGREGATORS: ReadonlySet<string> = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const OP_KEYWORDS = new Set(['and', 'or', 'unless', 'atan2']);
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'start',
  'end',
  'step',
  'range',
  'anchored',
  'smoothed',
  'fill',
  'fill_left',
  'fill_right',
]);
const OPERATORS = ['</', '>/', '==', '!=', '>=', '<=', '=~', '!~', '+', '-', '*', '/', '%', '^', '>', '<', '@'];

export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}
function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[a-zA-Z0-9_:]/.test(c);
}

/** Index of the first character at or after `pos` that is not whitespace or part of a comment. */
export function skipSpace(input: string, pos: number): number {
  let i = pos;
  for (;;) {
    while (i < input.length && isSpace(input[i])) i++;
    if (input[i] !== '#') return i;
    while (i < input.length && input[i] !== '\n') i++;
  }
}

/** End (exclusive) of the string literal starting at `pos`, or -1 if it is unterminated. */
export function stringEnd(input: string, pos: number): number {
  const q = input[pos];
  let i = pos + 1;
  while (i < input.length) {
    const c = input[i];
    if (c === q) return i + 1;
    if (q !== '`') {
      if (c === '\n') return -1;
      if (c === '\\') i++;
    }
    i++;
  }
  return -1;
}

/**
 * Describes the token at `pos` as Prometheus's parser does in `unexpected …` errors:
 * `end of input`, `<op:*>`, `<aggr:sum>`, `<by>`, `identifier "foo"`, `number "1"`,
 * `duration "5m"`, `string "\"x\""`, `"("`. Returns the description and the token's end.
 */
export function describeToken(input: string, pos: number): { desc: string; end: number } {
  const c = input[pos];
  if (c === undefined) return { desc: 'end of input', end: pos };
  if (c === '"' || c === "'" || c === '`') {
    const e = stringEnd(input, pos);
    const end = e === -1 ? input.length : e;
    return { desc: `string ${goQuoteShort(input.slice(pos, end))}`, end };
  }
  if (/[0-9.]/.test(c)) {
    const m = /^(?:0[xX][0-9a-fA-F_]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.)([a-zA-Z0-9_]*)/.exec(
      input.slice(pos),
    );
    if (m !== null) {
      const isDur = /^(?:[0-9]+(?:ms|[smhdwy]))+$/.test(m[0]);
      return { desc: `${isDur ? 'duration' : 'number'} ${goQuoteShort(m[0])}`, end: pos + m[0].length };
    }
  }
  if (isIdentChar(c) && !(c === ':' && !isIdentChar(input[pos + 1]))) {
    let e = pos;
    while (isIdentChar(input[e])) e++;
    const word = input.slice(pos, e);
    const lw = word.toLowerCase();
    if (lw === 'inf' || lw === 'nan') return { desc: `number ${goQuoteShort(word)}`, end: e };
    if (AGGREGATORS.has(lw)) return { desc: `<aggr:${word}>`, end: e };
    if (OP_KEYWORDS.has(lw)) return { desc: `<op:${word}>`, end: e };
    if (KEYWORDS.has(lw)) return { desc: `<${word}>`, end: e };
    return { desc: `${word.includes(':') ? 'metric identifier' : 'identifier'} ${JSON.stringify(word)}`, end: e };
  }
  for (const op of OPERATORS) {
    if (input.startsWith(op, pos)) return { desc: `<op:${op}>`, end: pos + op.length };
  }
  const ch = String.fromCodePoint(input.codePointAt(pos) as number);
  return { desc: JSON.stringify(ch), end: pos + ch.length };
}

// Go's `%q` of a token value, cut to 10 characters like Prometheus's Item.String.
function goQuoteShort(v: string): string {
  if (v.length > 10) return `${JSON.stringify(v.slice(0, 10))}...`;
  return JSON.stringify(v);
}

// Characters of operators and punctuation outside braces.
const OPERATOR_CHARS = '.,=!~<>+-*/%^@';

// Decimal digits may be separated by single underscores, as Go's ParseInt/ParseFloat allow.
const NUMBER_RE =
  /^(?:0[xX]_?[0-9a-fA-F_]*|(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?)/;
const DURATION_RE = /^(?:[0-9]+(?:ms|[smhdwy]))+/;

/**
 * Scans `input` the way Prometheus's lexer does and returns its first error, if any: unbalanced
 * parentheses, brackets or braces, unterminated strings, bad numbers, characters PromQL doesn't use.
 */
export function lexCheck(input: string): LexProblem | undefined {
  const stack: { ch: string; pos: number }[] = [];
  const colons = new Set<{ ch: string; pos: number }>();
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < input.length && input[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const e = stringEnd(input, i);
      if (e === -1) {
        return {
          pos: i,
          end: input.length,
          message: c === '`' ? 'unterminated raw string' : 'unterminated quoted string',
        };
      }
      i = e;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top?.ch === '{') {
      if (isIdentStart(input.charCodeAt(i))) {
        while (isWordPart(input.charCodeAt(i))) i++;
        continue;
      }
      if (c === '}') {
        stack.pop();
        i++;
        continue;
      }
      if (c === '{') return { pos: i, end: i + 1, message: "unexpected left brace '{' inside braces" };
      if (c === '!' && input[i + 1] !== '=' && input[i + 1] !== '~') {
        return {
          pos: i,
          end: i + 2,
          message: `unexpected character after '!' inside braces: ${goQuoteRune(input[i + 1] ?? '\uFFFD')}`,
        };
      }
      if (c !== ',' && c !== '=' && c !== '!' && c !== '~') {
        const ch = String.fromCodePoint(input.codePointAt(i) as number);
        return { pos: i, end: i + ch.length, message: `unexpected character inside braces: ${goQuoteRune(ch)}` };
      }
      i++;
      continue;
    }
    if (isIdentStart(input.charCodeAt(i)) || (c === ':' && isIdentChar(input[i + 1]) && top?.ch !== '[')) {
      while (isIdentPart(input.charCodeAt(i))) i++;
      continue;
    }
    if (isDigit(input.charCodeAt(i)) || (c === '.' && isDigit(input.charCodeAt(i + 1)))) {
      const rest = input.slice(i);
      const badExp =
        /^(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)[eE](?![+-]?[0-9])[+-]?/.exec(
          rest,
        )?.[0];
      if (badExp !== undefined && !/[a-zA-Z0-9_]/.test(rest[badExp.length] ?? '')) {
        return {
          pos: i,
          end: i + badExp.length,
          message: `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(badExp)}: invalid syntax`,
        };
      }
      const num = NUMBER_RE.exec(rest)?.[0] ?? '';
      if (/^0[xX]_?$/.test(num) && !/[a-zA-Z0-9_]/.test(rest[num.length] ?? '')) {
        return {
          pos: i,
          end: i + num.length,
          message: `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax`,
        };
      }
      if (!/[a-zA-Z0-9_]/.test(rest[num.length] ?? '')) {
        i += num.length;
        continue;
      }
      const dur = DURATION_RE.exec(rest)?.[0] ?? '';
      if (dur !== '' && !/[a-zA-Z0-9_]/.test(rest[dur.length] ?? '')) {
        i += dur.length;
        continue;
      }
      let e = i + Math.max(num.length, dur.length) + 1;
      while (/[a-zA-Z0-9_]/.test(input[e] ?? '')) e++;
      return { pos: i, end: e, message: `bad number or duration syntax: ${JSON.stringify(input.slice(i, e))}` };
    }
    switch (c) {
      case '(':
      case '[':
      case '{':
        stack.push({ ch: c, pos: i });
        i++;
        continue;
      case ')':
        // Prometheus reports this one just after the parenthesis.
        if (top?.ch !== '(') return { pos: i + 1, end: i + 1, message: "unexpected right parenthesis ')'" };
        stack.pop();
        i++;
        continue;
      case ']':
        if (top?.ch !== '[') return { pos: i, end: i + 1, message: "unexpected right bracket ']'" };
        stack.pop();
        i++;
        continue;
      case '}':
        return { pos: i, end: i + 1, message: "unexpected character: '}'" };
      case ':':
        if (top?.ch === '[') {
          if (colons.has(top)) return { pos: i, end: i + 1, message: "unexpected colon ':'" };
          colons.add(top);
          i++;
          continue;
        }
        break;
      case '!':
        if (input[i + 1] !== '=') {
          return {
            pos: i,
            end: i + 2,
            message: `unexpected character after '!': ${goQuoteRune(input[i + 1] ?? '\uFFFD')}`,
          };
        }
        break;
    }
    if (!OPERATOR_CHARS.includes(c) || (c === '.' && !isDigit(input.charCodeAt(i + 1)))) {
      const ch = String.fromCodePoint(input.codePointAt(i) as number);
      return { pos: i, end: i + ch.length, message: `unexpected character: ${goQuoteRune(ch)}` };
    }
    i++;
  }
  const top = stack[stack.length - 1];
  if (top !== undefined) {
    const message =
      top.ch === '('
        ? 'unclosed left parenthesis'
        : top.ch === '['
          ? 'unclosed left bracket'
          : 'unexpected end of input inside braces';
    return { pos: input.length, end: input.length, message };
  }
  return undefined;
}

function goQuoteRune(c: string): string {
  return `'${c === "'" ? "\\'" : c}'`;
}
