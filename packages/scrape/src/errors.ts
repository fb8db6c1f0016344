// Prometheus: scrape/scrape.go errSampleLimit, errBodySizeLimit, errNameLabelMandatory,
// verifyLabelLimits, targetScraper.readResponse; scrape/target.go PopulateLabels. The messages are
// Prometheus's, so that a target's lastError reads as it does in Prometheus's UI.

/**
 * Runs `make` with stack traces off: for the errors of scrapes that time out or are cancelled,
 * made by the thousand in one turn when many targets hang together (a stack costs tens of µs
 * and would only show a timer callback; the message and `cause` say what happened).
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Base of every reason a scrape fails (a target's `lastError`): one `instanceof` tells a failed
 * scrape from a bug, the subclass says why.
 */
export class ScrapeError extends Error {
  override readonly name: string = 'ScrapeError';
}

/** Prometheus: errSampleLimit. More samples than `sample_limit` survived metric relabeling. */
export class SampleLimitError extends ScrapeError {
  override readonly name = 'SampleLimitError';
  constructor(readonly limit: number) {
    super('sample limit exceeded');
  }
}

/**
 * Prometheus: errBucketLimit. A native histogram kept more buckets than
 * `native_histogram_bucket_limit` at the lowest resolution it can be reduced to.
 */
export class BucketLimitError extends ScrapeError {
  override readonly name = 'BucketLimitError';
  constructor(readonly limit: number) {
    super('histogram bucket limit exceeded');
  }
}

/** Prometheus: errBodySizeLimit. The (uncompressed) body reached `body_size_limit`. */
export class BodySizeLimitError extends ScrapeError {
  override readonly name = 'BodySizeLimitError';
  constructor(readonly limitBytes: number) {
    super('body size limit exceeded');
  }
}

/** A series broke `label_limit`, `label_name_length_limit` or `label_value_length_limit`. */
export class LabelLimitError extends ScrapeError {
  override readonly name = 'LabelLimitError';
  constructor(
    readonly limit: 'label_limit' | 'label_name_length_limit' | 'label_value_length_limit',
    message: string,
  ) {
    super(message);
  }
}

/** Prometheus: errNameLabelMandatory. A series lost its `__name__` (through metric relabeling). */
export class MissingMetricNameError extends ScrapeError {
  override readonly name = 'MissingMetricNameError';
  constructor() {
    super('missing metric name (__name__ label)');
  }
}

/** A series whose metric name or label names are invalid under the validation scheme. */
export class InvalidSeriesLabelsError extends ScrapeError {
  override readonly name = 'InvalidSeriesLabelsError';
  constructor(readonly labels: string) {
    super(`invalid metric name or label names: ${labels}`);
  }
}

/** A series carrying one label name twice, which Prometheus's storage rejects. */
export class DuplicateLabelNameError extends ScrapeError {
  override readonly name = 'DuplicateLabelNameError';
  constructor(readonly labelName: string) {
    super(`label name ${JSON.stringify(labelName)} is not unique: invalid sample`);
  }
}

/** The body did not parse, or its Content-Type named no format; `cause` is textparse's error. */
export class ScrapeParseError extends ScrapeError {
  override readonly name = 'ScrapeParseError';
}

/** The target answered with a status other than 200: `server returned HTTP status 404 Not Found`. */
export class HTTPStatusError extends ScrapeError {
  override readonly name = 'HTTPStatusError';
  constructor(
    readonly status: number,
    statusText: string,
  ) {
    super(`server returned HTTP status ${status} ${statusText}`);
  }
}

/**
 * The request did not complete: connection refused or reset, TLS failure, or the scrape timeout
 * (`Get "http://…/metrics": context deadline exceeded`, as Go's client words it).
 */
export class ScrapeRequestError extends ScrapeError {
  override readonly name = 'ScrapeRequestError';
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly timedOut: boolean,
    options?: ErrorOptions,
  ) {
    super(`Get ${JSON.stringify(url)}: ${reason}`, options);
  }
}

/** Prometheus: scrapePool.refreshTargetLimitErr. The job has more targets than `target_limit`. */
export class TargetLimitError extends ScrapeError {
  override readonly name = 'TargetLimitError';
  constructor(
    readonly targets: number,
    readonly limit: number,
  ) {
    super(`target_limit exceeded (number of targets: ${targets}, limit: ${limit})`);
  }
}

/**
 * A target's labels (after relabel_configs) cannot make a target: no address, an unparsable or
 * zero interval or timeout, a timeout over the interval, an invalid label value. Prometheus logs
 * these (`Creating target failed`) and skips the target.
 */
export class TargetLabelsError extends Error {
  override readonly name = 'TargetLabelsError';
}
