// Crash test: a child appends and commits in a loop and is killed with SIGKILL at a random moment,
// 20 times on the same directory; every reopen must succeed and hold every sample whose commit
// the child reported as resolved (the README's durability promise).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterAll, expect, it } from 'vitest';
import { DB } from './db.js';

// Node itself with tsx as a loader (not the tsx CLI, which forks a second process that a
// SIGKILL of the first would leave running).
const tsxLoader = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const writer = fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url));

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const c of running) c.kill('SIGKILL'); // Never leave a writer behind, even on failure.
});

function runAndKill(dir: string, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, '--conditions=@tsprom/source', writer, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let out = '';
    let err = '';
    let started = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (!started && out.includes('start')) {
        started = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer exited with ${code}: ${err}`));
        return;
      }
      const lines = out.split('\n').filter((l) => /^\d+$/.test(l));
      resolve(lines.length === 0 ? -1 : Number(lines[lines.length - 1]));
    });
  });
}

it('keeps every committed sample across 20 SIGKILLs', { timeout: 900_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tsdb-crash-'));
  try {
    let committed = -1;
    for (let round = 0; round < 20; round++) {
      // Kill moments spread over 50-450 ms after start, the same in every run.
      const last = await runAndKill(dir, 50 + ((round * 173) % 400));
      if (last > committed) committed = last;
      const db = await DB.open(dir);
      const q = db.querier(-Infinity, Infinity);
      const set = await q.select(false, undefined, []);
      let series = 0;
      while (set.next()) {
        const s = set.at();
        const i = Number(s.labels().get('i'));
        const it = s.iterator();
        let expectT = 0;
        let bad = '';
        while (it.next() !== ValueType.None) {
          // Contiguous from 0: nothing before the newest kept sample was lost.
          if (it.atT() !== expectT || it.atV() !== expectT * 2 + i) {
            bad = `series ${i}: got (${it.atT()}, ${it.atV()}) where t=${expectT} was due`;
            break;
          }
          expectT++;
        }
        expect(bad).toBe('');
        expect(it.err()).toBeUndefined();
        expect(expectT - 1).toBeGreaterThanOrEqual(committed);
        series++;
      }
      if (committed >= 0) expect(series).toBe(50);
      await q.close();
      await db.close();
    }
    expect(committed).toBeGreaterThan(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
