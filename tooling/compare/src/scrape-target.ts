// A large scrape target served from this process (node:http on 127.0.0.1, port 0): `series`
// gauges in the text exposition format, two bodies whose values differ served in turn, each
// request counted, so a peer's CPU time can be read between two scrape counts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScrapeTarget {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly series: number;
  /** Scrapes served so far. */
  scrapes(): number;
  close(): Promise<void>;
}

function body(series: number, variant: number): Buffer {
  const lines: string[] = ['# TYPE bench_target_value gauge\n'];
  for (let i = 0; i < series; i++) {
    lines.push(
      `bench_target_value{group="g${i % 100}",id="${i}",variant_free="x"} ${(i * 7 + variant * 13) % 1000}.5\n`,
    );
  }
  return Buffer.from(lines.join(''));
}

/** Serves `series` series on 127.0.0.1 at a port of the kernel's choosing. */
export async function startScrapeTarget(series: number): Promise<ScrapeTarget> {
  const bodies = [body(series, 0), body(series, 1)];
  let served = 0;
  const server: Server = createServer((_req, res) => {
    const b = bodies[served++ % 2]!;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': b.length });
    res.end(b);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    series,
    scrapes: () => served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
