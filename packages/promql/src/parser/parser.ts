// Prometheus: promql/parser/parse.go ParseExpr
import type { Expr } from './ast.js';
import { checkAST } from './check.js';
import { ParseErrors } from './errors.js';
import { promqlGrammar } from './grammar.js';
import { lexCheck, skipSpace } from './lexer.js';
import { ctx, fail, type ParserOptions } from './parse-context.js';
import { semantics } from './semantics.js';
import { syntaxError } from './syntax-error.js';

export type { ParserOptions } from './parse-context.js';

/**
 * Parses a PromQL expression into its AST and type-checks it as Prometheus's `parser.ParseExpr`
 * does. Throws {@link ParseErrors} (message like `1:5: parse error: unexpected end of input`).
 * Reentrant but not concurrent-safe across async boundaries (it is synchronous).
 */
export function parseExpr(input: string, opts: ParserOptions = {}): Expr {
  return parseFrom(input, opts, 'Query');
}

/** Parses `input` from the grammar rule `startRule` (`Query`, or `SeriesSelector`), then checks a query's AST. */
export function parseFrom(input: string, opts: ParserOptions, startRule: 'Query' | 'SeriesSelector'): Expr {
  const saved = { input: ctx.input, opts: ctx.opts };
  ctx.input = input;
  ctx.opts = {
    enableExperimentalFunctions: opts.enableExperimentalFunctions ?? false,
    experimentalDurationExpr: opts.experimentalDurationExpr ?? false,
    enableExtendedRangeSelectors: opts.enableExtendedRangeSelectors ?? false,
    enableBinopFillModifiers: opts.enableBinopFillModifiers ?? false,
  };
  try {
    if (skipSpace(input, 0) >= input.length) fail(0, input.length, 'no expression found in input');
    const lexProblem = lexCheck(input);
    if (lexProblem !== undefined) fail(lexProblem.pos, lexProblem.end, lexProblem.message);
    const m = promqlGrammar.match(input, startRule);
    if (m.failed()) {
      const pos = skipSpace(input, m.getRightmostFailurePosition());
      const se = syntaxError(input, pos);
      fail(se.pos, se.end, se.message);
    }
    const expr = semantics(m).ast() as Expr;
    // Prometheus's ParseMetricSelector stops after the grammar: no checkAST, so `{}` and promtool's
    // default `{__name__=~'(?s:.*)'}` are valid selectors there (the HTTP API checks match[] itself).
    if (startRule === 'SeriesSelector') return expr;
    const errors = checkAST(expr, input);
    if (errors.length > 0) throw new ParseErrors(errors);
    return expr;
  } finally {
    ctx.input = saved.input;
    ctx.opts = saved.opts;
  }
}
