// TransferBufferPool: a buffer is handed out again only after it was given back, always big enough.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_POOLED_BYTES, TransferBufferPool } from './transfer-buffer-pool.js';

describe('TransferBufferPool', () => {
  it('reuses a given back buffer that fits, allocates otherwise', () => {
    const p = new TransferBufferPool(4);
    const a = p.take(22_000);
    expect(a.byteLength).toBe(32 * 1024);
    expect(p.allocated).toBe(1);
    p.give(a);
    expect(p.take(30_000)).toBe(a);
    const b = p.take(100_000);
    expect(b.byteLength).toBe(128 * 1024);
    expect(b).not.toBe(a);
    p.give(a);
    // Too small for the next one: it stays free.
    const c = p.take(40_000);
    expect(c).not.toBe(a);
    expect(p.size).toBe(1);
    expect(p.allocated).toBe(3);
  });

  it('keeps no buffer bigger than MAX_POOLED_BYTES', () => {
    const p = new TransferBufferPool(4);
    const big = p.take(MAX_POOLED_BYTES + 1);
    p.give(big);
    expect(p.size).toBe(0);
    const most = p.take(MAX_POOLED_BYTES);
    expect(most.byteLength).toBe(MAX_POOLED_BYTES);
    p.give(most);
    expect(p.take(MAX_POOLED_BYTES)).toBe(most);
  });

  it('drops detached buffers, and the smallest when full', () => {
    const p = new TransferBufferPool(2);
    const d = p.take(10);
    structuredClone(d, { transfer: [d] });
    p.give(d);
    expect(p.size).toBe(0);
    const small = new ArrayBuffer(1024);
    const mid = new ArrayBuffer(2048);
    const big = new ArrayBuffer(4096);
    p.give(small);
    p.give(big);
    p.give(mid);
    expect(p.size).toBe(2);
    const got = [p.take(1), p.take(1)];
    expect(got).toContain(big);
    expect(got).toContain(mid);
  });

  it('never hands out a buffer in use (random take and give)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.constant(-1)), { maxLength: 200 }),
        (capacity, ops) => {
          const p = new TransferBufferPool(capacity);
          const inUse: ArrayBuffer[] = [];
          for (const [i, op] of ops.entries()) {
            if (op >= 0) {
              const b = p.take(op);
              expect(b.byteLength).toBeGreaterThanOrEqual(op);
              expect(inUse.includes(b)).toBe(false);
              inUse.push(b);
            } else if (inUse.length > 0) {
              p.give(inUse.splice(i % inUse.length, 1)[0]!);
            }
            expect(p.size).toBeLessThanOrEqual(capacity);
          }
        },
      ),
    );
  });
});
