// Remote Write 1.0 bodies handed to receive workers (receive-worker-pool.ts) are answered, and
// appended, as on the main thread; the property test in receive-v1.test.ts compares both on random
// requests, these the edges: damaged snappy, arrival order, buffers, close().
import { describe, expect, it, vi } from 'vitest';
import { WriteHandler } from './receive-write-handler.js';
import { snappyEncode } from './snappy.js';
import { Recorder } from './testing/recording-appendable.js';
import { encodeWriteRequest, type PbTimeSeries } from './write-request.js';

const NOW = 1_700_000_000_000;
const headers = (n: string) => (n === 'content-type' ? 'application/x-protobuf' : undefined);

/** A request of `series` series (one sample at `t` each), snappy-encoded. */
function body(series: number, t: number): Uint8Array {
  const timeseries: PbTimeSeries[] = [];
  for (let s = 0; s < series; s++) {
    timeseries.push({
      labels: [
        { name: '__name__', value: 'm' },
        { name: 'series', value: String(s) },
      ],
      samples: [{ timestamp: t, value: s + t / 1000 }],
      exemplars: [],
      histograms: [],
    });
  }
  return snappyEncode(encodeWriteRequest({ timeseries, metadata: [] }));
}

function handler(rec: Recorder, workers: number, workerMinBytes = 0, receiveWorkerIdleMs?: number): WriteHandler {
  return new WriteHandler({
    appendable: rec,
    now: () => NOW,
    receiveWorkers: workers,
    workerMinBytes,
    receiveWorkerIdleMs,
  });
}

describe('receive workers', () => {
  it('answer a damaged snappy body with the main thread’s 400', async () => {
    const good = body(50, NOW);
    const damaged = [
      good.subarray(0, good.length - 7),
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x0f),
      good.slice(),
    ];
    damaged[2]![3] = 0xfe; // A copy tag reaching before the start, or a wrong length.
    const main = handler(new Recorder(), 0);
    const rec = new Recorder();
    const w = handler(rec, 1);
    try {
      for (const d of damaged) {
        const want = await main.handle({ header: headers, body: d.slice() });
        const got = await w.handle({ header: headers, body: d.slice() });
        expect(want.status).toBe(400);
        expect(got).toEqual(want);
      }
      expect(w.workersStarted).toBe(1);
      expect(rec.committed).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('append requests in the order they arrived, small ones kept on the main thread included', async () => {
    const rec = new Recorder();
    const big = body(400, 0).length;
    // Bodies of 400 series go to the worker, those of 1 series stay here.
    const w = handler(rec, 2, big / 2);
    const want = new Recorder();
    const main = handler(want, 0);
    try {
      const bodies: Uint8Array[] = [];
      for (let i = 0; i < 20; i++) bodies.push(body(i % 3 === 0 ? 1 : 400, NOW - (20 - i) * 1000));
      for (const b of bodies) await main.handle({ header: headers, body: b.slice() });
      const answers = await Promise.all(bodies.map((b) => w.handle({ header: headers, body: b.slice() })));
      expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 204));
      expect(rec.committed).toEqual(want.committed);
      expect(w.workersStarted).toBe(2);
      expect(w.samplesAppended).toBe(main.samplesAppended);
    } finally {
      await w.close();
    }
  });

  it('take a body owning its buffer by transfer, and copy one sharing its buffer', async () => {
    const rec = new Recorder();
    const w = handler(rec, 1);
    try {
      const owned = body(100, NOW).slice();
      expect((await w.handle({ header: headers, body: owned })).status).toBe(204);
      expect(owned.byteLength).toBe(0); // Detached: transferred to the worker.
      const b = body(100, NOW + 1);
      const shared = new Uint8Array(b.length + 10);
      shared.set(b, 5);
      const view = shared.subarray(5, 5 + b.length);
      expect((await w.handle({ header: headers, body: view })).status).toBe(204);
      expect(view.byteLength).toBe(b.length);
      expect(rec.committed.filter((l) => l !== '--commit').length).toBe(200);
    } finally {
      await w.close();
    }
  });

  it('are terminated by close(); later bodies are read on the main thread', async () => {
    const rec = new Recorder();
    const w = handler(rec, 1);
    expect(w.workersStarted).toBe(0); // Started with the first body, not before.
    expect((await w.handle({ header: headers, body: body(10, NOW) })).status).toBe(204);
    expect(w.workersStarted).toBe(1);
    await w.close();
    expect(w.workersStarted).toBe(0);
    expect((await w.handle({ header: headers, body: body(10, NOW + 1) })).status).toBe(204);
    expect(w.workersStarted).toBe(0);
    expect(rec.committed.filter((l) => l !== '--commit').length).toBe(20);
  });

  it('stop after idling, and the next body starts a fresh one taught the whole series cache', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const rec = new Recorder();
    const w = handler(rec, 1, 0, 1000);
    const want = new Recorder();
    const main = handler(want, 0);
    try {
      // The same series each time: after the restart they are resolved by the fresh worker's mirror.
      const bodies = [body(200, NOW), body(200, NOW + 1000), body(200, NOW + 2000), body(300, NOW + 3000)];
      for (const b of bodies) await main.handle({ header: headers, body: b.slice() });
      expect((await w.handle({ header: headers, body: bodies[0]!.slice() })).status).toBe(204);
      expect(w.workersStarted).toBe(1);
      vi.advanceTimersByTime(999);
      expect(w.workersStarted).toBe(1); // Not idle long enough.
      expect((await w.handle({ header: headers, body: bodies[1]!.slice() })).status).toBe(204);
      vi.advanceTimersByTime(999);
      expect(w.workersStarted).toBe(1); // The second body re-armed the timer.
      vi.advanceTimersByTime(1);
      expect(w.workersStarted).toBe(0);
      await w.workersSettled();
      expect(w.workersStoppedIdle).toBe(1);
      for (const b of bodies.slice(2)) expect((await w.handle({ header: headers, body: b.slice() })).status).toBe(204);
      expect(w.workersStarted).toBe(1);
      expect(rec.committed).toEqual(want.committed);
      expect(w.samplesAppended).toBe(main.samplesAppended);
    } finally {
      vi.useRealTimers();
      await w.close();
    }
  });

  it('answer a body arriving while an idle worker is stopping on a fresh worker', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const rec = new Recorder();
    const w = handler(rec, 1, 0, 10);
    const want = new Recorder();
    const main = handler(want, 0);
    try {
      const bodies = [body(100, NOW), body(150, NOW + 1000), body(150, NOW + 2000)];
      for (const b of bodies) await main.handle({ header: headers, body: b.slice() });
      expect((await w.handle({ header: headers, body: bodies[0]!.slice() })).status).toBe(204);
      vi.advanceTimersByTime(10); // The worker is told to terminate: it has not exited yet.
      expect(w.workersStarted).toBe(0);
      expect(w.workersStoppedIdle).toBe(0);
      const racing = w.handle({ header: headers, body: bodies[1]!.slice() });
      expect(w.workersStarted).toBe(1);
      expect((await racing).status).toBe(204);
      await w.workersSettled();
      expect(w.workersStoppedIdle).toBe(1);
      // The exit of the stopped worker is no failure: bodies still go to workers.
      expect((await w.handle({ header: headers, body: bodies[2]!.slice() })).status).toBe(204);
      expect(w.workersStarted).toBe(1);
      expect(rec.committed).toEqual(want.committed);
    } finally {
      vi.useRealTimers();
      await w.close();
    }
  });

  it('stop after a real (tiny) idle time, the timer holding nothing open', async () => {
    const rec = new Recorder();
    const w = handler(rec, 2, 0, 1);
    try {
      const answers = await Promise.all(
        [body(50, NOW), body(60, NOW + 1)].map((b) => w.handle({ header: headers, body: b })),
      );
      expect(answers.map((a) => a.status)).toEqual([204, 204]);
      await vi.waitFor(() => expect(w.workersStarted).toBe(0), { timeout: 10_000 });
      await w.workersSettled();
      expect(w.workersStoppedIdle).toBe(2);
      expect((await w.handle({ header: headers, body: body(10, NOW + 2) })).status).toBe(204);
      expect(rec.committed.filter((l) => l !== '--commit').length).toBe(120);
    } finally {
      await w.close();
    }
  });
});
