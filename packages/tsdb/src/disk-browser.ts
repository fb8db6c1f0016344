// `#disk` under the "default" condition (browsers, workers, any runtime that is not Node): no file
// system, so only the in-memory DB exists (see disk.ts).
import { type Disk, FileSystemUnavailableError } from './disk.js';

/** Throws FileSystemUnavailableError: a DB in `dir` needs Node's file system. */
export function openDisk(dir: string): Disk {
  throw new FileSystemUnavailableError(dir);
}
