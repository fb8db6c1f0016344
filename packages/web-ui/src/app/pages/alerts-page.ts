// Alerts (/alerts): the alerting rules by group, each with its state and counts of inactive,
// pending and firing rules; under each rule its definition and its alerts (labels, state, active
// since, value, annotations); a state filter and a text filter (Prometheus:
// web/ui/mantine-ui/src/pages/AlertsPage.tsx).
import { apiGet } from '../api.js';
import { alert, h, replace, table } from '../dom.js';
import { ago, formatDuration } from '../format.js';
import { labelBadges } from './label-badges.js';
import type { APIRule, RuleGroup } from './rule-types.js';

type State = 'inactive' | 'pending' | 'firing';
const STATES: State[] = ['inactive', 'pending', 'firing'];

function ruleState(r: APIRule): State {
  return r.state ?? 'inactive';
}

function ruleDefinition(r: APIRule): HTMLElement {
  const lines = [`alert: ${r.name}`, `expr: ${r.query}`];
  if ((r.duration ?? 0) > 0) lines.push(`for: ${formatDuration((r.duration ?? 0) * 1000)}`);
  if ((r.keepFiringFor ?? 0) > 0) lines.push(`keep_firing_for: ${formatDuration((r.keepFiringFor ?? 0) * 1000)}`);
  const block = (name: string, m: Record<string, string> | undefined) => {
    const entries = Object.entries(m ?? {});
    if (entries.length === 0) return;
    lines.push(`${name}:`, ...entries.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`));
  };
  block('labels', r.labels);
  block('annotations', r.annotations);
  return h('pre.rule-definition', lines.join('\n'));
}

function alertsTable(r: APIRule): HTMLElement {
  const alerts = r.alerts ?? [];
  if (alerts.length === 0) return h('div.panel-empty', 'No active alerts');
  return table(
    ['Alert labels', 'State', 'Active since', 'Value'],
    alerts.flatMap((a) => {
      const row = [
        labelBadges(a.labels),
        h(`span.badge.state-${a.state}`, a.state.toUpperCase()),
        a.activeAt === undefined ? '' : h('span', { title: a.activeAt }, ago(a.activeAt)),
        a.value,
      ];
      const annotations = Object.entries(a.annotations);
      if (annotations.length === 0) return [row];
      return [row, [h('dl.alert-annotations', ...annotations.flatMap(([k, v]) => [h('dt', k), h('dd', v)]))]];
    }),
    'alerts-table',
  );
}

function ruleSection(r: APIRule): HTMLElement {
  const state = ruleState(r);
  const n = r.alerts?.length ?? 0;
  const details = h(
    'details.alert-rule',
    { 'data-state': state, 'data-rule': r.name },
    h(
      'summary',
      h('span.rule-name', r.name),
      h(`span.badge.state-${state}`, state.toUpperCase()),
      n === 0 ? null : h('span.badge', `${n} ${n === 1 ? 'alert' : 'alerts'}`),
    ),
    ruleDefinition(r),
    alertsTable(r),
  );
  if (state !== 'inactive') (details as HTMLDetailsElement).open = true;
  return details;
}

export async function renderAlertsPage(root: HTMLElement): Promise<void> {
  const { groups } = await apiGet<{ groups: RuleGroup[] }>('rules', { type: 'alert' });
  if (groups.length === 0) {
    replace(
      root,
      h('h2', 'Alerts'),
      alert(
        'info',
        'No alerting rules configured. Alerting rules are loaded from the rule_files of the configuration.',
      ),
    );
    return;
  }
  const shown = new Set<State>(STATES);
  const boxes = STATES.map((s) => {
    const box = h('input', { type: 'checkbox', 'data-state-filter': s }) as HTMLInputElement;
    box.checked = true;
    box.addEventListener('change', () => {
      if (box.checked) shown.add(s);
      else shown.delete(s);
      draw();
    });
    const count = groups.flatMap((g) => g.rules).filter((r) => ruleState(r) === s).length;
    return h('label', box, ` ${s[0]!.toUpperCase()}${s.slice(1)} (${count})`);
  });
  const filter = h('input.page-filter', {
    type: 'search',
    placeholder: 'Filter by alert name or labels',
  }) as HTMLInputElement;
  filter.addEventListener('input', () => draw());
  const list = h('div.alert-groups');
  const draw = (): void => {
    const q = filter.value.toLowerCase();
    const sections = groups.flatMap((g) => {
      const rules = g.rules.filter(
        (r) =>
          shown.has(ruleState(r)) &&
          (q === '' ||
            `${r.name} ${JSON.stringify(r.labels ?? {})} ${JSON.stringify(r.alerts ?? [])}`.toLowerCase().includes(q)),
      );
      if (rules.length === 0) return [];
      const counts = STATES.map((s) => [s, g.rules.filter((r) => ruleState(r) === s).length] as const).filter(
        ([, c]) => c > 0,
      );
      return [
        h(
          'section.pool.alert-group',
          { 'data-group': g.name },
          h(
            'h3',
            g.name,
            h('span.muted', g.file),
            ...counts.map(([s, c]) => h(`span.badge.state-${s}`, { 'data-count': s }, `${s} (${c})`)),
          ),
          ...rules.map(ruleSection),
        ),
      ];
    });
    replace(list, sections.length === 0 ? h('div.panel-empty', 'No rules match the filter') : null, ...sections);
  };
  draw();
  replace(root, h('h2', 'Alerts'), h('div.page-tools', ...boxes, filter), list);
}
