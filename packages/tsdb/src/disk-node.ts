// `#disk` under the "node" condition: the file-system side of DB (see disk.ts).
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkDiskMapper } from './chunks/chunk-disk-mapper.js';
import { DBBlocks } from './db-blocks.js';
import type { Disk } from './disk.js';
import { replayWAL, replayWBL } from './head-replay.js';
import { HeadWAL } from './head-wal.js';
import { checkpoint, deleteCheckpoints } from './wlog/checkpoint.js';
import { WL } from './wlog/wl.js';

const disk: Disk = {
  join,
  mkdir,
  readdir,
  replayWAL,
  replayWBL,
  HeadWAL,
  WL,
  ChunkDiskMapper,
  checkpoint,
  deleteCheckpoints,
  DBBlocks,
  dirBytes,
};

async function dirBytes(dirs: readonly string[]): Promise<number> {
  let n = 0;
  for (const d of dirs) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) n += await dirBytes([p]);
      else if (e.isFile()) n += (await stat(p).catch(() => ({ size: 0 }))).size;
    }
  }
  return n;
}

/** The file system, for a DB in `_dir`. */
export function openDisk(_dir: string): Disk {
  return disk;
}
