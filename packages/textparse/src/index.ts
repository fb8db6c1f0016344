// @tsprom/textparse: the exposition-format parsers of Prometheus's model/textparse and the scrape
// content negotiation around them.
export type { BodyReader } from './body-reader.js';
export { ContentTypeError, ParseError } from './errors.js';
export { detachString, Entry, type Parser } from './parser.js';
export { NHCBParser } from './nhcb-parser.js';
export { PromParser } from './prom-parser.js';
export { OpenMetricsParser, type OpenMetricsParserOptions } from './openmetrics-parser.js';
export { ProtobufParser, type ProtobufParserOptions } from './protobuf-parser.js';
export { extractMediaType, type NewParserOptions, type NewParserResult, newParser } from './new-parser.js';
export {
  acceptHeader,
  DefaultProtoFirstScrapeProtocols,
  DefaultScrapeProtocols,
  type EscapingScheme,
  isScrapeProtocol,
  protocolMediaType,
  type ScrapeProtocol,
  ScrapeProtocolsHeaders,
} from './scrape-protocol.js';
export { formatOpenMetricsFloat, NormalNaN } from './go-float.js';
