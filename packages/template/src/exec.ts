// Prometheus: Go text/template/exec.go (Template.Execute), as an async tree walk so that a
// function may wait (`query`); everything else runs without awaiting a promise it did not get.
import { TemplateExecError } from './errors.js';
import { ExecState, type MissingKey } from './exec-eval.js';
import type { FuncContext, FuncMap } from './func-types.js';
import { fprintAction } from './go-fmt.js';
import { isMap, isTrue, mapGet, mapKeys, sliceItems } from './go-values.js';
import type { ListNode, Node, PipeNode } from './nodes.js';
import type { Tree } from './parse.js';

export type { MissingKey };

const MAX_EXEC_DEPTH = 100000;
const BREAK: unique symbol = Symbol('break');
const CONTINUE: unique symbol = Symbol('continue');

/** Executes the template `name` of `trees` with `data` as dot; returns the output. */
export async function execute(
  trees: ReadonlyMap<string, Tree>,
  name: string,
  funcs: FuncMap,
  ctx: FuncContext,
  data: unknown,
  missingKey: MissingKey,
): Promise<string> {
  const tree = trees.get(name);
  if (tree === undefined) {
    const msg = `template: ${name}: "${name}" is an incomplete or empty template`;
    throw new TemplateExecError(msg, name, 0, 0);
  }
  const st = new State(trees, funcs, ctx, missingKey, tree);
  st.vars.push({ name: '$', value: data });
  await st.walk(data, tree.root);
  return st.out.join('');
}

class State extends ExecState {
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
}
