import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { remoteWriteConfig, WalFixture } from './testing/wal-fixture.js';
import type { StoreFn } from './write-client.js';
import { UnsupportedRemoteWriteConfigError, WriteStorage } from './write-storage.js';

let wal: WalFixture;
beforeEach(async () => {
  wal = await WalFixture.open();
});
afterEach(async () => {
  await wal.close();
});

describe('WriteStorage.applyConfig', () => {
  it('refuses entries whose authentication it cannot do, naming the entry', async () => {
    const ws = new WriteStorage({ walDir: wal.walDir });
    const cfg = remoteWriteConfig('http://127.0.0.1:1/sig', 'sigv4:\n  region: eu-west-1');
    await expect(ws.applyConfig([cfg], Labels.EMPTY)).rejects.toThrow(UnsupportedRemoteWriteConfigError);
    await expect(ws.applyConfig([cfg], Labels.EMPTY)).rejects.toThrow(/127\.0\.0\.1:1\/sig: sigv4/);
    expect(ws.queues()).toEqual([]);
  });

  it('keeps unchanged queues on reload, replaces changed ones, stops removed ones', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const store: StoreFn = async () => undefined;
    const ws = new WriteStorage({
      walDir: wal.walDir,
      flushDeadlineMs: 0,
      newStore: async (cfg) => {
        opened.push(cfg.url);
        return { store, close: async () => void closed.push(cfg.url) };
      },
    });
    const a = remoteWriteConfig('http://127.0.0.1:1/a');
    const b = remoteWriteConfig('http://127.0.0.1:1/b', 'name: bee');
    const c = remoteWriteConfig('http://127.0.0.1:1/c');
    await ws.applyConfig([a, b], Labels.EMPTY);
    const [qa, qb] = ws.queues();
    expect(qb!.name).toBe('bee');
    expect(qa!.name).toMatch(/^[0-9a-f]{6}$/);

    // Same entries (as newly loaded objects): nothing restarts.
    await ws.applyConfig(
      [remoteWriteConfig('http://127.0.0.1:1/a'), remoteWriteConfig('http://127.0.0.1:1/b', 'name: bee')],
      Labels.EMPTY,
    );
    expect(ws.queues()[0]).toBe(qa);
    expect(ws.queues()[1]).toBe(qb);
    expect(opened).toEqual(['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b']);

    // b changes (queue_config), a is removed, c is new.
    const b2 = remoteWriteConfig('http://127.0.0.1:1/b', 'name: bee\nqueue_config:\n  max_shards: 3');
    await ws.applyConfig([b2, c], Labels.EMPTY);
    expect(ws.queues().length).toBe(2);
    expect(ws.queues()[0]).not.toBe(qb);
    expect(ws.queues()[0]!.cfg.queueConfig.maxShards).toBe(3);
    expect(closed.sort()).toEqual(['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b']);

    // External labels are part of every queue's identity.
    const before = ws.queues();
    await ws.applyConfig([b2, c], Labels.fromStrings('dc', 'x'));
    expect(ws.queues()[0]).not.toBe(before[0]);
    expect(ws.queues()[1]).not.toBe(before[1]);

    const fams = ws.metricFamilies();
    const shards = fams.find((f) => f.name === 'prometheus_remote_storage_shards')!;
    expect(shards.samples.map((s) => s.labels)).toEqual([
      { remote_name: 'bee', url: 'http://127.0.0.1:1/b' },
      { remote_name: ws.queues()[1]!.name, url: 'http://127.0.0.1:1/c' },
    ]);
    expect(fams.some((f) => f.name === 'prometheus_remote_storage_sent_batch_duration_seconds')).toBe(true);
    await ws.close();
    expect(closed.length).toBe(6);
  });

  it('tells how far every queue has sent: lowest sent timestamp and lowest unsent segment', async () => {
    const got: number[] = [];
    const ws = new WriteStorage({
      walDir: wal.walDir,
      flushDeadlineMs: 0,
      pollIntervalMs: 5,
      newStore: async (cfg) => ({
        store: async () => void got.push(cfg.url.endsWith('/a') ? 1 : 2),
        close: async () => undefined,
      }),
    });
    expect(ws.lowestSentTimestamp()).toBe(0);
    // Before a configuration is applied, queues that would resume may exist: nothing may go.
    expect(ws.lowestUnsentSegment()).toBe(0);
    await ws.applyConfig([], Labels.EMPTY);
    expect(ws.lowestUnsentSegment()).toBe(Number.POSITIVE_INFINITY);
    const q = 'queue_config:\n  batch_send_deadline: 10ms';
    await ws.applyConfig(
      [remoteWriteConfig('http://127.0.0.1:1/a', q), remoteWriteConfig('http://127.0.0.1:1/b', q)],
      Labels.EMPTY,
    );
    // Nothing sent yet: no segment may go.
    expect(ws.lowestUnsentSegment()).toBe(0);
    const t = Date.now() + 60_000;
    await wal.append(['m1', 'm2'], t, 1);
    await vi.waitFor(() => expect(ws.lowestSentTimestamp()).toBe(t), { timeout: 10_000 });
    const seg = ws.queues()[0]!.committedPosition!.segment;
    await vi.waitFor(() => expect(ws.lowestUnsentSegment()).toBe(seg), { timeout: 10_000 });
    await ws.close();
    // Closed, the queues resume at the next start: nothing may go meanwhile.
    expect(ws.lowestUnsentSegment()).toBe(0);
  });
});
