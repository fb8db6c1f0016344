// Prometheus: model/textparse/interface.go Parser, Entry.
import type { Labels } from '@tsprom/labels';
import type { Exemplar, FloatHistogram, Histogram, MetricType } from '@tsprom/storage-interfaces';

/**
 * What {@link Parser.next} found. The numbers are Prometheus's `textparse.Entry` values; `EOF`
 * (Prometheus returns `io.EOF` instead) ends the body.
 */
export const Entry = { EOF: -1, Type: 0, Help: 1, Series: 2, Comment: 3, Unit: 4, Histogram: 5 } as const;
export type Entry = (typeof Entry)[keyof typeof Entry];

/**
 * A pull parser over one exposition body (Prometheus's `textparse.Parser`): call {@link next} until
 * it returns `Entry.EOF`, and after each entry read it through the accessors that apply to its
 * kind. Accessors return the current entry's data, valid until the next `next()` call; calling one
 * that does not apply to the current entry returns an unspecified value.
 *
 * In steady state the text parsers allocate nothing per line except what an accessor returns
 * (`series()` is a slice of the decoded body; `labels()` builds a new Labels), so a scrape loop
 * that finds the series in its cache by `series()` never builds labels.
 *
 * A malformed body makes `next()` throw a {@link ParseError}; the parser is not usable after that.
 * Not safe for concurrent use; one parser per body.
 */
export interface Parser {
  /** Advances to the next entry; `Entry.EOF` at the end of the body. Throws ParseError. */
  next(): Entry;

  /**
   * Series and Histogram entries: the series' identity as the exposition spells it, for use as a
   * cache key (Prometheus's `scrapeCache` key). Text formats: the raw text from the start of the
   * line to the end of the label set (`foo{a="b"}`); protobuf: name and labels joined by 0xff.
   * Equal keys within one format mean equal label sets. The string may share memory with the whole
   * body (a V8 sliced string): copy it with {@link detachString} before keeping it beyond the scrape.
   */
  series(): string;
  /** Series and Histogram entries: the sample's timestamp in ms, `undefined` if it has none. */
  timestamp(): number | undefined;
  /** Series entries: the float value (`NaN` as Prometheus's NormalNaN bits). */
  value(): number;
  /** Histogram entries: the native histogram with integer counts, if it is one. */
  histogram(): Histogram | undefined;
  /** Histogram entries: the native histogram with float counts, if it is one. */
  floatHistogram(): FloatHistogram | undefined;
  /**
   * Series and Histogram entries: the label set including `__name__`, sorted, with escapes
   * resolved and, as in Prometheus 3, `le` of histograms and `quantile` of summaries in OpenMetrics
   * canonical form (`le="1"` → `1.0`). Labels with empty values are dropped; of repeated names the
   * last wins and {@link duplicateLabelName} tells which.
   */
  labels(): Labels;
  /**
   * After {@link labels}: a label name the entry held twice, which Prometheus's scrape rejects
   * (`label name "x" is not unique: invalid sample`), else `undefined`.
   */
  duplicateLabelName(): string | undefined;
  /**
   * Series and Histogram entries: the next exemplar of the entry, `undefined` when there is no
   * (further) one. Text formats have at most one per line; protobuf native histograms may have many.
   */
  exemplar(): Exemplar | undefined;
  /**
   * Series and Histogram entries: the created (start) timestamp in ms of the series' counter,
   * histogram or summary, from OpenMetrics `_created` lines or protobuf `created_timestamp`;
   * `undefined` if none.
   */
  createdTimestamp(): number | undefined;

  /** Help, Type and Unit entries: the metric family name the line is about, unescaped. */
  metadataName(): string;
  /** Help entries: the help text, unescaped. */
  help(): string;
  /**
   * Type entries: the declared type (`untyped` in the Prometheus text format reads as `unknown`).
   * On Series entries of the text formats: the type most recently declared, as Prometheus uses it.
   */
  type(): MetricType;
  /** Unit entries: the unit. */
  unit(): string;
  /** Comment entries: the whole comment line, including `#`. */
  comment(): string;
}

/**
 * A copy of `s` that shares no memory with the string it was sliced from: keep series keys and
 * label values this way when they outlive the body they came from.
 */
export function detachString(s: string): string {
  // Concatenation makes a cons string; slicing it flattens into a fresh copy (V8), and short
  // strings are copied by slicing anyway.
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
