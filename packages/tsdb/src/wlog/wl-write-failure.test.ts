// A failed write(2) stops what was queued behind it: with compressInWorker, log() calls queue up
// while the worker compresses; when one's write fails, the calls queued after it fail too and
// none of their records reaches the WAL (as the synchronous path stops a commit at the throw).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readAllRecords } from './read-all.js';
import { MIN_WORKER_LOG_BYTES, WL } from './wl.js';

const fail = vi.hoisted(() => ({ armed: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (...args: Parameters<typeof fs.writeSync>) => {
      if (fail.armed) {
        fail.armed = false;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-write-failure-test-'));
});
afterEach(async () => {
  fail.armed = false;
  await rm(dir, { recursive: true, force: true });
});

/** A record of `n` bytes whose bytes are all `tag` (snappy shrinks it: it goes to the worker). */
const recordOf = (n: number, tag: number) => new Uint8Array(n).fill(tag);

describe('WL with compressInWorker, a write failing', () => {
  it('fails the log() calls queued behind it and writes none of their records', async () => {
    const w = await WL.open(dir, { compression: 'snappy', compressInWorker: true });
    await w.log(recordOf(MIN_WORKER_LOG_BYTES, 1));
    // Queued together, as a commit's batches are; the first one's write fails.
    fail.armed = true;
    const results = await Promise.allSettled([
      w.log(recordOf(MIN_WORKER_LOG_BYTES * 4, 2)),
      w.log(recordOf(MIN_WORKER_LOG_BYTES, 3)),
      w.log(recordOf(MIN_WORKER_LOG_BYTES, 4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toContain('ENOSPC');
    // Later calls are written again.
    await w.log(recordOf(MIN_WORKER_LOG_BYTES, 5));
    await w.close();
    const tags: number[] = [];
    const read = await readAllRecords(dir, (rec) => tags.push(rec[0]!));
    expect(read.corruption).toBeUndefined();
    expect(tags).not.toContain(3);
    expect(tags).not.toContain(4);
    expect(tags[0]).toBe(1);
    expect(tags.at(-1)).toBe(5);
  });
});
