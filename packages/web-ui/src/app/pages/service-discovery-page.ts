// Service discovery (/service-discovery): per scrape pool, each discovered target's labels before
// relabeling and what relabeling made of them (or "Dropped"); "Show relabeling" expands a row
// with the pool's rules applied one by one.
import { apiGet } from '../api.js';
import { alert, h, replace, table } from '../dom.js';
import { labelBadges } from './label-badges.js';
import { renderRelabelSteps } from './relabel-steps.js';
import type { ActiveTarget } from './targets-page.js';

interface DroppedTarget {
  discoveredLabels: Record<string, string>;
  scrapePool?: string;
}

export async function renderServiceDiscoveryPage(root: HTMLElement): Promise<void> {
  const data = await apiGet<{ activeTargets: ActiveTarget[]; droppedTargets: DroppedTarget[] }>('targets', {
    state: 'any',
  });
  const pools = new Map<string, { before: Record<string, string>; after: Record<string, string> | null }[]>();
  const add = (pool: string, e: { before: Record<string, string>; after: Record<string, string> | null }): void => {
    pools.set(pool, [...(pools.get(pool) ?? []), e]);
  };
  for (const t of data.activeTargets) add(t.scrapePool, { before: t.discoveredLabels, after: t.labels });
  for (const t of data.droppedTargets) {
    add(t.scrapePool ?? t.discoveredLabels.job ?? '', { before: t.discoveredLabels, after: null });
  }
  const sections = [...pools]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([pool, list]) => {
      const active = list.filter((e) => e.after !== null).length;
      return h(
        'section.pool',
        { 'data-pool': pool },
        h('h3', pool, h('span.badge', `${active} / ${list.length} active targets`)),
        relabelToggles(
          pool,
          list,
          table(
            ['Discovered labels', 'Target labels'],
            list.map((e) => [
              labelBadges(e.before),
              [
                e.after === null ? h('span.badge.health-down', 'Dropped') : labelBadges(e.after),
                h('button.relabel-toggle', { type: 'button' }, 'Show relabeling'),
              ],
            ]),
            'sd-table',
          ),
        ),
      );
    });
  replace(
    root,
    h('h2', 'Service discovery'),
    sections.length === 0 ? h('div.panel-empty', 'No scrape pools') : null,
    ...sections,
  );
}

/** Wires each row's "Show relabeling" button: a row below it with the target's relabel steps. */
function relabelToggles(pool: string, list: { before: Record<string, string> }[], t: HTMLElement): HTMLElement {
  const rows = [...t.querySelectorAll<HTMLTableRowElement>('tbody > tr')];
  rows.forEach((row, i) => {
    const button = row.querySelector<HTMLButtonElement>('button.relabel-toggle')!;
    let open: HTMLElement | undefined;
    button.addEventListener('click', () => {
      if (open !== undefined) {
        open.remove();
        open = undefined;
        button.textContent = 'Show relabeling';
        return;
      }
      const cell = h('td', { colspan: 2 }, h('div.loading', 'Loading…'));
      open = h('tr.relabel-steps-row', cell);
      row.after(open);
      button.textContent = 'Hide relabeling';
      renderRelabelSteps(pool, list[i]!.before).then(
        (steps) => replace(cell, steps),
        (err: unknown) => replace(cell, alert('error', `Error fetching relabel steps: ${(err as Error).message}`)),
      );
    });
  });
  return t;
}
