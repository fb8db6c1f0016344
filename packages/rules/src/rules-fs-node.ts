// `#rules-fs` under the "node" condition: Node's file system.
import { readFile } from 'node:fs/promises';
import type { RulesFS } from './rules-fs.js';

/** Node's file system for loading rule files. */
export function openRulesFS(): RulesFS {
  return { readFile: (p) => readFile(p, 'utf8') };
}
