// @tsprom/discovery: Prometheus's service discovery core (discovery/, discovery/targetgroup):
// target groups, the Discoverer contract, the registry of SD mechanisms, the discovery manager,
// the built-in mechanisms (static, file, http, dns, consul) and what third-party SD packages export.
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
export {
  DNSMxRecordTargetLabel,
  DNSNameLabel,
  DNSNsRecordTargetLabel,
  DNSSrvRecordPortLabel,
  DNSSrvRecordTargetLabel,
  type DNSRecordType,
  DNSSDConfig,
  DNSSDConfigError,
  type DNSSDOptions,
  dnsSD,
  newDNSSD,
} from './dns-sd-config.js';
export {
  HTTPDiscoverer,
  HTTPSDConfig,
  HTTPSDConfigError,
  httpSD,
  URLLabel,
  urlSource,
} from './http-sd.js';
export { type RefreshOptions, runRefresh } from './refresh.js';
export { sliceUsedUp, yieldToEventLoop } from './event-loop-slices.js';
export { type DiscoveryCounter, DiscoveryMetrics, type RefreshStats } from './discovery-metrics.js';
export {
  isSDPackageName,
  registerSDPackage,
  SDPackageError,
  SDPackageLoadError,
  type SDPackageModule,
  SDPackageNotFoundError,
  sdPackageNameForKey,
  unknownSDKeys,
} from './sd-package.js';
export { ConsulSDConfig, ConsulSDConfigError, consulSD } from './consul-sd-config.js';
export { aggregatedStatus, ConsulDiscoverer, ConsulLabels, type ConsulSDFields } from './consul-discovery.js';
export {
  type KubernetesRole,
  KubernetesSDConfig,
  KubernetesSDConfigError,
  type KubernetesSDFields,
  type KubernetesSelector,
  kubernetesSD,
} from './kubernetes-sd-config.js';
export { DockerSDConfig, dockerSD } from './docker-sd-config.js';
export {
  type DockerFilter,
  type DockerHost,
  DockerSDConfigError,
  type DockerSDFields,
  parseDockerHost,
} from './docker-sd-fields.js';
export {
  type DockerContainer,
  DockerDiscoverer,
  type DockerEndpoint,
  DockerLabels,
  type DockerNetwork,
  type DockerTargetOptions,
  dockerTargets,
} from './docker-discovery.js';
