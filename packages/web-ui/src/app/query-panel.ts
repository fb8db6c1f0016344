// One query panel of the Query page: the PromQL editor, then Table, Graph and Explain tabs.
import type { EditorView } from '@codemirror/view';
import { apiGet, type QueryData, type RangeSeries } from './api.js';
import { alert, h, replace } from './dom.js';
import { createEditor, setText } from './editor.js';
import { renderExplain } from './explain-view.js';
import { formatDuration, parseDuration } from './format.js';
import { renderGraph } from './graph-view.js';
import { renderTable } from './table-view.js';

export type PanelTab = 'table' | 'graph' | 'explain';

/** A panel's state, kept in the page's URL as Prometheus's `g0.expr=…&g0.tab=…`. */
export interface PanelState {
  expr: string;
  tab: PanelTab;
  /** Graph range in ms. */
  rangeMs: number;
  /** End of the graph (and time of the table) in ms; null: now. */
  endMs: number | null;
  /** Resolution in ms; null: chosen from the range. */
  stepMs: number | null;
  stacked: boolean;
}

export const DEFAULT_PANEL: PanelState = {
  expr: '',
  tab: 'table',
  rangeMs: 3_600_000,
  endMs: null,
  stepMs: null,
  stacked: false,
};

/** What a panel tells its page. */
export interface PanelHooks {
  readonly onChange: () => void;
  readonly onRemove: () => void;
  readonly onExecuted: (expr: string) => void;
}

/** Resolution Prometheus's UI picks for a range: about 250 points, at least 1 s. */
export function autoStepMs(rangeMs: number): number {
  return Math.max(Math.floor(rangeMs / 250 / 1000), 1) * 1000;
}

/** A query panel. */
export class QueryPanel {
  readonly el: HTMLElement;
  readonly state: PanelState;
  readonly #hooks: PanelHooks;
  readonly #editor: EditorView;
  readonly #body = h('div.panel-body');
  readonly #tabs: Record<PanelTab, HTMLElement>;
  readonly #stats = h('span.panel-stats');
  #freeGraph: () => void = () => {};
  #abort: AbortController | undefined;

  constructor(state: PanelState, hooks: PanelHooks) {
    this.state = { ...state };
    this.#hooks = hooks;
    const editorHost = h('div.expression-input');
    this.#editor = createEditor(editorHost, state.expr, () => this.execute());
    const tab = (t: PanelTab, label: string): HTMLElement =>
      h(`button.tab`, { type: 'button', 'data-tab': t, onclick: () => this.#setTab(t) }, label);
    this.#tabs = { table: tab('table', 'Table'), graph: tab('graph', 'Graph'), explain: tab('explain', 'Explain') };
    this.el = h(
      'div.query-panel',
      h(
        'div.panel-editor',
        editorHost,
        h('button.btn.btn-primary.execute-btn', { type: 'button', onclick: () => this.execute() }, 'Execute'),
        h('button.btn.remove-panel', { type: 'button', title: 'Remove query', onclick: () => hooks.onRemove() }, '×'),
      ),
      h('div.tabs', this.#tabs.table, this.#tabs.graph, this.#tabs.explain, this.#stats),
      this.#body,
    );
    this.#markTab();
    if (state.expr !== '') queueMicrotask(() => this.execute());
    else this.#renderIdle();
  }

  /** Replaces the expression (from the history or the metrics explorer) and focuses the editor. */
  insert(text: string, replaceAll = false): void {
    if (replaceAll) setText(this.#editor, text);
    else {
      const { from, to } = this.#editor.state.selection.main;
      this.#editor.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length } });
    }
    this.#editor.focus();
  }

  destroy(): void {
    this.#abort?.abort();
    this.#freeGraph();
    this.#editor.destroy();
  }

  #setTab(t: PanelTab): void {
    this.state.tab = t;
    this.#markTab();
    this.#hooks.onChange();
    this.execute();
  }

  #markTab(): void {
    for (const [t, el] of Object.entries(this.#tabs)) el.classList.toggle('active', t === this.state.tab);
  }

  #renderIdle(): void {
    replace(this.#body, h('div.panel-empty', 'No data queried yet'));
  }

  /** Runs the expression in the current tab. */
  execute(): void {
    const expr = this.#editor.state.doc.toString().trim();
    this.state.expr = expr;
    this.#hooks.onChange();
    this.#abort?.abort();
    this.#freeGraph();
    this.#freeGraph = () => {};
    if (expr === '') {
      this.#renderIdle();
      return;
    }
    const abort = new AbortController();
    this.#abort = abort;
    const controls =
      this.state.tab === 'table' ? this.#tableControls() : this.state.tab === 'graph' ? this.#graphControls() : null;
    const out = h('div.panel-result', h('div.loading', 'Loading…'));
    replace(this.#body, controls, out);
    this.#hooks.onExecuted(expr);
    const t0 = performance.now();
    this.#run(expr, out, abort.signal).then(
      (n) => {
        if (abort.signal.aborted) return;
        this.#stats.textContent = `Load time: ${Math.round(performance.now() - t0)}ms${n === undefined ? '' : `   Result series: ${n}`}`;
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        this.#stats.textContent = '';
        replace(out, alert('error', `Error executing query: ${(err as Error).message}`));
      },
    );
  }

  async #run(expr: string, out: HTMLElement, signal: AbortSignal): Promise<number | undefined> {
    const endMs = this.state.endMs ?? Date.now();
    if (this.state.tab === 'table') {
      const data = await apiGet<QueryData>('query', { query: expr, time: String(endMs / 1000) }, signal);
      replace(out, renderTable(data));
      return data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length : undefined;
    }
    if (this.state.tab === 'explain') {
      await renderExplain(out, expr, endMs / 1000);
      return undefined;
    }
    const stepMs = this.state.stepMs ?? autoStepMs(this.state.rangeMs);
    const startMs = endMs - this.state.rangeMs;
    const data = await apiGet<{ resultType: 'matrix'; result: RangeSeries[] }>(
      'query_range',
      { query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) },
      signal,
    );
    if (signal.aborted) return undefined;
    out.replaceChildren();
    this.#freeGraph = renderGraph(out, data.result, {
      startMs,
      endMs,
      stepMs,
      stacked: this.state.stacked,
      onZoom: (a, b) => {
        this.state.rangeMs = Math.max(b - a, 1000);
        this.state.endMs = b;
        this.state.stepMs = null;
        this.execute();
      },
    });
    return data.result.length;
  }

  #tableControls(): HTMLElement {
    return h('div.panel-controls', this.#endInput('Evaluation time'));
  }

  #graphControls(): HTMLElement {
    const range = h('input.range-input', {
      type: 'text',
      value: formatDuration(this.state.rangeMs),
      size: 6,
    }) as HTMLInputElement;
    range.addEventListener('change', () => {
      const ms = parseDuration(range.value);
      if (ms === undefined || ms <= 0) return void range.classList.add('invalid');
      this.state.rangeMs = ms;
      this.execute();
    });
    const zoom = (f: number) => () => {
      this.state.rangeMs = Math.max(1000, Math.round(this.state.rangeMs * f));
      this.execute();
    };
    const step = h('input.step-input', {
      type: 'text',
      placeholder: `auto (${formatDuration(autoStepMs(this.state.rangeMs))})`,
      value: this.state.stepMs === null ? '' : formatDuration(this.state.stepMs),
      size: 10,
    }) as HTMLInputElement;
    step.addEventListener('change', () => {
      const ms = step.value.trim() === '' ? null : parseDuration(step.value);
      if (ms === undefined || ms === 0) return void step.classList.add('invalid');
      this.state.stepMs = ms;
      this.execute();
    });
    const stacked = h('input.stacked-input', { type: 'checkbox', checked: this.state.stacked }) as HTMLInputElement;
    stacked.addEventListener('change', () => {
      this.state.stacked = stacked.checked;
      this.execute();
    });
    return h(
      'div.panel-controls',
      h('button.btn', { type: 'button', title: 'Shrink range', onclick: zoom(0.5) }, '−'),
      range,
      h('button.btn', { type: 'button', title: 'Widen range', onclick: zoom(2) }, '+'),
      this.#endInput('End time'),
      h('label', 'Resolution ', step),
      h('label', stacked, ' Stacked'),
    );
  }

  #endInput(label: string): HTMLElement {
    const input = h('input.end-input', { type: 'datetime-local', step: 1 }) as HTMLInputElement;
    if (this.state.endMs !== null) input.value = new Date(this.state.endMs).toISOString().slice(0, 19);
    input.addEventListener('change', () => {
      // The input is in UTC, as the rest of the UI.
      this.state.endMs = input.value === '' ? null : Date.parse(`${input.value}Z`);
      this.execute();
    });
    const now = h(
      'button.btn',
      {
        type: 'button',
        title: 'Now',
        onclick: () => {
          this.state.endMs = null;
          this.execute();
        },
      },
      'now',
    );
    // The button outside the label: a click on it must not go to the input.
    return h('span.end-time', h('label', `${label} (UTC) `, input), now);
  }
}
