// @tsprom/rules: Prometheus's recording and alerting rules (model/rulefmt, rules/). Rule files
// are read through `#rules-fs` (Node's file system under the `node` condition only).

// Rule files
export { RuleFileError, RuleFileErrors, RuleFileSyntaxError, RuleValidationError } from './rulefmt/errors.js';
export { type LoadRuleFilesOptions, loadRuleFiles } from './rulefmt/load-rule-files.js';
export {
  type ParseRulesOptions,
  parseRuleFile,
  parseRules,
  type RuleGroup,
  type RuleGroups,
  type RuleNode,
  type RuleProblem,
  validateRule,
  validateRuleGroups,
} from './rulefmt/rulefmt.js';
export type { NodePos } from './rulefmt/yaml-tree.js';
export type { RulesFS } from './rules-fs.js';

// Rules and groups
export { type Alert, AlertState, alertNeedsSending, annotationsOf } from './alert.js';
export {
  ALERTS_FOR_STATE_METRIC,
  ALERTS_METRIC,
  AlertingRule,
  type AlertingRuleOptions,
  type NotifyFunc,
  RESOLVED_RETENTION_MS,
  type TemplateErrorHandler,
} from './alerting-rule.js';
export { Group, type GroupOptions, groupKey } from './group.js';
export type { GroupContext, RulesLogger } from './group-context.js';
export { restoreForState } from './group-restore.js';
export { Manager, type ManagerOptions, RuleLoadError } from './manager.js';
export { engineQueryFunc, type QueryFunc, RuleResultTypeError } from './query-func.js';
export { DuplicateLabelsetError, RecordingRule, RuleLimitError } from './recording-rule.js';
export { type Rule, type RuleEvalContext, RuleHealth } from './rule.js';
export { GroupCounters, type RuleMetricFamily, RuleMetrics } from './rule-metrics.js';
export { type Scheduler, systemScheduler } from './scheduler.js';
export { SlidingSummary } from './sliding-summary.js';
