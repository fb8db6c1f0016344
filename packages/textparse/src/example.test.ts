import { expect, it } from 'vitest';
import { acceptHeader, DefaultScrapeProtocols, Entry, newParser } from './index.js';

it('runs the README example', () => {
  expect(acceptHeader(DefaultScrapeProtocols)).toBe(
    'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
  );
  const body = new TextEncoder().encode(
    '# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 1027 1395066363000\n',
  );
  const { parser } = newParser(body, 'text/plain; version=0.0.4');
  const seen: unknown[] = [];
  for (let e = parser.next(); e !== Entry.EOF; e = parser.next()) {
    if (e === Entry.Type) seen.push([parser.metadataName(), parser.type()]);
    if (e === Entry.Series) {
      seen.push([parser.series(), parser.labels().toString(), parser.value(), parser.timestamp()]);
    }
  }
  expect(seen).toEqual([
    ['http_requests_total', 'counter'],
    ['http_requests_total{code="200"}', '{__name__="http_requests_total", code="200"}', 1027, 1395066363000],
  ]);
});
