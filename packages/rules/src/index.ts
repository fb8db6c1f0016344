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
