// Prometheus: storage/fanout.go fanoutAppender, fanoutAppenderV2
import type { Labels } from '@tsprom/labels';
import type { AppendOptions, Appender, AppendV2Options, AppenderV2, SeriesRef } from './appender.js';
import { AppendPartialError } from './errors.js';
import type { FloatHistogram, Histogram } from './histogram.js';
import type { Exemplar, Metadata } from './metadata.js';
import { toError } from './secondary-querier.js';

/** Receives errors Prometheus only logs (a secondary's rollback failing after a failed commit). */
export type FanoutErrorHandler = (err: Error, context: string) => void;

/**
 * Commits `primary` then each secondary in order. Once one fails, the rest are rolled back and the
 * first failure is thrown (Prometheus: fanoutAppender.Commit).
 */
async function commitAll(
  primary: { commit(): Promise<void>; rollback(): Promise<void> },
  secondaries: readonly { commit(): Promise<void>; rollback(): Promise<void> }[],
  onError: FanoutErrorHandler,
): Promise<void> {
  let failure: unknown;
  let failed = false;
  try {
    await primary.commit();
  } catch (err) {
    failure = err;
    failed = true;
  }
  for (const app of secondaries) {
    if (!failed) {
      try {
        await app.commit();
      } catch (err) {
        failure = err;
        failed = true;
      }
      continue;
    }
    try {
      await app.rollback();
    } catch (err) {
      // The commit failure is what the caller gets; this one is only reported, as Prometheus logs it.
      onError(toError(err), 'squashed rollback error on commit');
    }
  }
  if (failed) throw failure;
}

/**
 * Rolls back `primary` and every secondary; throws the first failure after trying all (Prometheus:
 * fanoutAppender.Rollback). Later failures go to `onError`.
 */
async function rollbackAll(
  primary: { rollback(): Promise<void> },
  secondaries: readonly { rollback(): Promise<void> }[],
  onError: FanoutErrorHandler,
): Promise<void> {
  let failure: unknown;
  let failed = false;
  for (const app of [primary, ...secondaries]) {
    try {
      await app.rollback();
    } catch (err) {
      if (failed) onError(toError(err), 'squashed rollback error on rollback');
      else {
        failure = err;
        failed = true;
      }
    }
  }
  if (failed) throw failure;
}

/**
 * Prometheus: storage.fanoutAppender. Appends to the primary, then to every secondary with the
 * primary's series ref. Any failure is thrown: the primary's before the secondaries are tried, a
 * secondary's as soon as it happens (Prometheus returns it too). Not safe for concurrent use.
 */
export class FanoutAppender implements Appender {
  readonly #primary: Appender;
  readonly #secondaries: readonly Appender[];
  readonly #onError: FanoutErrorHandler;

  constructor(primary: Appender, secondaries: readonly Appender[], onError: FanoutErrorHandler) {
    this.#primary = primary;
    this.#secondaries = secondaries;
    this.#onError = onError;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    ref = this.#primary.append(ref, labels, t, v);
    for (const app of this.#secondaries) app.append(ref, labels, t, v);
    return ref;
  }

  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    ref = this.#primary.appendExemplar(ref, labels, e);
    for (const app of this.#secondaries) app.appendExemplar(ref, labels, e);
    return ref;
  }

  appendHistogram(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    ref = this.#primary.appendHistogram(ref, labels, t, h, fh);
    for (const app of this.#secondaries) app.appendHistogram(ref, labels, t, h, fh);
    return ref;
  }

  appendSTZeroSample(ref: SeriesRef, labels: Labels, t: number, st: number): SeriesRef {
    ref = this.#primary.appendSTZeroSample(ref, labels, t, st);
    for (const app of this.#secondaries) app.appendSTZeroSample(ref, labels, t, st);
    return ref;
  }

  appendHistogramSTZeroSample(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    st: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef {
    ref = this.#primary.appendHistogramSTZeroSample(ref, labels, t, st, h, fh);
    for (const app of this.#secondaries) app.appendHistogramSTZeroSample(ref, labels, t, st, h, fh);
    return ref;
  }

  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    ref = this.#primary.updateMetadata(ref, labels, m);
    for (const app of this.#secondaries) app.updateMetadata(ref, labels, m);
    return ref;
  }

  setOptions(opts: AppendOptions | undefined): void {
    this.#primary.setOptions(opts);
    for (const app of this.#secondaries) app.setOptions(opts);
  }

  commit(): Promise<void> {
    return commitAll(this.#primary, this.#secondaries, this.#onError);
  }

  rollback(): Promise<void> {
    return rollbackAll(this.#primary, this.#secondaries, this.#onError);
  }
}

/**
 * Prometheus: storage.fanoutAppenderV2. As FanoutAppender, for AppenderV2. An AppendPartialError
 * (sample kept, some exemplars or metadata not) does not stop the fanout: the sample still goes to
 * the others, and one AppendPartialError with all partial failures is thrown at the end, carrying
 * the primary's ref.
 */
export class FanoutAppenderV2 implements AppenderV2 {
  readonly #primary: AppenderV2;
  readonly #secondaries: readonly AppenderV2[];
  readonly #onError: FanoutErrorHandler;

  constructor(primary: AppenderV2, secondaries: readonly AppenderV2[], onError: FanoutErrorHandler) {
    this.#primary = primary;
    this.#secondaries = secondaries;
    this.#onError = onError;
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
    let partial: Error[] | undefined;
    try {
      ref = this.#primary.append(ref, labels, st, t, v, h, fh, opts);
    } catch (err) {
      if (!(err instanceof AppendPartialError)) throw err;
      ref = err.ref;
      partial = err.errors.slice();
    }
    for (const app of this.#secondaries) {
      try {
        app.append(ref, labels, st, t, v, h, fh, opts);
      } catch (err) {
        if (!(err instanceof AppendPartialError)) throw err;
        partial ??= [];
        for (const e of err.errors) partial.push(e);
      }
    }
    if (partial !== undefined) throw new AppendPartialError(ref, partial);
    return ref;
  }

  commit(): Promise<void> {
    return commitAll(this.#primary, this.#secondaries, this.#onError);
  }

  rollback(): Promise<void> {
    return rollbackAll(this.#primary, this.#secondaries, this.#onError);
  }
}
