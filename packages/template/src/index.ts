// @tsprom/template: Prometheus's template language (Go text/template with Prometheus's functions).
export {
  type AlertTemplateData,
  alertTemplateData,
  Expander,
  type ExpanderOptions,
  parseTemplate,
} from './expander.js';
export { TemplateError, TemplateExecError, TemplateParseError } from './errors.js';
export type { GoMethod, GoNamed } from './go-values.js';
export type { TemplateQueryFunc, TemplateSample } from './prom-funcs.js';
