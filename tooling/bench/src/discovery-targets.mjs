// Scrape targets for the discovery benchmark, in their own process so that serving costs the
// measured process nothing: one HTTP server on 127.0.0.1 answering every path with a one-series
// body. Prints its port once listening.
import { createServer } from 'node:http';

const body = Buffer.from('# TYPE bench_up gauge\nbench_up 1\n');
const srv = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': body.length });
  res.end(body);
});
srv.keepAliveTimeout = 600_000;
srv.listen(0, '127.0.0.1', () => console.log(String(srv.address().port)));
process.on('SIGTERM', () => process.exit(0));
