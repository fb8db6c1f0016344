// Real bytes: the /metrics of Debian's prometheus-node-exporter and of Prometheus 2.42 itself, asked
// for in every format they serve (text, OpenMetrics, protobuf), parsed by the parser their
// Content-Type selects. The formats must agree on the series, and promtool must accept what we do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PEERS,
  requirePeer,
  runPromtool,
  type ServerPeer,
  startNodeExporter,
  startPrometheus,
} from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptHeader,
  Entry,
  newParser,
  OpenMetricsParser,
  type Parser,
  PromParser,
  ProtobufParser,
  type ScrapeProtocol,
} from './index.js';

const have = requirePeer(PEERS.nodeExporter) && requirePeer(PEERS.prometheus) && requirePeer(PEERS.promtool);

interface Scraped {
  contentType: string;
  body: Uint8Array;
}

async function scrape(url: string, protocols: ScrapeProtocol[]): Promise<Scraped> {
  const res = await fetch(url, { headers: { Accept: acceptHeader(protocols) }, signal: AbortSignal.timeout(20_000) });
  expect(res.ok).toBe(true);
  return { contentType: res.headers.get('content-type') ?? '', body: new Uint8Array(await res.arrayBuffer()) };
}

interface Parsed {
  series: Map<string, number>; // labels → value
  types: Map<string, string>;
  histograms: number;
}

function read(p: Parser): Parsed {
  const out: Parsed = { series: new Map(), types: new Map(), histograms: 0 };
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    if (e === Entry.Series) {
      const ls = p.labels();
      expect(p.duplicateLabelName()).toBeUndefined();
      out.series.set(ls.toString(), p.value());
    } else if (e === Entry.Histogram) out.histograms++;
    else if (e === Entry.Type) out.types.set(p.metadataName(), p.type());
  }
  return out;
}

/** Series names a format-independent comparison leaves out: OpenMetrics' `_created` series. */
function withoutCreated(keys: Iterable<string>): string[] {
  return [...keys].filter((k) => !/^\{__name__="[^"]*_created"/.test(k)).sort();
}

for (const [name, start] of [
  ['prometheus-node-exporter', () => startNodeExporter()],
  [
    'prometheus 2.42',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'textparse-interop-'));
      writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
      return startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'data') }).then((peer) => ({
        ...peer,
        stop: async () => {
          await peer.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      }));
    },
  ],
] as const) {
  describe.skipIf(!have)(`real /metrics of ${name}`, () => {
    let peer: ServerPeer;
    let text: Scraped;
    let om: Scraped;
    let proto: Scraped;
    let textAfter: Scraped;
    beforeAll(async () => {
      peer = await start();
      const url = `${peer.url}/metrics`;
      text = await scrape(url, ['PrometheusText0.0.4']);
      om = await scrape(url, ['OpenMetricsText1.0.0', 'PrometheusText0.0.4']);
      proto = await scrape(url, ['PrometheusProto']);
      textAfter = await scrape(url, ['PrometheusText0.0.4']);
    }, 60_000);
    afterAll(async () => {
      await peer?.stop();
    });

    it('serves text, parsed by the PromParser the Content-Type selects', () => {
      console.log(`${name}: ${text.contentType} / ${om.contentType} / ${proto.contentType}`);
      const { parser } = newParser(text.body, text.contentType);
      expect(parser).toBeInstanceOf(PromParser);
      const parsed = read(parser);
      expect(parsed.series.size).toBeGreaterThan(50);
    });

    it('serves protobuf with the same series as text', () => {
      const { parser } = newParser(proto.body, proto.contentType);
      expect(parser).toBeInstanceOf(ProtobufParser);
      const fromProto = read(parser);
      const before = read(new PromParser(text.body));
      const after = read(new PromParser(textAfter.body));
      // A scrape may add series (request metrics), never remove them: the protobuf series lie
      // between the text scrape before and the one after.
      const keys = [...fromProto.series.keys()];
      for (const k of before.series.keys()) expect(fromProto.series.has(k), k).toBe(true);
      for (const k of keys) expect(after.series.has(k), k).toBe(true);
      for (const [m, t] of fromProto.types) expect(after.types.get(m), m).toBe(t);
      expect(fromProto.histograms).toBe(0); // No native histograms are exposed by these peers.
    });

    it('serves OpenMetrics (when enabled) with the text series plus `_created` ones', () => {
      const { parser } = newParser(om.body, om.contentType);
      const parsed = read(parser);
      if (!(parser instanceof OpenMetricsParser)) {
        // This peer does not offer OpenMetrics: it answered in text, which must have parsed.
        expect(om.contentType).toMatch(/^text\/plain/);
        console.log(`${name}: no OpenMetrics offered, answered ${om.contentType}`);
        return;
      }
      expect(new TextDecoder().decode(om.body).endsWith('# EOF\n')).toBe(true);
      // OpenMetrics adds `_created` series; the others lie between the two text scrapes.
      const before = read(new PromParser(text.body));
      const after = read(new PromParser(textAfter.body));
      for (const k of withoutCreated(before.series.keys())) expect(parsed.series.has(k), k).toBe(true);
      for (const k of withoutCreated(parsed.series.keys())) expect(after.series.has(k), k).toBe(true);
      console.log(`${name}: OpenMetrics with ${parsed.series.size} series`);
    });

    it('is accepted by promtool check metrics, as by our parser', () => {
      const r = runPromtool(['check', 'metrics'], undefined, text.body);
      // 0: clean, 3: lint problems only; 1 would be a parse error.
      expect([0, 3]).toContain(r.code);
    });
  });
}

describe.skipIf(!have)('promtool check metrics agrees on what is malformed', () => {
  const bodies: [string, boolean][] = [
    ['# HELP a_total x\n# TYPE a_total counter\na_total{b="c"} 1 1700000000000\n', true],
    ['a{b="c\\"d\\\\e\\nf"} +Inf\nb NaN\nc -0.5e-3 -1\n', true],
    ["a{b='c'} 1\n", false],
    ['a 1 2 3\n', false],
    ['a{b="c" 1\n', false],
    ['a x\n', false],
    ['# TYPE a foo\na 1\n', false],
  ];
  it.each(bodies)('%j', (body, ok) => {
    const r = runPromtool(['check', 'metrics'], undefined, body);
    expect(r.code === 1).toBe(!ok);
    let ours = true;
    try {
      read(new PromParser(new TextEncoder().encode(body)));
    } catch {
      ours = false;
    }
    expect(ours).toBe(ok);
  });
});
