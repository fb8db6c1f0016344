// @tsprom/test-support: what the interop tests of every package share. Private; tests only.
export {
  EXPORTER_TOOLKIT_PORT,
  freePort,
  PEERS,
  type PrometheusOptions,
  type RunResult,
  requirePeer,
  runPromtool,
  type ServerPeer,
  type StartServerOptions,
  startAlertmanager,
  startNodeExporter,
  startPrometheus,
  startServer,
  startVictoriaMetrics,
  type VictoriaMetricsOptions,
} from './peers.js';
export { encodeHistogramWriteRequest, type HistogramSeries, snappyLiterals } from './remote-write-histograms.js';
export {
  installPackedWorkspacePackages,
  type PackedInstall,
  type PackedInstallOptions,
  WORKSPACE_ROOT,
  workspaceClosure,
  workspacePackages,
} from './packed-install.js';
export { haveOpenssl, makeTestCerts, type TestCerts } from './test-certs.js';
