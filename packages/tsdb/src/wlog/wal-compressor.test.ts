// The WAL compression worker starts when running from source whatever the working directory: one
// without node_modules (as a server's data directory) included.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { CompressResult } from './wal-compress-job.js';
import { WALCompressor } from './wal-compressor.js';

it('compresses in its worker when started from a directory without node_modules', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wal-compressor-test-'));
  const cwd = process.cwd();
  process.chdir(dir);
  let c: WALCompressor | undefined;
  try {
    const n = 4096;
    const bytes = new Uint8Array(n).fill(7);
    const r = await new Promise<CompressResult>((resolve, reject) => {
      c = new WALCompressor(resolve, reject);
      c.post({ id: 1, bytes, lengths: [n], out: undefined });
    });
    expect(r.id).toBe(1);
    expect(r.lengths).toHaveLength(1);
    // Compressed: a run of one byte shrinks.
    expect(r.lengths[0]!).toBeGreaterThan(0);
    expect(r.lengths[0]!).toBeLessThan(n);
  } finally {
    process.chdir(cwd);
    await c?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
