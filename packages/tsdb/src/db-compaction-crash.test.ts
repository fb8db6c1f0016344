// Crash test of compaction: a child appends, commits and compacts (head into blocks, blocks into
// bigger ones, deleting their parents) and is killed with SIGKILL at a spread of moments, 15 times
// on the same directory. Every reopen must succeed, leave no half-written or half-deleted block,
// and hold every committed sample exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterAll, expect, it } from 'vitest';
import { isULID } from './block/ulid.js';
import { DB } from './db.js';

const tsxLoader = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const writer = fileURLToPath(new URL('./testing/compact-crash-writer.ts', import.meta.url));

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const c of running) c.kill('SIGKILL');
});

/** Runs the writer, kills it `killAfterMs` after it started; resolves to the last committed t. */
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

it(
  'keeps every committed sample once, and no partial block, across 15 SIGKILLs during compaction',
  { timeout: 900_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsdb-compact-crash-'));
    try {
      let committed = -1;
      let maxBlocks = 0;
      for (let round = 0; round < 15; round++) {
        const last = await runAndKill(dir, 200 + ((round * 311) % 1300));
        if (last > committed) committed = last;
        const db = await DB.open(dir, { chunkRangeMs: 200, autoCompaction: false, retentionMs: 0, logger: () => {} });
        // Opening removed what a crash left half done; every block on disk opened.
        const names = await readdir(dir);
        expect(names.filter((n) => n.includes('.tmp'))).toEqual([]);
        expect(db.openReport!.blocks!.corrupted.size).toBe(0);
        expect(names.filter(isULID).sort()).toEqual(
          db
            .blocks()
            .map((m) => m.ulid)
            .sort(),
        );
        maxBlocks = Math.max(maxBlocks, db.blocks().length);
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
            // Contiguous from 0 and strictly increasing: nothing lost, nothing twice.
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
        expect(set.err()).toBeUndefined();
        if (committed >= 0) expect(series).toBe(20);
        await q.close();
        await db.close();
      }
      expect(committed).toBeGreaterThan(1000);
      expect(maxBlocks).toBeGreaterThan(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
