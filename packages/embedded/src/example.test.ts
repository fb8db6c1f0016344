// The README's example, run as written (console.log captured).
import { expect, it, vi } from 'vitest';
import { EmbeddedError, openDB } from './index.js';

it('README example', async () => {
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args);
  });
  try {
    // --- README ---
    const db = await openDB(); // or openDB('./data'): Prometheus's on-disk format
    const t0 = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i <= 20; i++) {
      const t = { ms: t0.getTime() + i * 15_000 };
      await db.append({ __name__: 'http_requests_total', job: 'api' }, t, i * 10);
    }
    const r = await db.query('rate(http_requests_total[1m])', { seconds: t0.getTime() / 1000 + 300 });
    if (r.resultType === 'vector') for (const s of r.result) console.log(s.metric, s.value); // { job: 'api' } 0.666…
    const range = await db.queryRange('http_requests_total', t0, new Date(t0.getTime() + 60_000), '30s');
    console.log(range.result[0]?.points.map((p) => p.value)); // [ 0, 20, 40 ]
    console.log(await db.queryJSON('sum(http_requests_total)', t0)); // {"status":"success","data":{…}}
    try {
      await db.query('rate(http_requests_total[1m]', t0);
    } catch (err) {
      if (err instanceof EmbeddedError) console.log(err.type); // bad_data (a failed evaluation: execution)
    }
    await db.close();
    // --- end ---
    expect(logs[0]).toEqual([{ job: 'api' }, 10 / 15]);
    expect(logs[1]).toEqual([[0, 20, 40]]);
    expect(logs[2]).toEqual([
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600,"0"]}]}}',
    ]);
    expect(logs[3]).toEqual(['bad_data']);
  } finally {
    spy.mockRestore();
  }
});
