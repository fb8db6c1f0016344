// Prometheus: Go text/template/parse/parse.go (Tree.Parse and its helpers).
import { unquoteString } from '@tsprom/labels';
import { TemplateParseError } from './errors.js';
import { Item, lex, type Token } from './lex.js';
import {
  type ArgNode,
  type CommandNode,
  isEmptyTree,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
} from './nodes.js';

/** A parsed template: its name and tree. `parseName` names the text it came from, for errors. */
export interface Tree {
  readonly name: string;
  readonly parseName: string;
  readonly root: ListNode;
  /** The source text, for the line and column of execution errors. */
  readonly text: string;
}

type End = { readonly kind: 'end'; readonly pos: number } | { readonly kind: 'else'; readonly pos: number };

/** Go's `item.String()`, as parse errors quote tokens. */
function itemString(t: Token): string {
  if (t.typ === Item.EOF) return 'EOF';
  if (t.typ === Item.Error) return t.val;
  if (t.typ > Item.Keyword) return `<${t.val}>`;
  if ([...t.val].length > 10) return `${JSON.stringify([...t.val].slice(0, 10).join(''))}...`;
  return JSON.stringify(t.val);
}

/** Go's `Node.String()` of the end/else pseudo-nodes. */
function endString(e: End): string {
  return e.kind === 'end' ? '{{end}}' : '{{else}}';
}

/**
 * Parses `text` (named `name`) into trees: the top-level one under `name`, and one per
 * `{{define}}`/`{{block}}`, added to `trees` (a redefinition of a non-empty template is an error,
 * as in Go). `hasFunction` says which identifiers are functions. Throws {@link TemplateParseError}
 * with Go's message (`template: NAME:LINE: …`).
 */
export function parse(
  text: string,
  name: string,
  hasFunction: (name: string) => boolean,
  trees: Map<string, Tree>,
): void {
  const tokens = lex(text);
  let i = 0;
  let current: Token = tokens[0]!;
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  let actionLine = 0;

  const errorf = (msg: string): never => {
    throw new TemplateParseError(name, current.line, msg);
  };
  const next = (): Token => {
    current = tokens[Math.min(i, tokens.length - 1)]!; // Past the end: the last token again.
    i++;
    return current;
  };
  const peek = (): Token => tokens[Math.min(i, tokens.length - 1)]!;
  const backup = (n = 1): void => {
    i -= n;
  };
  const nextNonSpace = (): Token => {
    let t = next();
    while (t.typ === Item.Space) t = next();
    return t;
  };
  const peekNonSpace = (): Token => {
    const t = nextNonSpace();
    backup();
    return t;
  };
  const unexpected = (t: Token, context: string): never => {
    current = t;
    if (t.typ === Item.Error) {
      let extra = '';
      if (actionLine !== 0 && actionLine !== t.line) {
        extra = context.endsWith(' clause') ? ` ${context}` : ` in ${context}`;
      }
      return errorf(`${itemString(t)}${extra}`);
    }
    return errorf(`unexpected ${itemString(t)} in ${context}`);
  };
  const expect = (typ: Item, context: string): Token => {
    const t = nextNonSpace();
    if (t.typ !== typ) unexpected(t, context);
    return t;
  };

  const addTree = (treeName: string, root: ListNode): void => {
    const existing = trees.get(treeName);
    if (existing === undefined || isEmptyTree(existing.root)) {
      trees.set(treeName, { name: treeName, parseName: name, root, text });
      return;
    }
    if (!isEmptyTree(root)) errorf(`template: multiple definition of template ${JSON.stringify(treeName)}`);
  };

  // Returns the list and the {{end}}/{{else}} that closed it.
  const itemList = (): [ListNode, End] => {
    const list: ListNode = { kind: 'list', pos: peekNonSpace().pos, nodes: [] };
    while (peekNonSpace().typ !== Item.EOF) {
      const n = textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    return errorf('unexpected EOF');
  };

  const textOrAction = (): Node | End => {
    const t = nextNonSpace();
    switch (t.typ) {
      case Item.Text:
        return { kind: 'text', pos: t.pos, text: t.val };
      case Item.LeftDelim: {
        actionLine = t.line;
        try {
          return action();
        } finally {
          actionLine = 0;
        }
      }
      default:
        return unexpected(t, 'input');
    }
  };

  const action = (): Node | End => {
    const t = nextNonSpace();
    switch (t.typ) {
      case Item.Block:
        return blockControl();
      case Item.Break:
      case Item.Continue: {
        const what = t.typ === Item.Break ? 'break' : 'continue';
        const d = nextNonSpace();
        if (d.typ !== Item.RightDelim) unexpected(d, `{{${what}}}`);
        if (rangeDepth === 0) errorf(`{{${what}}} outside {{range}}`);
        return { kind: what, pos: t.pos, line: t.line };
      }
      case Item.Else: {
        const p = peekNonSpace();
        // `{{else if …}}` and `{{else with …}}` are `{{else}}{{if …}}…{{end}}`.
        if (p.typ === Item.If || p.typ === Item.With) return { kind: 'else', pos: p.pos };
        return { kind: 'else', pos: expect(Item.RightDelim, 'else').pos };
      }
      case Item.End:
        return { kind: 'end', pos: expect(Item.RightDelim, 'end').pos };
      case Item.If:
        return control('if');
      case Item.Range:
        return control('range');
      case Item.With:
        return control('with');
      case Item.Template:
        return templateControl();
    }
    backup();
    const p = peek();
    return { kind: 'action', pos: p.pos, line: p.line, pipe: pipeline('command', Item.RightDelim) };
  };

  const control = (context: 'if' | 'range' | 'with'): Node => {
    const saved = vars.length;
    try {
      const pipe = pipeline(context, Item.RightDelim);
      if (context === 'range') rangeDepth++;
      let [list, end] = itemList();
      if (context === 'range') rangeDepth--;
      let elseList: ListNode | undefined;
      if (end.kind === 'else') {
        const p = peek();
        if ((context === 'if' && p.typ === Item.If) || (context === 'with' && p.typ === Item.With)) {
          next();
          // Only one {{end}} closes the chain: the nested control consumed it.
          elseList = { kind: 'list', pos: end.pos, nodes: [control(context)] };
        } else {
          [elseList, end] = itemList();
          if (end.kind !== 'end') errorf(`expected end; found ${endString(end)}`);
        }
      }
      return { kind: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      vars = vars.slice(0, saved);
    }
  };

  const parseTemplateName = (t: Token, context: string): string => {
    if (t.typ === Item.String || t.typ === Item.RawString) return unquote(t);
    return unexpected(t, context);
  };

  const templateControl = (): Node => {
    const context = 'template clause';
    const t = nextNonSpace();
    const tname = parseTemplateName(t, context);
    let pipe: PipeNode | undefined;
    if (nextNonSpace().typ !== Item.RightDelim) {
      backup();
      pipe = pipeline(context, Item.RightDelim);
    }
    return { kind: 'template', pos: t.pos, line: t.line, name: tname, pipe };
  };

  const blockControl = (): Node => {
    const context = 'block clause';
    const t = nextNonSpace();
    const tname = parseTemplateName(t, context);
    const pipe = pipeline(context, Item.RightDelim);
    const savedVars = vars;
    const savedDepth = rangeDepth;
    vars = ['$'];
    rangeDepth = 0;
    const [root, end] = itemList();
    if (end.kind !== 'end') errorf(`unexpected ${endString(end)} in ${context}`);
    addTree(tname, root);
    vars = savedVars;
    rangeDepth = savedDepth;
    return { kind: 'template', pos: t.pos, line: t.line, name: tname, pipe };
  };

  const parseDefinition = (): void => {
    const context = 'define clause';
    const t = nextNonSpace();
    if (t.typ !== Item.String && t.typ !== Item.RawString) unexpected(t, context);
    const tname = unquote(t);
    expect(Item.RightDelim, context);
    const savedVars = vars;
    vars = ['$'];
    const [root, end] = itemList();
    if (end.kind !== 'end') errorf(`unexpected ${endString(end)} in ${context}`);
    addTree(tname, root);
    vars = savedVars;
  };

  const pipeline = (context: string, end: Item): PipeNode => {
    const first = peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, line: first.line, isAssign: false, decl: [], cmds: [] };
    // Declarations or assignments: `$x :=`, `$x =`, `$i, $e :=` (range only).
    for (;;) {
      const v = peekNonSpace();
      if (v.typ !== Item.Variable) break;
      nextNonSpace();
      const vIndex = i - 1;
      const nxt = peekNonSpace();
      if (nxt.typ === Item.Assign || nxt.typ === Item.Declare) {
        pipe.isAssign = nxt.typ === Item.Assign;
        nextNonSpace();
        pipe.decl.push({ pos: v.pos, name: v.val });
        vars.push(v.val);
        break;
      }
      if (nxt.typ === Item.Char && nxt.val === ',') {
        nextNonSpace();
        pipe.decl.push({ pos: v.pos, name: v.val });
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = peekNonSpace().typ;
          if (p === Item.Variable || p === Item.RightDelim || p === Item.RightParen) continue;
          errorf('range can only initialize variables');
        }
        errorf(`too many declarations in ${context}`);
      }
      // `$x` is an operand: put it back.
      i = vIndex;
      break;
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.typ === end) {
        if (pipe.cmds.length === 0) errorf(`missing value for ${context}`);
        for (let k = 1; k < pipe.cmds.length; k++) {
          const a = pipe.cmds[k]!.args[0]!;
          if (a.kind === 'bool' || a.kind === 'dot' || a.kind === 'nil' || a.kind === 'number' || a.kind === 'string') {
            errorf(`non executable command in pipeline stage ${k + 1}`);
          }
        }
        return pipe;
      }
      switch (t.typ) {
        case Item.Bool:
        case Item.CharConstant:
        case Item.Complex:
        case Item.Dot:
        case Item.Field:
        case Item.Identifier:
        case Item.Number:
        case Item.Nil:
        case Item.RawString:
        case Item.String:
        case Item.Variable:
        case Item.LeftParen:
          backup();
          pipe.cmds.push(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { kind: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const operand = parseOperand();
      if (operand !== undefined) cmd.args.push(operand);
      const t = next();
      if (t.typ === Item.Space) continue;
      if (t.typ === Item.RightDelim || t.typ === Item.RightParen) backup();
      else if (t.typ !== Item.Pipe) unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) errorf('empty command');
    return cmd;
  };

  const parseOperand = (): ArgNode | undefined => {
    const node = term();
    if (node === undefined) return undefined;
    if (peek().typ !== Item.Field) return node;
    const chainPos = peek().pos;
    const fields: string[] = [];
    while (peek().typ === Item.Field) fields.push(next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot': {
        const s =
          node.kind === 'string'
            ? node.quoted
            : node.kind === 'number'
              ? node.text
              : node.kind === 'bool'
                ? String(node.value)
                : node.kind === 'nil'
                  ? 'nil'
                  : '.';
        return errorf(`unexpected . after term ${JSON.stringify(s)}`);
      }
      default:
        return { kind: 'chain', pos: chainPos, node, field: fields };
    }
  };

  const term = (): ArgNode | undefined => {
    const t = nextNonSpace();
    switch (t.typ) {
      case Item.Identifier:
        if (!hasFunction(t.val)) errorf(`function ${JSON.stringify(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, ident: t.val };
      case Item.Dot:
        return { kind: 'dot', pos: t.pos };
      case Item.Nil:
        return { kind: 'nil', pos: t.pos };
      case Item.Variable: {
        const ident = t.val.split('.');
        if (!vars.includes(ident[0]!)) errorf(`undefined variable ${JSON.stringify(ident[0])}`);
        return { kind: 'variable', pos: t.pos, ident };
      }
      case Item.Field:
        return { kind: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case Item.Bool:
        return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case Item.CharConstant:
      case Item.Complex:
      case Item.Number:
        return parseNumber(t);
      case Item.LeftParen:
        return pipeline('parenthesized pipeline', Item.RightParen);
      case Item.String:
      case Item.RawString:
        return { kind: 'string', pos: t.pos, quoted: t.val, text: unquote(t) };
    }
    backup();
    return undefined;
  };

  const unquote = (t: Token): string => {
    try {
      return unquoteString(t.val);
    } catch {
      return errorf('invalid syntax');
    }
  };

  const parseNumber = (t: Token): NumberNode => {
    if (t.typ === Item.Complex) return errorf(`complex constants are not supported: ${t.val}`);
    if (t.typ === Item.CharConstant) {
      let s: string;
      try {
        s = unquoteString(t.val);
      } catch {
        return errorf(`malformed character constant: ${t.val}`);
      }
      const cps = [...s];
      if (cps.length !== 1) errorf(`malformed character constant: ${t.val}`);
      const r = cps[0]!.codePointAt(0)!;
      return { kind: 'number', pos: t.pos, text: t.val, isInt: true, isFloat: true, int: BigInt(r), float: r };
    }
    const n = numberValue(t.val);
    if (typeof n === 'string') return errorf(n);
    return { kind: 'number', pos: t.pos, ...n };
  };

  // parse(): the top level, with {{define}} blocks split out.
  const root: ListNode = { kind: 'list', pos: 0, nodes: [] };
  while (peek().typ !== Item.EOF) {
    if (peek().typ === Item.LeftDelim) {
      const delim = next();
      if (nextNonSpace().typ === Item.Define) {
        actionLine = delim.line;
        parseDefinition();
        actionLine = 0;
        continue;
      }
      i = tokens.indexOf(delim);
    }
    const n = textOrAction();
    if (n.kind === 'end' || n.kind === 'else') errorf(`unexpected ${endString(n)}`);
    else root.nodes.push(n);
  }
  addTree(name, root);
}

const INT_RE = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;
const FLOAT_RE =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?|0[xX](?:_?[0-9a-fA-F])*\.?(?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?[pP][+-]?\d(?:_?\d)*)$/;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** Go's parse.Tree.newNumber for an integer or float literal; a string is the error. */
function numberValue(text: string): Omit<NumberNode, 'kind' | 'pos'> | string {
  if (INT_RE.test(text)) {
    const neg = text.startsWith('-');
    let body = text.replace(/^[+-]/, '').replaceAll('_', '');
    if (/^0[0-7]/.test(body)) body = `0o${body.slice(1)}`;
    let v = BigInt(body);
    if (neg) v = -v;
    if (v >= MIN_INT64 && v <= MAX_INT64) {
      return { text, isInt: true, isFloat: true, int: v, float: Number(v) };
    }
    if (!neg && v < 2n ** 64n) return { text, isInt: false, isFloat: true, int: 0n, float: Number(v) };
  }
  if (FLOAT_RE.test(text) && /\d/.test(text)) {
    const f = parseFloatLiteral(text);
    if (f !== undefined && Number.isFinite(f)) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${JSON.stringify(text)}`;
      const isInt = Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63;
      return { text, isInt, isFloat: true, int: isInt ? BigInt(f) : 0n, float: f };
    }
  }
  return `illegal number syntax: ${JSON.stringify(text)}`;
}

function parseFloatLiteral(text: string): number | undefined {
  const s = text.replaceAll('_', '');
  const lower = s.toLowerCase();
  const neg = lower.startsWith('-');
  const body = lower.replace(/^[+-]/, '');
  if (body.startsWith('0x')) {
    const p = body.indexOf('p');
    const mant = body.slice(2, p);
    const exp = Number(body.slice(p + 1));
    const dot = mant.indexOf('.');
    const digits = mant.replace('.', '');
    const fracLen = dot < 0 ? 0 : mant.length - dot - 1;
    const v = Number(BigInt(`0x${digits || '0'}`)) * 2 ** (exp - 4 * fracLen);
    return neg ? -v : v;
  }
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}
