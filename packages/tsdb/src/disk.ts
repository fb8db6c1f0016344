// The seam between DB and the file system. `DB.open(dir)` loads `#disk` (package.json `imports`):
// under the "node" condition disk-node.ts (node:fs, the WAL, chunks_head/), under any other
// (a browser bundle) disk-browser.ts, which has no file system and says so. The in-memory DB
// never loads it, so a browser bundle of @tsprom/tsdb needs no bundler flag.
import type { ChunkDiskMapper } from './chunks/chunk-disk-mapper.js';
import type { DBBlocks } from './db-blocks.js';
import type { replayWAL, replayWBL } from './head-replay.js';
import type { HeadWAL } from './head-wal.js';
import type { checkpoint, deleteCheckpoints } from './wlog/checkpoint.js';
import type { WL } from './wlog/wl.js';

/**
 * What DB needs from the file system: path joining, directories, the logs, chunks_head/ and the
 * persistent blocks.
 */
export interface Disk {
  join(...parts: string[]): string;
  mkdir(dir: string, opts: { recursive: true }): Promise<unknown>;
  readdir(dir: string): Promise<string[]>;
  replayWAL: typeof replayWAL;
  replayWBL: typeof replayWBL;
  HeadWAL: typeof HeadWAL;
  WL: typeof WL;
  ChunkDiskMapper: typeof ChunkDiskMapper;
  checkpoint: typeof checkpoint;
  deleteCheckpoints: typeof deleteCheckpoints;
  DBBlocks: typeof DBBlocks;
  /** Total size in bytes of the files under `dirs` (missing ones count 0). */
  dirBytes(dirs: readonly string[]): Promise<number>;
}

/**
 * `DB.open(dir)` was called where @tsprom/tsdb resolved without Node's file system (its `#disk`
 * import resolved under the "default" condition, as in a browser bundle). `DB.open()` without a
 * directory gives an in-memory DB, which works there.
 */
export class FileSystemUnavailableError extends Error {
  override readonly name = 'FileSystemUnavailableError';
  /** The directory that was asked for. */
  readonly dir: string;

  constructor(dir: string) {
    super(
      `tsdb: DB.open(${JSON.stringify(dir)}) needs a file system, and this runtime has none ` +
        '(@tsprom/tsdb was resolved without the "node" export condition); ' +
        'call DB.open() without a directory for an in-memory DB',
    );
    this.dir = dir;
  }
}
