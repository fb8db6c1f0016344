// @tsprom/relabel: Prometheus's model/relabel, shared by scraping, alerting and remote write.
export {
  DefaultRegexp,
  DefaultRelabelConfig,
  loadRelabelConfig,
  loadRelabelConfigs,
  type RelabelAction,
  type RelabelConfig,
  RelabelConfigError,
  type RelabelConfigYaml,
  validateRelabelConfig,
} from './relabel-config.js';
export { hashMod, processBuilder, relabel } from './relabel.js';
export { type RelabelStep, relabelSteps } from './relabel-steps.js';
export { expandTemplate } from './expand.js';
export { goToLower, goToUpper } from './go-case.js';
export { Regexp } from './regexp.js';
