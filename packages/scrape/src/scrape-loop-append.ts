// Prometheus: scrape/scrape.go scrapeLoop.append, checkAddError, updateStaleMarkers,
// isSeriesPartOfFamily, and the limitAppender / timeLimitAppender checks (done inline here).
import { type Labels, MetricName } from '@tsprom/labels';
import {
  AppendError,
  type Appender,
  DuplicateSampleForTimestampError,
  type Exemplar,
  type FloatHistogram,
  type Histogram,
  isStaleNaN,
  type MetricType,
  NotFoundError,
  OutOfBoundsError,
  OutOfOrderExemplarError,
  OutOfOrderSampleError,
  StaleNaN,
  TooOldSampleError,
} from '@tsprom/storage-interfaces';
import { ContentTypeError, detachString, Entry, ParseError, type Parser } from '@tsprom/textparse';
import {
  BucketLimitError,
  DuplicateLabelNameError,
  InvalidSeriesLabelsError,
  MissingMetricNameError,
  SampleLimitError,
  ScrapeError,
  ScrapeParseError,
} from './errors.js';
import type { MetaRef, ScrapeCache } from './scrape-cache.js';
import type { ScrapeLoopOptions } from './scrape-loop-options.js';
import type { ScrapeMetrics } from './scrape-metrics.js';
import { newScrapeParser } from './scrape-parser.js';
import { sliceUsedUp } from '@tsprom/discovery';
import { verifyLabelLimits } from './sample-labels.js';
import { waitForTurn } from './scrape-turns.js';
import { capHistogramSchema, limitHistogramBuckets } from './histogram-limits.js';

/** Prometheus maxAheadTime: samples further in the future are rejected as out of bounds. */
const MAX_AHEAD_MS = 10 * 60_000;
/** Entries between two looks at the clock. */
const CLOCK_EVERY = 256;

/** The scrape loop as the append step sees it (a leaf seam, so this file needs no ScrapeLoop). */
export interface AppendHost {
  readonly cache: ScrapeCache;
  readonly options: ScrapeLoopOptions;
  readonly metrics: ScrapeMetrics;
  /** Target labels and metric relabeling for a new series; empty labels mean "drop". */
  sampleMutator(lset: Labels): Labels;
}

/** What appending one body did (Prometheus: total, added, seriesAdded, err). */
export interface AppendResult {
  /** Sample lines in the body (`scrape_samples_scraped`), up to where a failure stopped. */
  total: number;
  /** Samples left after metric relabeling, duplicates included. */
  added: number;
  /** Series new to the cache. */
  seriesAdded: number;
  /** Why the scrape failed; the caller rolls back what was appended. */
  error: ScrapeError | undefined;
}

/**
 * Prometheus updateStaleMarkers: a stale marker at `t` for every series of the previous scrape
 * this one did not append. Out-of-order and duplicate rejections are expected (the target came
 * back under a new loop) and ignored; other errors are thrown.
 */
export function updateStaleMarkers(cache: ScrapeCache, app: Appender, t: number): void {
  cache.forEachStale((ref, lset) => {
    app.setOptions({ discardOutOfOrder: true });
    try {
      app.append(ref, lset, t, StaleNaN);
    } catch (err) {
      if (!(err instanceof OutOfOrderSampleError || err instanceof DuplicateSampleForTimestampError)) throw err;
    } finally {
      app.setOptions(undefined);
    }
    return true;
  });
}

/**
 * Prometheus append for an empty or failed scrape: stale markers for everything the previous scrape
 * appended, and the cache's iteration closed without flushing it.
 */
export function appendEmpty(host: AppendHost, app: Appender, t: number): void {
  try {
    updateStaleMarkers(host.cache, app, t);
  } finally {
    if (host.cache.iterDone(false)) host.metrics.cacheFlushForced++;
  }
}

/**
 * Prometheus scrapeLoop.append: parses `body` and appends its samples at `defTime` (ms; or at
 * their own timestamps with honor_timestamps), through the cache, with label and sample limits;
 * then stale markers for series that went away. Parsing and appending yield the event loop
 * every few ms (a budget shared by all scrapes, see event-loop-slices.ts), so neither a big body
 * nor many scrapes finishing together hold up timers and other I/O for long. On failure `result.error` is set
 * and the caller must roll the appender back (the cache then counts the scrape as empty).
 * `body` is read during the call only.
 */
export async function appendScrape(
  host: AppendHost,
  app: Appender,
  body: Uint8Array,
  contentType: string,
  defTime: number,
  result: AppendResult,
): Promise<void> {
  result.total = 0;
  result.added = 0;
  result.seriesAdded = 0;
  result.error = undefined;
  if (body.length === 0) {
    appendEmpty(host, app, defTime);
    return;
  }
  const o = host.options;
  const cache = host.cache;
  const metrics = host.metrics;
  // Other scrapes may have used this turn of the event loop already.
  if (sliceUsedUp()) await waitForTurn();
  let p: Parser;
  try {
    p = newScrapeParser(body, contentType, {
      fallbackScrapeProtocol: o.fallbackScrapeProtocol,
      alwaysScrapeClassicHistograms: o.alwaysScrapeClassicHistograms,
      nativeHistograms: o.nativeHistograms,
      convertClassicHistogramsToNHCB: o.convertClassicHistogramsToNHCB,
      skipOpenMetricsCreatedSeries: o.enableCreatedTimestampZeroIngestion === true,
    });
  } catch (err) {
    if (!(err instanceof ContentTypeError)) throw err;
    result.error = new ScrapeParseError(err.message, { cause: err });
    return;
  }

  const maxTime = Date.now() + MAX_AHEAD_MS;
  const sampleLimit = o.sampleLimit;
  const honorTimestamps = o.honorTimestamps;
  const trackTsStaleness = o.trackTimestampsStaleness;
  const limits = o.labelLimits;
  const checkLimits = limits.labelLimit > 0 || limits.labelNameLengthLimit > 0 || limits.labelValueLengthLimit > 0;
  let limitCount = 0;
  let sampleLimitErr: SampleLimitError | undefined;
  let bucketLimitErr: BucketLimitError | undefined;
  const bucketLimit = o.nativeHistogramBucketLimit;
  const maxSchema = o.nativeHistogramMaxSchema;
  const ctZero = o.enableCreatedTimestampZeroIngestion === true;
  let numOutOfOrder = 0;
  let numDuplicates = 0;
  let numOutOfBounds = 0;
  let lastMeta: MetaRef | undefined;
  let lastMFName = '';
  let err: ScrapeError | undefined;
  let sinceClock = 0;

  loop: for (;;) {
    let et: Entry;
    try {
      et = p.next();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      err = new ScrapeParseError(e.message, { cause: e });
      break;
    }
    switch (et) {
      case Entry.EOF:
        break loop;
      case Entry.Type:
        lastMFName = p.metadataName();
        lastMeta = cache.setType(lastMFName, p.type());
        continue;
      case Entry.Help:
        lastMFName = p.metadataName();
        lastMeta = cache.setHelp(lastMFName, p.help());
        continue;
      case Entry.Unit:
        lastMFName = p.metadataName();
        lastMeta = cache.setUnit(lastMFName, p.unit());
        continue;
      case Entry.Comment:
        continue;
    }
    if (++sinceClock === CLOCK_EVERY) {
      sinceClock = 0;
      if (sliceUsedUp()) await waitForTurn();
    }
    result.total++;
    const isHistogram = et === Entry.Histogram;
    const met = p.series();
    let t = defTime;
    const parsedTs = honorTimestamps ? p.timestamp() : undefined;
    if (parsedTs !== undefined) t = parsedTs;

    let ce = cache.get(met);
    const seriesCached = ce !== undefined;
    let seriesAlreadyScraped = false;
    let ref = 0;
    let lset: Labels;
    if (ce !== undefined) {
      if (ce.dropped) continue;
      seriesAlreadyScraped = cache.alreadyScraped;
      ref = ce.ref;
      lset = ce.lset;
    } else {
      const raw = p.labels();
      lset = host.sampleMutator(raw);
      if (lset.isEmpty()) {
        cache.addDropped(detachString(met), lset);
        continue;
      }
      const dup = p.duplicateLabelName();
      if (dup !== undefined) {
        err = new DuplicateLabelNameError(dup);
        break;
      }
      if (!lset.has(MetricName)) {
        err = new MissingMetricNameError();
        break;
      }
      if (!lset.isValid(o.validationScheme)) {
        err = new InvalidSeriesLabelsError(lset.toString());
        break;
      }
      if (checkLimits) {
        try {
          verifyLabelLimits(lset, limits);
        } catch (e) {
          if (!(e instanceof ScrapeError)) throw e;
          err = e;
          break;
        }
      }
    }

    let sampleAdded = false;
    const v = isHistogram ? 0 : p.value();
    // Histogram entries are native histograms (only read as such with scrape_native_histograms)
    // or NHCBs (convert_classic_histograms_to_nhcb, whatever scrape_native_histograms says).
    const h = isHistogram ? p.histogram() : undefined;
    const fh = isHistogram && h === undefined ? p.floatHistogram() : undefined;
    // The checks of Prometheus's checkAddError, maxSchemaAppender, bucketLimitAppender,
    // limitAppender and timeLimitAppender (in that order), counted without throwing (a body of
    // duplicates must not cost an exception per line). Per-sample rejections do not stop the
    // scrape: past the sample or bucket limit it goes on, so that scrape_samples_scraped counts the
    // whole body.
    if (seriesAlreadyScraped && parsedTs === undefined) numDuplicates++;
    else if (isHistogram && !fitHistogram(h ?? fh, h !== undefined, maxSchema, bucketLimit)) {
      bucketLimitErr ??= new BucketLimitError(bucketLimit);
    } else if (sampleLimit > 0 && (ref === 0 || !isStaleNaN(v)) && ++limitCount > sampleLimit) {
      // A stale marker of a known series passes the limit.
      sampleLimitErr ??= new SampleLimitError(sampleLimit);
    } else if (t > maxTime) numOutOfBounds++;
    else {
      try {
        if (ctZero) ref = appendCreatedTimestampZero(p, app, ref, lset, t, h, fh);
        if (isHistogram) {
          ref = app.appendHistogram(ref, lset, t, h, fh);
        } else {
          ref = app.append(ref, lset, t, v);
        }
        sampleAdded = true;
        if (ce !== undefined && (parsedTs === undefined || trackTsStaleness)) cache.trackStaleness(ce);
      } catch (e) {
        if (e instanceof OutOfOrderSampleError || e instanceof TooOldSampleError) numOutOfOrder++;
        else if (e instanceof DuplicateSampleForTimestampError) numDuplicates++;
        else if (e instanceof OutOfBoundsError) numOutOfBounds++;
        else {
          // Any other rejection (a series not found, invalid labels…) fails the scrape.
          if (!(e instanceof AppendError || e instanceof NotFoundError)) throw e;
          err = new ScrapeError(e.message, { cause: e });
          break;
        }
      }
    }

    if (!seriesCached && sampleAdded) {
      // Only appended series enter the cache: one over the sample limit needs no stale marker.
      ce = cache.addRef(detachString(met), ref, lset);
      if (ce !== undefined && (parsedTs === undefined || trackTsStaleness)) cache.trackStaleness(ce);
      if (sampleLimitErr === undefined && bucketLimitErr === undefined) result.seriesAdded++;
    }
    // Counted whatever happened to the sample: the number of series the scrape exposes after
    // relabeling.
    result.added++;

    appendExemplars(p, app, ref, lset, t, isHistogram, metrics);
    if (o.appendMetadataToWAL && lastMeta !== undefined) {
      if (!seriesCached || lastMeta.lastIterChange === cache.iter) {
        if (isSeriesPartOfFamily(lset.get(MetricName), lastMFName, lastMeta.type)) {
          try {
            app.updateMetadata(ref, lset, { type: lastMeta.type, help: lastMeta.help, unit: lastMeta.unit });
          } catch (e) {
            if (!(e instanceof Error)) throw e; // Metadata never fails a scrape (Prometheus logs it at debug).
          }
        }
      }
    }
  }

  if (sampleLimitErr !== undefined) {
    err ??= sampleLimitErr;
    metrics.exceededSampleLimit++;
  }
  if (bucketLimitErr !== undefined) {
    err ??= bucketLimitErr; // The sample limit's error takes precedence.
    metrics.exceededNativeHistogramBucketLimit++;
  }
  metrics.sampleOutOfOrder += numOutOfOrder;
  metrics.sampleDuplicateTimestamp += numDuplicates;
  metrics.sampleOutOfBounds += numOutOfBounds;
  const log = o.logger;
  if (log !== undefined) {
    if (numOutOfOrder > 0) log('warn', 'Error on ingesting out-of-order samples', { num_dropped: numOutOfOrder });
    if (numDuplicates > 0) {
      log('warn', 'Error on ingesting samples with different value but same timestamp', { num_dropped: numDuplicates });
    }
    if (numOutOfBounds > 0) {
      log('warn', 'Error on ingesting samples that are too old or are too far into the future', {
        num_dropped: numOutOfBounds,
      });
    }
  }
  if (err !== undefined) {
    result.error = err;
    return;
  }
  updateStaleMarkers(cache, app, defTime);
  cache.iterDone(true);
}

/**
 * Prometheus maxSchemaAppender then bucketLimitAppender: `h` (parsed for this sample, changed in
 * place) at most at `maxSchema` and, with a `bucketLimit`, reduced to at most that many buckets;
 * false when it cannot be.
 */
function fitHistogram(
  h: Histogram | FloatHistogram | undefined,
  deltas: boolean,
  maxSchema: number,
  bucketLimit: number,
): boolean {
  if (h === undefined) return true;
  capHistogramSchema(h, maxSchema, deltas);
  return bucketLimit <= 0 || limitHistogramBuckets(h, bucketLimit, deltas);
}

/**
 * Prometheus scrapeLoop.append with `enableCTZeroIngestion`: a 0 sample (a zero histogram of the
 * same layout for a native histogram `h`/`fh`) at the entry's created timestamp. Failing never
 * fails the scrape (Prometheus logs it at debug; out of order is common).
 */
function appendCreatedTimestampZero(
  p: Parser,
  app: Appender,
  ref: number,
  lset: Labels,
  t: number,
  h: Histogram | undefined,
  fh: FloatHistogram | undefined,
): number {
  const ct = p.createdTimestamp();
  if (ct === undefined || ct === 0) return ref;
  try {
    if (h !== undefined || fh !== undefined) return app.appendHistogramSTZeroSample(ref, lset, t, ct, h, fh);
    return app.appendSTZeroSample(ref, lset, t, ct);
  } catch (err) {
    if (!(err instanceof AppendError)) throw err;
    return ref;
  }
}

const scratchExemplars: Exemplar[] = [];

function compareExemplars(a: Exemplar, b: Exemplar): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  return a.value - b.value;
}

/** The exemplars of the current entry; failing ones never fail the scrape (exemplars are experimental). */
function appendExemplars(
  p: Parser,
  app: Appender,
  ref: number,
  lset: Labels,
  t: number,
  isHistogram: boolean,
  metrics: ScrapeMetrics,
): void {
  let e = p.exemplar();
  if (e === undefined) return;
  const list = scratchExemplars;
  list.length = 0;
  for (; e !== undefined; e = p.exemplar()) {
    if (!e.hasTs) {
      // Exemplars of native histograms must carry a timestamp (Prometheus drops them silently).
      if (isHistogram) continue;
      e = { labels: e.labels, value: e.value, ts: t, hasTs: false };
    }
    list.push(e);
  }
  if (list.length > 1) list.sort(compareExemplars);
  let outOfOrder = 0;
  for (let i = 0; i < list.length; i++) {
    try {
      app.appendExemplar(ref, lset, list[i]!);
    } catch (err) {
      if (err instanceof OutOfOrderExemplarError) outOfOrder++;
      else if (!(err instanceof Error)) throw err;
    }
  }
  // Only all of them out of order counts: else it was a partial update of known exemplars.
  if (outOfOrder > 0 && outOfOrder === list.length) metrics.exemplarOutOfOrder += outOfOrder;
  list.length = 0;
}

function cutSuffix(s: string, suffix: string): string | undefined {
  return s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : undefined;
}

/**
 * Prometheus isSeriesPartOfFamily: whether series `mName` belongs to family `mfName` of type
 * `typ` (`x_bucket` of histogram `x`, `x_total` of counter `x`…), so that metadata is not attached
 * to a series a missing TYPE line left under the previous family.
 */
export function isSeriesPartOfFamily(mName: string, mfName: string, typ: MetricType): boolean {
  if (!mName.startsWith(mfName)) return false;
  let mf = mfName;
  let got: string;
  switch (typ) {
    case 'counter':
      mf = cutSuffix(mf, '_total') ?? mf;
      got = cutSuffix(mName, '_total') ?? mName;
      break;
    case 'histogram':
      got = cutSuffix(mName, '_bucket') ?? cutSuffix(mName, '_sum') ?? cutSuffix(mName, '_count') ?? mName;
      break;
    case 'gaugehistogram':
      got = cutSuffix(mName, '_bucket') ?? cutSuffix(mName, '_gsum') ?? cutSuffix(mName, '_gcount') ?? mName;
      break;
    case 'summary':
      got = cutSuffix(mName, '_sum') ?? cutSuffix(mName, '_count') ?? mName;
      break;
    case 'info':
      mf = cutSuffix(mf, '_info') ?? mf;
      got = cutSuffix(mName, '_info') ?? mName;
      break;
    default:
      got = mName;
  }
  return mf === got;
}
