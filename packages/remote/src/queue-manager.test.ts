import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueManager, type QueueManagerOptions } from './queue-manager.js';
import { FakeClock } from './testing/fake-clock.js';
import { TestReceiver } from './testing/receiver.js';
import { remoteWriteConfig, WalFixture } from './testing/wal-fixture.js';
import { WriteClient } from './write-client.js';

const T0 = 1_700_000_000_000;
let wal: WalFixture;
let rx: TestReceiver;
const open: { q: QueueManager; http: HTTPClient }[] = [];

beforeEach(async () => {
  wal = await WalFixture.open();
  rx = await TestReceiver.start();
});

afterEach(async () => {
  for (const { q, http } of open.splice(0)) {
    await q.stop();
    await http.close();
  }
  await rx.close();
  await wal.close();
});

async function newQueue(extra: string, o: Partial<QueueManagerOptions> = {}): Promise<QueueManager> {
  const cfg = remoteWriteConfig(rx.url, extra);
  const http = await HTTPClient.create(cfg.httpClientConfig);
  const q = await QueueManager.create({
    cfg,
    externalLabels: Labels.EMPTY,
    walDir: wal.walDir,
    store: new WriteClient(cfg, http).store,
    startTimeMs: T0 - 1,
    pollIntervalMs: 10,
    flushDeadlineMs: 0,
    ...o,
  });
  open.push({ q, http });
  return q;
}

const names = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const waitFor = (fn: () => void) => vi.waitFor(fn, { timeout: 20_000, interval: 10 });

describe('QueueManager batching', () => {
  it('sends full batches of max_samples_per_send at once and the rest at the batch deadline', async () => {
    const clock = new FakeClock();
    const q = await newQueue(
      'queue_config:\n  max_samples_per_send: 100\n  min_shards: 1\n  max_shards: 1\n  batch_send_deadline: 5s',
      { clock },
    );
    await wal.append(names(250), T0, 1);
    q.start();
    await waitFor(() => expect(rx.requests.length).toBe(2));
    expect(rx.accepted.length).toBe(200);
    // The last 50 wait for the deadline: the shard sleeps 5 s on the fake clock.
    await waitFor(() => expect(clock.pending()).toContain(5000));
    expect(rx.requests.length).toBe(2);
    clock.advance(5000);
    await waitFor(() => expect(rx.accepted.length).toBe(250));
    expect(rx.requests.map((r) => r.v1!.timeseries.length)).toEqual([100, 100, 50]);
    expect(new Set(rx.accepted.map((s) => s.series)).size).toBe(250);
    await waitFor(() => expect(q.stats.samplesTotal).toBe(250));
    expect(q.stats.samplesPending).toBe(0);
  });

  it('sends Remote Write 1.0 with the spec headers, labels sorted, and skips samples before the start time', async () => {
    const q = await newQueue('queue_config:\n  max_samples_per_send: 10\n  batch_send_deadline: 10ms');
    await wal.append(['old'], T0 - 10, 1);
    await wal.append(['up'], T0, 1);
    await wal.append(['up'], T0 + 1000, 2);
    q.start();
    await waitFor(() => expect(rx.accepted.length).toBe(2));
    const h = rx.requests[0]!.headers;
    expect(h['content-encoding']).toBe('snappy');
    expect(h['content-type']).toBe('application/x-protobuf');
    expect(h['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(rx.accepted).toEqual([
      { series: '{__name__="up",job="test"}', t: T0, v: 1 },
      { series: '{__name__="up",job="test"}', t: T0 + 1000, v: 2 },
    ]);
  });

  it('sends Remote Write 2.0 with a symbol table and the 2.0 headers', async () => {
    const q = await newQueue(
      'protobuf_message: io.prometheus.write.v2.Request\nqueue_config:\n  max_samples_per_send: 3\n  batch_send_deadline: 10ms',
    );
    await wal.append(['a', 'b', 'c'], T0, 7);
    q.start();
    await waitFor(() => expect(rx.accepted.length).toBe(3));
    const r = rx.requests[0]!;
    expect(r.headers['content-type']).toBe('application/x-protobuf;proto=io.prometheus.write.v2.Request');
    expect(r.headers['x-prometheus-remote-write-version']).toBe('2.0.0');
    expect(r.v2!.symbols[0]).toBe('');
    // "job" and "test" are interned once for the three series.
    expect(r.v2!.symbols.filter((s) => s === 'job').length).toBe(1);
    expect(rx.accepted.map((s) => s.series).sort()).toEqual([
      '{__name__="a",job="test"}',
      '{__name__="b",job="test"}',
      '{__name__="c",job="test"}',
    ]);
  });
});

describe('QueueManager retries', () => {
  it('retries 5xx with exponential backoff from min_backoff up to max_backoff, then sends once', async () => {
    const clock = new FakeClock();
    rx.respond = (_r, n) => ({ status: n < 4 ? 503 : 200 });
    const q = await newQueue(
      'queue_config:\n  max_samples_per_send: 5\n  min_shards: 1\n  max_shards: 1\n  min_backoff: 30ms\n  max_backoff: 100ms',
      { clock },
    );
    await wal.append(names(5), T0, 1);
    q.start();
    for (const [i, delay] of [30, 60, 100, 100].entries()) {
      await waitFor(() => expect(rx.requests.length).toBe(i + 1));
      await waitFor(() => expect(clock.pending()).toContain(delay));
      clock.advance(delay);
    }
    await waitFor(() => expect(rx.accepted.length).toBe(5));
    expect(rx.requests.length).toBe(5);
    await waitFor(() => expect(q.stats.samplesTotal).toBe(5));
    expect(q.stats.samplesRetriedTotal).toBe(20);
    expect(q.stats.samplesFailedTotal).toBe(0);
  });

  it('honors Retry-After on 429 when retry_on_http_429 is set', async () => {
    const clock = new FakeClock();
    rx.respond = (_r, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '7' } } : { status: 200 });
    const q = await newQueue(
      'queue_config:\n  max_samples_per_send: 2\n  min_shards: 1\n  max_shards: 1\n  retry_on_http_429: true',
      { clock },
    );
    await wal.append(names(2), T0, 1);
    q.start();
    await waitFor(() => expect(clock.pending()).toContain(7000));
    clock.advance(7000);
    await waitFor(() => expect(rx.accepted.length).toBe(2));
    expect(q.stats.samplesRetriedTotal).toBe(2);
  });

  it.each([400, 404, 429])('drops a batch answered %i (429 without retry_on_http_429) and goes on', async (status) => {
    const errors: unknown[] = [];
    rx.respond = (_r, n) => ({ status: n === 0 ? status : 200 });
    const q = await newQueue(
      'queue_config:\n  max_samples_per_send: 2\n  min_shards: 1\n  max_shards: 1\n  batch_send_deadline: 10ms',
      {
        onError: (e) => errors.push(e),
      },
    );
    await wal.append(names(2), T0, 1);
    q.start();
    await waitFor(() => expect(q.stats.samplesFailedTotal).toBe(2));
    await wal.append(names(2), T0 + 1, 2);
    await waitFor(() => expect(rx.accepted.length).toBe(2));
    expect(rx.requests.length).toBe(2);
    expect(q.stats.samplesRetriedTotal).toBe(0);
    expect(String(errors[0])).toContain(`HTTP status ${status}`);
    expect(rx.accepted.every((s) => s.t === T0 + 1)).toBe(true);
  });
});

describe('QueueManager labels', () => {
  it('adds external labels (series labels win) and applies write_relabel_configs', async () => {
    const cfg = remoteWriteConfig(
      rx.url,
      'write_relabel_configs:\n  - source_labels: [__name__]\n    regex: drop_.*\n    action: drop\n  - target_label: added\n    replacement: x\nqueue_config:\n  max_samples_per_send: 10\n  batch_send_deadline: 10ms',
    );
    const http = await HTTPClient.create(cfg.httpClientConfig);
    const q = await QueueManager.create({
      cfg,
      externalLabels: Labels.fromStrings('region', 'eu', 'job', 'ignored'),
      walDir: wal.walDir,
      store: new WriteClient(cfg, http).store,
      startTimeMs: T0 - 1,
      pollIntervalMs: 10,
      flushDeadlineMs: 0,
    });
    open.push({ q, http });
    await wal.append(['keep', 'drop_me'], T0, 1);
    q.start();
    await waitFor(() => expect(q.stats.samplesInTotal).toBe(2));
    await waitFor(() => expect(rx.accepted.length).toBe(1));
    expect(rx.accepted[0]!.series).toBe('{__name__="keep",added="x",job="test",region="eu"}');
    expect(q.stats.samplesDroppedTotal).toBe(1);
  });
});

describe('QueueManager position', () => {
  it('saves the WAL position of what was sent and resumes after it', async () => {
    const state = mkdtempSync(join(tmpdir(), 'tsprom-remote-state-'));
    try {
      const q1 = await newQueue('queue_config:\n  max_samples_per_send: 10\n  batch_send_deadline: 10ms', {
        stateDir: state,
      });
      await wal.append(['a'], T0, 1);
      q1.start();
      await waitFor(() => expect(rx.accepted.length).toBe(1));
      await waitFor(() => expect(q1.committedPosition).toBeDefined());
      await q1.stop();
      await wal.append(['a'], T0 + 1, 2);
      // A restart long after: without the position, the start time would skip the new sample.
      const q2 = await newQueue('queue_config:\n  max_samples_per_send: 10\n  batch_send_deadline: 10ms', {
        stateDir: state,
        startTimeMs: T0 + 10_000,
      });
      q2.start();
      await waitFor(() => expect(rx.accepted.length).toBe(2));
      expect(rx.accepted.map((s) => s.t)).toEqual([T0, T0 + 1]);
      await waitFor(() => expect(q2.committedPosition).not.toEqual(q1.committedPosition));
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
