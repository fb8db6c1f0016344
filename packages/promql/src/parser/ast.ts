// Prometheus: promql/parser/ast.go
import type { Matcher } from '@tsprom/labels';
import type { PositionRange } from '@tsprom/storage-interfaces';

/**
 * The type a PromQL expression evaluates to (Prometheus `parser.ValueType`).
 * `'matrix'` is a range vector, `'vector'` an instant vector.
 */
export type ValueTypeName = 'none' | 'vector' | 'scalar' | 'matrix' | 'string';

/** Any PromQL expression node. Discriminate on `type`. */
export type Expr =
  | AggregateExpr
  | BinaryExpr
  | Call
  | MatrixSelector
  | SubqueryExpr
  | NumberLiteral
  | ParenExpr
  | StringLiteral
  | UnaryExpr
  | VectorSelector
  | StepInvariantExpr
  | DurationExpr;

/** Fields shared by every node. */
export interface Node {
  /** UTF-16 code unit offsets into the query string: `start` inclusive, `end` exclusive. */
  posRange: PositionRange;
}

/** Aggregation operators. */
export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

/** Binary operators; `atan2` is the only keyword-like arithmetic one; `</` and `>/` trim native histograms. */
export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless'
  | 'atan2'
  /** Histogram trim upper (`</`): same precedence as `*`. */
  | '</'
  /** Histogram trim lower (`>/`): same precedence as `*`. */
  | '>/';

/** An aggregation such as `sum by (job) (x)` or `topk(3, x)`. */
// Prometheus: promql/parser/ast.go AggregateExpr
export interface AggregateExpr extends Node {
  type: 'AggregateExpr';
  op: AggregateOp;
  /** The vector being aggregated. */
  expr: Expr;
  /** The parameter of topk, bottomk, quantile, count_values, limitk, limit_ratio; null otherwise. */
  param: Expr | null;
  /** Label names of `by (...)` / `without (...)`, in the order written. */
  grouping: string[];
  /** True for `without`, false for `by` (or no grouping clause). */
  without: boolean;
}

/**
 * A binary operation. `vectorMatching` is set (non-null) whenever both sides are instant vectors,
 * even with no `on`/`ignoring` written (Prometheus does the same; card is one-to-one, or
 * many-to-many for set operators).
 */
// Prometheus: promql/parser/ast.go BinaryExpr
export interface BinaryExpr extends Node {
  type: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  vectorMatching: VectorMatching | null;
  /** The `bool` modifier on a comparison. */
  returnBool: boolean;
}

/** Cardinality of a vector match. */
export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/**
 * Fill values of the binop fill modifiers (`fill(v)`, `fill_left(v)`, `fill_right(v)`; option
 * `enableBinopFillModifiers`). `lhs` fills a missing left-hand sample, `rhs` a missing right-hand
 * one; `fill(v)` sets both. null = no fill on that side.
 */
// Prometheus: promql/parser/ast.go VectorMatchFillValues
export interface VectorMatchFillValues {
  lhs: number | null;
  rhs: number | null;
}

/** How the series of the two sides of a binary operation are matched. */
// Prometheus: promql/parser/ast.go VectorMatching
export interface VectorMatching {
  card: VectorMatchCardinality;
  /** Labels of `on(...)` (if `on`) or `ignoring(...)` (if not). */
  matchingLabels: string[];
  /** True for `on`, false for `ignoring` or nothing written. */
  on: boolean;
  /** Extra labels of `group_left(...)`/`group_right(...)` copied from the "one" side. */
  include: string[];
  fillValues: VectorMatchFillValues;
}

/** A function call such as `rate(x[5m])`. */
// Prometheus: promql/parser/ast.go Call
export interface Call extends Node {
  type: 'Call';
  func: FunctionDef;
  args: Expr[];
}

/** Signature of a PromQL function (see `functions.ts`). */
// Prometheus: promql/parser/functions.go Function
export interface FunctionDef {
  name: string;
  /** Types of the arguments. When `variadic` != 0, the last entry may repeat / be omitted. */
  argTypes: ValueTypeName[];
  /**
   * 0: exactly `argTypes.length` args. > 0: up to `variadic` extra optional args of the last type
   * (minimum `argTypes.length - 1`). -1: unlimited repetitions of the last type.
   */
  variadic: number;
  returnType: ValueTypeName;
  /** Needs `enableExperimentalFunctions`. */
  experimental: boolean;
}

/**
 * An instant vector selector `name{matchers} offset d @ t`.
 *
 * Time fields are milliseconds. `originalOffset` is the offset as written (negative for
 * `offset -5m`); `offset` is what the engine uses: `preprocessExpr` / the engine may rewrite it.
 * When the offset is a duration expression (`offset (1m+step())`), `offsetExpr` holds it; the
 * parser fills `originalOffset`/`offset` when it is constant, `preprocessExpr` otherwise.
 * `timestamp` is the `@` time in ms (null if none); `startOrEnd` records `@ start()`/`@ end()`
 * until `preprocessExpr` resolves it into `timestamp`.
 * `anchored`/`smoothed` are the extended range selector modifiers (option
 * `enableExtendedRangeSelectors`): on a range they are written after the `[range]`
 * (`x[1m] anchored`), and stored here on the inner vector selector as Prometheus does.
 */
// Prometheus: promql/parser/ast.go VectorSelector
export interface VectorSelector extends Node {
  type: 'VectorSelector';
  /** Metric name, '' if the selector has none (e.g. `{job="a"}`). */
  name: string;
  /** All matchers, including the `__name__` equality matcher derived from `name`. */
  labelMatchers: Matcher[];
  originalOffset: number;
  offset: number;
  offsetExpr: DurationExpr | null;
  timestamp: number | null;
  startOrEnd: 'start' | 'end' | null;
  anchored: boolean;
  smoothed: boolean;
  /**
   * Prometheus: SkipHistogramBuckets. Set by preprocessing where only the count and sum of its
   * histograms are used (under histogram_count, histogram_sum or histogram_avg): they are read
   * without buckets, and their counter-reset hints detected as they are read.
   */
  skipHistogramBuckets?: boolean;
}

/**
 * A range vector selector `vs[range]`. `range` in ms. When the range is a duration expression,
 * `rangeExpr` holds it; `range` is then its value if the parser could compute it (no `step()` or
 * `range()` inside), else 0 until `preprocessExpr` evaluates it for the query.
 */
// Prometheus: promql/parser/ast.go MatrixSelector
export interface MatrixSelector extends Node {
  type: 'MatrixSelector';
  vectorSelector: VectorSelector;
  range: number;
  rangeExpr: DurationExpr | null;
}

/**
 * A subquery `expr[range:step] offset d @ t`. Times in ms; `step` 0 = the engine's default
 * evaluation interval. The `*Expr` fields hold duration expressions when written as such; their
 * numeric twins are filled by the parser when constant and by `preprocessExpr` otherwise.
 */
// Prometheus: promql/parser/ast.go SubqueryExpr
export interface SubqueryExpr extends Node {
  type: 'SubqueryExpr';
  expr: Expr;
  range: number;
  rangeExpr: DurationExpr | null;
  originalOffset: number;
  offset: number;
  offsetExpr: DurationExpr | null;
  timestamp: number | null;
  startOrEnd: 'start' | 'end' | null;
  step: number;
  stepExpr: DurationExpr | null;
}

/**
 * A number. `duration` is true when written as a duration (`5m` is 300 as a number); the
 * printer then prints it back as a duration.
 */
// Prometheus: promql/parser/ast.go NumberLiteral
export interface NumberLiteral extends Node {
  type: 'NumberLiteral';
  val: number;
  duration: boolean;
}

/** A string literal; `val` is the unescaped value. */
// Prometheus: promql/parser/ast.go StringLiteral
export interface StringLiteral extends Node {
  type: 'StringLiteral';
  val: string;
}

/** `( expr )`. */
// Prometheus: promql/parser/ast.go ParenExpr
export interface ParenExpr extends Node {
  type: 'ParenExpr';
  expr: Expr;
}

/** Unary `-expr` or `+expr`. */
// Prometheus: promql/parser/ast.go UnaryExpr
export interface UnaryExpr extends Node {
  type: 'UnaryExpr';
  op: '-' | '+';
  expr: Expr;
}

/** Wraps a subtree whose value is the same at every step (inserted by `preprocessExpr`). */
// Prometheus: promql/parser/ast.go StepInvariantExpr
export interface StepInvariantExpr extends Node {
  type: 'StepInvariantExpr';
  expr: Expr;
}

/**
 * Operators of a duration expression: binary arithmetic, unary `-`/`+` (only `rhs` set), and the
 * calls `step()`, `range()` (no operands), `min_of(lhs, rhs)`, `max_of(lhs, rhs)`.
 */
export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^' | 'step' | 'range' | 'min_of' | 'max_of';

/**
 * A duration expression (option `experimentalDurationExpr`), used only in the range, subquery step
 * and offset positions: `x[5m+step()]`, `x offset (1h/2)`. Values are in seconds; the leaves are
 * NumberLiterals (durations such as `5m` are NumberLiterals with `duration: true`, val 300) or
 * nested DurationExprs. The engine evaluates it (seconds) per query, since `step()`/`range()`
 * depend on the query. A plain literal (`[5m]`, `offset 1m`) is never a DurationExpr.
 * `wrapped` records parentheses around it as written (`(1h/2)`), for printing.
 */
// Prometheus: promql/parser/ast.go DurationExpr
export interface DurationExpr extends Node {
  type: 'DurationExpr';
  op: DurationOp;
  /** Left operand of a binary op or the first arg of min_of/max_of; null for unary, step, range. */
  lhs: Expr | null;
  /** Right operand / operand of a unary op / second arg of min_of/max_of; null for step, range. */
  rhs: Expr | null;
  wrapped: boolean;
}

/** Prometheus `Expr.Type()`: the value type an expression evaluates to. Iterative: any depth is fine. */
export function exprType(e: Expr): ValueTypeName {
  let n = e;
  let wrappers = 0;
  let t: ValueTypeName | undefined;
  for (let inner = operandOf(n); inner !== null; inner = operandOf(n)) {
    t = wrapperTypes.get(n);
    if (t !== undefined) break;
    n = inner;
    wrappers++;
  }
  t ??= leafType(n);
  // A long chain of signs or parentheses remembers its type, so that asking again at each of
  // its levels (as the evaluator does) costs time linear in its length, not quadratic.
  if (wrappers >= longChain) {
    for (let w: Expr | null = e; w !== null && w !== n; w = operandOf(w)) wrapperTypes.set(w, t);
  }
  return t;
}

// The operand of a node whose type is its operand's (parenthesis, sign, StepInvariantExpr); null
// for any other node. Loops step through it rather than narrowing and reassigning a variable
// (`while (n.type === 'ParenExpr' || …) n = n.expr`), which sends biome's type inference (used by
// its noFloatingPromises rule) into a loop that never ends.
function operandOf(e: Expr): Expr | null {
  return e.type === 'ParenExpr' || e.type === 'UnaryExpr' || e.type === 'StepInvariantExpr' ? e.expr : null;
}

// The type of an expression that is not a parenthesis, sign or StepInvariantExpr.
function leafType(n: Expr): ValueTypeName {
  switch (n.type) {
    case 'AggregateExpr':
    case 'VectorSelector':
      return 'vector';
    case 'BinaryExpr':
      return binaryType(n);
    case 'Call':
      return n.func.returnType;
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'NumberLiteral':
    case 'DurationExpr':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    default:
      throw new Error(`exprType: unexpected ${n.type}`);
  }
}

// Wrapping nodes walked through before their type is remembered.
const longChain = 16;
// The types of the nodes of long wrapper chains (see exprType). Like binaryTypes, never stale.
const wrapperTypes = new WeakMap<Expr, ValueTypeName>();

// The type of each BinaryExpr, computed once: the engine asks for its operands' types, which for
// a chain `a + b + c + …` would otherwise cost time quadratic in its length. Operators and
// operands are never replaced by ones of another type, so a node's type never changes.
const binaryTypes = new WeakMap<BinaryExpr, 'scalar' | 'vector'>();

// Scalar when both operands are, looking through parentheses, signs and other binary operations.
function binaryType(root: BinaryExpr): 'scalar' | 'vector' {
  const known = binaryTypes.get(root);
  if (known !== undefined) return known;
  // Post-order over the binary operations under `root`, so that each one's type is stored.
  const stack: BinaryExpr[] = [root];
  const expanded: boolean[] = [false];
  while (stack.length > 0) {
    const b = stack[stack.length - 1] as BinaryExpr;
    if (!expanded[stack.length - 1]) {
      expanded[stack.length - 1] = true;
      for (const side of [b.rhs, b.lhs]) {
        const inner = unwrap(side);
        if (inner.type === 'BinaryExpr' && !binaryTypes.has(inner)) {
          stack.push(inner);
          expanded.push(false);
        }
      }
      continue;
    }
    stack.pop();
    expanded.pop();
    binaryTypes.set(b, operandType(b.lhs) === 'scalar' && operandType(b.rhs) === 'scalar' ? 'scalar' : 'vector');
  }
  return binaryTypes.get(root) as 'scalar' | 'vector';
}

function unwrap(e: Expr): Expr {
  let n = e;
  for (let inner = operandOf(n); inner !== null; inner = operandOf(n)) n = inner;
  return n;
}

// The type of an operand whose binary operations have their types stored.
function operandType(e: Expr): ValueTypeName {
  const n = unwrap(e);
  if (n.type === 'BinaryExpr') return binaryTypes.get(n) as 'scalar' | 'vector';
  return exprType(n);
}
