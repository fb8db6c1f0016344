// Checks that an alerting rule's label and annotation templates parse, as rulefmt does.
// Prometheus: model/rulefmt/rulefmt.go testTemplateParsing
import { parseTemplate, TemplateError } from '@tsprom/template';
import { goQuote } from './errors.js';

/**
 * The variables Prometheus defines before every alert template (`$labels`, `$externalLabels`,
 * `$externalURL`, `$value`), all on the template's first line.
 */
export const ALERT_TEMPLATE_DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** Each label and annotation template of alert `alert` that does not parse: `label "x": template: …`. */
export function checkRuleTemplates(
  alert: string,
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
): { reason: string; cause: unknown }[] {
  const out: { reason: string; cause: unknown }[] = [];
  const check = (kind: string, k: string, text: string) => {
    try {
      parseTemplate(ALERT_TEMPLATE_DEFS + text, `__alert_${alert}`);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      out.push({ reason: `${kind} ${goQuote(k)}: ${err.message}`, cause: err });
    }
  };
  for (const [k, v] of Object.entries(labels)) check('label', k, v);
  for (const [k, v] of Object.entries(annotations)) check('annotation', k, v);
  return out;
}
