// `#config-fs` under the "node" condition: Node's file system.
import { lstat, readdir, readFile } from 'node:fs/promises';
import type { ConfigFS } from './config-fs.js';

/** Node's file system for loading configuration files. */
export function openConfigFS(): ConfigFS {
  return {
    exists: async (p) => {
      try {
        await lstat(p);
        return true;
      } catch {
        return false;
      }
    },
    readdir: (p) => readdir(p),
    readFile: (p) => readFile(p, 'utf8'),
    cwd: () => process.cwd(),
  };
}
