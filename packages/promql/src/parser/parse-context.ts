// Shared state of one parseExpr call, used by the ohm semantic actions.
import type { PositionRange } from '@tsprom/storage-interfaces';
import type * as ohm from 'ohm-js';
import type { NumberLiteral } from './ast.js';
import { DurationParseError, parseDuration } from './duration.js';
import { ParseError, ParseErrors } from './errors.js';
import { parseNumber, StringLiteralError, unquoteString } from './literals.js';

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

/** The query being parsed and its options; set by parseExpr for the duration of one parse. */
export interface ParseContext {
  input: string;
  opts: Required<ParserOptions>;
}

/** The current parse (parsing is synchronous, so one module-level context suffices). */
export const ctx: ParseContext = {
  input: '',
  opts: {
    enableExperimentalFunctions: false,
    experimentalDurationExpr: false,
    enableExtendedRangeSelectors: false,
    enableBinopFillModifiers: false,
  },
};

/** Throws a ParseErrors for [start, end) of the current query. */
export function fail(start: number, end: number, msg: string): never {
  throw new ParseErrors([new ParseError({ start, end }, msg, ctx.input)]);
}

/** The source range of a CST node. */
export function rangeOf(n: ohm.Node): PositionRange {
  return { start: n.source.startIdx, end: n.source.endIdx };
}

/** Throws a ParseErrors covering a CST node. */
export function failAt(n: ohm.Node, msg: string): never {
  return fail(n.source.startIdx, n.source.endIdx, msg);
}

/** Decodes a string literal node, turning literal errors into parse errors at the literal. */
export function str(n: ohm.Node): string {
  try {
    return unquoteString(n.sourceString);
  } catch (err) {
    if (!(err instanceof StringLiteralError)) throw err;
    // Prometheus reports string errors at the start of the literal.
    return fail(n.source.startIdx, n.source.endIdx, err.message);
  }
}

/** A NumberLiteral from a number or duration token node. */
export function numberLiteral(n: ohm.Node): NumberLiteral {
  const s = n.sourceString;
  const pr = rangeOf(n);
  if (/^(?:[0-9]+(?:ms|[smhdwy]))+$/.test(s)) {
    let ms: number;
    try {
      ms = parseDuration(s);
    } catch (err) {
      if (!(err instanceof DurationParseError)) throw err;
      return fail(pr.start, pr.end, err.message);
    }
    return { type: 'NumberLiteral', val: ms / 1000, duration: true, posRange: pr };
  }
  return { type: 'NumberLiteral', val: parseNumber(s), duration: false, posRange: pr };
}
