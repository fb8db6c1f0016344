// Rule health (/rules): the rule groups with their file, interval and last evaluation; each rule
// with its definition, health, last evaluation, evaluation time and error (Prometheus:
// web/ui/mantine-ui/src/pages/RulesPage.tsx).
import { apiGet } from '../api.js';
import { alert, h, replace, table } from '../dom.js';
import { ago, formatDuration, formatSeconds } from '../format.js';
import type { APIRule, RuleGroup } from './rule-types.js';

function definition(r: APIRule): string {
  const lines =
    r.type === 'alerting' ? [`alert: ${r.name}`, `expr: ${r.query}`] : [`record: ${r.name}`, `expr: ${r.query}`];
  if ((r.duration ?? 0) > 0) lines.push(`for: ${formatDuration((r.duration ?? 0) * 1000)}`);
  if ((r.keepFiringFor ?? 0) > 0) lines.push(`keep_firing_for: ${formatDuration((r.keepFiringFor ?? 0) * 1000)}`);
  for (const [name, m] of [
    ['labels', r.labels],
    ['annotations', r.annotations],
  ] as const) {
    const entries = Object.entries(m ?? {});
    if (entries.length > 0) lines.push(`${name}:`, ...entries.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`));
  }
  return lines.join('\n');
}

const HEALTH_CLASS = { ok: 'health-up', err: 'health-down', unknown: 'health-unknown' } as const;

export async function renderRulesPage(root: HTMLElement): Promise<void> {
  const { groups } = await apiGet<{ groups: RuleGroup[] }>('rules');
  if (groups.length === 0) {
    replace(root, h('h2', 'Rule health'), alert('info', 'No rules configured.'));
    return;
  }
  const sections = groups.map((g) =>
    h(
      'section.pool.rule-group',
      { 'data-group': g.name },
      h(
        'h3',
        g.name,
        h('span.muted', g.file),
        h('span.badge', `every ${formatDuration(g.interval * 1000)}`),
        g.limit > 0 ? h('span.badge', `limit ${g.limit}`) : null,
        h('span.muted', `last run ${ago(g.lastEvaluation)}, took ${formatSeconds(g.evaluationTime)}`),
      ),
      table(
        ['Rule', 'Health', 'Last evaluation', 'Evaluation time'],
        g.rules.map((r) => [
          [h('pre.rule-definition', definition(r)), r.lastError ? h('div.rule-error', `Error: ${r.lastError}`) : null],
          h(`span.badge.${HEALTH_CLASS[r.health]}`, r.health.toUpperCase()),
          h('span', { title: r.lastEvaluation }, ago(r.lastEvaluation)),
          formatSeconds(r.evaluationTime),
        ]),
        'rules-table',
      ),
    ),
  );
  replace(root, h('h2', 'Rule health'), ...sections);
}
