// Prometheus: model/textparse/promparse.go and openmetricsparse.go, the parts both text parsers share:
// the offsets of the current entry, the label set built from them, errors with their position.
import { BucketLabel, isValidUtf8, type Labels, MetricName, QuantileLabel, ScratchBuilder } from '@tsprom/labels';
import type { Exemplar, FloatHistogram, Histogram, MetricType } from '@tsprom/storage-interfaces';
import { type BodyReader, StreamedBody } from './body-reader.js';
import { BodyPieces, byteOffsetOf, decodeBody } from './body-text.js';
import { ParseError } from './errors.js';
import { formatOpenMetricsFloat, goQuote, parseGoFloat, lastFloatStatus } from './go-float.js';
import type { Entry, Parser } from './parser.js';

/**
 * Prometheus's lexer tokens, so errors name them as Prometheus does (`("INVALID")`).
 * Internal: only their names appear in messages.
 */
export const Tok = {
  Invalid: 0,
  EOF: 1,
  Linebreak: 2,
  Whitespace: 3,
  Help: 4,
  Type: 5,
  Unit: 6,
  EOFWord: 7,
  Text: 8,
  Comment: 9,
  MName: 10,
  QString: 11,
  BraceOpen: 12,
  BraceClose: 13,
  LName: 14,
  LValue: 15,
  Comma: 16,
  Equal: 17,
  Timestamp: 18,
  Value: 19,
} as const;
export type Tok = (typeof Tok)[keyof typeof Tok];

const TOKEN_NAMES = [
  'INVALID',
  'EOF',
  'LINEBREAK',
  'WHITESPACE',
  'HELP',
  'TYPE',
  'UNIT',
  'EOFWORD',
  'TEXT',
  'COMMENT',
  'MNAME',
  'QSTRING',
  'BOPEN',
  'BCLOSE',
  'LNAME',
  'LVALUE',
  'COMMA',
  'EQUAL',
  'TIMESTAMP',
  'VALUE',
];

/** Prometheus's name of a token. */
export function tokenName(t: Tok): string {
  return TOKEN_NAMES[t]!;
}

/** Char codes the lexers test. */
export const C = {
  tab: 0x09,
  nl: 0x0a,
  space: 0x20,
  quote: 0x22,
  hash: 0x23,
  comma: 0x2c,
  minus: 0x2d,
  zero: 0x30,
  nine: 0x39,
  colon: 0x3a,
  equal: 0x3d,
  backslash: 0x5c,
  underscore: 0x5f,
  lbrace: 0x7b,
  rbrace: 0x7d,
} as const;

/** `[a-zA-Z_]` */
export function isLabelStart(c: number): boolean {
  return ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === C.underscore;
}
/** `[a-zA-Z_0-9]` */
export function isLabelChar(c: number): boolean {
  return isLabelStart(c) || (c >= C.zero && c <= C.nine);
}
/** `[a-zA-Z_:]` */
export function isMetricStart(c: number): boolean {
  return isLabelStart(c) || c === C.colon;
}
/** `[a-zA-Z_:0-9]` */
export function isMetricChar(c: number): boolean {
  return isLabelChar(c) || c === C.colon;
}

/** Resolves the escapes Prometheus resolves in names and label values: `\"`, `\\`, `\n`. */
export function unescapeLabelValue(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== C.backslash || i + 1 === s.length) continue;
    const n = s.charCodeAt(i + 1);
    const rep = n === C.quote ? '"' : n === C.backslash ? '\\' : n === 0x6e ? '\n' : undefined;
    if (rep === undefined) {
      i++; // Any other escape stays as written (Go's strings.Replacer leaves it).
      continue;
    }
    out += s.slice(from, i) + rep;
    i++;
    from = i + 1;
  }
  return out + s.slice(from);
}

/**
 * Bodies bigger than this are decoded and parsed a piece (of about this many bytes, whole lines)
 * at a time: no string of the whole body is made, and the decoding of a piece is a short call.
 * 64 KiB because Node 20's TextDecoder decodes inputs up to about 96 KiB at over 1 GB/s and larger
 * ones at about 140 MB/s: a 164 KiB body parsed twice as fast in 64 KiB pieces as whole.
 */
export const PIECE_BYTES = 64 * 1024;

/**
 * The state and accessors the Prometheus text and OpenMetrics parsers share. The current entry is
 * kept as offsets into the decoded body (no object per line): `offsets[0..1]` the metric name (-1
 * while unknown), then per label name start/end and value start/end.
 */
export abstract class TextParserBase implements Parser {
  /** The text being parsed: the whole body, or the current piece of a big one. */
  protected s: string;
  protected len: number;
  /** Lexer position (char index). */
  protected i = 0;
  /** Start of the current token. */
  protected tokStart = 0;
  /** Start of the current entry. */
  protected start = 0;
  protected offsets: number[] = [];
  protected seriesEnd = 0;
  protected val = 0;
  protected ts = 0;
  protected hasTs = false;
  protected mtype: MetricType = 'unknown';
  protected textStart = 0;
  protected textEnd = 0;
  protected readonly builder = new ScratchBuilder();
  #dup: string | undefined;
  /** Position after which the body has no backslash (or where the next one is). */
  #nextBackslash = -1;

  /** The rest of a big or streamed body, when it is parsed piece by piece. */
  #pieces: BodyPieces | StreamedBody | undefined;

  /**
   * `body`: the bytes, the text, or a reader of a body too big to hold (parsed a piece at a time).
   * `pieceBytes`: the piece size for a big body (tests use small ones).
   */
  constructor(body: Uint8Array | string | BodyReader, pieceBytes = PIECE_BYTES) {
    if (typeof body === 'string') this.s = body;
    else if (!ArrayBuffer.isView(body)) {
      // Not `instanceof Uint8Array`: a body may come from another realm.
      this.#pieces = new StreamedBody(body, pieceBytes);
      this.s = this.#pieces.next();
    } else if (body.length <= pieceBytes) this.s = decodeBody(body);
    else {
      this.#pieces = new BodyPieces(body, pieceBytes);
      this.s = this.#pieces.next();
    }
    this.len = this.s.length;
  }

  /**
   * At the start of an entry, with the current piece all read: moves to the next piece of the
   * body. False when there is none (the end of the body).
   */
  protected nextPiece(): boolean {
    const p = this.#pieces;
    if (p === undefined || p.done) return false;
    p.textStart = p.decoded;
    this.#setText(p.next());
    this.i = 0;
    this.start = 0;
    this.tokStart = 0;
    return true;
  }

  /**
   * In the middle of an entry that runs past the current piece (a quoted value holding a newline):
   * appends more of the body to the text, keeping every offset valid. Appends at least as much as
   * the text holds, so a value spanning many pieces costs linear time. False at the end of the body.
   */
  protected extendText(): boolean {
    const p = this.#pieces;
    if (p === undefined || p.done) return false;
    const parts = [this.s];
    let added = 0;
    while (added < this.len && !p.done) {
      const more = p.next();
      parts.push(more);
      added += more.length;
    }
    this.#setText(parts.join(''));
    return true;
  }

  /** Reads the rest of the body into the text (offsets stay valid). */
  protected loadRest(): void {
    while (this.extendText());
  }

  #setText(s: string): void {
    this.s = s;
    this.len = s.length;
    this.#nextBackslash = -1;
    this.textChanged();
  }

  /** Called when the text changed (a new piece, or more of the body): positions kept by subclasses into the old one are void. */
  protected textChanged(): void {}

  abstract next(): Entry;

  series(): string {
    return this.s.slice(this.start, this.seriesEnd);
  }

  timestamp(): number | undefined {
    return this.hasTs ? this.ts : undefined;
  }

  value(): number {
    return this.val;
  }

  histogram(): Histogram | undefined {
    return undefined;
  }

  floatHistogram(): FloatHistogram | undefined {
    return undefined;
  }

  labels(): Labels {
    const s = this.s;
    const o = this.offsets;
    const b = this.builder;
    b.reset();
    b.add(MetricName, unescapeLabelValue(s.slice(o[0]!, o[1]!)));
    this.#dup = undefined;
    const t = this.mtype;
    const normalize = t === 'histogram' || t === 'summary';
    let expected = o[1]! > o[0]! ? 1 : 0;
    for (let k = 2; k < o.length; k += 4) {
      const name = unescapeLabelValue(s.slice(o[k]!, o[k + 1]!));
      let value = unescapeLabelValue(s.slice(o[k + 2]!, o[k + 3]!));
      if (normalize && ((t === 'histogram' && name === BucketLabel) || (t === 'summary' && name === QuantileLabel))) {
        value = normalizeFloat(value);
      }
      if (value !== '') expected++;
      b.add(name, value);
    }
    const ls = b.labels();
    if (ls.length < expected) this.#dup = findDuplicate(s, o);
    return ls;
  }

  duplicateLabelName(): string | undefined {
    return this.#dup;
  }

  exemplar(): Exemplar | undefined {
    return undefined;
  }

  createdTimestamp(): number | undefined {
    return undefined;
  }

  metadataName(): string {
    return unescapeLabelValue(this.s.slice(this.offsets[0]!, this.offsets[1]!));
  }

  help(): string {
    return unescapeLabelValue(this.s.slice(this.textStart, this.textEnd));
  }

  type(): MetricType {
    return this.mtype;
  }

  unit(): string {
    return '';
  }

  comment(): string {
    return this.s.slice(this.textStart, this.textEnd);
  }

  /**
   * Scans a quoted string at `this.i` (which holds `"`): `"(\\.|[^\\"])*"`, where `.` is any char
   * but newline; `allowNewline` says whether a raw newline may appear inside (the Prometheus text
   * format allows it, OpenMetrics does not). Returns the end (after the closing quote), or -1.
   */
  protected scanQuoted(allowNewline: boolean): number {
    for (;;) {
      const e = this.#scanQuoted(allowNewline);
      // Ran off the end of a piece: a newline inside the value (the text format allows it).
      if (e !== -2) return e;
      if (!allowNewline || !this.extendText()) return -1;
    }
  }

  /** {@link scanQuoted} on the current text; -2 when the text ends before the closing quote. */
  #scanQuoted(allowNewline: boolean): number {
    const s = this.s;
    let j = this.i + 1;
    // Fast path: no backslash before the closing quote.
    const q = s.indexOf('"', j);
    if (q < 0) return -2;
    if (this.#nextBackslash < j) {
      const bs = s.indexOf('\\', j);
      this.#nextBackslash = bs < 0 ? this.len : bs;
    }
    if (this.#nextBackslash > q) {
      if (!allowNewline) {
        const nl = s.indexOf('\n', j);
        if (nl >= 0 && nl < q) return -1;
      }
      return q + 1;
    }
    for (; j < this.len; j++) {
      const c = s.charCodeAt(j);
      if (c === C.quote) return j + 1;
      if (c === C.backslash) {
        j++;
        if (j >= this.len) return -2;
        if (s.charCodeAt(j) === C.nl) return -1;
      } else if (c === C.nl && !allowNewline) return -1;
    }
    return -2;
  }

  /** Whether the label value between `a` and `b` is valid UTF-8 (see decodeBody). */
  protected validUtf8(a: number, b: number): boolean {
    for (let k = a; k < b; k++) {
      if (this.s.charCodeAt(k) >= 0xd800) return isValidUtf8(this.s.slice(a, b));
    }
    return true;
  }

  /** Parses the float in `s[a:b]`, throwing Prometheus's error for a bad one. */
  protected parseValue(a: number, b: number): number {
    const v = parseGoFloat(this.s, a, b);
    if (lastFloatStatus() !== 0)
      this.fail(`${floatError(this.s.slice(a, b))} while parsing: ${this.quoteFrom(this.start, this.i)}`, a);
    return v;
  }

  /** `exp, got "<token and next char>" ("<TOKEN>") while parsing: "<entry so far>"` at the token. */
  protected parseError(exp: string, t: Tok): never {
    const e = Math.min(t === Tok.Invalid ? this.tokStart + 1 : this.i + 1, this.len);
    const got = t === Tok.EOF ? '' : this.s.slice(this.tokStart, e);
    return this.fail(
      `${exp}, got ${goQuote(got)} (${goQuote(tokenName(t))}) while parsing: ${goQuote(this.s.slice(this.start, e))}`,
      this.tokStart,
    );
  }

  protected quoteFrom(a: number, b: number): string {
    return goQuote(this.s.slice(a, b));
  }

  /** Throws a ParseError for position `pos` (char index in the decoded body). */
  protected fail(reason: string, pos: number): never {
    let line = 1;
    let lineStart = 0;
    for (let k = this.s.indexOf('\n'); k >= 0 && k < pos; k = this.s.indexOf('\n', k + 1)) {
      line++;
      lineStart = k + 1;
    }
    const p = this.#pieces;
    if (p === undefined) throw new ParseError(reason, line, pos - lineStart + 1, byteOffsetOf(this.s, pos));
    const offset = p.textStart + byteOffsetOf(this.s, pos);
    throw new ParseError(reason, p.linesBefore(p.textStart) + line, pos - lineStart + 1, offset);
  }
}

function floatError(text: string): string {
  const st = lastFloatStatus();
  if (st === 3) return 'unsupported character in float';
  return `strconv.ParseFloat: parsing ${goQuote(text)}: ${st === 2 ? 'value out of range' : 'invalid syntax'}`;
}

/** The first label name of the entry that repeats an earlier one (`__name__` included). */
function findDuplicate(s: string, o: number[]): string | undefined {
  const seen = new Set<string>([MetricName]);
  for (let k = 2; k < o.length; k += 4) {
    const name = unescapeLabelValue(s.slice(o[k]!, o[k + 1]!));
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** Prometheus 3 normalizeFloatsInLabelValues: a parseable `le`/`quantile` in canonical form. */
function normalizeFloat(v: string): string {
  const f = parseGoFloat(v, 0, v.length);
  if (lastFloatStatus() !== 0) return v; // Not a number: left as it is, as Prometheus does.
  return formatOpenMetricsFloat(f);
}
