// The pages that show one API answer: runtime and build info, command-line flags, configuration and Alertmanager discovery (Prometheus: web/ui/mantine-ui/src/pages).
import { apiGet } from '../api.js';
import { h, replace, table } from '../dom.js';

function keyValueTable(obj: Record<string, unknown>, cls: string): HTMLElement {
  return table(
    ['Name', 'Value'],
    Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    cls,
  );
}

export async function renderStatusPage(root: HTMLElement): Promise<void> {
  const [build, runtime] = await Promise.all([
    apiGet<Record<string, string>>('status/buildinfo'),
    apiGet<Record<string, unknown>>('status/runtimeinfo'),
  ]);
  replace(
    root,
    h('h2', 'Runtime & build information'),
    h('h3', 'Build information'),
    keyValueTable(build, 'buildinfo-table'),
    h('h3', 'Runtime information'),
    keyValueTable(runtime, 'runtimeinfo-table'),
  );
}

export async function renderFlagsPage(root: HTMLElement): Promise<void> {
  const flags = await apiGet<Record<string, string>>('status/flags');
  const filter = h('input.page-filter', {
    type: 'search',
    placeholder: 'Filter by flag name or value',
  }) as HTMLInputElement;
  const out = h('div');
  const draw = (): void => {
    const q = filter.value.toLowerCase();
    const shown = Object.fromEntries(
      Object.entries(flags)
        .filter(([k, v]) => `${k} ${v}`.toLowerCase().includes(q))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [`--${k}`, v]),
    );
    replace(out, keyValueTable(shown, 'flags-table'));
  };
  filter.addEventListener('input', draw);
  draw();
  replace(root, h('h2', 'Command-line flags'), h('div.page-tools', filter), out);
}

export async function renderConfigPage(root: HTMLElement): Promise<void> {
  const { yaml } = await apiGet<{ yaml: string }>('status/config');
  const copy = h(
    'button.btn',
    { type: 'button', onclick: () => void navigator.clipboard?.writeText(yaml) },
    'Copy to clipboard',
  );
  replace(root, h('h2', 'Configuration'), h('div.page-tools', copy), h('pre.config-yaml', yaml));
}

interface AlertmanagersData {
  activeAlertmanagers: { url: string }[];
  droppedAlertmanagers: { url: string }[];
}

export async function renderAlertmanagersPage(root: HTMLElement): Promise<void> {
  const d = await apiGet<AlertmanagersData>('alertmanagers');
  const list = (title: string, ams: { url: string }[]): HTMLElement[] => [
    h('h3', `${title} (${ams.length})`),
    ams.length === 0
      ? h('div.panel-empty', 'None')
      : table(
          ['Endpoint'],
          ams.map((a) => [a.url]),
        ),
  ];
  replace(
    root,
    h('h2', 'Alertmanager discovery'),
    ...list('Active Alertmanagers', d.activeAlertmanagers),
    ...list('Dropped Alertmanagers', d.droppedAlertmanagers),
  );
}
