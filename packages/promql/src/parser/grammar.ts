// Prometheus: promql/parser/generated_parser.y and lex.go, rewritten as a PEG for ohm-js.
import * as ohm from 'ohm-js';

/** Keywords, matched case-insensitively by the `ci_<word>` rules. */
const KEYWORDS = [
  'anchored',
  'and',
  'atan2',
  'avg',
  'bool',
  'bottomk',
  'by',
  'count',
  'count_values',
  'end',
  'fill',
  'fill_left',
  'fill_right',
  'group',
  'group_left',
  'group_right',
  'ignoring',
  'inf',
  'limit_ratio',
  'limitk',
  'max',
  'max_of',
  'min',
  'min_of',
  'nan',
  'offset',
  'on',
  'or',
  'quantile',
  'range',
  'smoothed',
  'start',
  'stddev',
  'stdvar',
  'step',
  'sum',
  'topk',
  'unless',
  'without',
];

/**
 * Rules `ci_<word>` matching each keyword case-insensitively with plain terminals
 * (`ci_sum = ("s" | "S") ("u" | "U") ("m" | "M")`): ohm's parameterized `caseInsensitive<…>`
 * builds a memo key string on every application, which made it the parser's hot spot.
 */
function keywordRules(): string {
  return KEYWORDS.map(
    (w) =>
      `  ci_${w} = ${[...w].map((c) => (c.toLowerCase() === c.toUpperCase() ? `"${c}"` : `("${c}" | "${c.toUpperCase()}")`)).join(' ')}`,
  ).join('\n');
}

/**
 * The PromQL grammar. Precedence, lowest first: `or`; `and` `unless`; comparisons; `+ -`;
 * `* / % atan2 </ >/`; unary `+ -`; `^` (right-associative); postfix modifiers (`[range]`,
 * `[range:step]`, `offset`, `@`, `anchored`, `smoothed`). Keywords are case-insensitive,
 * function names are not, as in Prometheus.
 */
export const promqlGrammarSource = String.raw`
PromQL {
  Query = Expr end
  SeriesSelector = VectorSelector end

  Expr = OrExpr

  OrExpr = AndExpr (orKw BinMods AndExpr)*
  AndExpr = CmpExpr (andOp BinMods CmpExpr)*
  CmpExpr = AddExpr (cmpOp BinMods AddExpr)*
  AddExpr = MulExpr (addOp BinMods MulExpr)*
  MulExpr = UnaryExpr (mulOp BinMods UnaryExpr)*
  UnaryExpr = addOp UnaryExpr  -- unary
            | PowExpr
  PowExpr = PostfixExpr powOp BinMods PowRhs  -- bin
          | PostfixExpr
  PowRhs = addOp PowRhs  -- unary
         | PowExpr

  BinMods = boolKw? OnIgnoring? FillMods?
  OnIgnoring = (onKw | ignoringKw) GroupingLabels GroupSide?
  GroupSide = (groupLeftKw | groupRightKw) GroupingLabels?
  FillMods = FillMod FillMod?
  FillMod = (fillLeftKw | fillRightKw | fillKw) "(" addOp? numLit ")"

  GroupingLabels = "(" ")"  -- empty
                 | "(" NonemptyListOf<GroupLabel, ","> ","? ")"  -- list
  GroupLabel = labelName  -- ident
             | stringLit  -- str

  PostfixExpr = Primary PostfixOp*
  PostfixOp = "[" DurExpr ":" DurExpr? "]"  -- subquery
            | "[" DurExpr "]"  -- range
            | offsetKw OffsetVal  -- offset
            | "@" AtVal  -- at
            | anchoredKw  -- anchored
            | smoothedKw  -- smoothed

  OffsetVal = addOp? OffsetAtom
  OffsetAtom = "(" DurExpr ")"  -- paren
             | DurCall
             | numLit  -- lit
  AtVal = (startKw | endKw) "(" ")"  -- preproc
        | addOp? numLit  -- num

  DurExpr = DurAdd
  DurAdd = DurMul (addOp DurMul)*
  DurMul = DurUnary (durMulOp DurUnary)*
  DurUnary = addOp DurUnary  -- unary
           | DurPow
  DurPow = DurPrim "^" DurPowRhs  -- bin
         | DurPrim
  DurPowRhs = addOp DurPowRhs  -- unary
            | DurPow
  DurPrim = "(" DurExpr ")"  -- paren
          | DurCall
          | numLit  -- lit
  DurCall = stepKw "(" ")"  -- step
          | rangeKw "(" ")"  -- range
          | (minOfKw | maxOfKw) "(" DurExpr "," DurExpr ")"  -- minmax

  Primary = "(" Expr ")"  -- paren
          | AggregateExpr
          | FunctionCall
          | numLit  -- num
          | stringLit  -- str
          | VectorSelector

  AggregateExpr = aggrOp AggrMod FuncArgs  -- pre
                | aggrOp FuncArgs AggrMod  -- post
                | aggrOp FuncArgs  -- plain
  AggrMod = (byKw | withoutKw) GroupingLabels

  FunctionCall = ~reservedWord ~andOp ~orKw funcName FuncArgs
  FuncArgs = "(" ")"  -- empty
           | "(" NonemptyListOf<Expr, ","> ","? ")"  -- list

  VectorSelector = metricIdent LabelMatchers  -- full
                 | metricIdent  -- name
                 | LabelMatchers  -- bare
  LabelMatchers = "{" "}"  -- empty
                | "{" NonemptyListOf<LabelMatcher, ","> ","? "}"  -- list
  LabelMatcher = MatcherName matchOp stringLit  -- full
               | stringLit  -- name
  MatcherName = labelName  -- ident
              | stringLit  -- str

  matchOp = "=~" | "!~" | "!=" | "="
  orKw = ci_or ~identPart
  andOp = (ci_and | ci_unless) ~identPart
  cmpOp = "==" | "!=" | ">=" | "<=" | ">" ~"/" | "<" ~"/"
  addOp = "+" | "-"
  mulOp = "*" | "/" | "%" | "</" | ">/" | atan2Kw
  powOp = "^"
  durMulOp = "*" | "/" | "%"

  aggrOp = (ci_count_values | ci_count | ci_sum
         | ci_avg | ci_min | ci_max
         | ci_group | ci_stddev | ci_stdvar
         | ci_topk | ci_bottomk | ci_quantile
         | ci_limitk | ci_limit_ratio) ~identPart

  boolKw = ci_bool ~identPart
  onKw = ci_on ~identPart
  ignoringKw = ci_ignoring ~identPart
  groupLeftKw = ci_group_left ~identPart
  groupRightKw = ci_group_right ~identPart
  fillKw = ci_fill ~identPart
  fillLeftKw = ci_fill_left ~identPart
  fillRightKw = ci_fill_right ~identPart
  atan2Kw = ci_atan2 ~identPart
  byKw = ci_by ~identPart
  withoutKw = ci_without ~identPart
  offsetKw = ci_offset ~identPart
  anchoredKw = ci_anchored ~identPart
  smoothedKw = ci_smoothed ~identPart
  startKw = ci_start ~identPart
  endKw = ci_end ~identPart
  stepKw = ci_step ~identPart
  rangeKw = ci_range ~identPart
  minOfKw = ci_min_of ~identPart
  maxOfKw = ci_max_of ~identPart

  reservedWord = boolKw | onKw | ignoringKw | groupLeftKw | groupRightKw | atan2Kw

  identStart = "a".."z" | "A".."Z" | "_"
  identPart = identStart | "0".."9" | ":"
  wordPart = identStart | "0".."9"
  labelName = identStart (identStart | "0".."9")* ~":"
  funcName = identStart (identStart | "0".."9")*
  metricIdent = ~reservedWord ~numLit (identStart | ":") identPart*

  numLit = (durationLit | hexLit | floatLit | infNan) ~wordPart
  durationLit = (digit+ durUnit)+
  durUnit = "ms" | "s" | "m" | "h" | "d" | "w" | "y"
  hexLit = "0" ("x" | "X") ("_" | hexDigit)+
  floatLit = decDigits ("." decDigits?)? expPart?  -- int
           | "." decDigits expPart?  -- frac
  decDigits = digit ("_"? digit)*
  expPart = ("e" | "E") ("+" | "-")? decDigits
  infNan = ci_inf | ci_nan

  stringLit = "\"" dqChar* "\""  -- dq
            | "'" sqChar* "'"  -- sq
            | "\x60" (~"\x60" any)* "\x60"  -- raw
  dqChar = "\\" any  -- esc
         | ~("\"" | "\\" | "\n") any  -- plain
  sqChar = "\\" any  -- esc
         | ~("'" | "\\" | "\n") any  -- plain

${keywordRules()}

  space += comment
  comment = "#" (~"\n" any)*
}
`;

/** The compiled ohm grammar (compiled once, at module load). */
export const promqlGrammar: ohm.Grammar = ohm.grammar(promqlGrammarSource);
