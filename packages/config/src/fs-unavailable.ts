// `#config-fs` where there is no file system (browsers, workers): loading text still works.
import type { ConfigFS } from './config-fs.js';

/** Fails clearly: configuration files need a file system. */
export function openConfigFS(): ConfigFS {
  throw new Error('loading configuration files needs a file system: use loadConfig(text) here');
}
