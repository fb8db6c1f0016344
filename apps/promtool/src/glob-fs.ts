// Node's file system for @tsprom/config's glob (rule_files patterns).
import { access, readdir } from 'node:fs/promises';
import type { GlobFS } from '@tsprom/config';

export const nodeGlobFS: GlobFS = {
  exists: async (p) => {
    try {
      await access(p);
      return true;
    } catch {
      // Any failure to reach the path counts as absent, as filepath.Glob's Lstat does.
      return false;
    }
  },
  readdir: (p) => readdir(p),
};
