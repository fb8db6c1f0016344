// Prometheus: config/config.go ScrapeProtocol, ScrapeProtocolsHeaders, DefaultScrapeProtocols,
// DefaultProtoFirstScrapeProtocols; scrape/scrape.go acceptHeader.

/** The exposition formats a scrape may ask for (`scrape_protocols`, `fallback_scrape_protocol`). */
export type ScrapeProtocol =
  | 'PrometheusProto'
  | 'PrometheusText0.0.4'
  | 'PrometheusText1.0.0'
  | 'OpenMetricsText0.0.1'
  | 'OpenMetricsText1.0.0';

/** How UTF-8 names are asked to be escaped (`metric_name_escaping_scheme`, the `escaping` parameter). */
export type EscapingScheme = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

/** Prometheus: config.ScrapeProtocolsHeaders, the media type and parameters of each protocol. */
export const ScrapeProtocolsHeaders: Readonly<Record<ScrapeProtocol, string>> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/** Prometheus: config.DefaultScrapeProtocols, used when native histograms are not scraped. */
export const DefaultScrapeProtocols: readonly ScrapeProtocol[] = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
];

/** Prometheus: config.DefaultProtoFirstScrapeProtocols, used when native histograms are scraped. */
export const DefaultProtoFirstScrapeProtocols: readonly ScrapeProtocol[] = [
  'PrometheusProto',
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
];

/** Whether `s` names a scrape protocol (names are case sensitive, as in Prometheus). */
export function isScrapeProtocol(s: string): s is ScrapeProtocol {
  return Object.hasOwn(ScrapeProtocolsHeaders, s);
}

/**
 * The Accept header Prometheus 3 sends for `protocols` in order of preference (scrape.go
 * acceptHeader): each protocol's media type, `escaping=<scheme>` on the 1.0.0 text formats, and
 * q-values falling from 0.6 (one more than the number of known protocols, whatever the length of
 * the list), then `*\/*` with the next lower q-value. For the default protocols:
 * `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*\/*;q=0.2`.
 */
export function acceptHeader(protocols: readonly ScrapeProtocol[], escaping: EscapingScheme = 'allow-utf-8'): string {
  const vals: string[] = [];
  let weight = Object.keys(ScrapeProtocolsHeaders).length + 1;
  for (const sp of protocols) {
    let val = ScrapeProtocolsHeaders[sp];
    if (sp === 'PrometheusText1.0.0' || sp === 'OpenMetricsText1.0.0') val += `;escaping=${escaping}`;
    vals.push(`${val};q=0.${weight}`);
    weight--;
  }
  vals.push(`*/*;q=0.${weight}`);
  return vals.join(',');
}

/** The media type of a protocol (Prometheus ScrapeProtocol.HeaderMediaType): `text/plain` etc. */
export function protocolMediaType(p: ScrapeProtocol): string {
  const h = ScrapeProtocolsHeaders[p];
  return h.slice(0, h.indexOf(';'));
}
