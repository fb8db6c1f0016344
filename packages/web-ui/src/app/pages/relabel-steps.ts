// A target's relabeling step by step, as Prometheus 3's service-discovery page shows it: the
// discovered labels, then each rule of the scrape pool with the labels after it (what it added or
// changed highlighted), ending with the target's labels or "Target dropped".
import { apiGet } from '../api.js';
import { h } from '../dom.js';

/** One step of `/api/v1/targets/relabel_steps`. */
interface RelabelStep {
  rule: Record<string, unknown>;
  output: Record<string, string>;
  keep: boolean;
}

/** relabel.Config's fields in the order Prometheus's YAML and JSON write them. */
const RULE_FIELDS = ['action', 'source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement'];

function ruleTable(rule: Record<string, unknown>): HTMLElement {
  const rows = RULE_FIELDS.filter((f) => rule[f] !== undefined).map((f) => {
    const v = rule[f];
    return h('tr', h('th', f), h('td', h('code', Array.isArray(v) ? `[${v.join(', ')}]` : String(v))));
  });
  return h('table.relabel-rule', h('tbody', ...rows));
}

/** Label badges with the labels that differ from `prev` marked (added or changed). */
function labelsChanged(labels: Record<string, string>, prev: Record<string, string>): HTMLElement {
  return h(
    'div.label-badges',
    ...Object.entries(labels).map(([k, v]) =>
      h(prev[k] === v ? 'span.label-badge' : 'span.label-badge.label-badge-changed', `${k}="${v}"`),
    ),
  );
}

/** Loads and renders the relabel steps of a target of `pool` discovered with `labels`. */
export async function renderRelabelSteps(pool: string, labels: Record<string, string>): Promise<HTMLElement> {
  const { steps } = await apiGet<{ steps: RelabelStep[] }>('targets/relabel_steps', {
    scrapePool: pool,
    labels: JSON.stringify(labels),
  });
  const out = h(
    'div.relabel-steps',
    h('div.relabel-step-title', 'Discovered labels'),
    h('div.label-badges', ...Object.entries(labels).map(([k, v]) => h('span.label-badge', `${k}="${v}"`))),
  );
  if (steps.length === 0) out.append(h('div.relabel-none', 'No relabeling rules configured.'));
  let prev = labels;
  steps.forEach((s, i) => {
    const dropped = !s.keep && (i === 0 || steps[i - 1]!.keep);
    if (!s.keep && !dropped) return; // Rules after the drop were not applied.
    out.append(
      h(
        'div.relabel-step',
        { 'data-step': i + 1 },
        h('div.relabel-step-title', `Rule ${i + 1}`),
        ruleTable(s.rule),
        h('div.relabel-arrow', '↓'),
        s.keep ? labelsChanged(s.output, prev) : h('span.badge.health-down.relabel-dropped', 'Target dropped'),
      ),
    );
    prev = s.output;
  });
  const last = steps.at(-1);
  if (last === undefined || last.keep) {
    out.append(h('div.relabel-step-title', 'Target labels'), labelsChanged(last?.output ?? labels, labels));
  }
  return out;
}
