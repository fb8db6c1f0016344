// kingpin's ExistingFiles arguments: every path must be an existing file, checked before the
// command runs.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from './command.js';

/** Throws kingpin's UsageError for the first path that is missing or a directory. */
export async function checkExistingFiles(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch {
      throw new UsageError(`path '${p}' does not exist`);
    }
    // kingpin names the directory by its base name.
    if (isDir) throw new UsageError(`'${basename(p)}' is a directory`);
  }
}
