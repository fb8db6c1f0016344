// `#disk` under the "node" condition: the file-system side of DB (see disk.ts).
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkDiskMapper } from './chunks/chunk-disk-mapper.js';
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
};

/** The file system, for a DB in `_dir`. */
export function openDisk(_dir: string): Disk {
  return disk;
}
