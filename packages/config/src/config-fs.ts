// The file-system calls loading a configuration file needs. `#config-fs` resolves to fs-node.ts
// under Node and to fs-unavailable.ts elsewhere (package.json `imports`), so that a bundle for a
// browser never reaches a Node built-in.
import type { GlobFS } from './glob.js';

/** Reading files and directories, and the current directory (for absolute paths in messages). */
export interface ConfigFS extends GlobFS {
  readFile(path: string): Promise<string>;
  cwd(): string;
}
