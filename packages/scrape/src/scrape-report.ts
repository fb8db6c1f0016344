// Prometheus: scrape/scrape.go report, reportStale, addReportSample and the report samples
// (scrapeHealthMetric, scrapeDurationMetric…).
import { type Labels, LabelsBuilder, MetricName } from '@tsprom/labels';
import {
  type Appender,
  DuplicateSampleForTimestampError,
  type Metadata,
  OutOfOrderSampleError,
  StaleNaN,
} from '@tsprom/storage-interfaces';
import { mutateReportSampleLabels } from './sample-labels.js';
import type { Target } from './target.js';

interface ReportSample extends Metadata {
  readonly name: string;
}

/** The series every scrape writes about itself, in Prometheus's order. */
const REPORT_SAMPLES: readonly ReportSample[] = [
  {
    name: 'up',
    type: 'gauge',
    help: 'Health of the scrape target. 1 means the target is healthy, 0 otherwise.',
    unit: '',
  },
  { name: 'scrape_duration_seconds', type: 'gauge', help: 'Duration of the last scrape in seconds.', unit: 'seconds' },
  { name: 'scrape_samples_scraped', type: 'gauge', help: 'Number of samples last scraped.', unit: '' },
  {
    name: 'scrape_samples_post_metric_relabeling',
    type: 'gauge',
    help: 'Number of samples remaining after metric relabeling was applied.',
    unit: '',
  },
  { name: 'scrape_series_added', type: 'gauge', help: 'Number of series in the last scrape.', unit: '' },
  // With `reportExtraMetrics` (Prometheus's extra-scrape-metrics feature) only:
  {
    name: 'scrape_timeout_seconds',
    type: 'gauge',
    help: 'The configured scrape timeout for a target.',
    unit: 'seconds',
  },
  {
    name: 'scrape_sample_limit',
    type: 'gauge',
    help: 'The configured sample limit for a target. Returns zero if there is no limit configured.',
    unit: '',
  },
  {
    name: 'scrape_body_size_bytes',
    type: 'gauge',
    help: 'The uncompressed size of the last scrape response, if successful. Scrapes failing because body_size_limit is exceeded report -1, other scrape failures report 0.',
    unit: 'bytes',
  },
];
const BASIC = 5;

/** The figures of one scrape that its report series carry. */
export interface ScrapeReportValues {
  healthy: boolean;
  durationSeconds: number;
  /** Samples in the body (`scrape_samples_scraped`). */
  scraped: number;
  /** Samples left after metric relabeling (`scrape_samples_post_metric_relabeling`). */
  added: number;
  /** Series new to the target's cache (`scrape_series_added`). */
  seriesAdded: number;
  /** Uncompressed body size; -1 when body_size_limit was hit, 0 for other failures. */
  bodyBytes: number;
}

/**
 * Appends a target's report series, with their refs and labels kept from one scrape to the next
 * (Prometheus keeps them in the scrape cache under names no exposition can produce).
 */
export class ScrapeReporter {
  readonly #target: Target;
  readonly #count: number;
  readonly #refs: number[];
  readonly #labels: (Labels | undefined)[];
  readonly #appendMetadata: boolean;

  constructor(target: Target, reportExtraMetrics: boolean, appendMetadataToWAL: boolean) {
    this.#target = target;
    this.#count = reportExtraMetrics ? REPORT_SAMPLES.length : BASIC;
    this.#refs = new Array<number>(this.#count).fill(0);
    this.#labels = new Array<Labels | undefined>(this.#count).fill(undefined);
    this.#appendMetadata = appendMetadataToWAL;
  }

  /**
   * Prometheus report: appends the report series at `t` (ms). Out-of-order and duplicate
   * rejections are ignored (a target that came back under a new loop); other errors are thrown.
   */
  report(app: Appender, t: number, v: ScrapeReportValues, timeoutSeconds: number, sampleLimit: number): void {
    this.#add(app, 0, t, v.healthy ? 1 : 0);
    this.#add(app, 1, t, v.durationSeconds);
    this.#add(app, 2, t, v.scraped);
    this.#add(app, 3, t, v.added);
    this.#add(app, 4, t, v.seriesAdded);
    if (this.#count > BASIC) {
      this.#add(app, 5, t, timeoutSeconds);
      this.#add(app, 6, t, sampleLimit);
      this.#add(app, 7, t, v.bodyBytes);
    }
  }

  /** Prometheus reportStale: stale markers for every report series, at `t`. */
  reportStale(app: Appender, t: number): void {
    app.setOptions({ discardOutOfOrder: true });
    for (let i = 0; i < this.#count; i++) this.#add(app, i, t, StaleNaN);
    app.setOptions(undefined);
  }

  #add(app: Appender, i: number, t: number, v: number): void {
    let lset = this.#labels[i];
    const cached = lset !== undefined;
    if (lset === undefined) {
      const base = new LabelsBuilder().set(MetricName, REPORT_SAMPLES[i]!.name).labels();
      lset = mutateReportSampleLabels(base, this.#target);
    }
    let ref: number;
    try {
      ref = app.append(this.#refs[i]!, lset, t, v);
    } catch (err) {
      // Expected when a target went away and came back under a new loop.
      if (err instanceof OutOfOrderSampleError || err instanceof DuplicateSampleForTimestampError) return;
      throw err;
    }
    if (!cached) {
      this.#refs[i] = ref;
      this.#labels[i] = lset;
      if (this.#appendMetadata) {
        const s = REPORT_SAMPLES[i]!;
        app.updateMetadata(ref, lset, { type: s.type, help: s.help, unit: s.unit });
      }
    }
  }
}
