// Scrape targets for the scrape benchmarks, in their own process so that serving bodies costs the
// measured process nothing: `node scrape-targets.mjs '<json>'` with
// { healthy: n, seriesPerTarget: m, bad: boolean }. Prints one JSON line
// { healthy: [port…], bad: { slow, hanging, huge, malformed, resetting } } once listening, and
// answers GET /arrivals on the first healthy port with every healthy target's request times
// (ms since the epoch), by port.
import { createServer } from 'node:http';

const opts = JSON.parse(process.argv[2] ?? '{}');
const n = opts.healthy ?? 1;
const m = opts.seriesPerTarget ?? 10_000;
const arrivals = new Map();

function body(i) {
  let s = '';
  for (let j = 0; j < m; j++) {
    if (j % 100 === 0)
      s += `# HELP bench_metric_${j / 100} A benchmark family.\n# TYPE bench_metric_${j / 100} gauge\n`;
    s += `bench_metric_${Math.floor(j / 100)}{target="${i}",series="${j}",zone="eu-west-1a"} ${(j * 1.25 + i).toFixed(2)}\n`;
  }
  return Buffer.from(s);
}

function listen(handler) {
  return new Promise((resolve) => {
    const srv = createServer(handler);
    srv.keepAliveTimeout = 600_000;
    srv.listen(0, '127.0.0.1', () => resolve(srv.address().port));
  });
}

const healthy = [];
for (let i = 0; i < n; i++) {
  const b = body(i);
  const times = [];
  const port = await listen((req, res) => {
    if (req.url === '/arrivals') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(Object.fromEntries(arrivals)));
      return;
    }
    times.push(Date.now());
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(b);
  });
  arrivals.set(port, times);
  healthy.push(port);
}

let bad;
if (opts.bad) {
  const huge = Buffer.from(`${'x'.repeat(100)} 1\n`.repeat(300_000));
  bad = {
    slow: await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let k = 0;
      const t = setInterval(() => {
        if (res.destroyed || k++ > 10_000) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write('a 1\n');
      }, 20);
    }),
    hanging: await listen(() => {}),
    huge: await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(huge);
    }),
    malformed: await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('a 1\nb{ 2\n'.repeat(1000));
    }),
    resetting: await listen((req) => req.socket.destroy()),
  };
}
console.log(JSON.stringify({ healthy, bad }));
process.on('SIGTERM', () => process.exit(0));
