// WL with compressInWorker when the worker cannot even be made (Node started with a flag worker
// threads refuse, as --trace-gc: `new Worker()` throws ERR_WORKER_INVALID_EXEC_ARGV): every log()
// still succeeds, compressed on the calling thread, with the same bytes as without the worker.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIN_WORKER_LOG_BYTES, WL } from './wl.js';
import { PAGE_SIZE } from './wlog-constants.js';

const made = vi.hoisted(() => ({ tries: 0 }));
vi.mock('./wal-compressor.js', () => ({
  WALCompressor: class {
    constructor() {
      made.tries++;
      throw Object.assign(new Error('Initiated Worker with invalid execArgv flags: --trace-gc'), {
        code: 'ERR_WORKER_INVALID_EXEC_ARGV',
      });
    }
  },
}));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-worker-refused-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function record(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i < n / 2 ? (i * seed) & 0xff : seed & 0xff;
  return b;
}

async function write(d: string, compressInWorker: boolean): Promise<Map<string, Buffer>> {
  const w = await WL.open(d, { segmentSize: 4 * PAGE_SIZE, compression: 'snappy', compressInWorker });
  const pending: Promise<void>[] = [];
  for (let i = 1; i <= 6; i++) {
    // Not awaited one by one: several are queued when the worker fails to start.
    pending.push(w.log(record(MIN_WORKER_LOG_BYTES + i * 100, i), record(50, i)));
    if (i === 3) w.logSync([record(70, 99)]);
  }
  await Promise.all(pending);
  await w.close();
  const out = new Map<string, Buffer>();
  for (const f of (await readdir(d)).sort()) out.set(f, await readFile(join(d, f)));
  return out;
}

describe('WL whose compression worker cannot start', () => {
  it('compresses on the calling thread: every log() resolves, the segments are those written without the worker', async () => {
    const a = await mkdtemp(join(dir, 'refused-'));
    const b = await mkdtemp(join(dir, 'local-'));
    const got = await write(a, true);
    expect(made.tries).toBe(1);
    const want = await write(b, false);
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, bytes] of got) expect(bytes.equals(want.get(name)!), `segment ${name}`).toBe(true);
  });
});
