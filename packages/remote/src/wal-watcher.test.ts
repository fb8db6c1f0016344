import { readdirSync } from 'node:fs';
import type { RefMetadata, RefSamples, RefSeries } from '@tsprom/tsdb/wal';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WalFixture } from './testing/wal-fixture.js';
import { comparePositions, type WalPosition, WalWatcher, type WalWatcherWriter } from './wal-watcher.js';

const T0 = 1_700_000_000_000;

/** Records what the watcher hands over; takes at most `room` samples per call when set. */
class Recorder implements WalWatcherWriter {
  readonly labels = new Map<number, string>();
  readonly samples: { series: string; t: number; v: number }[] = [];
  readonly positions: WalPosition[] = [];
  readonly resets: number[] = [];
  readonly metadata: RefMetadata[] = [];
  unknownRefs = 0;
  room = Number.POSITIVE_INFINITY;
  #wake: (() => void) | undefined;
  readonly seriesCalls: number[] = [];
  storeSeries(series: RefSeries[]): void {
    this.seriesCalls.push(series.length);
    for (const s of series) this.labels.set(s.ref, s.labels.get('__name__'));
  }
  storeMetadata(m: RefMetadata[]): void {
    this.metadata.push(...m);
  }
  seriesReset(segment: number): void {
    this.resets.push(segment);
  }
  beginRecord(pos: WalPosition): void {
    this.positions.push(pos);
  }
  appendSamples(s: RefSamples, from: number): number {
    const to = Math.min(s.length, from + this.room);
    for (let i = from; i < to; i++) {
      const name = this.labels.get(s.refs[i]!);
      if (name === undefined) this.unknownRefs++;
      this.samples.push({ series: name ?? '?', t: s.ts[i]!, v: s.vs[i]! });
    }
    return to;
  }
  endRecord(): void {}
  waitForCapacity(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  grant(n: number): void {
    this.room = n;
    this.#wake?.();
  }
}

let wal: WalFixture;
let watcher: WalWatcher | undefined;
beforeEach(async () => {
  wal = await WalFixture.open(32 * 1024);
});
afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await wal.close();
});
const waitFor = (fn: () => void) => vi.waitFor(fn, { timeout: 20_000, interval: 10 });
const series = Array.from({ length: 50 }, (_, i) => `s${i}`);

describe('WalWatcher', () => {
  it('hands a big series record over in slices of at most 100 series, every series once', async () => {
    const many = Array.from({ length: 450 }, (_, i) => `m${i}`);
    await wal.append(many, T0 + 1000, 1); // One commit: one series record of 450 series.
    const rec = new Recorder();
    watcher = new WalWatcher(wal.walDir, rec, { startTimeMs: T0, pollIntervalMs: 5 });
    watcher.start();
    await waitFor(() => expect(rec.samples.length).toBe(450));
    expect(rec.seriesCalls).toEqual([100, 100, 100, 100, 50]);
    expect(rec.unknownRefs).toBe(0);
    expect(new Set(rec.samples.map((s) => s.series)).size).toBe(450);
  });

  it('tails new segments and survives checkpoints: every sample after the start, once, in order', async () => {
    for (let k = 0; k < 20; k++) await wal.append(series, T0 - 100_000 + k, k); // before the start
    const rec = new Recorder();
    watcher = new WalWatcher(wal.walDir, rec, { startTimeMs: T0 - 1, pollIntervalMs: 5, sliceMs: 1 });
    watcher.start();
    let want = 0;
    for (let k = 0; k < 300; k++) {
      await wal.append(series, T0 + k * 1000, k);
      want += series.length;
      // Each truncation starts a segment; from the third on, checkpoints and deletes old segments.
      if (k % 40 === 39) await wal.db.truncateHead(T0 + (k - 20) * 1000);
    }
    await waitFor(() => expect(rec.samples.length).toBe(want));
    expect(rec.unknownRefs).toBe(0);
    for (const name of series) {
      const ts = rec.samples.filter((s) => s.series === name).map((s) => s.t);
      expect(ts).toEqual(Array.from({ length: 300 }, (_, k) => T0 + k * 1000));
    }
    expect(watcher.stats.currentSegment).toBeGreaterThan(2);
    await waitFor(() => expect(rec.resets.length).toBeGreaterThan(0));
    expect(readdirSync(wal.walDir).some((n) => n.startsWith('checkpoint.'))).toBe(true);
    expect(readdirSync(wal.walDir)).not.toContain('00000000');
    // Positions increase strictly.
    for (let i = 1; i < rec.positions.length; i++) {
      expect(comparePositions(rec.positions[i]!, rec.positions[i - 1]!)).toBeGreaterThan(0);
    }
  });

  it('waits while the writer is full and offers the rest of the record later', async () => {
    const rec = new Recorder();
    rec.room = 10;
    watcher = new WalWatcher(wal.walDir, rec, { startTimeMs: T0 - 1, pollIntervalMs: 5 });
    await wal.append(series, T0, 1);
    watcher.start();
    await waitFor(() => expect(rec.samples.length).toBe(10));
    rec.grant(15);
    await waitFor(() => expect(rec.samples.length).toBe(25));
    rec.grant(1000);
    await waitFor(() => expect(rec.samples.length).toBe(50));
    expect(rec.samples.map((s) => s.series)).toEqual(series);
  });

  it('resumes after a saved position regardless of the start time', async () => {
    await wal.append(series, T0, 1);
    const first = new Recorder();
    watcher = new WalWatcher(wal.walDir, first, { startTimeMs: T0 - 1, pollIntervalMs: 5 });
    watcher.start();
    await waitFor(() => expect(first.samples.length).toBe(50));
    await watcher.stop();
    const pos = first.positions[first.positions.length - 1]!;
    await wal.append(series, T0 + 1, 2);
    const second = new Recorder();
    watcher = new WalWatcher(wal.walDir, second, { resumeFrom: pos, startTimeMs: T0 + 1_000_000, pollIntervalMs: 5 });
    watcher.start();
    await waitFor(() => expect(second.samples.length).toBe(50));
    expect(second.samples.every((s) => s.t === T0 + 1)).toBe(true);
    expect(second.labels.size).toBe(50); // Series records before the position are still read.
  });
});
