// tsdb's workers start from source whatever the working directory: one without node_modules (as
// a server's data directory) included.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { crc32c } from '@tsprom/chunkenc';
import { expect, it } from 'vitest';
import { tsdbWorkerEntry } from './worker-entry.js';

it('gives the built .js next to a built module', () => {
  const e = tsdbWorkerEntry('file:///x/dist/index.js', 'compact-worker');
  expect(e).toEqual({ entry: new URL('file:///x/dist/compact-worker.js'), eval: false, execArgv: undefined });
});

it('starts a worker from source in a directory without node_modules', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'worker-entry-test-'));
  const cwd = process.cwd();
  process.chdir(dir);
  let w: Worker | undefined;
  try {
    const { entry, eval: isCode, execArgv } = tsdbWorkerEntry(import.meta.url, 'testing/entry-probe-worker');
    expect(isCode).toBe(true);
    // The eval'd code imports tsx by URL, not by a bare name resolved from the working directory.
    expect(String(entry)).not.toContain("import('tsx");
    const got = await new Promise<unknown>((resolve, reject) => {
      w = new Worker(entry, { eval: isCode, execArgv });
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`worker exited (code ${code})`)));
    });
    expect(got).toBe(crc32c(new Uint8Array([1, 2, 3])));
  } finally {
    process.chdir(cwd);
    await w?.terminate();
    await rm(dir, { recursive: true, force: true });
  }
});
