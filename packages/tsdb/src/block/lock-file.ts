// Prometheus: tsdb/fileutil/flock.go Flock and tsdb/db.go's `lock` file: one process at a time
// opens a data dir for writing. Prometheus takes an flock(2) on `<dir>/lock`, which the kernel
// drops when the process dies. Node has no flock, so tsprom writes its PID into the file and treats
// a lock whose PID no longer runs as free (a SIGKILLed tsprom does not block the next open); on
// Linux it also reads /proc/locks, so a directory a running Prometheus holds is refused too.
import { readFileSync, statSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DirLockedError } from './errors.js';

/** Data dirs this process holds the lock of (a second DB in the same process is refused too). */
const heldHere = new Set<string>();

/** Name of the lock file in a data dir. */
export const LOCK_FILENAME = 'lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PIDs holding a kernel lock (flock or POSIX) on `path`, from Linux's /proc/locks (none elsewhere). */
function kernelLockHolders(path: string): number[] {
  let ino: number;
  let locks: string;
  try {
    ino = statSync(path).ino;
    locks = readFileSync('/proc/locks', 'latin1');
  } catch {
    return [];
  }
  const out: number[] = [];
  // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF" (a "->" marks a blocked waiter).
  for (const line of locks.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] === '->') continue;
    const devIno = f[5]?.split(':');
    if (devIno !== undefined && Number(devIno[2]) === ino) out.push(Number(f[4]));
  }
  return out;
}

/** A held lock on a data dir; `release()` removes the lock file. */
export interface DirLock {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * Takes the lock of data dir `dir`: refuses with DirLockedError when another live process holds
 * it (its PID in the file, or a kernel lock on the file as Prometheus takes), else writes this
 * process's PID into `<dir>/lock`.
 */
export async function lockDir(dir: string): Promise<DirLock> {
  const path = resolve(dir, LOCK_FILENAME);
  if (heldHere.has(path)) throw new DirLockedError(dir, process.pid);
  const holders = kernelLockHolders(path).filter((p) => p !== process.pid);
  if (holders.length > 0) throw new DirLockedError(dir, holders[0]);
  let prev: string | undefined;
  try {
    prev = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pid = prev === undefined ? Number.NaN : Number.parseInt(prev, 10);
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DirLockedError(dir, pid);
  const fh = await open(path, 'w', 0o666);
  try {
    await fh.writeFile(`${process.pid}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  heldHere.add(path);
  let released = false;
  return {
    path,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      heldHere.delete(path);
      await rm(path, { force: true });
    },
  };
}
