// `#rules-fs` where there is no file system (browsers, workers): parsing text still works.
import type { RulesFS } from './rules-fs.js';

/** Fails clearly: rule files need a file system. */
export function openRulesFS(): RulesFS {
  throw new Error('loading rule files needs a file system: use parseRuleFile(text, name) here');
}
