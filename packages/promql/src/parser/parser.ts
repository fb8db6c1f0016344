// Prometheus: promql/parser/parse.go ParseExpr
import type { Expr } from './ast.js';
import { checkAST } from './check.js';
import { ParseError, ParseErrors } from './errors.js';
import { parseExpression } from './expr-parser.js';
import { lexCheck, skipSpace } from './lexer.js';
import { type ParserOptions, ParseState, SyntaxFailure } from './parse-state.js';
import { Ch, isIdentStart } from './scanner.js';
import { bareSelector, isReservedWord, namedSelector } from './selector-parser.js';
import { syntaxError } from './syntax-error.js';

export type { ParserOptions } from './parse-state.js';

/**
 * Parses a PromQL expression into its AST and type-checks it as Prometheus's `parser.ParseExpr`
 * does. Throws {@link ParseErrors} (message like `1:5: parse error: unexpected end of input`).
 * Any nesting depth parses: the parser keeps open parentheses and pending operators on an array,
 * not on the call stack. Parsing costs time linear in the length of the query.
 */
export function parseExpr(input: string, opts: ParserOptions = {}): Expr {
  return parseFrom(input, opts, 'Query');
}

/** Parses `input` as a query (`Query`) or a series selector (`SeriesSelector`), then checks a query's AST. */
export function parseFrom(input: string, opts: ParserOptions, startRule: 'Query' | 'SeriesSelector'): Expr {
  if (skipSpace(input, 0) >= input.length) throw errorAt(input, 0, input.length, 'no expression found in input');
  const lexProblem = lexCheck(input);
  if (lexProblem !== undefined) throw errorAt(input, lexProblem.pos, lexProblem.end, lexProblem.message);
  const s = new ParseState(input, opts);
  let expr: Expr;
  try {
    expr = startRule === 'Query' ? parseExpression(s) : seriesSelector(s);
    const p = s.skip();
    if (p < input.length) {
      s.fail(p);
      s.syntax();
    }
  } catch (err) {
    if (!(err instanceof SyntaxFailure)) throw err;
    // Reported where the parse got furthest, as Prometheus's parser stops at the first token it
    // cannot shift.
    const se = syntaxError(input, skipSpace(input, s.far));
    throw errorAt(input, se.pos, se.end, se.message);
  }
  const semantic = s.semanticError;
  if (semantic !== null) throw new ParseErrors([semantic]);
  // Prometheus's ParseMetricSelector stops after the grammar: no checkAST, so `{}` and promtool's
  // default `{__name__=~'(?s:.*)'}` are valid selectors there (the HTTP API checks match[] itself).
  if (startRule === 'SeriesSelector') return expr;
  const errors = checkAST(expr, input);
  if (errors.length > 0) throw new ParseErrors(errors);
  return expr;
}

function errorAt(input: string, start: number, end: number, msg: string): ParseErrors {
  return new ParseErrors([new ParseError({ start, end }, msg, input)]);
}

// A vector selector alone (`foo{a="b"}`, `{a="b"}`): what `match[]` takes.
function seriesSelector(s: ParseState): Expr {
  const p = s.skip();
  const c = s.code(p);
  if (c === Ch.lbrace) return bareSelector(s);
  if (isIdentStart(c) || c === Ch.colon) {
    // A metric name is no reserved word and no number (`Inf`, `NaN`).
    if (isReservedWord(s, p) || isNumberAt(s, p)) {
      s.fail(p);
      s.syntax();
    }
    return namedSelector(s, p);
  }
  s.fail(p);
  s.syntax();
}

function isNumberAt(s: ParseState, p: number): boolean {
  const far = s.far;
  const isNumber = s.number() >= 0;
  s.far = far;
  s.pos = p;
  return isNumber;
}
