// Prometheus: Go text/template/exec.go (Template.Execute), as an async tree walk so that a
// function may wait (`query`); everything else runs without awaiting a promise it did not get.
import { TemplateExecError } from './errors.js';
import type { FuncMap, TemplateFunc } from './func-types.js';
import { fprintAction } from './go-fmt.js';
import {
  goTypeName,
  isGoNamed,
  isMap,
  isStruct,
  isTrue,
  mapElemType,
  mapGet,
  mapKeys,
  NO_ENTRY,
  type ParamType,
  STRUCT_TYPE,
  sliceItems,
} from './go-values.js';
import {
  type ArgNode,
  argString,
  type CommandNode,
  type ListNode,
  type Node,
  nodeString,
  type NumberNode,
  type PipeNode,
} from './nodes.js';
import type { Tree } from './parse.js';

/** Go's `missingkey` option. */
export type MissingKey = 'invalid' | 'zero' | 'error';

const MAX_EXEC_DEPTH = 100000;
/** The "no final argument" marker (Go's missingVal). */
const MISSING: unique symbol = Symbol('missing');
const BREAK: unique symbol = Symbol('break');
const CONTINUE: unique symbol = Symbol('continue');

type Located = Node | CommandNode | ArgNode | PipeNode;

interface Variable {
  readonly name: string;
  value: unknown;
}

/** Byte length of a string in UTF-8, for Go's columns. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Executes the template `name` of `trees` with `data` as dot; returns the output. */
export async function execute(
  trees: ReadonlyMap<string, Tree>,
  name: string,
  funcs: FuncMap,
  data: unknown,
  missingKey: MissingKey,
): Promise<string> {
  const tree = trees.get(name);
  if (tree === undefined) {
    const msg = `template: ${name}: "${name}" is an incomplete or empty template`;
    throw new TemplateExecError(msg, name, 0, 0);
  }
  const st = new State(trees, funcs, missingKey, tree);
  st.vars.push({ name: '$', value: data });
  await st.walk(data, tree.root);
  return st.out.join('');
}

class State {
  readonly out: string[] = [];
  vars: Variable[] = [];
  node: Located | undefined;
  depth = 0;

  constructor(
    readonly trees: ReadonlyMap<string, Tree>,
    readonly funcs: FuncMap,
    readonly missingKey: MissingKey,
    public tree: Tree,
  ) {}

  at(n: Located): void {
    this.node = n;
  }

  errorf(msg: string, cause?: unknown): never {
    const name = this.tree.name;
    if (this.node === undefined) {
      throw new TemplateExecError(`template: ${name}: ${msg}`, name, 0, 0, { cause });
    }
    const text = this.tree.text.slice(0, this.node.pos);
    const nl = text.lastIndexOf('\n');
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    const col = utf8Length(nl < 0 ? text : text.slice(nl + 1));
    const context = nodeString(this.node);
    const goMsg = `template: ${this.tree.parseName}:${line}:${col}: executing ${JSON.stringify(name)} at <${context}>: ${msg}`;
    throw new TemplateExecError(goMsg, name, line, col, { cause });
  }

  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    this.vars.length = mark;
  }

  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    return this.errorf(`undefined variable: ${name}`);
  }

  async walk(dot: unknown, node: Node): Promise<void> {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const val = await this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at(node);
          this.out.push(fprintAction(val));
        }
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with': {
        const mark = this.mark();
        try {
          const val = await this.evalPipeline(dot, node.pipe);
          if (isTrue(val)) await this.walk(node.kind === 'with' ? val : dot, node.list);
          else if (node.elseList !== undefined) await this.walk(dot, node.elseList);
        } finally {
          this.pop(mark);
        }
        return;
      }
      case 'list':
        for (const n of node.nodes) await this.walk(dot, n);
        return;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.out.push(node.text);
        return;
    }
  }

  async walkRange(dot: unknown, r: Extract<Node, { pipe: PipeNode; list: ListNode }>): Promise<void> {
    this.at(r);
    const outer = this.mark();
    try {
      const val = await this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const one = async (index: unknown, elem: unknown): Promise<void> => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.name, decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1]!.value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.name, elem);
          else this.vars[this.vars.length - 2]!.value = index;
        }
        try {
          await this.walk(elem, r.list);
        } catch (err) {
          if (err !== CONTINUE) throw err;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      try {
        const items = sliceItems(val);
        if (items !== undefined) {
          for (let i = 0; i < items.length; i++) {
            ran = true;
            await one(BigInt(i), items[i]);
          }
        } else if (isMap(val)) {
          for (const k of mapKeys(val)) {
            ran = true;
            await one(k, mapGet(val, k));
          }
        } else if (typeof val === 'bigint') {
          // Go 1.22+: range over an integer (Prometheus 3 is built with it).
          if (decl.length > 1) this.errorf(`can't use ${fprintAction(val)} to iterate over more than one variable`);
          for (let i = 0n; i < val; i++) {
            ran = true;
            await one(i, i);
          }
        } else if (val !== undefined && val !== null) {
          this.errorf(`range can't iterate over ${fprintAction(val)}`);
        }
      } catch (err) {
        if (err !== BREAK) throw err;
        return;
      }
      if (!ran && r.elseList !== undefined) await this.walk(dot, r.elseList);
    } finally {
      this.pop(outer);
    }
  }

  async walkTemplate(dot: unknown, t: Extract<Node, { kind: 'template' }>): Promise<void> {
    this.at(t);
    const tree = this.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe === undefined ? undefined : await this.evalPipeline(dot, t.pipe);
    const saved = { vars: this.vars, tree: this.tree };
    this.vars = [{ name: '$', value: newDot }];
    this.tree = tree;
    this.depth++;
    try {
      await this.walk(newDot, tree.root);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tree = saved.tree;
    }
  }

  async evalPipeline(dot: unknown, pipe: PipeNode): Promise<unknown> {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = await this.evalCommand(dot, cmd, value);
      if (value === null) value = undefined; // A nil interface{} digs down to no value.
    }
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.name, value);
      else this.vars.push({ name: d.name, value });
    }
    return value;
  }

  notAFunction(args: readonly ArgNode[], final: unknown): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${argString(args[0]!)}`);
  }

  async evalCommand(dot: unknown, cmd: CommandNode, final: unknown): Promise<unknown> {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        this.at(first);
        return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain':
        return this.evalChain(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  idealConstant(n: NumberNode): unknown {
    this.at(n);
    const hexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !hexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return n.int;
    return this.errorf(`${n.text} overflows int`);
  }

  async evalChain(
    dot: unknown,
    chain: Extract<ArgNode, { kind: 'chain' }>,
    args: readonly ArgNode[],
    final: unknown,
  ): Promise<unknown> {
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${argString(chain)}`);
    const pipe = await this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  async evalVariable(
    dot: unknown,
    v: Extract<ArgNode, { kind: 'variable' }>,
    args: readonly ArgNode[],
    final: unknown,
  ): Promise<unknown> {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  async evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: ArgNode,
    ident: readonly string[],
    args: readonly ArgNode[],
    final: unknown,
  ): Promise<unknown> {
    const n = ident.length;
    let r = receiver;
    for (let i = 0; i < n - 1; i++) r = await this.evalField(dot, ident[i]!, node, [], MISSING, r);
    return this.evalField(dot, ident[n - 1]!, node, args, final, r);
  }

  async evalField(
    dot: unknown,
    fieldName: string,
    node: ArgNode,
    args: readonly ArgNode[],
    final: unknown,
    receiver: unknown,
  ): Promise<unknown> {
    if (receiver === undefined) {
      if (this.missingKey === 'error') this.errorf(`nil data; no entry for key ${JSON.stringify(fieldName)}`);
      return undefined;
    }
    const typ = goTypeName(receiver);
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    if (isGoNamed(receiver)) {
      const m = receiver.method(fieldName);
      if (m !== undefined)
        return this.evalCall(
          dot,
          { params: m.params, variadic: m.variadic, call: (a) => m.call(a) },
          node,
          fieldName,
          args,
          final,
        );
    }
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isStruct(receiver)) {
      if (receiver[STRUCT_TYPE].fields.includes(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return receiver[fieldName];
      }
    } else if (isMap(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const v = mapGet(receiver, fieldName);
      if (v !== NO_ENTRY) return v;
      if (this.missingKey === 'zero') return mapElemType(receiver) === 'string' ? '' : undefined;
      if (this.missingKey === 'error') this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
      return undefined;
    }
    return this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  async evalFunction(
    dot: unknown,
    node: Extract<ArgNode, { kind: 'identifier' }>,
    cmd: CommandNode,
    args: readonly ArgNode[],
    final: unknown,
  ): Promise<unknown> {
    this.at(node);
    const fn = this.funcs.get(node.ident);
    if (fn === undefined) return this.errorf(`${JSON.stringify(node.ident)} is not a defined function`);
    return this.evalCall(dot, fn, cmd, node.ident, args, final);
  }

  async evalCall(
    dot: unknown,
    fn: TemplateFunc,
    node: Located,
    name: string,
    allArgs: readonly ArgNode[],
    final: unknown,
  ): Promise<unknown> {
    const args = allArgs.slice(1);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const nParams = fn.params.length;
    let numFixed = args.length;
    if (fn.variadic) {
      numFixed = nParams - 1;
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${nParams - 1} got ${args.length}`);
    } else if (numIn !== nParams) {
      this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }
    if (fn.shortCircuit !== undefined) {
      let v: unknown;
      for (const a of args) {
        v = await this.evalArg(dot, 'value', a);
        if (isTrue(v) === (fn.shortCircuit === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(await this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic) {
      const t = fn.params[nParams - 1]!;
      for (; i < args.length; i++) argv.push(await this.evalArg(dot, t, args[i]!));
    }
    if (final !== MISSING) {
      const t = fn.variadic && numIn - 1 >= numFixed ? fn.params[nParams - 1]! : fn.params[numIn - 1]!;
      argv.push(this.validateType(final, t));
    }
    try {
      let r = fn.call(argv);
      if (isPromise(r)) r = await r;
      return r;
    } catch (err) {
      this.at(node);
      return this.errorf(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }

  async evalArg(dot: unknown, typ: ParamType | undefined, n: ArgNode): Promise<unknown> {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'any' || typ === '*template.sample' || typ === 'template.queryResult') return null;
        return this.errorf(`cannot assign nil to ${typ === 'value' ? 'reflect.Value' : typ}`);
      case 'field':
        return this.validateType(await this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING), typ);
      case 'variable':
        return this.validateType(await this.evalVariable(dot, n, [n], MISSING), typ);
      case 'pipe':
        return this.validateType(await this.evalPipeline(dot, n), typ);
      case 'identifier': {
        const fn = this.funcs.get(n.ident);
        if (fn === undefined) return this.errorf(`${JSON.stringify(n.ident)} is not a defined function`);
        return this.validateType(await this.evalCall(dot, fn, n, n.ident, [n], MISSING), typ);
      }
      case 'chain':
        return this.validateType(await this.evalChain(dot, n, [n], MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        return this.errorf(`expected bool; found ${argString(n)}`);
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return n.float;
        return this.errorf(`expected float; found ${argString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.isInt) return n.int;
        return this.errorf(`expected integer; found ${argString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.text;
        return this.errorf(`expected string; found ${argString(n)}`);
      case 'any':
      case 'value':
      case undefined:
        if (n.kind === 'bool') return n.value;
        if (n.kind === 'number') return this.idealConstant(n);
        if (n.kind === 'string') return n.text;
        break;
    }
    return this.errorf(`can't handle ${argString(n)} for arg of type ${typ}`);
  }

  validateType(value: unknown, typ: ParamType | undefined): unknown {
    if (value === undefined) {
      if (typ === undefined) return undefined;
      if (typ === 'any' || typ === '*template.sample' || typ === 'template.queryResult') return null;
      if (typ === 'value') return undefined;
      return this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === undefined || typ === 'any' || typ === 'value') return value;
    const got = goTypeName(value);
    const ok =
      (typ === 'string' && typeof value === 'string') ||
      (typ === 'float64' && typeof value === 'number') ||
      (typ === 'int' && typeof value === 'bigint') ||
      (typ === 'bool' && typeof value === 'boolean') ||
      got === typ;
    if (!ok) this.errorf(`wrong type for value; expected ${typ}; got ${got}`);
    return value;
  }
}
