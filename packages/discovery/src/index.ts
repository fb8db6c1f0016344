// @tsprom/discovery: Prometheus's service discovery core (discovery/, discovery/targetgroup):
// target groups, the Discoverer contract, the registry of SD mechanisms, the discovery manager,
// and the static and file mechanisms.
export {
  labelSet,
  type LabelSet,
  parseLabelSet,
  parseTargetGroup,
  type TargetGroup,
  TargetGroupError,
} from './target-group.js';
export {
  consoleLogger,
  type Discoverer,
  type DiscovererOptions,
  type DiscoveryLogger,
  type SDConfig,
  sdConfigKey,
  type SDMechanism,
  type SDParseContext,
} from './discoverer.js';
export { defaultSDRegistry, newSDRegistry, registerSD, SDRegistrationError, SDRegistry } from './registry.js';
export {
  Manager,
  type ManagerOptions,
  type ManagerStats,
  type SDConfigEntry,
  type TargetSets,
  type TargetSetsListener,
} from './manager.js';
export { StaticConfig, StaticDiscoverer, staticSD } from './static-discovery.js';
export { FileSDConfig, FileSDConfigError, fileSD } from './file-sd-config.js';
