// Every subcommand, in the order `--help` lists them. A command lives in src/commands/<name>.ts.
import type { Command } from './command.js';
import { checkConfigCommand } from './commands/check-config.js';
import { checkMetrics } from './commands/check-metrics.js';
import { checkRules } from './commands/check-rules.js';
import { checkWebConfig } from './commands/check-web-config.js';
import { promqlConformance } from './commands/promql-conformance.js';
import { promqlTest } from './commands/promql-test.js';
import { queryInstant, queryLabels, queryRange, querySeries } from './commands/query.js';
import { testRules } from './commands/test-rules.js';
import { tsdbAnalyze } from './commands/tsdb-analyze.js';
import { tsdbCreateBlocksFromOpenMetrics } from './commands/tsdb-create-blocks.js';
import { tsdbDump } from './commands/tsdb-dump.js';
import { tsdbList } from './commands/tsdb-list.js';

export const commands: readonly Command[] = [
  checkConfigCommand,
  checkWebConfig,
  checkRules,
  checkMetrics,
  queryInstant,
  queryRange,
  querySeries,
  queryLabels,
  promqlTest,
  promqlConformance,
  testRules,
  tsdbAnalyze,
  tsdbList,
  tsdbDump,
  tsdbCreateBlocksFromOpenMetrics,
];
