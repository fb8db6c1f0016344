import { afterEach, expect, it } from 'vitest';
import { ProcessMetrics } from './process-metrics.js';

let metrics: ProcessMetrics | undefined;
afterEach(() => metrics?.stop());

const MiB = 2 ** 20;

it('reports external memory once: a held buffer counts once, not again as an ArrayBuffer', () => {
  metrics = new ProcessMetrics();
  const held = Buffer.alloc(64 * MiB, 1); // Node's Buffers are in both external and arrayBuffers.
  const value = (name: string) => metrics?.collect().find((f) => f.name === name)?.samples[0]?.value ?? Number.NaN;
  const before = process.memoryUsage();
  const external = value('nodejs_external_memory_bytes');
  const after = process.memoryUsage();
  expect(external).toBeGreaterThanOrEqual(held.length);
  // Counting arrayBuffers a second time would add the 64 MiB again; other buffers come and go by
  // far less around the reading (a collection freeing some between them lowers one bound only).
  expect(external).toBeLessThan(Math.max(before.external, after.external) + 32 * MiB);
  expect(held[held.length - 1]).toBe(1);
});
