// An exporter serving one protobuf native histogram family whose samples carry their own
// timestamps: each client (told apart by its User-Agent) gets sample 0 on its first scrape,
// sample 1 on its second answered whole… and the last one from then on. Two scrapers of it therefore store the
// same samples at the same timestamps, whenever and however often they scrape. It answers 406
// unless the Accept header asks for the protobuf format. Test helper, not part of the API.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import schema from '../../../../../shared/reference/proto/client_model_metrics.proto?raw';

export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

let mfType: protobuf.Type | undefined;

function metricFamilyType(): protobuf.Type {
  if (mfType === undefined) {
    const root = new protobuf.Root();
    root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
    protobuf.parse(schema.replace(/^import .*$/m, ''), root, { keepCase: true });
    mfType = root.lookupType('io.prometheus.client.MetricFamily');
  }
  return mfType;
}

/** Encodes MetricFamily objects (the proto's field names) as a delimited protobuf body. */
export function encodeFamilies(families: object[]): Uint8Array {
  const t = metricFamilyType();
  const w = protobuf.Writer.create();
  for (const f of families) {
    const err = t.verify(f);
    if (err !== null) throw new Error(`bad test family: ${err}`);
    t.encodeDelimited(t.fromObject(f), w);
  }
  return w.finish();
}

/** Delta encoding of absolute bucket counts, as the protobuf's `*_delta` fields want them. */
export function toDeltas(counts: readonly number[]): number[] {
  let prev = 0;
  return counts.map((c) => {
    const d = c - prev;
    prev = c;
    return d;
  });
}

/** A running native histogram exporter. */
export interface NativeHistogramExporter {
  /** host:port */
  readonly address: string;
  /** Requests answered (200) so far to clients whose User-Agent starts with `prefix`. */
  served(prefix: string): number;
  /** Requests refused (406: no protobuf in the Accept header) so far. */
  refused(): number;
  close(): Promise<void>;
}

/**
 * Starts an exporter on 127.0.0.1 (a free port) serving, for each client, `bodies[i]` on its
 * i-th request (`bodies.at(-1)` once they are used up).
 */
export async function startNativeHistogramExporter(bodies: readonly Uint8Array[]): Promise<NativeHistogramExporter> {
  const served = new Map<string, number>();
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('application/vnd.google.protobuf')) {
      refused++;
      res.writeHead(406).end();
      return;
    }
    const ua = req.headers['user-agent'] ?? '';
    const i = served.get(ua) ?? 0;
    // A client moves on to the next sample only once this response has gone out whole. On a loaded
    // machine a scraper may give up (its scrape timeout) before the answer is written: it then gets
    // the same sample again, which it stores once (same timestamp, same value); skipping it would
    // leave the two scrapers with different samples.
    res.on('finish', () => served.set(ua, Math.max(served.get(ua) ?? 0, i + 1)));
    res.writeHead(200, { 'content-type': PROTOBUF_CONTENT_TYPE });
    res.end(bodies[Math.min(i, bodies.length - 1)]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    served: (prefix) => {
      let n = 0;
      for (const [ua, c] of served) if (ua.startsWith(prefix)) n += c;
      return n;
    },
    refused: () => refused,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
