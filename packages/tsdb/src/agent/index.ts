// @tsprom/tsdb/agent: Prometheus's agent storage (tsdb/agent): a WAL without a head or blocks,
// written by appenders and followed by remote write, for `tsprom --agent`. Node only.
export { AgentAppender, type AgentCounters } from './agent-appender.js';
export {
  AgentDB,
  type AgentOptions,
  type AgentRemoteWriteProgress,
  type AgentStats,
  AgentUnsupportedError,
} from './agent-db.js';
