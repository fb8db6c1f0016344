// The WAL's durability promise: once log() resolves the record survives a SIGKILL of the writer.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAllRecords } from './read-all.js';
import { repair } from './repair.js';

// Node itself with tsx as a loader: the `tsx` binary would run the script in a grandchild that a
// SIGKILL of the child's PID leaves running.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const writer = fileURLToPath(new URL('./testing/wal-writer.ts', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wal-kill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer from `start` until it acknowledged some records, SIGKILLs it, returns the last ack. */
async function runAndKill(start: number, afterFirstAckMs: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@tsprom/source', writer, dir, String(start)],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let lastAck = -1;
  let buf = '';
  let stderr = '';
  let firstAck: () => void = () => undefined;
  const acked = new Promise<void>((resolve) => {
    firstAck = resolve;
  });
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) lastAck = Number(l);
    if (lastAck >= 0) firstAck();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([acked, exited.then(() => Promise.reject(new Error(`writer exited: ${stderr}`)))]);
  await sleep(afterFirstAckMs);
  process.kill(child.pid!, 'SIGKILL');
  await exited;
  return lastAck;
}

it('records whose log() resolved survive SIGKILL of the writer; only the torn tail is cut', async () => {
  let next = 0;
  for (let round = 0; round < 6; round++) {
    const lastAck = await runAndKill(next, 50 + ((round * 97) % 250));
    expect(lastAck).toBeGreaterThanOrEqual(next);
    const seen: number[] = [];
    const res = await readAllRecords(dir, (rec) => {
      const n = new DataView(rec.buffer, rec.byteOffset).getUint32(0);
      expect(rec.length).toBe(4 + ((n * 7919) % 70_000));
      expect(rec[rec.length - 1]).toBe(rec.length > 4 ? n & 0xff : rec[3]);
      seen.push(n);
    });
    if (res.corruption) {
      // Only a record the writer had not acknowledged may be torn.
      await repair(dir, res.corruption);
    }
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
    expect(seen.length - 1).toBeGreaterThanOrEqual(lastAck);
    next = seen.length;
  }
}, 600_000);
