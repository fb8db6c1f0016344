// WL with compressInWorker: the same bytes as compressing on the calling thread, in call order,
// whatever mix of awaited and not awaited log(), logSync() and nextSegment() calls.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalClosedError } from './errors.js';
import { readAllRecords } from './read-all.js';
import { MIN_WORKER_LOG_BYTES, WL } from './wl.js';
import { PAGE_SIZE } from './wlog-constants.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-worker-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * First half pseudo-random, second half one byte: snappy shrinks it, not to nothing; an odd seed
 * gives an all random record, which is written uncompressed.
 */
function recordOf(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = seed % 2 === 0 && i >= n / 2 ? seed & 0xff : x & 0xff;
  }
  return b;
}

async function segmentFiles(d: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const f of (await readdir(d)).sort()) out.set(f, await readFile(join(d, f)));
  return out;
}

type Op =
  | { kind: 'log'; sizes: number[]; wait: boolean }
  | { kind: 'logSync'; sizes: number[] }
  | { kind: 'cut'; wait: boolean }
  | { kind: 'tick' };

const sizes = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: MIN_WORKER_LOG_BYTES, max: 3 * PAGE_SIZE })),
  { minLength: 1, maxLength: 4 },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('log' as const), sizes, wait: fc.boolean() }),
  fc.record({ kind: fc.constant('logSync' as const), sizes }),
  fc.record({ kind: fc.constant('cut' as const), wait: fc.boolean() }),
  fc.record({ kind: fc.constant('tick' as const) }),
);

/** Runs `ops` on a WL in `d`; returns the records in call order. */
async function run(d: string, ops: Op[], compressInWorker: boolean): Promise<Uint8Array[]> {
  const w = await WL.open(d, { segmentSize: 4 * PAGE_SIZE, compression: 'snappy', compressInWorker });
  const want: Uint8Array[] = [];
  const waits: Promise<unknown>[] = [];
  let seed = 1;
  for (const o of ops) {
    if (o.kind === 'tick') {
      // Lets the worker answer (or not yet): both orders of answer and next call happen.
      await new Promise((resolve) => setTimeout(resolve, 1));
      continue;
    }
    if (o.kind === 'cut') {
      const p = w.nextSegment();
      if (o.wait) await p;
      else waits.push(p);
      continue;
    }
    const recs = o.sizes.map((n) => recordOf(n, seed++));
    want.push(...recs);
    if (o.kind === 'logSync') w.logSync(recs);
    else {
      const p = w.log(...recs);
      if (o.wait) await p;
      else waits.push(p);
    }
  }
  await w.close();
  await Promise.all(waits);
  return want;
}

describe('WL compressing in a worker', () => {
  it('writes the same segments as compressing on the calling thread, records in call order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const a = await mkdtemp(join(dir, 'worker-'));
        const b = await mkdtemp(join(dir, 'local-'));
        const want = await run(a, ops, true);
        await run(b, ops, false);
        const fa = await segmentFiles(a);
        const fb = await segmentFiles(b);
        expect([...fa.keys()]).toEqual([...fb.keys()]);
        for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name)!), `segment ${name}`).toBe(true);
        const got: Uint8Array[] = [];
        const res = await readAllRecords(a, (rec) => got.push(rec.slice()));
        expect(res.corruption).toBeUndefined();
        expect(got.length).toBe(want.length);
        for (let i = 0; i < got.length; i++) {
          if (!Buffer.from(got[i]!).equals(Buffer.from(want[i]!))) expect.fail(`record ${i} differs`);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('writes the same segments with many log() calls in flight, their buffers reused from a pool', async () => {
    // Bursts of log() calls not awaited, of sizes that share the pooled buffers (32 KiB and
    // 64 KiB classes) or not, with logSync() and cuts between: a buffer given to a job while a
    // queued log's compressed records still lie in it would change the bytes written.
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            burst: fc.array(
              fc.oneof(
                fc.integer({ min: MIN_WORKER_LOG_BYTES, max: 30_000 }),
                fc.integer({ min: 30_000, max: 70_000 }),
                fc.integer({ min: 0, max: 100 }),
              ),
              { minLength: 1, maxLength: 12 },
            ),
            after: fc.constantFrom('tick', 'logSync', 'cut', 'none'),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (bursts) => {
          const ops: Op[] = [];
          for (const b of bursts) {
            for (const n of b.burst) ops.push({ kind: 'log', sizes: [n], wait: false });
            if (b.after === 'tick') ops.push({ kind: 'tick' });
            else if (b.after === 'logSync') ops.push({ kind: 'logSync', sizes: [MIN_WORKER_LOG_BYTES] });
            else if (b.after === 'cut') ops.push({ kind: 'cut', wait: false });
          }
          const a = await mkdtemp(join(dir, 'worker-'));
          const b = await mkdtemp(join(dir, 'local-'));
          await run(a, ops, true);
          await run(b, ops, false);
          const fa = await segmentFiles(a);
          const fb = await segmentFiles(b);
          expect([...fa.keys()]).toEqual([...fb.keys()]);
          for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name)!), `segment ${name}`).toBe(true);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('writes a log() before it resolves, and close() waits for the ones not awaited', async () => {
    const w = await WL.open(dir, { compression: 'snappy', compressInWorker: true });
    const big = recordOf(4 * MIN_WORKER_LOG_BYTES, 6);
    await w.log(big);
    const size = (await readFile(join(dir, '00000000'))).length;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(big.length); // Compressed.
    const pending = w.log(recordOf(2 * MIN_WORKER_LOG_BYTES, 8), recordOf(10, 9));
    const closing = w.close();
    await expect(w.log(recordOf(10, 10))).rejects.toThrow(WalClosedError);
    expect(() => w.logSync([recordOf(10, 11)])).toThrow(WalClosedError);
    await closing;
    await pending;
    const got: Uint8Array[] = [];
    await readAllRecords(dir, (rec) => got.push(rec.slice()));
    expect(got.map((r) => r.length)).toEqual([big.length, 2 * MIN_WORKER_LOG_BYTES, 10]);
  });
});
