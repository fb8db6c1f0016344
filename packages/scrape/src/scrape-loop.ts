// Prometheus: scrape/scrape.go scrapeLoop (run, scrapeAndReport, endOfRunStaleness, stop).
import { sliceUsedUp } from '@tsprom/discovery';
import type { Labels } from '@tsprom/labels';
import { type Appendable, type Appender, AppenderClosedError } from '@tsprom/storage-interfaces';
import { BodySizeLimitError, ScrapeError, ScrapeRequestError, withoutStack } from './errors.js';
import { mutateSampleLabels } from './sample-labels.js';
import { type AppendHost, type AppendResult, appendEmpty, appendScrape } from './scrape-loop-append.js';
import { ScrapeCache } from './scrape-cache.js';
import type { ScrapeLoopOptions } from './scrape-loop-options.js';
import type { ScrapeMetrics } from './scrape-metrics.js';
import { ScrapeReporter } from './scrape-report.js';
import { startScrape } from './scrape-start-queue.js';
import { acquireFetchSlot, waitForTurn } from './scrape-turns.js';
import { ScrapeDeadlineExceeded, type ScrapeResponse, type Scraper } from './scraper.js';
import type { Target } from './target.js';

/** Prometheus ScrapeTimestampTolerance: the most a scrape timestamp is moved onto the grid. */
const SCRAPE_TIMESTAMP_TOLERANCE_MS = 2;

/** What a scrape loop is made of. */
export interface ScrapeLoopInit {
  readonly target: Target;
  readonly scraper: Scraper;
  readonly appendable: Appendable;
  readonly options: ScrapeLoopOptions;
  readonly metrics: ScrapeMetrics;
  /** The cache of the loop this one replaces (a config reload that keeps series identical). */
  readonly cache?: ScrapeCache | undefined;
}

/**
 * Scrapes one target every interval and appends what it exposes (Prometheus scrapeLoop). Each loop
 * has its own timer and its own per-scrape timeout, so a slow, hanging or failing target delays
 * no other loop; parsing a body yields the event loop every few ms, and requests, parsing and
 * commits share the event loop's turns with other scrapes (scrape-turns.ts). The first scrape comes after
 * the target's offset (Target.offset), later ones on that grid; a scrape that overruns its slot is
 * followed by one at once, further missed slots are dropped (Go's ticker).
 */
export class ScrapeLoop implements AppendHost {
  readonly target: Target;
  readonly cache: ScrapeCache;
  readonly options: ScrapeLoopOptions;
  readonly metrics: ScrapeMetrics;
  readonly #scraper: Scraper;
  readonly #appendable: Appendable;
  readonly #reporter: ScrapeReporter;
  /** Aborted by cancel() (Prometheus: the pool's context, the loop's parent). */
  readonly #cancel = new AbortController();
  readonly #result: AppendResult = { total: 0, added: 0, seriesAdded: 0, error: undefined };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #staleness: Promise<void> | undefined;
  #stopped = false;
  /** A scrape is due and waits for its turn (startScrape). */
  #waiting = false;
  #forcedError: Error | undefined;
  #endOfRunStaleness = true;
  /** Wall time (ms) of the last scrape, undefined before the first. */
  #last: number | undefined;
  /** Monotonic time (performance.now) of the current slot of the grid. */
  #dueAt = 0;
  /** Wall time (ms) the grid is aligned to. */
  #alignedTime = 0;

  constructor(init: ScrapeLoopInit) {
    this.target = init.target;
    this.options = init.options;
    this.metrics = init.metrics;
    this.cache = init.cache ?? new ScrapeCache();
    this.#scraper = init.scraper;
    this.#appendable = init.appendable;
    this.#reporter = new ScrapeReporter(init.target, init.options.reportExtraMetrics, init.options.appendMetadataToWAL);
    init.target.setMetadataStore(this.cache);
  }

  /** Target labels and metric relabeling for a series new to the cache (AppendHost). */
  sampleMutator(lset: Labels): Labels {
    return mutateSampleLabels(lset, this.target, this.options.honorLabels, this.options.metricRelabelConfigs);
  }

  /** Starts scraping: the first scrape after the target's offset. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined || this.#running !== undefined || this.#waiting) return;
    const offset = this.target.offset(this.options.intervalMs, this.options.offsetSeed, Date.now());
    this.#timer = setTimeout(this.#first, offset);
  }

  /**
   * Fails every scrape with `err` (target_limit exceeded; an unparsable interval label) until
   * cleared with undefined: only stale markers and the report (up = 0) are written.
   */
  setForcedError(err: Error | undefined): void {
    this.#forcedError = err;
  }

  /** Stopping will not write stale markers (the loop's cache lives on in its successor). */
  disableEndOfRunStalenessMarkers(): void {
    this.#endOfRunStaleness = false;
  }

  /**
   * Cancels the loop as stopping its pool does (config removed, shutdown): aborts the scrape in
   * progress and the wait for end-of-run stale markers, which are then not written (the server
   * may restart where it was). Call {@link stop} too.
   */
  cancel(): void {
    this.#cancel.abort(new Error('context canceled'));
  }

  /**
   * Stops scraping and resolves once the scrape in progress, if any, has finished (it is not
   * aborted: {@link cancel} does that). Then, in the background, stale markers for all the
   * target's series are written just over two intervals later, unless the loop is cancelled
   * first or they were disabled; {@link done} resolves after them.
   */
  stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stopping = (async () => {
      await this.#running;
      if (this.#endOfRunStaleness && !this.#cancel.signal.aborted) this.#staleness = this.#writeEndOfRunStaleness();
    })();
    return this.#stopping;
  }

  /** Resolves once stopped and the end-of-run stale markers, if any, are written or abandoned. */
  async done(): Promise<void> {
    await this.#stopping;
    await this.#staleness;
  }

  readonly #first = (): void => {
    this.#alignedTime = Date.now();
    this.#dueAt = performance.now();
    this.#tick();
  };

  readonly #tick = (): void => {
    this.#timer = undefined;
    if (this.#stopped) return;
    this.#waiting = true;
    startScrape(this.#scrape);
  };

  /** The scrape of the current slot, started when the event loop has time (scrape-start-queue.ts). */
  readonly #scrape = (): void => {
    this.#waiting = false;
    if (this.#stopped) return;
    const interval = this.options.intervalMs;
    let scrapeTime = Date.now();
    if (this.options.alignScrapeTimestamps !== false) {
      const tolerance = Math.min(interval / 100, SCRAPE_TIMESTAMP_TOLERANCE_MS);
      while (scrapeTime - this.#alignedTime >= interval) this.#alignedTime += interval;
      if (scrapeTime - this.#alignedTime <= tolerance) scrapeTime = this.#alignedTime;
    }
    this.#running = this.#scrapeAndSchedule(scrapeTime);
  };

  async #scrapeAndSchedule(scrapeTime: number): Promise<void> {
    await this.scrapeAndReport(scrapeTime);
    this.#last = scrapeTime;
    if (this.#stopped) return;
    const interval = this.options.intervalMs;
    const now = performance.now();
    let next = this.#dueAt + interval;
    if (next <= now) next += Math.floor((now - next) / interval) * interval; // Missed slots: one, now.
    this.#dueAt = next;
    this.#timer = setTimeout(this.#tick, Math.max(0, next - now));
  }

  /**
   * Prometheus scrapeAndReport: one scrape with `appendTime` (ms) as its samples' timestamp:
   * fetch, append (or, when it failed, stale markers only), the report series, one commit.
   * Never rejects: failures are the target's lastError and `up` = 0.
   *
   * The appender is taken once the body is in (Prometheus takes it first; nothing is appended
   * before the body is in either way): with thousands of targets, the scrapes waiting for their
   * targets hold no appender and its buffers.
   */
  async scrapeAndReport(appendTime: number): Promise<void> {
    const start = performance.now();
    const forced = this.#forcedError;
    let resp: ScrapeResponse | undefined;
    let scrapeErr: Error | undefined = forced;
    let bodyBytes = 0;
    if (forced === undefined) {
      try {
        resp = await this.#fetch();
      } catch (err) {
        scrapeErr = err instanceof Error ? err : new Error(String(err)); // The target's lastError; up = 0.
        if (err instanceof BodySizeLimitError) {
          bodyBytes = -1;
          this.metrics.exceededBodySizeLimit++;
        }
        this.options.logger?.('debug', 'Scrape failed', { target: this.target.url(), err: scrapeErr.message });
      }
    }
    // Appending waits for a turn with budget left, failed scrapes too: hundreds of scrape timeouts
    // that expire together fire in one timers phase of the event loop.
    if (sliceUsedUp()) await waitForTurn();
    let app: Appender;
    try {
      app = this.#appendable.appender();
    } catch (err) {
      // The storage refuses appenders (closed, read-only): nothing can be written, not even up.
      if (!(err instanceof Error)) throw err;
      this.target.report(appendTime, 0, err);
      this.options.logger?.('error', 'Scrape failed: no appender', { err: err.message });
      return;
    }
    await this.#appendAndReport(app, appendTime, start, resp, scrapeErr, bodyBytes);
  }

  /**
   * The rest of scrapeAndReport once the fetch is done: `resp` is the body (undefined when the
   * fetch failed or `scrapeErr` was forced), `bodyBytes` -1 when the body size limit failed it.
   */
  async #appendAndReport(
    app: Appender,
    appendTime: number,
    start: number,
    resp: ScrapeResponse | undefined,
    scrapeErr: Error | undefined,
    bodyBytes: number,
  ): Promise<void> {
    const r = resetResult(this.#result);
    try {
      if (resp === undefined) {
        app = await this.#appendEmpty(app, appendTime); // A failed scrape is an empty one.
      } else {
        bodyBytes = resp.body.length;
        await appendScrape(this, app, resp.body, resp.contentType, appendTime, r);
        if (r.error !== undefined) {
          scrapeErr = r.error;
          this.options.logger?.('debug', 'Append failed', { target: this.target.url(), err: r.error.message });
          await app.rollback();
          app = this.#appendable.appender();
          this.cache.discardCurrent();
          app = await this.#appendEmpty(app, appendTime);
        }
      }
    } catch (err) {
      // A bug or a storage gone away, not a scrape failure: drop what this scrape appended (the
      // appender may be closed already) and report the target down if the storage still takes it.
      scrapeErr = err instanceof Error ? err : new Error(String(err));
      this.options.logger?.('error', 'Scrape loop failed', { target: this.target.url(), err: scrapeErr.message });
      await app.rollback().catch((e: unknown) => {
        if (!(e instanceof AppenderClosedError)) throw e;
      });
      try {
        app = this.#appendable.appender();
      } catch (e) {
        if (!(e instanceof Error)) throw e;
        this.target.report(appendTime, performance.now() - start, scrapeErr);
        return;
      }
    }
    const durationMs = performance.now() - start;
    this.target.report(appendTime, durationMs, scrapeErr);
    try {
      this.#reporter.report(
        app,
        appendTime,
        {
          healthy: scrapeErr === undefined,
          durationSeconds: durationMs / 1000,
          scraped: r.total,
          added: r.added,
          seriesAdded: r.seriesAdded,
          bodyBytes: scrapeErr === undefined || bodyBytes === -1 ? bodyBytes : 0,
        },
        this.options.timeoutMs / 1000,
        this.options.sampleLimit,
      );
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      // Prometheus: the report failing drops the whole scrape.
      this.options.logger?.('warn', 'Appending scrape report failed', { err: err.message });
      await app.rollback();
      return;
    }
    try {
      // Committing creates the head series of new lines: other scrapes may have used this turn.
      if (sliceUsedUp()) await waitForTurn();
      await app.commit();
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      this.options.logger?.('error', 'Scrape commit failed', { err: err.message });
    }
  }

  /** Fetches with the scrape timeout, aborted too by cancel(). */
  async #fetch(): Promise<ScrapeResponse> {
    const parent = this.#cancel.signal;
    if (parent.aborted) throw new ScrapeError('scrape cancelled', { cause: parent.reason });
    const ac = new AbortController();
    const timeoutMs = this.options.timeoutMs;
    const timer = setTimeout(() => ac.abort(withoutStack(() => new ScrapeDeadlineExceeded(timeoutMs))), timeoutMs);
    const onParent = () => ac.abort(parent.reason);
    parent.addEventListener('abort', onParent, { once: true });
    let release: (() => void) | undefined;
    try {
      try {
        release = await acquireFetchSlot(ac.signal);
      } catch (err) {
        // Timed out or cancelled while waiting: as Go's client words a request aborted so.
        const timedOut = ac.signal.reason instanceof ScrapeDeadlineExceeded;
        const reason = timedOut ? 'context deadline exceeded' : 'context canceled';
        throw withoutStack(() => new ScrapeRequestError(this.target.url(), reason, timedOut, { cause: err }));
      }
      return await this.#scraper.scrape(ac.signal);
    } finally {
      release?.();
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    }
  }

  /** Stale markers for the previous scrape's series; on failure a fresh appender, as Prometheus. */
  async #appendEmpty(app: Appender, t: number): Promise<Appender> {
    try {
      appendEmpty(this, app, t);
      return app;
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      this.options.logger?.('warn', 'Append failed', { err: err.message });
      await app.rollback();
      return this.#appendable.appender();
    }
  }

  /**
   * Prometheus endOfRunStaleness: the target is gone, but it may come back (a flapping discovery),
   * so the stale markers wait for the next slot (their timestamp), one more slot and a tenth of
   * an interval. If the target came back in between, its new loop has appended later samples and
   * the markers are dropped as out of order.
   */
  async #writeEndOfRunStaleness(): Promise<void> {
    if (this.#last === undefined) return; // Never scraped: nothing to mark.
    const interval = this.options.intervalMs;
    const now = performance.now();
    let next = this.#dueAt + interval;
    while (next <= now) next += interval;
    if (!(await sleep(next - now, this.#cancel.signal))) return;
    const staleTime = Date.now();
    if (!(await sleep(interval, this.#cancel.signal))) return;
    if (!(await sleep(interval / 10, this.#cancel.signal))) return;
    let app: Appender | undefined;
    try {
      app = await this.#appendEmpty(this.#appendable.appender(), staleTime);
      this.#reporter.reportStale(app, staleTime);
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      this.options.logger?.('warn', 'Stale append failed', { err: err.message });
      await app?.rollback();
      return;
    }
    try {
      await app.commit();
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      this.options.logger?.('warn', 'Stale commit failed', { err: err.message });
    }
  }
}

function resetResult(r: AppendResult): AppendResult {
  r.total = 0;
  r.added = 0;
  r.seriesAdded = 0;
  r.error = undefined;
  return r;
}

/** Waits `ms`; false (at once) when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
