// Prometheus: Go text/template/parse/node.go (the parse tree and its String forms, which Go's
// execution errors quote as `at <…>`).

/** A constant number, with the interpretations Go's NumberNode allows. */
export interface NumberNode {
  readonly kind: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isFloat: boolean;
  /** Exact integer value when isInt. */
  readonly int: bigint;
  readonly float: number;
}

export type ArgNode =
  | { readonly kind: 'identifier'; readonly pos: number; readonly ident: string }
  | { readonly kind: 'dot'; readonly pos: number }
  | { readonly kind: 'nil'; readonly pos: number }
  | { readonly kind: 'bool'; readonly pos: number; readonly value: boolean }
  | { readonly kind: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }
  | NumberNode
  /** `$x.a.b`: ident[0] is the variable. */
  | { readonly kind: 'variable'; readonly pos: number; readonly ident: readonly string[] }
  /** `.a.b` */
  | { readonly kind: 'field'; readonly pos: number; readonly ident: readonly string[] }
  /** `(pipe).a.b` */
  | { readonly kind: 'chain'; readonly pos: number; readonly node: ArgNode; readonly field: readonly string[] }
  | PipeNode;

export interface CommandNode {
  readonly kind: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}

export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: number;
  readonly line: number;
  isAssign: boolean;
  readonly decl: { readonly pos: number; readonly name: string }[];
  readonly cmds: CommandNode[];
}

export type Node =
  | { readonly kind: 'text'; readonly pos: number; readonly text: string }
  | { readonly kind: 'comment'; readonly pos: number; readonly text: string }
  | { readonly kind: 'action'; readonly pos: number; readonly line: number; readonly pipe: PipeNode }
  | {
      readonly kind: 'if' | 'range' | 'with';
      readonly pos: number;
      readonly line: number;
      readonly pipe: PipeNode;
      readonly list: ListNode;
      readonly elseList: ListNode | undefined;
    }
  | {
      readonly kind: 'template';
      readonly pos: number;
      readonly line: number;
      readonly name: string;
      readonly pipe: PipeNode | undefined;
    }
  | { readonly kind: 'break' | 'continue'; readonly pos: number; readonly line: number }
  | ListNode;

export interface ListNode {
  readonly kind: 'list';
  readonly pos: number;
  readonly nodes: Node[];
}

/** Go's `%q` of a string, as Node.String uses it for template names. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's `Node.String()` for an argument. */
export function argString(n: ArgNode): string {
  switch (n.kind) {
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
    case 'variable':
      return n.ident.join('.');
    case 'field':
      return `.${n.ident.join('.')}`;
    case 'chain': {
      const base = n.node.kind === 'pipe' ? `(${pipeString(n.node)})` : argString(n.node);
      return `${base}.${n.field.join('.')}`;
    }
    case 'pipe':
      return pipeString(n);
  }
}

export function commandString(c: CommandNode): string {
  return c.args.map((a) => (a.kind === 'pipe' ? `(${pipeString(a)})` : argString(a))).join(' ');
}

export function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length > 0) s = `${p.decl.map((d) => d.name).join(', ')} ${p.isAssign ? '=' : ':='} `;
  return s + p.cmds.map(commandString).join(' | ');
}

/** Go's `Node.String()` for a node of the tree. */
export function nodeString(n: Node | CommandNode | ArgNode): string {
  switch (n.kind) {
    case 'text':
      return goQuote(n.text);
    case 'comment':
      return `{{${n.text}}}`;
    case 'action':
      return `{{${pipeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.kind} ${pipeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList !== undefined) s += `{{else}}${nodeString(n.elseList)}`;
      return `${s}{{end}}`;
    }
    case 'template':
      return n.pipe === undefined
        ? `{{template ${goQuote(n.name)}}}`
        : `{{template ${goQuote(n.name)} ${pipeString(n.pipe)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'command':
      return commandString(n);
    default:
      return argString(n);
  }
}

/** Go's parse.IsEmptyTree: only whitespace text, comments and empty lists. */
export function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case 'text':
      return n.text.trim() === '' && !/[^ \t\r\n]/.test(n.text);
    case 'comment':
      return true;
    case 'list':
      return n.nodes.every(isEmptyTree);
    default:
      return false;
  }
}
