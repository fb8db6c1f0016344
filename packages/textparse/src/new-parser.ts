// Prometheus: model/textparse/interface.go New and extractMediaType (Prometheus 3: a missing or
// unknown Content-Type fails the scrape unless fallback_scrape_protocol is set).
import { ContentTypeError } from './errors.js';
import { goQuote } from './go-float.js';
import { parseMediaType } from './media-type.js';
import { OpenMetricsParser } from './openmetrics-parser.js';
import type { Parser } from './parser.js';
import { PromParser } from './prom-parser.js';
import { ProtobufParser } from './protobuf-parser.js';
import { NHCBParser } from './nhcb-parser.js';
import { protocolMediaType, type ScrapeProtocol } from './scrape-protocol.js';

/** Options of {@link newParser}. */
export interface NewParserOptions {
  /** The protocol to parse with when the Content-Type is missing, unparsable or unsupported. */
  fallbackScrapeProtocol?: ScrapeProtocol | undefined;
  /** Protobuf: also emit the classic series of native histograms that have classic buckets. */
  parseClassicHistograms?: boolean;
  /** Protobuf: read native histograms as such (default true). */
  nativeHistograms?: boolean;
  /**
   * Also emit classic histograms as native histograms with custom buckets (`NHCBParser`); their
   * classic series then only with `parseClassicHistograms` (`convert_classic_histograms_to_nhcb`,
   * `always_scrape_classic_histograms`).
   */
  convertClassicHistogramsToNHCB?: boolean;
  /** OpenMetrics: skip `_created` series (their value stays available as created timestamps). */
  skipOpenMetricsCreatedSeries?: boolean;
}

/** What {@link newParser} chose: the parser, and a warning when the fallback protocol was used. */
export interface NewParserResult {
  parser: Parser;
  /** Set when the Content-Type was not usable and the fallback protocol was used instead (Prometheus logs it). */
  warning: string | undefined;
}

const SUPPORTED = new Set(['application/openmetrics-text', 'application/vnd.google.protobuf', 'text/plain']);

/**
 * Picks the parser for a scraped body from its Content-Type, as Prometheus 3's `textparse.New`:
 * `application/openmetrics-text` → {@link OpenMetricsParser}, `application/vnd.google.protobuf` →
 * {@link ProtobufParser}, `text/plain` → {@link PromParser}. A missing, unparsable or unsupported
 * Content-Type uses `fallbackScrapeProtocol` (with a warning), and without one throws
 * {@link ContentTypeError} with Prometheus's message.
 */
export function newParser(
  body: Uint8Array,
  contentType: string | null | undefined,
  options: NewParserOptions = {},
): NewParserResult {
  const { mediaType, warning } = extractMediaType(
    contentType ?? '',
    options.fallbackScrapeProtocol === undefined ? '' : protocolMediaType(options.fallbackScrapeProtocol),
  );
  let parser: Parser;
  switch (mediaType) {
    case 'application/openmetrics-text':
      parser = new OpenMetricsParser(body, { skipCreatedSeries: options.skipOpenMetricsCreatedSeries ?? false });
      break;
    case 'application/vnd.google.protobuf':
      parser = new ProtobufParser(body, {
        parseClassicHistograms: options.parseClassicHistograms ?? false,
        nativeHistograms: options.nativeHistograms ?? true,
      });
      break;
    default:
      parser = new PromParser(body);
  }
  if (options.convertClassicHistogramsToNHCB) {
    parser = new NHCBParser(parser, options.parseClassicHistograms ?? false);
  }
  return { parser, warning };
}

/**
 * Prometheus extractMediaType: the media type to parse with, or a ContentTypeError when there is
 * none; `warning` when the fallback replaced the Content-Type.
 */
export function extractMediaType(
  contentType: string,
  fallbackType: string,
): { mediaType: string; warning: string | undefined } {
  if (contentType === '') {
    if (fallbackType === '') {
      throw new ContentTypeError(
        contentType,
        'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target',
      );
    }
    return {
      mediaType: fallbackType,
      warning: `non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol ${goQuote(fallbackType)}`,
    };
  }
  const parsed = parseMediaType(contentType);
  if (typeof parsed === 'string') {
    if (fallbackType === '') {
      throw new ContentTypeError(
        contentType,
        `cannot parse Content-Type ${goQuote(contentType)} and no fallback_scrape_protocol for target\n${parsed}`,
      );
    }
    return {
      mediaType: fallbackType,
      warning: `could not parse received Content-Type ${goQuote(contentType)}, using fallback_scrape_protocol ${goQuote(fallbackType)}\n${parsed}`,
    };
  }
  if (SUPPORTED.has(parsed.mediaType)) return { mediaType: parsed.mediaType, warning: undefined };
  if (fallbackType === '') {
    throw new ContentTypeError(
      contentType,
      `received unsupported Content-Type ${goQuote(contentType)} and no fallback_scrape_protocol specified for target`,
    );
  }
  return {
    mediaType: fallbackType,
    warning: `received unsupported Content-Type ${goQuote(contentType)}, using fallback_scrape_protocol ${goQuote(fallbackType)}`,
  };
}
