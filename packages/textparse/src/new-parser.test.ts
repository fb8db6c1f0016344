import { describe, expect, it } from 'vitest';
import {
  acceptHeader,
  ContentTypeError,
  DefaultProtoFirstScrapeProtocols,
  DefaultScrapeProtocols,
  newParser,
  OpenMetricsParser,
  PromParser,
  ProtobufParser,
} from './index.js';
import { thrown } from './testing/collect.js';

const body = new TextEncoder().encode('a 1\n');

describe('acceptHeader', () => {
  it('is what Prometheus 3 sends for the default protocols', () => {
    expect(acceptHeader(DefaultScrapeProtocols)).toBe(
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
  });

  it('puts protobuf first when native histograms are scraped, with the escaping asked for', () => {
    expect(acceptHeader(DefaultProtoFirstScrapeProtocols, 'underscores')).toBe(
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=underscores;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
    );
  });

  it('weights a custom list from 0.6 down', () => {
    expect(acceptHeader(['PrometheusText0.0.4'])).toBe('text/plain;version=0.0.4;q=0.6,*/*;q=0.5');
  });
});

describe('newParser', () => {
  it.each([
    ['text/plain; version=0.0.4; charset=utf-8', PromParser],
    ['text/plain;version=1.0.0;escaping=allow-utf-8', PromParser],
    ['TEXT/PLAIN', PromParser],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', OpenMetricsParser],
    ['application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', ProtobufParser],
  ])('%s', (ct, cls) => {
    const r = newParser(body, ct);
    expect(r.parser).toBeInstanceOf(cls);
    expect(r.warning).toBeUndefined();
  });

  it('fails without a usable Content-Type and no fallback, as Prometheus 3', () => {
    const cases: [string | undefined, string][] = [
      [
        undefined,
        'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target',
      ],
      [
        '',
        'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target',
      ],
      [
        'application/json',
        'received unsupported Content-Type "application/json" and no fallback_scrape_protocol specified for target',
      ],
      [
        'text/plain; version',
        'cannot parse Content-Type "text/plain; version" and no fallback_scrape_protocol for target\nmime: invalid media parameter',
      ],
      ['/plain', 'cannot parse Content-Type "/plain" and no fallback_scrape_protocol for target\nmime: no media type'],
      [
        'text/plain/x',
        'cannot parse Content-Type "text/plain/x" and no fallback_scrape_protocol for target\nmime: unexpected content after media subtype',
      ],
    ];
    for (const [ct, msg] of cases) {
      const err = thrown(() => newParser(body, ct));
      expect(err).toBeInstanceOf(ContentTypeError);
      expect((err as ContentTypeError).message).toBe(msg);
    }
  });

  it('uses fallback_scrape_protocol with a warning', () => {
    const r1 = newParser(body, undefined, { fallbackScrapeProtocol: 'OpenMetricsText1.0.0' });
    expect(r1.parser).toBeInstanceOf(OpenMetricsParser);
    expect(r1.warning).toBe(
      'non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol "application/openmetrics-text"',
    );
    const r2 = newParser(body, 'application/json', { fallbackScrapeProtocol: 'PrometheusText0.0.4' });
    expect(r2.parser).toBeInstanceOf(PromParser);
    expect(r2.warning).toBe(
      'received unsupported Content-Type "application/json", using fallback_scrape_protocol "text/plain"',
    );
    const r3 = newParser(body, 'a b', { fallbackScrapeProtocol: 'PrometheusProto' });
    expect(r3.parser).toBeInstanceOf(ProtobufParser);
    expect(r3.warning).toBe(
      'could not parse received Content-Type "a b", using fallback_scrape_protocol "application/vnd.google.protobuf"\nmime: expected slash after first token',
    );
  });
});
