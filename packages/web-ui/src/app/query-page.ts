// The Query page: several query panels, their state in the URL (`g0.expr=…`), the query history
// and the metrics explorer.
import { apiGet } from './api.js';
import { alert, h, replace } from './dom.js';
import { DEFAULT_PANEL, type PanelState, type PanelTab, QueryPanel } from './query-panel.js';
import { addToHistory, loadHistory } from './query-history.js';

function panelsFromURL(params: URLSearchParams): PanelState[] {
  const out: PanelState[] = [];
  for (let i = 0; params.has(`g${i}.expr`) || params.has(`g${i}.tab`); i++) {
    const g = (k: string): string | null => params.get(`g${i}.${k}`);
    const tab = g('tab');
    const num = (k: string): number | null => {
      const v = g(k);
      return v === null || v === '' || !Number.isFinite(Number(v)) ? null : Number(v);
    };
    out.push({
      expr: g('expr') ?? '',
      // Prometheus 2 wrote tab=0 (graph) and tab=1 (table).
      tab: tab === 'graph' || tab === '0' ? 'graph' : tab === 'explain' ? 'explain' : ('table' as PanelTab),
      rangeMs: num('range_ms') ?? DEFAULT_PANEL.rangeMs,
      endMs: num('end_ms'),
      stepMs: num('step_ms'),
      stacked: g('stacked') === '1',
    });
  }
  return out.length > 0 ? out : [{ ...DEFAULT_PANEL }];
}

function panelsToURL(panels: readonly QueryPanel[]): string {
  const p = new URLSearchParams();
  panels.forEach((panel, i) => {
    const s = panel.state;
    p.set(`g${i}.expr`, s.expr);
    p.set(`g${i}.tab`, s.tab);
    p.set(`g${i}.range_ms`, String(s.rangeMs));
    if (s.endMs !== null) p.set(`g${i}.end_ms`, String(s.endMs));
    if (s.stepMs !== null) p.set(`g${i}.step_ms`, String(s.stepMs));
    if (s.stacked) p.set(`g${i}.stacked`, '1');
  });
  return p.toString();
}

/** Renders the Query page into `root`; returns what frees it. */
export function renderQueryPage(root: HTMLElement): () => void {
  const panels: QueryPanel[] = [];
  const list = h('div.query-panels');
  const sync = (): void => {
    history.replaceState(null, '', `${location.pathname}?${panelsToURL(panels)}`);
  };
  const add = (state: PanelState): void => {
    let panel: QueryPanel | undefined;
    const wrap = h('div.query-panel-wrap');
    panel = new QueryPanel(state, {
      onChange: sync,
      onExecuted: addToHistory,
      onRemove: () => {
        if (panel === undefined) return;
        panels.splice(panels.indexOf(panel), 1);
        panel.destroy();
        wrap.remove();
        sync();
      },
    });
    const p = panel;
    wrap.append(
      h(
        'div.panel-tools',
        h('button.btn.btn-small.history-btn', { type: 'button', onclick: () => openHistory(p) }, 'History'),
        h(
          'button.btn.btn-small.metrics-explorer-btn',
          { type: 'button', onclick: () => openExplorer(p) },
          'Metrics explorer',
        ),
      ),
      panel.el,
    );
    panels.push(panel);
    list.append(wrap);
  };
  for (const s of panelsFromURL(new URLSearchParams(location.search))) add(s);
  sync();
  replace(
    root,
    list,
    h(
      'button.btn.add-panel',
      {
        type: 'button',
        onclick: () => {
          add({ ...DEFAULT_PANEL });
          sync();
        },
      },
      'Add query',
    ),
  );
  return () => {
    for (const p of panels) p.destroy();
  };
}

/** A modal with a filter over `items`; picking one calls `pick`. */
function pickerModal(title: string, items: Promise<string[]>, pick: (item: string) => void, cls: string): void {
  const filter = h('input.modal-filter', { type: 'search', placeholder: 'Filter' }) as HTMLInputElement;
  const body = h('div.modal-list', h('div.loading', 'Loading…'));
  const close = (): void => overlay.remove();
  const overlay = h(
    'div.modal-overlay',
    { onclick: (e: Event) => e.target === overlay && close() },
    h(
      `div.modal.${cls}`,
      h('div.modal-head', h('h3', title), h('button.btn', { type: 'button', onclick: close }, '×')),
      filter,
      body,
    ),
  );
  document.body.append(overlay);
  filter.focus();
  items.then(
    (all) => {
      const draw = (): void => {
        const q = filter.value.toLowerCase();
        const shown = all.filter((i) => i.toLowerCase().includes(q)).slice(0, 1000);
        replace(
          body,
          shown.length === 0 ? h('div.panel-empty', 'Nothing found') : null,
          ...shown.map((i) =>
            h(
              'button.modal-item',
              {
                type: 'button',
                onclick: () => {
                  close();
                  pick(i);
                },
              },
              h('code', i),
            ),
          ),
        );
      };
      filter.addEventListener('input', draw);
      draw();
    },
    (err: unknown) => replace(body, alert('error', (err as Error).message)),
  );
}

function openExplorer(panel: QueryPanel): void {
  pickerModal(
    'Metrics explorer',
    apiGet<string[]>('label/__name__/values'),
    (m) => panel.insert(m),
    'metrics-explorer',
  );
}

function openHistory(panel: QueryPanel): void {
  pickerModal('Query history', Promise.resolve(loadHistory()), (e) => panel.insert(e, true), 'query-history');
}
