import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DirLockedError } from './errors.js';
import { lockDir } from './lock-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('writes the PID, refuses a live holder, takes over from a dead one, removes the file on release', async () => {
  const l = await lockDir(dir);
  expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
  await l.release();
  expect(existsSync(join(dir, 'lock'))).toBe(false);

  // A live process's PID (the parent of this test runner is alive as long as we are).
  await writeFile(join(dir, 'lock'), `${process.ppid}\n`);
  await expect(lockDir(dir)).rejects.toBeInstanceOf(DirLockedError);

  // A PID that ran and exited: the lock of a killed process is free.
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((resolve) => child.once('exit', resolve));
  await writeFile(join(dir, 'lock'), `${pid}\n`);
  const l2 = await lockDir(dir);
  await l2.release();
});

it('refuses a directory whose lock file another process holds an flock on (as Prometheus does)', async (ctx) => {
  if (!existsSync('/proc/locks') || !existsSync('/usr/bin/flock')) {
    if (process.env.CI) throw new Error('/proc/locks and /usr/bin/flock are needed');
    ctx.skip();
  }
  await writeFile(join(dir, 'lock'), '');
  // flock(1) holds the lock while `cat` waits on its stdin.
  const holder = spawn('/usr/bin/flock', ['-n', join(dir, 'lock'), 'cat'], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    // Wait until the kernel lists the lock.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const locks = await readFile('/proc/locks', 'latin1');
      if (locks.includes('FLOCK')) {
        const err = await lockDir(dir).catch((e: unknown) => e);
        if (err instanceof DirLockedError) {
          expect(err.message).toMatch(/^lock DB directory: resource temporarily unavailable/);
          break;
        }
      }
      if (Date.now() > deadline) throw new Error('flock holder not seen in /proc/locks');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    holder.stdin!.end();
    await new Promise((resolve) => holder.once('exit', resolve));
  }
  const l = await lockDir(dir);
  await l.release();
});
