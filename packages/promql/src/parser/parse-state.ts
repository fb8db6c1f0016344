// The state of one parse: the scanner, the parser options, and the first semantic error found.
import type { NumberLiteral } from './ast.js';
import { DurationParseError, parseDuration } from './duration.js';
import { ParseError } from './errors.js';
import { parseNumber, StringLiteralError, unquoteString } from './literals.js';
import { Scanner } from './scanner.js';

/**
 * Parser feature switches. Names and defaults follow Prometheus (`parser.EnableExperimentalFunctions`,
 * `ExperimentalDurationExpr`, `EnableExtendedRangeSelectors`, `EnableBinopFillModifiers`): all off.
 */
export interface ParserOptions {
  /** Allow experimental functions and the `limitk`/`limit_ratio` aggregations. */
  enableExperimentalFunctions?: boolean;
  /** Allow duration expressions (`x[5m+step()]`, `offset (1h/2)`). */
  experimentalDurationExpr?: boolean;
  /** Allow the `anchored` and `smoothed` selector modifiers. */
  enableExtendedRangeSelectors?: boolean;
  /** Allow the `fill()`, `fill_left()`, `fill_right()` binary operator modifiers. */
  enableBinopFillModifiers?: boolean;
}

/** Thrown inside the parser to unwind on a syntax error; parseExpr reports it at `far`. */
export class SyntaxFailure extends Error {
  override readonly name = 'SyntaxFailure';
}

/**
 * One parse in progress. Syntax errors throw {@link SyntaxFailure}. Semantic errors (an unknown
 * function, a bad escape, a range on a non-selector…) are recorded and parsing goes on, because a
 * syntax error anywhere in the query is reported first. When several semantic errors are found, the
 * one reported is the first in evaluation order: children before the checks of their parent, except
 * where a check reserves its place earlier with {@link reserve} (an aggregation's `limitk` check
 * comes before errors in its arguments, for instance).
 */
export class ParseState extends Scanner {
  readonly opts: Required<ParserOptions>;
  #seq = 0;
  #errSlot = Number.POSITIVE_INFINITY;
  #err: ParseError | null = null;

  constructor(input: string, opts: ParserOptions) {
    super(input);
    this.opts = {
      enableExperimentalFunctions: opts.enableExperimentalFunctions ?? false,
      experimentalDurationExpr: opts.experimentalDurationExpr ?? false,
      enableExtendedRangeSelectors: opts.enableExtendedRangeSelectors ?? false,
      enableBinopFillModifiers: opts.enableBinopFillModifiers ?? false,
    };
  }

  /** The first semantic error found, if any. */
  get semanticError(): ParseError | null {
    return this.#err;
  }

  /** Reserves the next place in the reporting order, for a check that can only be made later. */
  reserve(): number {
    return this.#seq++;
  }

  /** Records a semantic error at [start, end), in the place `slot` of the reporting order. */
  semFail(start: number, end: number, msg: string, slot?: number): void {
    const at = slot ?? this.#seq++;
    if (at < this.#errSlot) {
      this.#errSlot = at;
      this.#err = new ParseError({ start, end }, msg, this.input);
    }
  }

  /** Unwinds the parse: a syntax error at the rightmost failure recorded. */
  syntax(): never {
    throw new SyntaxFailure('syntax error');
  }

  /** Consumes `c` at `pos` (after spaces) or fails the parse. */
  expect(c: number): void {
    this.skip();
    if (!this.eat(c)) this.syntax();
  }

  /** A NumberLiteral of the number token [start, end); `isDuration` when written as a duration. */
  numberLiteral(start: number, end: number, isDuration: boolean): NumberLiteral {
    const text = this.input.slice(start, end);
    const posRange = { start, end };
    if (isDuration) {
      let ms = 0;
      try {
        ms = parseDuration(text);
      } catch (err) {
        if (!(err instanceof DurationParseError)) throw err;
        this.semFail(start, end, err.message);
      }
      return { type: 'NumberLiteral', val: ms / 1000, duration: true, posRange };
    }
    return { type: 'NumberLiteral', val: parseNumber(text), duration: false, posRange };
  }

  /** The value of the string literal token [start, end); an error takes place `slot` if given. */
  str(start: number, end: number, slot?: number): string {
    try {
      return unquoteString(this.input.slice(start, end));
    } catch (err) {
      if (!(err instanceof StringLiteralError)) throw err;
      // Prometheus reports string errors at the start of the literal.
      this.semFail(start, end, err.message, slot);
      return '';
    }
  }
}
