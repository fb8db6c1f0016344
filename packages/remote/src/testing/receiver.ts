// A remote write receiver for tests: node:http on 127.0.0.1 (port 0) that decodes 1.0 and 2.0
// bodies with this package's codecs and answers what the test scripts.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { snappyDecode } from '../snappy.js';
import { decodeWriteRequest, type WriteRequest } from '../write-request.js';
import { decodeV2Request, type V2Request } from '../write-v2.js';

/** One request the receiver got. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** Decoded per the content type. */
  v1?: WriteRequest;
  v2?: V2Request;
  /** The status it was answered with. */
  status: number;
}

/** A sample as received: labels rendered `{a="b",...}`, timestamp, value. */
export interface ReceivedSample {
  series: string;
  t: number;
  v: number;
}

/** What to answer: status and headers. Default 204. */
export type Responder = (req: ReceivedRequest, n: number) => { status: number; headers?: Record<string, string> };

function render(pairs: [string, string][]): string {
  return `{${pairs.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',')}}`;
}

/** The receiver. `accepted` holds the samples of requests answered 2xx, in arrival order. */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly accepted: ReceivedSample[] = [];
  readonly #server: Server;
  respond: Responder = () => ({ status: 204 });
  url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = snappyDecode(new Uint8Array(Buffer.concat(chunks)));
        const r: ReceivedRequest = { headers: req.headers, status: 0 };
        if (String(req.headers['content-type']).includes('io.prometheus.write.v2.Request'))
          r.v2 = decodeV2Request(body);
        else r.v1 = decodeWriteRequest(body);
        const { status, headers } = this.respond(r, this.requests.length);
        r.status = status;
        this.requests.push(r);
        if (status >= 200 && status < 300) this.#accept(r);
        res.writeHead(status, headers);
        res.end(status >= 400 ? 'scripted failure' : '');
      });
    });
  }

  static async start(): Promise<TestReceiver> {
    const r = new TestReceiver();
    await new Promise<void>((resolve) => r.#server.listen(0, '127.0.0.1', resolve));
    r.url = `http://127.0.0.1:${(r.#server.address() as AddressInfo).port}/api/v1/write`;
    return r;
  }

  #accept(r: ReceivedRequest): void {
    if (r.v1 !== undefined) {
      for (const ts of r.v1.timeseries) {
        const series = render(ts.labels.map((l) => [l.name, l.value]));
        for (const s of ts.samples) this.accepted.push({ series, t: s.timestamp, v: s.value });
      }
    }
    if (r.v2 !== undefined) {
      const sym = r.v2.symbols;
      for (const ts of r.v2.timeseries) {
        const pairs: [string, string][] = [];
        for (let i = 0; i < ts.labelsRefs.length; i += 2) {
          pairs.push([sym[ts.labelsRefs[i]!]!, sym[ts.labelsRefs[i + 1]!]!]);
        }
        const series = render(pairs);
        for (const s of ts.samples) this.accepted.push({ series, t: s.timestamp, v: s.value });
      }
    }
  }

  /** Accepted samples of `series`, in arrival order. */
  samplesOf(series: string): ReceivedSample[] {
    return this.accepted.filter((s) => s.series === series);
  }

  /** Stops listening (connections are refused) until `up()`. */
  async down(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    const port = Number(new URL(this.url).port);
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
