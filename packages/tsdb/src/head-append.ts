// Prometheus: tsdb/head_append.go headAppender, memSeries.appendable, Commit, Rollback
import type { Labels } from '@tsprom/labels';
import {
  AppenderClosedError,
  type Appender,
  type AppenderV2,
  type AppendOptions,
  AppendPartialError,
  type AppendV2Options,
  DuplicateExemplarError,
  DuplicateSampleForTimestampError,
  type Exemplar,
  ExemplarsDisabledError,
  type FloatHistogram,
  type Histogram,
  Encoding,
  type Metadata,
  NativeHistogramsDisabledError,
  NotFoundError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  OutOfOrderSTError,
  type SeriesRef,
  TooOldSampleError,
  zeroHistogramLike,
} from '@tsprom/storage-interfaces';
import { isSupportedEncoding } from '@tsprom/chunkenc';
import type { CommitBatch, HeadLog, HistogramEntry } from './head-log.js';
import type { HeadState } from './head-state.js';
import type { CommitSlots, MemSeries } from './mem-series.js';
import { COMMIT_SLICE_MS, TimeSlicer, yieldToLoop } from './time-slicer.js';
import { Appendable, appendable, appendableHistogram, applyCommit } from './head-commit.js';
import { validateFloatHistogram, validateHistogram } from './histogram-validate.js';

/** Samples from which a commit gives the event loop a turn between its phases (log, apply). */
const bigCommit = 4096;

/**
 * Buffers samples, exemplars and metadata and applies them to the head at commit, atomically (a
 * querier sees all of a commit or none of it). The classic Appender; `HeadAppenderV2` wraps it
 * for the single-call form. As Prometheus's headAppender, `append` validates a sample only against
 * the COMMITTED state of its series and this appender's head max time and minimum valid time
 * (taken at creation, or at the first append when the head was empty): rejected samples throw the
 * typed errors of storage-interfaces. Samples of one appender are not checked against each other:
 * `commit` applies them in order and re-checks each (see `applyCommit`), so a sample made out of
 * order by an earlier one of the same batch goes to the out-of-order head when the window allows,
 * else it is dropped and counted. Not for concurrent use; after commit or rollback every call
 * throws AppenderClosedError.
 */
export class HeadAppender implements Appender {
  readonly #head: HeadState;
  #minValidTime = -Infinity;
  #headMaxT = -Infinity;
  #timesSet = false;
  readonly #oooWindow: number;
  // Series, time and value of sample i at index i < #n (entries after #n are stale): taken from the
  // head's spare buffers when there are some, handed back at commit or rollback.
  #series: MemSeries[] = [];
  #refs = new Float64Array(64);
  #ts = new Float64Array(64);
  #vs = new Float64Array(64);
  // Per sample, where its series' state is (see commitInSlot): the commit reads them, not the
  // series objects.
  #slots: CommitSlots = { offsets: new Float64Array(64), ids: new Float64Array(64), slabs: [] };
  // Start timestamps, kept only when the head writes XOR2 chunks (else undefined: XOR drops them).
  #sts: Float64Array | undefined;
  // The start timestamp of the sample being appended through appendWithOptions (0 = unknown).
  #curST = 0;
  #n = 0;
  // Series not marked as logged to the WAL when a sample of theirs was appended (checked then, while
  // the series is at hand): at commit only these may need a series record. Kept when the head had a
  // log at creation; otherwise, or after a failed log write since (`HeadState.logFailures`), the
  // commit checks every series.
  readonly #unlogged: MemSeries[] = [];
  readonly #trackUnlogged: boolean;
  readonly #logFailures: number;
  #histograms: HistogramEntry[] = [];
  #exemplars: { series: MemSeries; e: Exemplar }[] = [];
  #metadata: { series: MemSeries; m: Metadata }[] = [];
  #discardOOO = false;
  #done = false;

  /** @internal Use `Head.appender()` (or `DB.appender()`). */
  constructor(head: HeadState) {
    this.#head = head;
    this.#oooWindow = head.oooWindowMs;
    this.#trackUnlogged = head.log !== undefined;
    this.#logFailures = head.logFailures;
    const spare = head.spareAppendBuffers;
    if (spare !== undefined) {
      head.spareAppendBuffers = undefined;
      this.#series = spare.series;
      this.#refs = spare.refs;
      this.#ts = spare.ts;
      this.#vs = spare.vs;
      this.#slots = spare.slots;
    }
    if (head.floatChunkEncoding === 'xor2') this.#sts = new Float64Array(64);
    if (head.maxTime !== -Infinity) this.#setTimes(head.maxTime);
  }

  /**
   * Prometheus: Head.appender (headMaxt, minValidTime) and, for an empty head, initAppender, whose
   * first append sets the head's time range to that sample's time before taking them.
   */
  #setTimes(headMaxT: number): void {
    this.#timesSet = true;
    this.#headMaxT = headMaxT;
    const cwEnd = headMaxT - this.#head.chunkRangeMs / 2;
    const minValid = this.#head.minValidTime;
    this.#minValidTime = cwEnd > minValid ? cwEnd : minValid;
  }

  /**
   * Before the first sample: a head compaction started since this appender took its times does not
   * wait for it (it holds no sample), so in-order samples before the range it compacts are out of
   * bounds (Prometheus waits for every appender created before; an empty one would hold it up).
   */
  #adoptCompactionBound(): void {
    const bound = this.#head.appendMinValidTime;
    if (bound > this.#minValidTime) this.#minValidTime = bound;
  }

  #initTimes(t: number): void {
    const hm = this.#head.maxTime;
    this.#setTimes(hm === -Infinity ? t : hm);
  }

  #seriesFor(ref: SeriesRef, labels: Labels): MemSeries {
    if (ref !== 0) {
      const s = this.#head.series.getByRef(ref);
      if (s !== undefined) return s;
    }
    return this.#head.getOrCreate(labels).series;
  }

  /**
   * Prometheus `memSeries.appendable` at append time: whether (t, v) may go in order (false) or
   * out of order (true) given the committed series; throws (and counts) the reason it may not.
   */
  #appendable(s: MemSeries, t: number, v: number): boolean {
    const verdict = appendable(s, t, v, this.#headMaxT, this.#minValidTime, this.#oooWindow);
    if (verdict === Appendable.InOrder) return false;
    return this.#reject(s, t, v, verdict);
  }

  /** As `#appendable`, for a histogram sample: kept apart so that the float path stays as small. */
  #appendableHistogram(s: MemSeries, t: number, h: Histogram | FloatHistogram): boolean {
    const verdict = appendableHistogram(s, t, h, this.#headMaxT, this.#minValidTime, this.#oooWindow);
    if (verdict === Appendable.InOrder) return false;
    return this.#reject(s, t, Number.NaN, verdict);
  }

  // Throws (and counts) the rejection `verdict`; returns true for OutOfOrder.
  #reject(s: MemSeries, t: number, v: number, verdict: number): boolean {
    if (verdict === Appendable.OutOfOrder) return true;
    const c = this.#head.counters;
    switch (verdict) {
      case Appendable.RejectDuplicate:
        throw new DuplicateSampleForTimestampError(t, s.lastValue, v);
      case Appendable.RejectTooOld:
        c.tooOldRejected++;
        throw new TooOldSampleError(t, this.#headMaxT - this.#oooWindow);
      case Appendable.RejectOutOfBounds:
        c.outOfBoundRejected++;
        throw new OutOfBoundsError(t, this.#minValidTime);
      default:
        c.outOfOrderRejected++;
        throw new OutOfOrderSampleError(t, s.maxt);
    }
  }

  #check(): void {
    if (this.#done) throw new AppenderClosedError();
  }

  /** Appends a float sample at `t` (ms); returns the series ref to pass next time. */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    this.#check();
    if (!this.#timesSet) this.#initTimes(t);
    if (this.#n === 0) this.#adoptCompactionBound();
    // Fail fast when there is no window; otherwise appendable decides in order or out of order.
    if (this.#oooWindow === 0 && t < this.#minValidTime) {
      this.#head.counters.outOfBoundRejected++;
      throw new OutOfBoundsError(t, this.#minValidTime);
    }
    const s = this.#seriesFor(ref, labels);
    const ooo = this.#appendable(s, t, v);
    if (ooo && this.#discardOOO) {
      this.#head.counters.outOfOrderRejected++;
      throw new OutOfOrderSampleError(t, s.maxt);
    }
    this.#push(s, t, v);
    return s.ref;
  }

  /**
   * Appender.appendFloatsByRef: `append` for samples in bulk, in the plain case only (a known ref,
   * an in-order sample): what `append` would decide otherwise is left to it (the index returned).
   * The appender's first sample always goes through `append` (it takes the appender's times).
   */
  appendFloatsByRef(refs: Float64Array, ts: Float64Array, vs: Float64Array, from: number, to: number): number {
    this.#check();
    if (this.#n === 0) return from;
    const series = this.#head.series;
    const headMaxT = this.#headMaxT;
    const minValid = this.#minValidTime;
    const window = this.#oooWindow;
    for (let k = from; k < to; k++) {
      const t = ts[k]!;
      const v = vs[k]!;
      const ref = refs[k]!;
      if (ref === 0 || t < minValid) return k;
      const s = series.getByRef(ref);
      if (s === undefined || appendable(s, t, v, headMaxT, minValid, window) !== Appendable.InOrder) return k;
      this.#push(s, t, v);
    }
    return to;
  }

  #push(s: MemSeries, t: number, v: number): void {
    const n = this.#n;
    if (n === this.#ts.length) {
      const refs = new Float64Array(n * 2);
      const ts = new Float64Array(n * 2);
      const vs = new Float64Array(n * 2);
      refs.set(this.#refs);
      ts.set(this.#ts);
      vs.set(this.#vs);
      this.#refs = refs;
      this.#ts = ts;
      this.#vs = vs;
      const offsets = new Float64Array(n * 2);
      const ids = new Float64Array(n * 2);
      offsets.set(this.#slots.offsets);
      ids.set(this.#slots.ids);
      this.#slots.offsets = offsets;
      this.#slots.ids = ids;
    }
    this.#refs[n] = s.ref;
    const slots = this.#slots;
    const slab = s.openSlab;
    slots.slabs[n] = slab;
    if (slab !== undefined) {
      slots.offsets[n] = s.columnOffset;
      slots.ids[n] = s.openSlotId;
    }
    if (this.#trackUnlogged && !s.walLogged) this.#unlogged.push(s);
    this.#ts[n] = t;
    this.#vs[n] = v;
    const sts = this.#sts;
    if (sts !== undefined) {
      if (n === sts.length) {
        const grown = new Float64Array(n * 2);
        grown.set(sts);
        this.#sts = grown;
        grown[n] = this.#curST;
      } else sts[n] = this.#curST;
    }
    this.#series[n] = s;
    s.pendingCommits++;
    // Prometheus: Head.appender registers with isolation.newAppendID(minValidTime): head
    // compaction waits for the appenders that may still commit in-order samples before the end of
    // the range it compacts. Registered at the first sample (an appender holding none commits no
    // sample, and one left unused must not hold compaction up).
    if (n === 0 && this.#histograms.length === 0) this.#head.isolation.openAppend(this, this.#minValidTime);
    this.#n = n + 1;
  }

  /** AppenderV2's call: a sample (a float, or the histogram `h` or `fh`) with its metadata and exemplars. */
  appendWithOptions(
    ref: SeriesRef,
    labels: Labels,
    st: number,
    t: number,
    v: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
    opts?: AppendV2Options,
  ): SeriesRef {
    const prev = this.#discardOOO;
    if (opts?.rejectOutOfOrder === true) this.#discardOOO = true;
    this.#curST = st;
    try {
      if (h !== undefined || fh !== undefined) ref = this.appendHistogram(ref, labels, t, h, fh);
      else ref = this.append(ref, labels, t, v);
    } finally {
      this.#discardOOO = prev;
      this.#curST = 0;
    }
    if (opts === undefined) return ref;
    const errors: Error[] = [];
    if (opts.metadata !== undefined) this.updateMetadata(ref, labels, opts.metadata);
    if (opts.exemplars !== undefined) {
      for (const e of opts.exemplars) {
        try {
          this.appendExemplar(ref, labels, e.hasTs ? e : { ...e, ts: t, hasTs: true });
        } catch (err) {
          if (!(err instanceof Error)) throw err;
          errors.push(err); // A bad exemplar does not fail its sample: reported as a partial error.
        }
      }
    }
    if (errors.length > 0) throw new AppendPartialError(ref, errors);
    return ref;
  }

  /** Adds an exemplar to the series; duplicates of its newest exemplar are ignored silently. */
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    this.#check();
    let s = ref === 0 ? undefined : this.#head.series.getByRef(ref);
    if (s === undefined) s = this.#head.series.getByLabels(labels);
    if (s === undefined) throw new NotFoundError(`unknown HeadSeriesRef when trying to add exemplar: ${ref}`);
    try {
      this.#head.exemplars.validate(s.labels, e);
    } catch (err) {
      // Prometheus: duplicates and a disabled storage are not errors for the caller.
      if (err instanceof DuplicateExemplarError || err instanceof ExemplarsDisabledError) return 0;
      throw err;
    }
    this.#exemplars.push({ series: s, e });
    return s.ref;
  }

  /**
   * Prometheus: headAppender.AppendHistogram. Appends a native histogram sample at `t` (ms): the
   * integer `h`, else the float `fh` (one of them must be set). Invalid histograms throw
   * InvalidHistogramError; the time checks are those of `append` (a histogram at the latest
   * sample's time must equal it), and within the out-of-order window an older histogram goes to
   * the out-of-order head, as a float does (Prometheus 3). The histogram is kept by reference
   * until commit: the caller must not change it.
   */
  appendHistogram(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    this.#check();
    if (h !== undefined) validateHistogram(h);
    else if (fh !== undefined) validateFloatHistogram(fh);
    else throw new TypeError('appendHistogram: neither an integer nor a float histogram was given');
    // Without the chunk encoding the head could not store it: refused before anything is logged.
    if (!isSupportedEncoding(h !== undefined ? Encoding.Histogram : Encoding.FloatHistogram)) {
      throw new NativeHistogramsDisabledError();
    }
    if (!this.#timesSet) this.#initTimes(t);
    if (this.#n === 0 && this.#histograms.length === 0) this.#adoptCompactionBound();
    if (t < this.#minValidTime && this.#oooWindow === 0) {
      this.#head.counters.outOfBoundRejected++;
      throw new OutOfBoundsError(t, this.#minValidTime);
    }
    const s = this.#seriesFor(ref, labels);
    const ooo = this.#appendableHistogram(s, t, (h ?? fh)!);
    if (ooo && this.#discardOOO) {
      this.#head.counters.outOfOrderRejected++;
      throw new OutOfOrderSampleError(t, s.maxt);
    }
    if (this.#n === 0 && this.#histograms.length === 0) {
      this.#head.isolation.openAppend(this, this.#minValidTime);
    }
    this.#histograms.push({ series: s, t, h, fh });
    s.pendingCommits++;
    return s.ref;
  }

  /**
   * Appends a 0 sample at the start timestamp `st` (< t) unless the series' committed data already
   * ends at it; throws `OutOfOrderSTError` when it would go out of order.
   */
  appendSTZeroSample(ref: SeriesRef, labels: Labels, t: number, st: number): SeriesRef {
    this.#check();
    if (st >= t) throw new OutOfOrderSTError();
    if (!this.#timesSet) this.#initTimes(t);
    if (this.#n === 0) this.#adoptCompactionBound();
    const s = this.#seriesFor(ref, labels);
    if (st === s.maxt) return s.ref; // The zero sample is already there.
    // The common case of a created timestamp seen before: refused without counting a rejected
    // sample (Prometheus's AppendSTZeroSample counts none).
    if (st < s.maxt) throw new OutOfOrderSTError();
    const ooo = this.#appendable(s, st, 0);
    // An injected zero must never go out of order: it would be re-injected on every scrape.
    if (ooo) throw new OutOfOrderSTError();
    this.#push(s, st, 0);
    return s.ref;
  }

  /**
   * Prometheus: headAppender.AppendHistogramSTZeroSample. As `appendSTZeroSample`, for a histogram
   * series: a `zeroHistogramLike` of `h` (else of `fh`) at `st`, integer or float as given.
   */
  appendHistogramSTZeroSample(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    st: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    this.#check();
    if (h === undefined && fh === undefined) {
      throw new TypeError('appendHistogramSTZeroSample: neither an integer nor a float histogram was given');
    }
    if (st >= t) throw new OutOfOrderSTError();
    if (!isSupportedEncoding(h !== undefined ? Encoding.Histogram : Encoding.FloatHistogram)) {
      throw new NativeHistogramsDisabledError();
    }
    if (!this.#timesSet) this.#initTimes(t);
    if (this.#n === 0 && this.#histograms.length === 0) this.#adoptCompactionBound();
    const s = this.#seriesFor(ref, labels);
    if (st === s.maxt) return s.ref; // The zero sample is already there.
    // The common case of a created timestamp seen before: refused without counting a rejected
    // sample (Prometheus's AppendSTZeroSample counts none).
    if (st < s.maxt) throw new OutOfOrderSTError();
    const zh = h !== undefined ? zeroHistogramLike(h) : undefined;
    const zfh = zh === undefined ? zeroHistogramLike(fh!) : undefined;
    const ooo = this.#appendableHistogram(s, st, (zh ?? zfh)!);
    // An injected zero must never go out of order: it would be re-injected on every scrape.
    if (ooo) throw new OutOfOrderSTError();
    if (this.#n === 0 && this.#histograms.length === 0) {
      this.#head.isolation.openAppend(this, this.#minValidTime);
    }
    this.#histograms.push({ series: s, t: st, h: zh, fh: zfh });
    s.pendingCommits++;
    return s.ref;
  }

  /** Records metadata for the series; logged at commit when it changed. */
  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    this.#check();
    const s = this.#seriesFor(ref, labels);
    const old = s.meta;
    if (old === undefined || old.type !== m.type || old.unit !== m.unit || old.help !== m.help) {
      this.#metadata.push({ series: s, m });
    }
    return s.ref;
  }

  /** Classic-appender options: `discardOutOfOrder` rejects samples that would go out of order. */
  setOptions(opts: AppendOptions | undefined): void {
    this.#discardOOO = opts?.discardOutOfOrder === true;
  }

  /**
   * Logs the commit (when the head has a WAL: every sample, as Prometheus, so that replay applies
   * the same rules) and then applies it in order. Resolves once the records were handed to the OS
   * (see the README's durability promise). Samples that an earlier sample of this batch or another
   * commit made out of order go to the out-of-order head if the window allows, else they are
   * dropped and counted in `samplesDroppedAtCommit` (and `outOfOrderSamples` / `tooOldSamples` /
   * `outOfBoundSamples`), as Prometheus does; the commit does not fail for them. Commits of a
   * head run one at a time, in the order `commit` was called; a big one is logged and applied in
   * time slices that leave the event loop free, and queriers see none of it until it is applied
   * whole.
   */
  async commit(): Promise<void> {
    this.#check();
    this.#done = true;
    const head = this.#head;
    const newSeries: MemSeries[] = [];
    const batch: CommitBatch = {
      newSeries,
      series: this.#series,
      refs: this.#refs,
      ts: this.#ts,
      vs: this.#vs,
      length: this.#n,
      histograms: this.#histograms,
      exemplars: this.#exemplars,
      metadata: this.#metadata,
    };
    if (
      batch.length === 0 &&
      batch.histograms.length === 0 &&
      batch.exemplars.length === 0 &&
      batch.metadata.length === 0
    ) {
      this.#returnBuffers();
      return;
    }
    // One commit at a time, from logging to applying: the WAL holds commits in the order they
    // apply, and a commit applied in slices never interleaves with another.
    let release: (() => void) | undefined;
    try {
      release = await head.isolation.lockCommits();
      if (head.log !== undefined) {
        await this.#log(head.log, batch, newSeries);
        // Logging and applying each run in slices; their last and first would make one stall.
        if (batch.length > bigCommit) await yieldToLoop();
      }
      const ooo = await applyCommit(head, batch, this.#headMaxT, this.#minValidTime, this.#sts, undefined, this.#slots);
      if (ooo !== undefined && head.log !== undefined) {
        await head.log.logOOO(ooo);
      }
    } finally {
      release?.();
      head.isolation.closeAppend(this);
      this.#returnBuffers();
    }
  }

  // Hands the sample buffers to the next appender of the head (the largest, when several finish).
  // Entries are cleared: they would keep series alive that the head drops later.
  #returnBuffers(): void {
    const series = this.#series;
    series.fill(undefined as unknown as MemSeries, 0, this.#n);
    this.#slots.slabs.fill(undefined, 0, this.#n);
    this.#n = 0;
    const spare = this.#head.spareAppendBuffers;
    if (spare !== undefined && spare.ts.length >= this.#ts.length) return;
    this.#head.spareAppendBuffers = { series, refs: this.#refs, ts: this.#ts, vs: this.#vs, slots: this.#slots };
  }

  // Logs the batch, with a series record for each series not logged yet. Marked logged before the
  // write so that one commit logs each series record once; unmarked again if the write fails, so
  // that a later commit logs it. The caller holds the commit lock: no other commit marks meanwhile.
  async #log(log: HeadLog, batch: CommitBatch, newSeries: MemSeries[]): Promise<void> {
    try {
      const all = !this.#trackUnlogged || this.#head.logFailures !== this.#logFailures;
      const series = all ? this.#series : this.#unlogged;
      const n = all ? this.#n : series.length;
      const slicer = new TimeSlicer(COMMIT_SLICE_MS);
      for (let i = 0; i < n; i++) {
        // A walk over 100k series objects takes a while (a cache miss each): in slices.
        if ((i & 1023) === 1023 && slicer.due()) await slicer.yield();
        const s = series[i]!;
        if (!s.walLogged) {
          s.walLogged = true;
          newSeries.push(s);
        }
      }
      // Series that histograms, metadata or exemplars refer to need their series record first too.
      for (const { series: s } of this.#histograms) {
        if (!s.walLogged) {
          s.walLogged = true;
          newSeries.push(s);
        }
      }
      for (const { series: s } of this.#metadata) {
        if (!s.walLogged) {
          s.walLogged = true;
          newSeries.push(s);
        }
      }
      for (const { series: s } of this.#exemplars) {
        if (!s.walLogged) {
          s.walLogged = true;
          newSeries.push(s);
        }
      }
      if (n > bigCommit) await yieldToLoop();
      await log.logCommit(batch);
    } catch (err) {
      for (const s of newSeries) s.walLogged = false;
      if (newSeries.length > 0) this.#head.logFailures++;
      this.#clearPending();
      throw err;
    }
  }

  /** Drops everything appended. */
  async rollback(): Promise<void> {
    this.#check();
    this.#done = true;
    this.#clearPending();
    this.#head.isolation.closeAppend(this);
    this.#returnBuffers();
  }

  #clearPending(): void {
    const series = this.#series;
    for (let i = 0; i < this.#n; i++) series[i]!.pendingCommits--;
    for (const { series: s } of this.#histograms) s.pendingCommits--;
  }
}

/** AppenderV2 over a HeadAppender: one call per sample with its metadata and exemplars. */
export class HeadAppenderV2 implements AppenderV2 {
  readonly #app: HeadAppender;

  /** @internal Use `Head.appenderV2()`. */
  constructor(app: HeadAppender) {
    this.#app = app;
  }

  append(
    ref: SeriesRef,
    labels: Labels,
    st: number,
    t: number,
    v: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
    opts?: AppendV2Options,
  ): SeriesRef {
    return this.#app.appendWithOptions(ref, labels, st, t, v, h, fh, opts);
  }

  commit(): Promise<void> {
    return this.#app.commit();
  }

  rollback(): Promise<void> {
    return this.#app.rollback();
  }
}
