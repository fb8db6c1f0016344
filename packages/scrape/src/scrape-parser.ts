// Prometheus: model/textparse New, as the scrape loop calls it.
import { newParser, type Parser, type ScrapeProtocol } from '@tsprom/textparse';

/** How {@link newScrapeParser} parses. */
export interface ScrapeParserOptions {
  readonly fallbackScrapeProtocol: ScrapeProtocol | undefined;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly nativeHistograms: boolean;
  readonly convertClassicHistogramsToNHCB: boolean;
  readonly skipOpenMetricsCreatedSeries: boolean;
}

/**
 * The parser for a scraped body, chosen by its Content-Type as textparse's newParser does (and
 * throwing its ContentTypeError). The text parsers decode a big body a piece (256 KiB) at a time as
 * they go, so a huge body is never one string and its decoding is spread over the slices in which
 * the scrape loop parses it.
 */
export function newScrapeParser(body: Uint8Array, contentType: string, o: ScrapeParserOptions): Parser {
  return newParser(body, contentType, {
    fallbackScrapeProtocol: o.fallbackScrapeProtocol,
    parseClassicHistograms: o.alwaysScrapeClassicHistograms,
    nativeHistograms: o.nativeHistograms,
    convertClassicHistogramsToNHCB: o.convertClassicHistogramsToNHCB,
    skipOpenMetricsCreatedSeries: o.skipOpenMetricsCreatedSeries,
  }).parser;
}
