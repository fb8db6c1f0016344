// Prometheus: util/features (the registry behind /api/v1/features) with what tsprom registers in
// it: the API's optional endpoints, the PromQL features, functions and operators, the service
// discovery mechanisms and the TSDB's optional parts, each enabled or not as this server runs.
// Categories and the names the documentation shows (api.admin, promql.anchored, promql.at_modifier,
// prometheus.agent_mode, tsdb.exemplar_storage…) are Prometheus's; the rest are named after the
// flag or function they stand for (the documentation lists no more of them).
import type { FeatureSet } from '@tsprom/api';
import { Functions } from '@tsprom/promql';
import type { ServerSettings } from './server-options.js';

/** Binary operators, matchers and aggregations of PromQL (Prometheus's promql_operators). */
const OPERATORS = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '>',
  '<',
  '>=',
  '<=',
  'and',
  'or',
  'unless',
  'atan2',
  '=~',
  '!~',
  '@',
  'offset',
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
];
/** Aggregations behind `--enable-feature=promql-experimental-functions`. */
const EXPERIMENTAL_OPERATORS = ['limitk', 'limit_ratio'];

/** The features of a server started with `s`, whose SD registry knows the keys `sdKeys`. */
export function serverFeatures(s: ServerSettings, sdKeys: readonly string[]): FeatureSet {
  const f = s.features;
  const experimental = f.has('promql-experimental-functions');
  const extendedRange = f.has('promql-extended-range-selectors');
  const functions: Record<string, boolean> = {};
  for (const [name, def] of Functions) functions[name] = !def.experimental || experimental;
  const operators: Record<string, boolean> = {};
  for (const op of OPERATORS) operators[op] = true;
  for (const op of EXPERIMENTAL_OPERATORS) operators[op] = experimental;
  const sd: Record<string, boolean> = {};
  for (const k of sdKeys) if (k.endsWith('_sd_configs')) sd[k.slice(0, -'_sd_configs'.length)] = true;
  return {
    api: { admin: s.enableAdmin, lifecycle: s.enableLifecycle },
    prometheus: { agent_mode: s.agentMode, auto_reload_config: false },
    promql: {
      anchored: extendedRange,
      smoothed: extendedRange,
      at_modifier: true,
      negative_offset: true,
      per_step_stats: f.has('promql-per-step-stats'),
      delayed_name_removal: f.has('promql-delayed-name-removal'),
      experimental_functions: experimental,
    },
    promql_functions: functions,
    promql_operators: operators,
    service_discovery: sd,
    tsdb: { exemplar_storage: f.has('exemplar-storage'), xor2_encoding: f.has('xor2-encoding') },
  };
}
