// The UI's entry: the header with Prometheus 3's navigation and a client-side router over its
// pages. Paths are under the server's path prefix; /graph (Prometheus 2's) shows the Query page.
// In agent mode (the server says so in index.html) the header reads "Prometheus Agent" and only
// the agent's pages exist, as in Prometheus's UI.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { pathPrefix } from './api.js';
import { alert, h, replace } from './dom.js';
import { notificationsMenu } from './notifications-menu.js';
import { renderAlertsPage } from './pages/alerts-page.js';
import { renderRulesPage } from './pages/rules-page.js';
import { renderAlertmanagersPage, renderConfigPage, renderFlagsPage, renderStatusPage } from './pages/simple-pages.js';
import { renderServiceDiscoveryPage } from './pages/service-discovery-page.js';
import { renderTargetsPage } from './pages/targets-page.js';
import { renderTSDBStatusPage } from './pages/tsdb-status-page.js';
import { renderQueryPage } from './query-page.js';

type Page = (root: HTMLElement) => Promise<void> | (() => void);

const agentMode = document.body.dataset.agentMode === 'true';

/** Prometheus's agent page: what this instance does instead of querying. */
function renderAgentPage(root: HTMLElement): () => void {
  replace(
    root,
    h('h2', 'Prometheus Agent'),
    h(
      'p',
      'This Prometheus instance is running in agent mode. In this mode, Prometheus is only used to scrape discovered targets and forward the scraped metrics to remote write endpoints.',
    ),
  );
  return () => {};
}

const ALL_STATUS_PAGES: [string, string, Page, boolean][] = [
  ['/targets', 'Target health', renderTargetsPage, true],
  ['/rules', 'Rule health', renderRulesPage, false],
  ['/service-discovery', 'Service discovery', renderServiceDiscoveryPage, true],
  ['/status', 'Runtime & build information', renderStatusPage, true],
  ['/tsdb-status', 'TSDB status', renderTSDBStatusPage, false],
  ['/flags', 'Command-line flags', renderFlagsPage, true],
  ['/config', 'Configuration', renderConfigPage, true],
  ['/alertmanager-discovery', 'Alertmanager discovery', renderAlertmanagersPage, false],
];
// The pages an agent has: no rules, TSDB or Alertmanager pages.
const STATUS_PAGES = ALL_STATUS_PAGES.filter(([, , , inAgent]) => !agentMode || inAgent);

const PAGES = new Map<string, Page>([
  ...(agentMode
    ? ([['/agent', renderAgentPage]] as [string, Page][])
    : ([
        ['/query', renderQueryPage],
        ['/graph', renderQueryPage],
        ['/alerts', renderAlertsPage],
      ] as [string, Page][])),
  ...STATUS_PAGES.map(([p, , f]): [string, Page] => [p, f]),
]);
const home = agentMode ? '/agent' : '/query';

const main = h('main.page');
let free: () => void = () => {};

function link(path: string, label: string, cls = ''): HTMLElement {
  return h(`a.nav-link${cls}`, { href: `${pathPrefix}${path}`, 'data-path': path }, label);
}

function route(): void {
  free();
  free = () => {};
  const path = location.pathname.slice(pathPrefix.length) || home;
  for (const a of document.querySelectorAll<HTMLElement>('[data-path]')) {
    a.classList.toggle('active', a.dataset.path === path || (path === '/graph' && a.dataset.path === '/query'));
  }
  statusMenu.querySelector('button')?.classList.toggle(
    'active',
    STATUS_PAGES.some(([p]) => p === path),
  );
  const page = PAGES.get(path);
  if (page === undefined) {
    replace(main, alert('error', `No page at ${path}`));
    return;
  }
  replace(main, h('div.loading', 'Loading…'));
  const r = page(main);
  if (typeof r === 'function') free = r;
  else r.catch((err: unknown) => replace(main, alert('error', `Error fetching data: ${(err as Error).message}`)));
}

const statusMenu = h(
  'div.dropdown',
  h('button.nav-link.dropdown-toggle', { type: 'button' }, 'Status ▾'),
  h('div.dropdown-menu', ...STATUS_PAGES.map(([p, label]) => link(p, label, '.dropdown-item'))),
);

const header = h(
  'header.app-header',
  h('a.brand', { href: `${pathPrefix}${home}` }, agentMode ? 'Prometheus Agent' : 'Prometheus'),
  agentMode
    ? h('nav', link('/agent', 'Agent'), statusMenu)
    : h('nav', link('/query', 'Query'), link('/alerts', 'Alerts'), statusMenu),
  h('div.header-right', notificationsMenu()),
);

document.getElementById('root')?.replaceChildren(header, main);
document.addEventListener('click', (e) => {
  const a = (e.target as HTMLElement).closest('a[data-path], a.brand');
  if (a === null || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  history.pushState(null, '', (a as HTMLAnchorElement).href);
  statusMenu.classList.remove('open');
  route();
});
statusMenu.querySelector('button')?.addEventListener('click', () => statusMenu.classList.toggle('open'));
window.addEventListener('popstate', route);
route();
