// Target health (/targets): the active targets of each scrape pool, their state, labels, last
// scrape and error, a scrape pool picker (/api/v1/scrape_pools) and each pool's configuration
// (/api/v1/scrape_pools/config) (Prometheus: web/ui/mantine-ui/src/pages/targets).
import { apiGet } from '../api.js';
import { alert, h, replace, table } from '../dom.js';
import { ago, formatSeconds } from '../format.js';
import { labelBadges } from './label-badges.js';

/** An active target as /api/v1/targets gives it. */
export interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}

export async function renderTargetsPage(root: HTMLElement): Promise<void> {
  const [data, { scrapePools }] = await Promise.all([
    apiGet<{ activeTargets: ActiveTarget[] }>('targets', { state: 'active' }),
    apiGet<{ scrapePools: string[] }>('scrape_pools'),
  ]);
  const poolSelect = h(
    'select.pool-select',
    h('option', { value: '' }, 'All scrape pools'),
    ...scrapePools.map((name) => h('option', { value: name }, name)),
  ) as HTMLSelectElement;
  const pools = new Map<string, ActiveTarget[]>();
  for (const t of data.activeTargets) pools.set(t.scrapePool, [...(pools.get(t.scrapePool) ?? []), t]);
  const filter = h('input.page-filter', {
    type: 'search',
    placeholder: 'Filter by endpoint or labels',
  }) as HTMLInputElement;
  const unhealthy = h('input', { type: 'checkbox' }) as HTMLInputElement;
  const list = h('div.pools');
  const draw = (): void => {
    const q = filter.value.toLowerCase();
    const sections = [...pools]
      .filter(([pool]) => poolSelect.value === '' || pool === poolSelect.value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([pool, targets]) => {
        const up = targets.filter((t) => t.health === 'up').length;
        const shown = targets.filter(
          (t) =>
            (!unhealthy.checked || t.health !== 'up') &&
            (q === '' || `${t.scrapeUrl} ${JSON.stringify(t.labels)}`.toLowerCase().includes(q)),
        );
        return h(
          'section.pool',
          { 'data-pool': pool },
          h(
            'h3',
            pool,
            h(`span.badge.${up === targets.length ? 'badge-up' : 'badge-down'}`, `${up} / ${targets.length} up`),
            poolConfigButton(pool),
          ),
          table(
            ['Endpoint', 'Labels', 'Last scrape', 'State'],
            shown.map((t) => [
              h('a', { href: t.globalUrl || t.scrapeUrl }, t.scrapeUrl),
              labelBadges(t.labels),
              h('span', ago(t.lastScrape), h('br'), formatSeconds(t.lastScrapeDuration)),
              [
                h(`span.badge.health-${t.health}`, t.health.toUpperCase()),
                t.lastError === '' ? null : h('div.target-error', t.lastError),
              ],
            ]),
            'targets-table',
          ),
        );
      });
    replace(list, sections.length === 0 ? h('div.panel-empty', 'No targets') : null, ...sections);
  };
  filter.addEventListener('input', draw);
  unhealthy.addEventListener('change', draw);
  poolSelect.addEventListener('change', draw);
  draw();
  replace(
    root,
    h('h2', 'Target health'),
    h('div.page-tools', poolSelect, filter, h('label', unhealthy, ' Unhealthy only')),
    list,
  );
}

/** "Show configuration": the pool's scrape config (secrets redacted) below its heading. */
function poolConfigButton(pool: string): HTMLElement {
  const button = h('button.pool-config-btn', { type: 'button' }, 'Show configuration');
  let open: HTMLElement | undefined;
  button.addEventListener('click', () => {
    if (open !== undefined) {
      open.remove();
      open = undefined;
      button.textContent = 'Show configuration';
      return;
    }
    const box = h('pre.pool-config', 'Loading…');
    open = box;
    button.closest('h3')?.after(box);
    button.textContent = 'Hide configuration';
    apiGet<{ yaml: string }>('scrape_pools/config', { scrapePool: pool }).then(
      (d) => replace(box, d.yaml),
      (err: unknown) => replace(box, alert('error', `Error fetching the configuration: ${(err as Error).message}`)),
    );
  });
  return button;
}
