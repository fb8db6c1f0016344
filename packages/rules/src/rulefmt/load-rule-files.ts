// Reading rule files from disk: each file parsed as rulefmt.ParseFile does, all problems of all
// files reported together.
import { openRulesFS } from '#rules-fs';
import type { RulesFS } from '../rules-fs.js';
import { RuleFileError, RuleFileErrors } from './errors.js';
import { type ParseRulesOptions, parseRules, type RuleGroups } from './rulefmt.js';

/** Options of {@link loadRuleFiles}. */
export interface LoadRuleFilesOptions extends ParseRulesOptions {
  /** Where files are read from (default: Node's file system). */
  fs?: RulesFS;
}

/**
 * Reads and parses `paths` in order. Returns each file's groups; throws {@link RuleFileErrors}
 * with every problem of every file (a file that cannot be read is `<path>: <error>`).
 */
// Prometheus: model/rulefmt/rulefmt.go ParseFile; rules/manager.go FileLoader.Load
export async function loadRuleFiles(
  paths: readonly string[],
  opts: LoadRuleFilesOptions = {},
): Promise<Map<string, RuleGroups>> {
  const fs = opts.fs ?? openRulesFS();
  const out = new Map<string, RuleGroups>();
  const errors: RuleFileError[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await fs.readFile(path);
    } catch (err) {
      // Recorded with the parse errors: the caller sees every broken file at once.
      errors.push(new RuleFileError((err as Error).message, 0, { cause: err }).inFile(path));
      continue;
    }
    const res = parseRules(text, opts);
    for (const e of res.errors) errors.push(e.inFile(path));
    if (res.groups !== undefined) out.set(path, res.groups);
  }
  if (errors.length > 0) throw new RuleFileErrors(errors);
  return out;
}
