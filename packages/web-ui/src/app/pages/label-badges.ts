// Labels shown as Prometheus's UI shows them on its status pages: one badge per `name="value"`.
import { h } from '../dom.js';

export function labelBadges(labels: Record<string, string>): HTMLElement {
  return h('div.label-badges', ...Object.entries(labels).map(([k, v]) => h('span.label-badge', `${k}="${v}"`)));
}
