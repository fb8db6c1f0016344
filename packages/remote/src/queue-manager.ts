// Prometheus: storage/remote/queue_manager.go QueueManager (Start, Stop, Append, StoreSeries,
// updateShardsLoop, shouldReshard, reshardLoop, shards.runShard, sendSamples, metadata sending):
// one remote_write endpoint fed by a WAL watcher, its samples spread over shards by series,
// batched, sent with retries, and the number of shards adapted to the measured throughput.
import { setMaxListeners } from 'node:events';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RemoteWriteConfig } from '@tsprom/config';
import type { Labels } from '@tsprom/labels';
import type { RefSamples } from '@tsprom/tsdb/wal';
import { BatchEncoder } from './batch-encoder.js';
import { calculateDesiredShards, EwmaRate, ShardUpdateDurationMs } from './desired-shards.js';
import { MarkRing } from './mark-ring.js';
import { type QueueClock, realClock, Waker } from './queue-clock.js';
import { newQueueStats, observeSentBatchDuration, type QueueStats } from './queue-metrics.js';
import { SendOutcome, sendWithBackoff } from './send-with-backoff.js';
import { SeriesStore } from './series-store.js';
import { ShardBuffer } from './shard-buffer.js';
import { TurnSlicer } from './turn-slicer.js';
import { snappyEncode } from './snappy.js';
import { type WalObjectSample, WalWatcher, type WalPosition, type WalWatcherWriter } from './wal-watcher.js';
import type { StoreFn } from './write-client.js';
import { encodeWriteRequest } from './write-request.js';
import { ProtoWriter } from './proto-writer.js';

/** Synchronous work (ms) of one queue per event-loop turn before timers and I/O get a turn. */
const TURN_BUDGET_MS = 10;

/** Options of {@link QueueManager}. */
export interface QueueManagerOptions {
  readonly cfg: RemoteWriteConfig;
  readonly externalLabels: Labels;
  /** The tsdb WAL directory to follow (`<data dir>/wal`). */
  readonly walDir: string;
  /**
   * Directory where the queue keeps its WAL position (`position.json`), so that a restart resumes
   * where sending stopped. Undefined: no position is kept, and every start sends only samples newer
   * than the start time, as Prometheus does.
   */
  readonly stateDir?: string | undefined;
  /** Sends one compressed body (a WriteClient's `store`). */
  readonly store: StoreFn;
  /** The `remote_name` label; default the config's name. */
  readonly name?: string;
  readonly clock?: QueueClock;
  /** WAL poll interval (ms), default 100. */
  readonly pollIntervalMs?: number;
  /** On a first start: skip samples at or before this time. Default: now. */
  readonly startTimeMs?: number;
  /** How long `stop()` keeps sending what is queued (ms). Default 60 s (Prometheus flushDeadline). */
  readonly flushDeadlineMs?: number;
  /** Errors: WAL damage, sends refused for good. */
  readonly onError?: (err: unknown) => void;
}

interface Shard {
  readonly buf: ShardBuffer;
  readonly enc: BatchEncoder;
  readonly waker: Waker;
  stopping: boolean;
  running: Promise<void> | undefined;
  /** The series generation when the shard last held nothing older. */
  cleanGeneration: number;
}

/**
 * Prometheus: remote.QueueManager. Follows the WAL (see WalWatcher), keeps the series map, queues
 * samples on `ref % shards`, sends batches of `max_samples_per_send` (or less at
 * `batch_send_deadline`), retries recoverable failures with backoff, and reshards every 10 s
 * when the desired shards change by more than 30%. Keeps the WAL position of what was sent.
 */
export class QueueManager {
  readonly name: string;
  readonly cfg: RemoteWriteConfig;
  readonly stats: QueueStats = newQueueStats();
  readonly #o: QueueManagerOptions;
  readonly #clock: QueueClock;
  readonly #series: SeriesStore;
  readonly #marks: MarkRing;
  readonly #watcher: WalWatcher;
  readonly #abort = new AbortController();
  /** Work per event-loop turn, shared by the watcher and the shards' encoding. */
  readonly #slicer = new TurnSlicer(TURN_BUDGET_MS);
  readonly #background: Promise<void>[] = [];
  readonly #dataIn = new EwmaRate();
  readonly #dataOut = new EwmaRate();
  readonly #dataDropped = new EwmaRate();
  readonly #dataOutDuration = new EwmaRate();
  #shards: Shard[] = [];
  #resharding = false;
  #capacityWaiters: (() => void)[] = [];
  #mark = -1;
  #lastSendTimestamp = 0;
  #savedPosition: WalPosition | undefined;
  #saveScheduled = false;
  #saving: Promise<void> | undefined;
  #started = false;

  private constructor(o: QueueManagerOptions, resume: WalPosition | undefined) {
    this.#o = o;
    this.cfg = o.cfg;
    this.name = o.name ?? o.cfg.name;
    this.#clock = o.clock ?? realClock;
    this.#series = new SeriesStore(o.externalLabels, o.cfg.writeRelabelConfigs);
    this.#marks = new MarkRing(resume);
    this.#savedPosition = resume;
    // Every send in flight (one per shard, up to max_shards) and every wait listens to it.
    setMaxListeners(0, this.#abort.signal);
    const q = o.cfg.queueConfig;
    this.stats.shardsMin = q.minShards;
    this.stats.shardsMax = q.maxShards;
    this.stats.shardCapacity = q.capacity;
    this.stats.shardsDesired = q.minShards;
    this.#watcher = new WalWatcher(o.walDir, this.#writer(), {
      slicer: this.#slicer,
      resumeFrom: resume,
      startTimeMs: o.startTimeMs ?? this.#clock.now(),
      pollIntervalMs: o.pollIntervalMs,
      onError: o.onError,
    });
  }

  /** Makes a queue, reading its saved WAL position from `stateDir` when there is one. */
  static async create(o: QueueManagerOptions): Promise<QueueManager> {
    return new QueueManager(o, o.stateDir === undefined ? undefined : await readPosition(o.stateDir));
  }

  /** The position up to which every sample was sent (or dropped for good). */
  get committedPosition(): WalPosition | undefined {
    return this.#marks.committed;
  }

  /** Starts the watcher, the shards and the background loops. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#startShards(this.cfg.queueConfig.minShards);
    this.#watcher.start();
    const sig = this.#abort.signal;
    this.#background.push(this.#updateShardsLoop(sig));
    if (this.cfg.metadataConfig.send && this.cfg.protobufMessage === 'prometheus.WriteRequest') {
      this.#background.push(this.#metadataLoop(sig));
    }
  }

  /**
   * Stops reading the WAL, keeps sending what is queued for up to the flush deadline, then stops
   * sending and saves the WAL position. What was not sent is sent again after a restart.
   */
  async stop(): Promise<void> {
    await this.#watcher.stop();
    for (const s of this.#shards) {
      s.stopping = true;
      s.waker.wake();
    }
    const flushed = Promise.all(this.#shards.map((s) => s.running));
    const deadline = new AbortController();
    await Promise.race([
      flushed,
      this.#clock.sleep(this.#o.flushDeadlineMs ?? 60_000, deadline.signal).catch(() => undefined),
    ]);
    deadline.abort();
    this.#abort.abort();
    this.#wakeCapacity();
    await flushed;
    await Promise.all(this.#background);
    await this.#saving;
    await this.#savePosition();
  }

  /**
   * Prometheus: the watcher reads histogram records when send_native_histograms is set; Remote
   * Write 2.0 carries them always.
   */
  get sendsHistograms(): boolean {
    return this.cfg.sendNativeHistograms || this.cfg.protobufMessage === 'io.prometheus.write.v2.Request';
  }

  #writer(): WalWatcherWriter {
    const series = this.#series;
    const w: WalWatcherWriter = {
      storeSeries: (s, segment) => series.storeSeries(s, segment),
      storeMetadata: (m) => series.storeMetadata(m),
      seriesReset: (segment) => series.seriesReset(segment),
      beginRecord: (pos) => {
        this.#mark = this.#marks.begin(pos);
      },
      appendSamples: (s, from) => this.#append(s, from),
      endRecord: () => this.#release(this.#mark),
      waitForCapacity: (signal) =>
        new Promise<void>((resolve) => {
          if (signal.aborted) return resolve();
          const done = (): void => {
            signal.removeEventListener('abort', done);
            resolve();
          };
          signal.addEventListener('abort', done, { once: true });
          this.#capacityWaiters.push(done);
        }),
    };
    if (this.sendsHistograms) w.appendHistograms = (hs, from) => this.#appendObjects(hs, from, false);
    if (this.cfg.sendExemplars) w.appendExemplars = (es, from) => this.#appendObjects(es, from, true);
    return w;
  }

  // Prometheus: QueueManager.AppendHistograms / AppendFloatHistograms / AppendExemplars.
  #appendObjects(hs: WalObjectSample[], from: number, exemplars: boolean): number {
    if (this.#resharding) return from;
    const series = this.#series;
    const shards = this.#shards;
    const max = this.cfg.queueConfig.maxSamplesPerSend;
    const mark = this.#mark;
    const st = this.stats;
    let taken = 0;
    let dropped = 0;
    let i = from;
    for (; i < hs.length; i++) {
      const h = hs[i]!;
      if (series.get(h.ref) === undefined) {
        dropped++;
        continue;
      }
      const sh = shards[h.ref % shards.length]!;
      if (!sh.buf.pushObject(h, mark)) {
        st.enqueueRetriesTotal++;
        break;
      }
      taken++;
      if (!exemplars && h.t / 1000 > st.highestTimestampInSeconds) st.highestTimestampInSeconds = h.t / 1000;
      if (sh.buf.length >= max) sh.waker.wake();
    }
    this.#marks.retain(mark, taken);
    if (exemplars) {
      st.exemplarsInTotal += taken + dropped;
      st.exemplarsDroppedTotal += dropped;
      st.exemplarsPending += taken;
    } else {
      st.histogramsInTotal += taken + dropped;
      st.histogramsDroppedTotal += dropped;
      st.histogramsPending += taken;
    }
    this.#dataIn.incr(taken + dropped);
    this.#dataDropped.incr(dropped);
    return i;
  }

  // Prometheus: QueueManager.Append. Per sample: a map lookup and a ring push, nothing allocated.
  #append(s: RefSamples, from: number): number {
    if (this.#resharding) return from;
    const { refs, ts, vs } = s;
    const n = s.length;
    const series = this.#series;
    const shards = this.#shards;
    const nShards = shards.length;
    const max = this.cfg.queueConfig.maxSamplesPerSend;
    const mark = this.#mark;
    const st = this.stats;
    let taken = 0;
    let dropped = 0;
    let i = from;
    for (; i < n; i++) {
      const ref = refs[i]!;
      if (series.get(ref) === undefined) {
        dropped++; // Dropped by relabeling, or a ref with no series record (Prometheus counts both).
        continue;
      }
      const sh = shards[ref % nShards]!;
      if (!sh.buf.push(ref, ts[i]!, vs[i]!, mark)) {
        st.enqueueRetriesTotal++;
        break;
      }
      taken++;
      if (ts[i]! / 1000 > st.highestTimestampInSeconds) st.highestTimestampInSeconds = ts[i]! / 1000;
      if (sh.buf.length === max) sh.waker.wake();
    }
    this.#marks.retain(mark, taken);
    st.samplesInTotal += taken + dropped;
    st.samplesDroppedTotal += dropped;
    st.samplesPending += taken;
    this.#dataIn.incr(taken + dropped);
    this.#dataDropped.incr(dropped);
    return i;
  }

  #release(mark: number): void {
    const before = this.#marks.committed;
    this.#marks.release(mark);
    if (this.#marks.committed !== before) this.#scheduleSave();
  }

  #wakeCapacity(): void {
    const ws = this.#capacityWaiters;
    this.#capacityWaiters = [];
    for (const w of ws) w();
  }

  #startShards(n: number): void {
    const q = this.cfg.queueConfig;
    const v2 = this.cfg.protobufMessage === 'io.prometheus.write.v2.Request';
    const shards: Shard[] = [];
    for (let i = 0; i < n; i++) {
      shards.push({
        buf: new ShardBuffer(q.capacity, q.maxSamplesPerSend),
        enc: new BatchEncoder(v2),
        waker: new Waker(this.#clock),
        stopping: false,
        running: undefined,
        cleanGeneration: this.#series.generation,
      });
    }
    this.#shards = shards;
    this.stats.shards = n;
    for (const s of shards) s.running = this.#runShard(s, this.#abort.signal);
  }

  // Prometheus: shards.runShard. Sends a batch when full, or what there is at the deadline.
  async #runShard(s: Shard, signal: AbortSignal): Promise<void> {
    const q = this.cfg.queueConfig;
    let deadline = false;
    try {
      while (!signal.aborted) {
        const len = s.buf.length;
        if (len >= q.maxSamplesPerSend || (len > 0 && (deadline || s.stopping))) {
          await this.#sendBatch(s, signal);
          deadline = false;
          continue;
        }
        if (s.stopping) return;
        deadline = await s.waker.wait(q.batchSendDeadlineMs, signal);
      }
    } catch (err) {
      if (!signal.aborted) this.#o.onError?.(err);
    }
  }

  async #sendBatch(s: Shard, signal: AbortSignal): Promise<void> {
    // Encoding a batch is the shards' synchronous work: bounded per turn with the watcher's.
    await this.#slicer.yieldIfSpent();
    const b = s.buf.take(this.cfg.queueConfig.maxSamplesPerSend);
    this.#wakeCapacity();
    const st = this.stats;
    const n0 = b.length;
    // Series forgotten since (a checkpoint came between) cannot be sent: drop their samples. Only
    // needed while the shard holds samples queued before the last series reset.
    const gen = this.#series.generation;
    const check = s.cleanGeneration !== gen;
    if (s.buf.length === 0) s.cleanGeneration = gen;
    let n = 0;
    let highest = 0;
    for (let i = 0; i < n0; i++) {
      if (check && this.#series.get(b.refs[i]!) === undefined) {
        this.#release(b.marks[i]!);
        continue;
      }
      b.refs[n] = b.refs[i]!;
      b.ts[n] = b.ts[i]!;
      b.vs[n] = b.vs[i]!;
      b.marks[n++] = b.marks[i]!;
      if (b.ts[i]! > highest) highest = b.ts[i]!;
    }
    st.samplesDroppedTotal += n0 - n;
    st.samplesPending -= n0 - n;
    b.length = n;
    const h0 = b.oLength;
    let no = 0;
    let nh = 0;
    let ne = 0;
    for (let i = 0; i < h0; i++) {
      const h = b.objects[i]!;
      const isExemplar = 'labels' in h;
      if (check && this.#series.get(h.ref) === undefined) {
        this.#release(b.oMarks[i]!);
        if (isExemplar) {
          st.exemplarsDroppedTotal++;
          st.exemplarsPending--;
        } else {
          st.histogramsDroppedTotal++;
          st.histogramsPending--;
        }
        continue;
      }
      b.objects[no] = h;
      b.oMarks[no++] = b.oMarks[i]!;
      if (isExemplar) ne++;
      else {
        nh++;
        if (h.t > highest) highest = h.t;
      }
    }
    b.oLength = no;
    if (n === 0 && no === 0) return;
    // A view of the shard's buffer: reused only once this send is over.
    const body = s.enc.encodeCompressed(b, this.#series);
    const outcome = await sendWithBackoff(
      this.#o.store,
      body,
      {
        minBackoffMs: this.cfg.queueConfig.minBackoffMs,
        maxBackoffMs: this.cfg.queueConfig.maxBackoffMs,
        clock: this.#clock,
        onAttempt: (sec) => {
          observeSentBatchDuration(st, sec);
          this.#dataOutDuration.incr(sec);
        },
        onRetry: () => {
          st.samplesRetriedTotal += n;
          st.histogramsRetriedTotal += nh;
          st.exemplarsRetriedTotal += ne;
        },
        onFailure: (err) => {
          st.samplesFailedTotal += n;
          st.histogramsFailedTotal += nh;
          st.exemplarsFailedTotal += ne;
          this.#o.onError?.(err);
        },
      },
      signal,
    );
    st.samplesPending -= n;
    st.histogramsPending -= nh;
    st.exemplarsPending -= ne;
    if (outcome === SendOutcome.Sent) {
      st.samplesTotal += n;
      st.histogramsTotal += nh;
      st.exemplarsTotal += ne;
      st.bytesTotal += body.length;
      this.#dataOut.incr(n + no);
      this.#lastSendTimestamp = this.#clock.now();
      if (highest / 1000 > st.queueHighestSentTimestampSeconds) st.queueHighestSentTimestampSeconds = highest / 1000;
    } else {
      this.#dataDropped.incr(n + no);
    }
    for (let i = 0; i < n; i++) this.#release(b.marks[i]!);
    for (let i = 0; i < no; i++) this.#release(b.oMarks[i]!);
  }

  // Prometheus: QueueManager.updateShardsLoop and shouldReshard.
  async #updateShardsLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#clock.sleep(ShardUpdateDurationMs, signal);
      } catch {
        return; // Stopped.
      }
      const want = this.#desiredShards();
      if (want === this.#shards.length) continue;
      // Sending fails right now: resharding would only stall the queue (Prometheus does the same).
      if (this.#clock.now() - this.#lastSendTimestamp > 2 * ShardUpdateDurationMs) continue;
      await this.#reshard(want, signal);
    }
  }

  #desiredShards(): number {
    this.#dataIn.tick();
    this.#dataOut.tick();
    this.#dataDropped.tick();
    this.#dataOutDuration.tick();
    const q = this.cfg.queueConfig;
    const [n, desired] = calculateDesiredShards(
      {
        dataInRate: this.#dataIn.rate(),
        dataOutRate: this.#dataOut.rate(),
        dataDroppedRate: this.#dataDropped.rate(),
        dataOutDuration: this.#dataOutDuration.rate(),
        highestRecv: this.stats.highestTimestampInSeconds,
        highestSent: this.stats.queueHighestSentTimestampSeconds,
      },
      { numShards: this.#shards.length, minShards: q.minShards, maxShards: q.maxShards },
    );
    this.stats.shardsDesired = desired;
    return n;
  }

  // Prometheus: reshardLoop: the old shards send all they hold, then the new ones start, so the
  // samples of a series stay in order.
  async #reshard(n: number, signal: AbortSignal): Promise<void> {
    this.#resharding = true;
    for (const s of this.#shards) {
      s.stopping = true;
      s.waker.wake();
    }
    await Promise.all(this.#shards.map((s) => s.running));
    if (signal.aborted) return;
    this.#startShards(n);
    this.#resharding = false;
    this.#wakeCapacity();
  }

  // Prometheus: QueueManager.sendMetadata / updateMetadata loop (Remote Write 1.0 only).
  async #metadataLoop(signal: AbortSignal): Promise<void> {
    const mc = this.cfg.metadataConfig;
    const w = new ProtoWriter(4096);
    while (!signal.aborted) {
      try {
        await this.#clock.sleep(mc.sendIntervalMs, signal);
      } catch {
        return;
      }
      const all = this.#series.metadata();
      for (let i = 0; i < all.length && !signal.aborted; i += mc.maxSamplesPerSend) {
        const part = all.slice(i, i + mc.maxSamplesPerSend);
        const body = snappyEncode(
          encodeWriteRequest(
            {
              timeseries: [],
              metadata: part.map((m) => ({ type: m.type, metricFamilyName: m.name, help: m.help, unit: m.unit })),
            },
            w,
          ),
        );
        const st = this.stats;
        try {
          const outcome = await sendWithBackoff(
            this.#o.store,
            body,
            {
              minBackoffMs: this.cfg.queueConfig.minBackoffMs,
              maxBackoffMs: this.cfg.queueConfig.maxBackoffMs,
              clock: this.#clock,
              onAttempt: () => undefined,
              onRetry: () => {
                st.metadataRetriedTotal += part.length;
              },
              onFailure: (err) => {
                st.metadataFailedTotal += part.length;
                this.#o.onError?.(err);
              },
            },
            signal,
          );
          if (outcome === SendOutcome.Sent) {
            st.metadataTotal += part.length;
            st.metadataBytesTotal += body.length;
          }
        } catch {
          return; // Stopped while sending.
        }
      }
    }
  }

  #scheduleSave(): void {
    if (this.#o.stateDir === undefined || this.#saveScheduled) return;
    this.#saveScheduled = true;
    // At most one save is pending (#saveScheduled); `stop()` awaits it.
    this.#saving = this.#clock
      .sleep(1000, this.#abort.signal)
      .catch(() => undefined)
      .then(() => {
        this.#saveScheduled = false;
        return this.#savePosition();
      })
      .catch((err: unknown) => this.#o.onError?.(err));
  }

  async #savePosition(): Promise<void> {
    const dir = this.#o.stateDir;
    const pos = this.#marks.committed;
    if (dir === undefined || pos === undefined) return;
    const saved = this.#savedPosition;
    if (saved !== undefined && saved.segment === pos.segment && saved.offset === pos.offset) return;
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, 'position.json.tmp');
    await writeFile(tmp, JSON.stringify({ segment: pos.segment, offset: pos.offset }));
    await rename(tmp, join(dir, 'position.json'));
    this.#savedPosition = pos;
  }
}

/** The position saved in `dir`, undefined when none (or unreadable: then a first start's rules apply). */
export async function readPosition(dir: string): Promise<WalPosition | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'position.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const v = JSON.parse(text) as { segment?: unknown; offset?: unknown };
  if (typeof v.segment !== 'number' || typeof v.offset !== 'number') {
    throw new Error(`${join(dir, 'position.json')}: not a WAL position: ${text}`);
  }
  return { segment: v.segment, offset: v.offset };
}
