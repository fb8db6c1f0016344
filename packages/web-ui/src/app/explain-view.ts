// The Explain tab: the query's syntax tree from /api/v1/parse_query, each node written back as
// PromQL (serialize-node.ts) and runnable on its own; the result of the selected node is shown
// under the tree.
import { apiGet, type QueryData } from './api.js';
import { alert, h, replace } from './dom.js';
import { type ASTNode, children, describe, serializeNode } from './serialize-node.js';
import { renderTable } from './table-view.js';

/** The Explain tab for `expr` evaluated at `timeSec`. */
export async function renderExplain(parent: HTMLElement, expr: string, timeSec: number): Promise<void> {
  const tree = await apiGet<ASTNode | null>('parse_query', { query: expr });
  if (tree === null) {
    replace(parent, alert('info', 'Enter an expression to explain.'));
    return;
  }
  const result = h('div.explain-result');
  let selected: HTMLElement | undefined;
  const run = async (row: HTMLElement, text: string): Promise<void> => {
    selected?.classList.remove('selected');
    selected = row;
    row.classList.add('selected');
    replace(result, h('div.explain-result-title', 'Result of ', h('code', text)), h('div.loading', 'Loading…'));
    try {
      const data = await apiGet<QueryData>('query', { query: text, time: String(timeSec) });
      const count = Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string';
      replace(
        result,
        h('div.explain-result-title', 'Result of ', h('code', text), count ? ` (${data.result.length} series)` : ''),
        renderTable(data),
      );
    } catch (err) {
      replace(result, alert('error', (err as Error).message));
    }
  };
  const node = (n: ASTNode): HTMLElement => {
    const text = serializeNode(n);
    const row: HTMLElement = h(
      'div.tree-node-row',
      h('code.tree-node-expr', text),
      h('span.tree-node-kind', describe(n)),
      h('button.btn.btn-small.tree-node-run', { type: 'button', onclick: () => void run(row, text) }, 'Run'),
    );
    const kids = children(n);
    return h('div.tree-node', row, kids.length > 0 ? h('div.tree-children', ...kids.map(node)) : null);
  };
  replace(parent, h('div.explain-tree', node(tree)), result);
}
