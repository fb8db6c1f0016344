// Prometheus: model/textparse New, as the scrape loop calls it; big text bodies are decoded in
// slices that yield the event loop, so that one huge exposition does not freeze the others.
import {
  extractMediaType,
  newParser,
  OpenMetricsParser,
  type Parser,
  PromParser,
  protocolMediaType,
  type ScrapeProtocol,
} from '@tsprom/textparse';
import { sliceUsedUp, yieldToEventLoop } from './event-loop-slices.js';

/** Bodies up to this size are decoded in one go; bigger text bodies in slices of it. */
const SLICE_BYTES = 1 << 20;

/** How {@link newScrapeParser} parses. */
export interface ScrapeParserOptions {
  readonly fallbackScrapeProtocol: ScrapeProtocol | undefined;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly nativeHistograms: boolean;
}

/**
 * The parser for a scraped body, chosen by its Content-Type as textparse's newParser does (and
 * throwing its ContentTypeError). A text body over 1 MiB is decoded slice by slice, yielding in
 * between; one that is not valid UTF-8 is left to the parser's own lossless decoding.
 */
export async function newScrapeParser(body: Uint8Array, contentType: string, o: ScrapeParserOptions): Promise<Parser> {
  const popts = {
    fallbackScrapeProtocol: o.fallbackScrapeProtocol,
    parseClassicHistograms: o.alwaysScrapeClassicHistograms,
    nativeHistograms: o.nativeHistograms,
  };
  if (body.length <= SLICE_BYTES) return newParser(body, contentType, popts).parser;
  const fallback = o.fallbackScrapeProtocol === undefined ? '' : protocolMediaType(o.fallbackScrapeProtocol);
  const { mediaType } = extractMediaType(contentType, fallback);
  if (mediaType === 'application/vnd.google.protobuf') return newParser(body, contentType, popts).parser;
  const text = await decodeInSlices(body);
  if (text === undefined) return newParser(body, contentType, popts).parser;
  return mediaType === 'application/openmetrics-text'
    ? new OpenMetricsParser(text, { skipCreatedSeries: false })
    : new PromParser(text);
}

/** UTF-8 decoding in slices (a byte-order mark kept, as textparse does); undefined if invalid. */
async function decodeInSlices(body: Uint8Array): Promise<string | undefined> {
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const parts: string[] = [];
  for (let off = 0; off < body.length; off += SLICE_BYTES) {
    const end = Math.min(off + SLICE_BYTES, body.length);
    try {
      parts.push(dec.decode(body.subarray(off, end), { stream: end < body.length }));
    } catch (err) {
      if (!(err instanceof TypeError)) throw err; // The only error a fatal decoder throws: invalid UTF-8.
      return undefined;
    }
    if (end < body.length && sliceUsedUp()) await yieldToEventLoop();
  }
  return parts.join('');
}
