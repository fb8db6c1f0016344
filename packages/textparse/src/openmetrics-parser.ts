// Prometheus: model/textparse/openmetricsparse.go OpenMetricsParser and openmetricslex.l (by hand).
import { BucketLabel, QuantileLabel } from '@tsprom/labels';
import type { Exemplar, MetricType } from '@tsprom/storage-interfaces';
import type { BodyReader } from './body-reader.js';
import { ParseError } from './errors.js';
import { goQuote, lastFloatStatus, parseGoFloat } from './go-float.js';
import { Entry } from './parser.js';
import {
  C,
  isLabelChar,
  isLabelStart,
  isMetricChar,
  isMetricStart,
  TextParserBase,
  Tok,
  unescapeLabelValue,
} from './text-parser-base.js';

const S = {
  Init: 0,
  Comment: 1,
  Meta1: 2,
  Meta2: 3,
  Labels: 4,
  LValue: 5,
  Value: 6,
  Timestamp: 7,
  Exemplar: 8,
  EValue: 9,
  ETimestamp: 10,
} as const;
type S = (typeof S)[keyof typeof S];

const OM_TYPES = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['gaugehistogram', 'gaugehistogram'],
  ['summary', 'summary'],
  ['info', 'info'],
  ['stateset', 'stateset'],
  ['unknown', 'unknown'],
]);

/** Options of {@link OpenMetricsParser}. */
export interface OpenMetricsParserOptions {
  /**
   * Skip the `<name>_created` series of counters, histograms and summaries (Prometheus does when
   * created timestamps are ingested as zero samples); they stay readable via `createdTimestamp()`.
   */
  skipCreatedSeries?: boolean;
  /** Size of the pieces a big or streamed body is decoded and parsed in (default 256 KiB). */
  pieceBytes?: number;
}

/** Metric types whose series may have a `_created` line (Prometheus typeRequiresCT). */
function typeRequiresCT(t: MetricType): boolean {
  return t === 'counter' || t === 'summary' || t === 'histogram';
}

/**
 * Parser for OpenMetrics 1.0 text (`application/openmetrics-text`), as Prometheus's
 * `OpenMetricsParser`: single spaces between tokens, `# HELP`/`# TYPE`/`# UNIT` metadata, float
 * timestamps in seconds (read as ms), exemplars after ` # `, and `# EOF` required at the end with
 * nothing after it. `_created` lines give the created timestamp of the series before them.
 */
export class OpenMetricsParser extends TextParserBase {
  #state: S = S.Init;
  readonly #skipCreated: boolean;
  #unitStart = 0;
  #unitEnd = 0;
  // The exemplar of the current line: offsets like the series', its value and timestamp.
  #eOffsets: number[] = [];
  #hasExemplar = false;
  #exemplarReturned = false;
  #eVal = 0;
  #eTs = 0;
  #eHasTs = false;
  // Created-timestamp lookup: the first `_created` line after position `#ctFrom` is at `#ctEnd`
  // (or the family ends there), with label key `#ctKey` and value `#ctValue`. Series before
  // `#ctEnd` reuse it, so each line is looked ahead at most once: linear time in all.
  #ctFrom = -1;
  #ctEnd = -1;
  #ctKey: string | undefined;
  #ctValue = 0;
  #peek: OpenMetricsParser | undefined;

  constructor(body: Uint8Array | string | BodyReader, options: OpenMetricsParserOptions = {}) {
    super(body, options.pieceBytes);
    this.#skipCreated = options.skipCreatedSeries ?? false;
  }

  override next(): Entry {
    for (;;) {
      const e = this.#next();
      if (e === Entry.Series && this.#skipCreated && this.#isCreatedSeries()) continue;
      return e;
    }
  }

  #next(): Entry {
    if (this.i >= this.len) this.nextPiece();
    this.start = this.i;
    this.offsets.length = 0;
    this.#eOffsets.length = 0;
    this.#hasExemplar = false;
    this.#exemplarReturned = false;
    const t = this.#lex();
    switch (t) {
      case Tok.EOFWord:
        if (this.i >= this.len) this.nextPiece();
        if (this.#lex() !== Tok.EOF) this.fail('unexpected data after # EOF', this.tokStart);
        return Entry.EOF;
      case Tok.EOF:
        return this.fail('data does not end with # EOF', this.tokStart);
      case Tok.Help:
      case Tok.Type:
      case Tok.Unit:
        return this.#metadata(t);
      case Tok.BraceOpen:
        this.offsets.push(-1, -1);
        this.#labelSet(this.offsets, false);
        this.seriesEnd = this.i;
        this.#endOfLine(this.#lex());
        return Entry.Series;
      case Tok.MName: {
        this.offsets.push(this.tokStart, this.i);
        this.seriesEnd = this.i;
        let t2 = this.#lex();
        if (t2 === Tok.BraceOpen) {
          this.#labelSet(this.offsets, false);
          this.seriesEnd = this.i;
          t2 = this.#lex();
        }
        this.#endOfLine(t2);
        return Entry.Series;
      }
      default:
        return this.parseError('expected a valid start token', t);
    }
  }

  #metadata(t: Tok): Entry {
    const word = t === Tok.Help ? 'HELP' : t === Tok.Type ? 'TYPE' : 'UNIT';
    const t2 = this.#lex();
    if (t2 !== Tok.MName) this.parseError(`expected metric name after ${word}`, t2);
    let a = this.tokStart;
    let b = this.i;
    if (this.s.charCodeAt(a) === C.quote) {
      a++;
      b--;
    }
    this.offsets.push(a, b);
    if (this.#lex() !== Tok.Text) this.fail(`expected text in ${word}`, this.tokStart);
    // The text token is ` text\n`.
    this.textStart = this.tokStart + 1;
    this.textEnd = this.i - 1;
    switch (t) {
      case Tok.Type: {
        const w = this.s.slice(this.textStart, this.textEnd);
        const mt = OM_TYPES.get(w);
        if (mt === undefined) this.fail(`invalid metric type ${goQuote(w)}`, this.textStart);
        this.mtype = mt;
        return Entry.Type;
      }
      case Tok.Help:
        if (!this.validUtf8(this.textStart, this.textEnd)) {
          this.fail(
            `help text ${this.quoteFrom(this.textStart, this.textEnd)} is not a valid utf8 string`,
            this.textStart,
          );
        }
        return Entry.Help;
      default: {
        this.#unitStart = this.textStart;
        this.#unitEnd = this.textEnd;
        const unit = this.s.slice(this.textStart, this.textEnd);
        const m = this.s.slice(a, b);
        if (
          unit.length > 0 &&
          !(m.endsWith(unit) && m.length >= unit.length + 1 && m[m.length - unit.length - 1] === '_')
        ) {
          this.fail(`unit ${goQuote(unit)} not a suffix of metric ${goQuote(m)}`, this.textStart);
        }
        return Entry.Unit;
      }
    }
  }

  override unit(): string {
    return this.s.slice(this.#unitStart, this.#unitEnd);
  }

  /** The contents of `{…}` (Prometheus parseLVals); for exemplars no metric name is allowed. */
  #labelSet(o: number[], isExemplar: boolean): void {
    let t = this.#lex();
    for (;;) {
      if (t === Tok.BraceClose) return;
      if (t !== Tok.LName && t !== Tok.QString) this.parseError('expected label name', t);
      let a = this.tokStart;
      let b = this.i;
      const curT = t;
      t = this.#lex();
      if (t === Tok.Comma || t === Tok.BraceClose) {
        if (isExemplar || curT !== Tok.QString) this.parseError('expected equal', t);
        if (o[0] !== -1) this.fail(`metric name already set while parsing: ${this.quoteFrom(this.start, this.i)}`, a);
        o[0] = a + 1;
        o[1] = b - 1;
        if (t === Tok.BraceClose) return;
        t = this.#lex();
        continue;
      }
      if (curT === Tok.QString) {
        a++;
        b--;
      }
      o.push(a, b);
      if (t !== Tok.Equal) this.parseError('expected equal', t);
      const t2 = this.#lex();
      if (t2 !== Tok.LValue) this.parseError('expected label value', t2);
      if (!this.validUtf8(this.tokStart, this.i)) {
        this.fail(`invalid UTF-8 label value: ${this.quoteFrom(this.tokStart, this.i)}`, this.tokStart);
      }
      o.push(this.tokStart + 1, this.i - 1);
      t = this.#lex();
      if (t === Tok.Comma) t = this.#lex();
      else if (t !== Tok.BraceClose) this.parseError('expected comma or brace close', t);
    }
  }

  /** Value, optional timestamp and optional exemplar (Prometheus parseSeriesEndOfLine). */
  #endOfLine(t: Tok): void {
    if (this.offsets[0] === -1)
      this.fail(`metric name not set while parsing: ${this.quoteFrom(this.start, this.i)}`, this.start);
    this.val = this.#floatValue(t, 'metric');
    this.hasTs = false;
    const t2 = this.#lex();
    switch (t2) {
      case Tok.EOF:
        this.fail('data does not end with # EOF', this.tokStart);
        break;
      case Tok.Linebreak:
        break;
      case Tok.Comment:
        this.#exemplar();
        break;
      case Tok.Timestamp: {
        this.hasTs = true;
        this.ts = this.#timestamp('invalid timestamp');
        const t3 = this.#lex();
        if (t3 === Tok.Comment) this.#exemplar();
        else if (t3 !== Tok.Linebreak) this.parseError('expected next entry after timestamp', t3);
        break;
      }
      default:
        this.parseError('expected timestamp or new record', t2);
    }
  }

  /** ` # {labels} value [timestamp]` after a sample (Prometheus parseComment). */
  #exemplar(): void {
    this.#labelSet(this.#eOffsets, true);
    this.#eVal = this.#floatValue(this.#lex(), 'exemplar labels');
    this.#hasExemplar = true;
    this.#eHasTs = false;
    const t = this.#lex();
    switch (t) {
      case Tok.EOF:
        this.fail('data does not end with # EOF', this.tokStart);
        break;
      case Tok.Linebreak:
        break;
      case Tok.Timestamp: {
        this.#eHasTs = true;
        this.#eTs = this.#timestamp('invalid exemplar timestamp');
        const t2 = this.#lex();
        if (t2 !== Tok.Linebreak) this.parseError('expected next entry after exemplar timestamp', t2);
        break;
      }
      default:
        this.parseError('expected timestamp or comment', t);
    }
  }

  #floatValue(t: Tok, after: string): number {
    if (t !== Tok.Value) this.parseError(`expected value after ${after}`, t);
    return this.parseValue(this.tokStart + 1, this.i);
  }

  /** A timestamp token in seconds as ms, truncated toward zero as Go's int64(ts*1000). */
  #timestamp(invalid: string): number {
    const a = this.tokStart + 1;
    const v = parseGoFloat(this.s, a, this.i);
    if (lastFloatStatus() !== 0) this.parseValue(a, this.i); // Throws Prometheus's message.
    if (!Number.isFinite(v)) this.fail(`${invalid} ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`, a);
    return Math.trunc(v * 1000) || 0;
  }

  override exemplar(): Exemplar | undefined {
    if (!this.#hasExemplar || this.#exemplarReturned) return undefined;
    this.#exemplarReturned = true;
    const o = this.#eOffsets;
    const b = this.builder;
    b.reset();
    for (let k = 0; k < o.length; k += 4) {
      b.add(unescapeLabelValue(this.s.slice(o[k]!, o[k + 1]!)), unescapeLabelValue(this.s.slice(o[k + 2]!, o[k + 3]!)));
    }
    return { labels: b.labels(), value: this.#eVal, ts: this.#eHasTs ? this.#eTs : 0, hasTs: this.#eHasTs };
  }

  #isCreatedSeries(): boolean {
    return typeRequiresCT(this.mtype) && this.#nameEndsWithCreated();
  }

  #nameEndsWithCreated(): boolean {
    const o = this.offsets;
    return o[1]! - o[0]! >= 8 && this.s.startsWith('_created', o[1]! - 8);
  }

  /** The current series' labels without `le` and `quantile`, as a key (Prometheus seriesHash). */
  #ctKeyOf(): string {
    const s = this.s;
    const o = this.offsets;
    let key = '';
    for (let k = 2; k < o.length; k += 4) {
      const name = s.slice(o[k]!, o[k + 1]!);
      if (name === BucketLabel || name === QuantileLabel) continue;
      key += `${name}\xff${s.slice(o[k + 2]!, o[k + 3]!)}\xff`;
    }
    return key;
  }

  protected override textChanged(): void {
    this.#peek = undefined;
    this.#ctFrom = -1;
    this.#ctEnd = -1;
  }

  override createdTimestamp(): number | undefined {
    if (!typeRequiresCT(this.mtype)) return undefined;
    const key = this.#ctKeyOf();
    if (this.start < this.#ctFrom || this.start >= this.#ctEnd) this.#lookAhead();
    return this.#ctKey === key ? this.#ctValue : undefined;
  }

  /** Finds the next `_created` series of the family after the current line. */
  #lookAhead(): void {
    // The family may go on in pieces not decoded yet: the look-ahead reads the rest of the body.
    this.loadRest();
    this.#ctFrom = this.start;
    this.#ctKey = undefined;
    let peek = this.#peek;
    if (peek === undefined) {
      peek = new OpenMetricsParser(this.s);
      this.#peek = peek;
    }
    peek.#reset(this.i, this.mtype);
    for (;;) {
      let e: Entry;
      try {
        e = peek.#next();
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        // The body is malformed further on: next() will report it; no created timestamp here.
        this.#ctEnd = peek.start;
        return;
      }
      if (e !== Entry.Series) {
        this.#ctEnd = peek.start; // Another family (or the end): no `_created` line for us.
        return;
      }
      if (!peek.#nameEndsWithCreated()) continue;
      this.#ctEnd = peek.start;
      this.#ctKey = peek.#ctKeyOf();
      // OpenMetrics timestamps are seconds; Go truncates int64(v * 1000).
      this.#ctValue = Math.trunc(peek.val * 1000) || 0;
      return;
    }
  }

  #reset(i: number, mtype: MetricType): void {
    this.i = i;
    this.#state = S.Init;
    this.mtype = mtype;
  }

  /** One token of openmetricslex.l; sets `tokStart` and advances `i` past it. */
  #lex(): Tok {
    const s = this.s;
    const len = this.len;
    let i = this.i;
    this.tokStart = i;
    if (i >= len) return Tok.EOF;
    let c = s.charCodeAt(i);
    switch (this.#state) {
      case S.Init:
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
        if (c === C.hash && s.charCodeAt(i + 1) === C.space) return this.#commentKeyword(i + 2);
        if (c === 0) return Tok.EOF;
        return Tok.Invalid;
      case S.Labels:
      case S.Exemplar:
        if (isLabelStart(c)) {
          do c = s.charCodeAt(++i);
          while (isLabelChar(c));
          this.i = i;
          return Tok.LName;
        }
        if (c === C.quote) return this.#quoted(Tok.QString, this.#state);
        if (c === C.rbrace) {
          this.i = i + 1;
          this.#state = this.#state === S.Labels ? S.Value : S.EValue;
          return Tok.BraceClose;
        }
        if (c === C.equal) {
          this.i = i + 1;
          this.#state = this.#state === S.Labels ? S.LValue : S.EValue;
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
      case S.EValue:
        if (c === C.quote) return this.#quoted(Tok.LValue, S.Exemplar);
        return this.#spaceWord(Tok.Value, S.ETimestamp);
      case S.Value:
        if (c === C.lbrace) {
          this.i = i + 1;
          this.#state = S.Labels;
          return Tok.BraceOpen;
        }
        return this.#spaceWord(Tok.Value, S.Timestamp);
      case S.Timestamp:
      case S.ETimestamp:
        if (c === C.nl) {
          this.i = i + 1;
          this.#state = S.Init;
          return Tok.Linebreak;
        }
        if (this.#state === S.Timestamp && c === C.space && s.startsWith('# {', i + 1)) {
          this.i = i + 4;
          this.#state = S.Exemplar;
          return Tok.Comment;
        }
        return this.#spaceWord(Tok.Timestamp, this.#state);
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
      case S.Meta2: {
        // {S}{C}*\n
        if (c !== C.space) return Tok.Invalid;
        const e = s.indexOf('\n', i);
        if (e < 0) return Tok.Invalid;
        this.i = e + 1;
        this.#state = S.Init;
        return Tok.Text;
      }
      default:
        return Tok.Invalid;
    }
  }

  /** `{S}[^ \n]+` */
  #spaceWord(t: Tok, next: S): Tok {
    const s = this.s;
    let i = this.i;
    if (s.charCodeAt(i) !== C.space) return Tok.Invalid;
    i++;
    let c = s.charCodeAt(i);
    const from = i;
    while (i < this.len && c !== C.space && c !== C.nl) c = s.charCodeAt(++i);
    if (i === from) return Tok.Invalid;
    this.i = i;
    this.#state = next;
    return t;
  }

  /** After `# `: HELP, TYPE or UNIT and a space, or `EOF` and an optional newline. */
  #commentKeyword(i: number): Tok {
    const s = this.s;
    const kw = s.slice(i, i + 4);
    const t = kw === 'HELP' ? Tok.Help : kw === 'TYPE' ? Tok.Type : kw === 'UNIT' ? Tok.Unit : Tok.Invalid;
    if (t !== Tok.Invalid && s.charCodeAt(i + 4) === C.space) {
      this.i = i + 5;
      this.#state = S.Meta1;
      return t;
    }
    if (s.startsWith('EOF', i)) {
      this.i = s.charCodeAt(i + 3) === C.nl ? i + 4 : i + 3;
      return Tok.EOFWord;
    }
    this.tokStart = i;
    return Tok.Invalid;
  }

  #quoted(t: Tok, next: S): Tok {
    const e = this.scanQuoted(false);
    if (e < 0) return Tok.Invalid;
    this.i = e;
    this.#state = next;
    return t;
  }
}
