// Real bytes: the /metrics of Debian's prometheus-node-exporter and of Prometheus 2.42 itself, asked
// for in every format they serve (text, OpenMetrics, protobuf), parsed by the parser their
// Content-Type selects. The formats must agree on the series, and promtool must accept what we do.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// Starting a peer on 127.0.0.1 with a free port, stopped by PID (kept in this test file: the
// package's sources, helpers included, import no Node built-in).
/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `bin` exists; throws when it does not and `CI` is set (interop tests may not skip in CI). */
function requirePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
}

/** A running peer. */
interface Peer {
  readonly url: string;
  log(): string;
  stop(): Promise<void>;
}

/** Spawns `bin` with `args(port)` and waits until `readyPath` answers 200. */
async function startPeer(bin: string, args: (port: number) => string[], readyPath: string): Promise<Peer> {
  const port = await freePort();
  const child = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const peer: Peer = {
    url,
    log: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited early:\n${out}`);
    try {
      const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return peer;
    } catch {
      // Not listening yet: retry until the deadline.
    }
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`${bin} not ready after 30s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const have = requirePeer(NODE_EXPORTER) && requirePeer(PROMETHEUS) && requirePeer(PROMTOOL);

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
  [
    'prometheus-node-exporter',
    () =>
      startPeer(
        NODE_EXPORTER,
        (port) => [
          `--web.listen-address=127.0.0.1:${port}`,
          '--collector.disable-defaults',
          '--collector.cpu',
          '--collector.meminfo',
          '--collector.loadavg',
          '--collector.netdev',
          '--collector.filesystem',
        ],
        '/metrics',
      ),
  ],
  [
    'prometheus 2.42',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'textparse-interop-'));
      writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
      return startPeer(
        PROMETHEUS,
        (port) => [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        '/-/ready',
      ).then((peer) => ({
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
    let peer: Peer;
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
      const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text.body, encoding: 'utf8' });
      // 0: clean, 3: lint problems only; 1 would be a parse error.
      expect([0, 3]).toContain(r.status);
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
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(r.status === 1).toBe(!ok);
    let ours = true;
    try {
      read(new PromParser(new TextEncoder().encode(body)));
    } catch {
      ours = false;
    }
    expect(ours).toBe(ok);
  });
});
