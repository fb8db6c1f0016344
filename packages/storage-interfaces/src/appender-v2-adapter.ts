// Prometheus: storage/interface_append.go (AppenderV2); the classic Appender served through it.
import type { Labels } from '@tsprom/labels';
import type {
  AppendOptions,
  Appendable,
  AppendableV2,
  Appender,
  AppendV2Options,
  AppenderV2,
  SeriesRef,
} from './appender.js';
import { AppendPartialError, OutOfOrderSTError } from './errors.js';
import { type FloatHistogram, type Histogram, zeroHistogramLike } from './histogram.js';
import type { Exemplar, Metadata } from './metadata.js';

/** What the adapter remembers of one series within one appender. */
interface SeriesState {
  labels: Labels;
  /** Whether a sample was appended for the series through this adapter (t, v, h, fh valid). */
  hasSample: boolean;
  t: number;
  v: number;
  h: Histogram | undefined;
  fh: FloatHistogram | undefined;
  pendingExemplars: Exemplar[] | undefined;
  pendingMetadata: Metadata | undefined;
}

const NO_OPTIONS: AppendV2Options = Object.freeze({});
const REJECT_OOO_OPTIONS: AppendV2Options = Object.freeze({ rejectOutOfOrder: true });

/**
 * The classic Appender over an AppenderV2. Contract:
 * - `append` is `v2.append(ref, l, 0, t, v, undefined, undefined, opts)`; `appendHistogram` the
 *   same with the histogram (and `v` 0).
 * - `appendExemplar` and `updateMetadata` re-append the last sample appended through this adapter
 *   for that series ref (same t, value, histogram), with the exemplar or metadata in the options:
 *   Prometheus's storage accepts an identical sample at the same timestamp as a no-op duplicate.
 *   An exemplar or metadata failure (AppendPartialError) is thrown as its typed cause (e.g.
 *   OutOfOrderExemplarError) when there is one, else as the AppendPartialError. A storage that
 *   rejects the duplicate throws its error instead, and the exemplar is lost.
 * - When the series had no sample yet in this appender, exemplars and metadata are kept pending and
 *   attached to the next `append`/`appendHistogram` of that series (found by ref, or by labels when
 *   the ref is 0); their failure is then thrown from that call as an AppendPartialError whose `ref`
 *   says the sample was kept. Pending data never appended is dropped at commit or rollback.
 * - `appendSTZeroSample(ref, l, t, st)` appends a 0-valued float sample at `st` (throws
 *   OutOfOrderSTError unless st < t); it takes no pending data. `appendHistogramSTZeroSample` the
 *   same with `zeroHistogramLike` of the histogram given.
 * - `setOptions({ discardOutOfOrder })` sets `rejectOutOfOrder` on every later append.
 * Costs one or two Map look-ups per append. Not safe for concurrent use, like any appender.
 */
export function appenderFromV2(v2: AppenderV2): Appender {
  return new AppenderV2Adapter(v2);
}

/** An Appendable whose appenders are `appenderFromV2(a.appenderV2())`. */
export function appendableFromV2(a: AppendableV2): Appendable {
  return { appender: () => appenderFromV2(a.appenderV2()) };
}

class AppenderV2Adapter implements Appender {
  readonly #v2: AppenderV2;
  #byRef = new Map<SeriesRef, SeriesState>();
  /** Series with pending data that were given with ref 0 and have no sample yet. */
  #pendingNoRef: SeriesState[] = [];
  #rejectOutOfOrder = false;

  constructor(v2: AppenderV2) {
    this.#v2 = v2;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    return this.#appendSample(ref, labels, t, v, undefined, undefined);
  }

  appendHistogram(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    return this.#appendSample(ref, labels, t, 0, h, fh);
  }

  appendSTZeroSample(ref: SeriesRef, labels: Labels, t: number, st: number): SeriesRef {
    if (st >= t) throw new OutOfOrderSTError();
    const newRef = this.#v2.append(ref, labels, 0, st, 0, undefined, undefined, this.#baseOptions());
    this.#remember(ref, newRef, labels, st, 0, undefined, undefined);
    return newRef;
  }

  appendHistogramSTZeroSample(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    st: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    if (st >= t) throw new OutOfOrderSTError();
    const zh = h !== undefined ? zeroHistogramLike(h) : undefined;
    const zfh = h === undefined && fh !== undefined ? zeroHistogramLike(fh) : undefined;
    const newRef = this.#v2.append(ref, labels, 0, st, 0, zh, zfh, this.#baseOptions());
    this.#remember(ref, newRef, labels, st, 0, zh, zfh);
    return newRef;
  }

  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    const state = this.#find(ref, labels);
    if (state?.hasSample) return this.#reappend(ref, state, { ...this.#baseOptions(), exemplars: [e] });
    const pending = state ?? this.#newPending(ref, labels);
    if (pending.pendingExemplars === undefined) pending.pendingExemplars = [e];
    else pending.pendingExemplars.push(e);
    return ref;
  }

  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    const state = this.#find(ref, labels);
    if (state?.hasSample) return this.#reappend(ref, state, { ...this.#baseOptions(), metadata: m });
    const pending = state ?? this.#newPending(ref, labels);
    pending.pendingMetadata = m;
    return ref;
  }

  setOptions(opts: AppendOptions | undefined): void {
    this.#rejectOutOfOrder = opts?.discardOutOfOrder === true;
  }

  async commit(): Promise<void> {
    this.#reset();
    await this.#v2.commit();
  }

  async rollback(): Promise<void> {
    this.#reset();
    await this.#v2.rollback();
  }

  #reset(): void {
    this.#byRef = new Map();
    this.#pendingNoRef = [];
  }

  #baseOptions(): AppendV2Options {
    return this.#rejectOutOfOrder ? REJECT_OOO_OPTIONS : NO_OPTIONS;
  }

  #appendSample(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    v: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    const state = this.#pendingNoRef.length === 0 && ref === 0 ? undefined : this.#find(ref, labels);
    let opts = this.#baseOptions();
    const pendingEx = state?.pendingExemplars;
    const pendingMeta = state?.pendingMetadata;
    if (pendingEx !== undefined || pendingMeta !== undefined) {
      opts = { ...opts };
      if (pendingEx !== undefined) opts.exemplars = pendingEx;
      if (pendingMeta !== undefined) opts.metadata = pendingMeta;
    }
    let newRef: SeriesRef;
    let partial: AppendPartialError | undefined;
    try {
      newRef = this.#v2.append(ref, labels, 0, t, v, h, fh, opts);
    } catch (err) {
      // The sample was kept: remember it, then report what failed of the pending data.
      if (!(err instanceof AppendPartialError)) throw err;
      partial = err;
      newRef = err.ref;
    }
    const s = this.#remember(ref, newRef, labels, t, v, h, fh);
    s.pendingExemplars = undefined;
    s.pendingMetadata = undefined;
    if (partial !== undefined) throw partial;
    return newRef;
  }

  /** Records the last sample of a series under `newRef`, moving what was known under `ref`. */
  #remember(
    ref: SeriesRef,
    newRef: SeriesRef,
    labels: Labels,
    t: number,
    v: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesState {
    let s = this.#byRef.get(newRef);
    if (s === undefined) {
      s = ref !== 0 ? this.#byRef.get(ref) : undefined;
      // A ref the storage replaced (e.g. stale after a restart): keep one entry per series.
      if (s !== undefined) this.#byRef.delete(ref);
      else s = this.#takePendingNoRef(labels);
      if (s === undefined) {
        s = {
          labels,
          hasSample: false,
          t: 0,
          v: 0,
          h: undefined,
          fh: undefined,
          pendingExemplars: undefined,
          pendingMetadata: undefined,
        };
      }
      this.#byRef.set(newRef, s);
    }
    s.labels = labels;
    s.hasSample = true;
    s.t = t;
    s.v = v;
    s.h = h;
    s.fh = fh;
    return s;
  }

  #find(ref: SeriesRef, labels: Labels): SeriesState | undefined {
    if (ref !== 0) {
      const s = this.#byRef.get(ref);
      if (s !== undefined) return s;
    }
    for (const s of this.#pendingNoRef) if (s.labels.equals(labels)) return s;
    if (ref === 0) {
      // Rare: exemplar or metadata for a series whose ref the caller did not keep.
      for (const s of this.#byRef.values()) if (s.labels.equals(labels)) return s;
    }
    return undefined;
  }

  #takePendingNoRef(labels: Labels): SeriesState | undefined {
    const i = this.#pendingNoRef.findIndex((s) => s.labels.equals(labels));
    if (i < 0) return undefined;
    const [s] = this.#pendingNoRef.splice(i, 1);
    return s;
  }

  #newPending(ref: SeriesRef, labels: Labels): SeriesState {
    const s: SeriesState = {
      labels,
      hasSample: false,
      t: 0,
      v: 0,
      h: undefined,
      fh: undefined,
      pendingExemplars: undefined,
      pendingMetadata: undefined,
    };
    if (ref !== 0) this.#byRef.set(ref, s);
    else this.#pendingNoRef.push(s);
    return s;
  }

  #reappend(ref: SeriesRef, s: SeriesState, opts: AppendV2Options): SeriesRef {
    const useRef = ref !== 0 ? ref : this.#refOf(s);
    try {
      return this.#v2.append(useRef, s.labels, 0, s.t, s.v, s.h, s.fh, opts);
    } catch (err) {
      if (err instanceof AppendPartialError && err.errors.length === 1) throw err.errors[0];
      throw err;
    }
  }

  #refOf(s: SeriesState): SeriesRef {
    for (const [r, st] of this.#byRef) if (st === s) return r;
    return 0;
  }
}
