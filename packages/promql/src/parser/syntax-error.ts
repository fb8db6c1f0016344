// Prometheus: promql/parser/generated_parser.y error productions (`yylex.unexpected(context,
// expected)`), which name where a syntax error is and what was expected there.
import { AGGREGATORS, describeToken, isSpace, stringEnd } from './lexer.js';

interface Tok {
  kind: 'ident' | 'kw' | 'num' | 'str' | 'punct' | 'op';
  text: string;
}

const KW = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'start', 'end', 'bool']);
const GROUPING_KW = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** The tokens of `input` before `pos` (comments dropped). */
function tokensBefore(input: string, pos: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < pos) {
    const c = input[i] as string;
    if (isSpace(c)) {
      i++;
    } else if (c === '#') {
      while (i < pos && input[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const e = stringEnd(input, i);
      out.push({ kind: 'str', text: '' });
      i = e === -1 ? pos : e;
    } else if (/[a-zA-Z_]/.test(c)) {
      let e = i;
      while (/[a-zA-Z0-9_:]/.test(input[e] ?? '')) e++;
      const w = input.slice(i, e).toLowerCase();
      out.push({ kind: KW.has(w) || AGGREGATORS.has(w) ? 'kw' : 'ident', text: w });
      i = e;
    } else if (/[0-9.]/.test(c)) {
      let e = i;
      while (/[0-9a-zA-Z_.]/.test(input[e] ?? '')) e++;
      out.push({ kind: 'num', text: '' });
      i = e;
    } else if ('(){}[],'.includes(c)) {
      out.push({ kind: 'punct', text: c });
      i++;
    } else {
      out.push({ kind: 'op', text: c });
      i++;
    }
  }
  return out;
}

/** Prometheus's ` in <context>, expected <what>` suffix for a syntax error at `pos`, or ''. */
function context(input: string, pos: number): string {
  const toks = tokensBefore(input, pos);
  const last = toks[toks.length - 1];
  // Inside a label matcher list?
  let depth = 0;
  let braceAt = -1;
  for (let k = toks.length - 1; k >= 0; k--) {
    const t = toks[k] as Tok;
    if (t.kind !== 'punct') continue;
    if (t.text === '}') depth++;
    else if (t.text === '{') {
      if (depth === 0) {
        braceAt = k;
        break;
      }
      depth--;
    }
  }
  if (braceAt !== -1) {
    const inner = toks.slice(braceAt + 1);
    const l = inner[inner.length - 1];
    const bl = inner[inner.length - 2];
    if (l === undefined || l.text === ',') return ' in label matching, expected identifier or "}"';
    if (l.kind === 'ident' || l.kind === 'kw') return ' in label matching, expected label matching operator';
    if (l.kind === 'op') return ' in label matching, expected string';
    if (l.kind === 'str' && bl?.kind !== 'op') return ' in label matching, expected label matching operator';
    return ' in label matching, expected "," or "}"';
  }
  if (last === undefined) return '';
  // Skip a sign, or `start (` / `end (`, to find what the error follows.
  let r = toks.length - 1;
  if (last.text === '+' || last.text === '-') r--;
  else if (last.text === '(' && (toks[r - 1]?.text === 'start' || toks[r - 1]?.text === 'end')) r -= 2;
  else if (last.text === 'start' || last.text === 'end') r--;
  const anchor = toks[r];
  if (anchor?.kind === 'kw' && anchor.text === 'offset' && r >= toks.length - 2) return ' in offset, expected duration';
  if (anchor?.text === '@') return ' in @, expected timestamp';
  if (last.kind === 'kw' && GROUPING_KW.has(last.text)) return ' in grouping opts, expected "("';
  // Right after an aggregation's leading modifier, `sum by (a) m`: Prometheus's grammar is in
  // aggregate_expr there and reports the error in aggregation.
  if (last.text === ')') {
    let g = toks.length - 2;
    while (g >= 0 && (toks[g] as Tok).text !== '(' && (toks[g] as Tok).text !== ')') g--;
    const modifier = toks[g - 1];
    const op = toks[g - 2];
    if (
      toks[g]?.text === '(' &&
      modifier?.kind === 'kw' &&
      (modifier.text === 'by' || modifier.text === 'without') &&
      op?.kind === 'kw' &&
      AGGREGATORS.has(op.text)
    ) {
      return ' in aggregation';
    }
  }
  // Inside a grouping label list `by (a, b`?
  let k = toks.length - 1;
  while (
    k >= 0 &&
    ((toks[k] as Tok).kind === 'ident' ||
      (toks[k] as Tok).kind === 'kw' ||
      (toks[k] as Tok).kind === 'str' ||
      (toks[k] as Tok).text === ',')
  )
    k--;
  const open = toks[k];
  const before = toks[k - 1];
  if (open?.text === '(' && before?.kind === 'kw' && GROUPING_KW.has(before.text)) {
    return last.text === '(' || last.text === ','
      ? ' in grouping opts, expected label'
      : ' in grouping opts, expected "," or ")"';
  }
  // Directly inside an aggregation's parentheses?
  depth = 0;
  for (let j = toks.length - 1; j >= 0; j--) {
    const t = toks[j] as Tok;
    if (t.kind !== 'punct') continue;
    if (t.text === ')' || t.text === ']' || t.text === '}') depth++;
    else if (t.text === '(' || t.text === '[' || t.text === '{') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (t.text !== '(') return '';
      const b = toks[j - 1];
      if (b?.kind === 'kw' && AGGREGATORS.has(b.text)) return ' in aggregation';
      if (b?.text === ')') {
        // `sum by (a) (`: skip back over the grouping list.
        let g = j - 2;
        while (g >= 0 && (toks[g] as Tok).text !== '(') g--;
        const kw = toks[g - 1];
        if (kw?.kind === 'kw' && (kw.text === 'by' || kw.text === 'without')) return ' in aggregation';
      }
      return '';
    }
  }
  return '';
}

/** The message and range of a syntax error found at `pos`: `unexpected <token>[ in <context>]`. */
export function syntaxError(input: string, at: number): { pos: number; end: number; message: string } {
  // Prometheus's lexer reports whole tokens: back up to the start of an identifier.
  let pos = at;
  while (pos > 0 && /[a-zA-Z0-9_:]/.test(input[pos - 1] ?? '') && /[a-zA-Z0-9_:]/.test(input[pos] ?? '')) pos--;
  const tok = describeToken(input, pos);
  return { pos, end: tok.end, message: `unexpected ${tok.desc}${context(input, pos)}` };
}
