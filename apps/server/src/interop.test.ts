// Interop: (1) the same API requests against real Prometheus 2.42 and tsprom, both serving the same
// blocks (written by `promtool tsdb create-blocks-from openmetrics`, copied into each one's data
// dir), compared as JSON: status code, result, error type and message. Where Prometheus 3 (which
// tsprom follows) answers differently from 2.42, the request is listed in `DIFFERENCES` with
// the reason, and tsprom's answer is checked on its own. (2) Prometheus 2.42 started on the data
// dir tsprom wrote while scraping itself answers the same samples. Skipped with a reason when
// Prometheus or promtool is missing (fails under CI).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getJSON, type ServerProcess, startHTTPProcess, startTsprom } from './testing/tsprom-process.js';

const prometheusBin = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const promtoolBin = process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool';
const havePeers = existsSync(prometheusBin) && existsSync(promtoolBin);
const runIt = havePeers || process.env.CI ? it : it.skip;
const reason = havePeers ? '' : ` (skipped: ${prometheusBin} or ${promtoolBin} is not installed)`;

// One hour of data, every 15 s, ending three hours before the current hour (inside retention).
const END = Math.floor(Date.now() / 3_600_000) * 3600 - 3 * 3600;
const START = END - 3600;
// Instant queries' time, 10 minutes before the end and off the 15 s grid: Prometheus 3's range
// selectors leave out a sample exactly at their start (2.42's keep it), so on the grid the two
// differ by design (see DIFFERENCES); off it they must agree.
const T = END - 607;
const T_ON_GRID = END - 600;

function openMetrics(): string {
  const lines: string[] = [];
  lines.push('# HELP http_requests Requests served.', '# TYPE http_requests counter');
  const series = [
    ['api', 'a:1', '200', 3],
    ['api', 'a:1', '500', 0.25],
    ['api', 'b:1', '200', 2],
    ['web', 'w:1', '200', 7],
  ] as const;
  for (const [job, instance, code, rate] of series) {
    for (let t = START, i = 0; t <= END; t += 15, i++) {
      // A counter reset halfway for one series.
      const v = job === 'web' && t >= START + 1800 ? (i - 120) * 15 * rate : i * 15 * rate;
      lines.push(`http_requests_total{code="${code}",instance="${instance}",job="${job}"} ${v} ${t}`);
    }
  }
  lines.push('# HELP temperature Room temperature.', '# TYPE temperature gauge');
  for (const room of ['kitchen', 'lab']) {
    for (let t = START, i = 0; t <= END; t += 15, i++) {
      lines.push(`temperature{room="${room}"} ${(room === 'lab' ? 18 : 21) + Math.sin(i / 10) * 2.5} ${t}`);
    }
  }
  lines.push('# HELP rpc_seconds RPC latency.', '# TYPE rpc_seconds histogram');
  const bounds = ['0.1', '0.5', '1.0', '+Inf'];
  for (let t = START, i = 0; t <= END; t += 15, i++) {
    bounds.forEach((le, k) => {
      lines.push(`rpc_seconds_bucket{le="${le}",service="s"} ${i * (k + 1) * 2} ${t}`);
    });
    lines.push(`rpc_seconds_count{service="s"} ${i * 8} ${t}`, `rpc_seconds_sum{service="s"} ${i * 3.5} ${t}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** The requests compared: a name and a path with its query string. */
const REQUESTS: [string, string][] = [
  ['instant vector', `/api/v1/query?query=http_requests_total&time=${T}`],
  ['rate', `/api/v1/query?query=rate(http_requests_total[5m])&time=${T}`],
  ['sum by rate', `/api/v1/query?query=sum by (job) (rate(http_requests_total[5m]))&time=${T}`],
  ['increase over reset', `/api/v1/query?query=increase(http_requests_total{job="web"}[45m])&time=${T}`],
  ['gauge with offset', `/api/v1/query?query=temperature offset 10m&time=${T}`],
  ['max_over_time', `/api/v1/query?query=max_over_time(temperature[30m])&time=${T}`],
  ['histogram_quantile', `/api/v1/query?query=histogram_quantile(0.9, rate(rpc_seconds_bucket[5m]))&time=${T}`],
  ['topk', `/api/v1/query?query=topk(2, http_requests_total)&time=${T}`],
  ['range vector', `/api/v1/query?query=temperature{room="lab"}[1m]&time=${T}`],
  ['exemplars', `/api/v1/query_exemplars?query=temperature&start=${START}&end=${END}`],
  ['format_query', '/api/v1/format_query?query=sum(rate(x[5m]))by(job)'],
  ['status/tsdb', '/api/v1/status/tsdb'],
  ['rules', '/api/v1/rules'],
  ['scalar', `/api/v1/query?query=1%2B1&time=${T}`],
  ['string', `/api/v1/query?query="a<b>"&time=${T}`],
  ['no data', `/api/v1/query?query=up&time=${T}`],
  ['rfc3339 time', `/api/v1/query?query=temperature&time=${new Date((T + 0.5) * 1000).toISOString()}`],
  ['lookback_delta', `/api/v1/query?query=temperature&time=${END + 100}&lookback_delta=1m`],
  ['range', `/api/v1/query_range?query=rate(http_requests_total[5m])&start=${START + 7}&end=${END}&step=60`],
  ['range selector on the grid', `/api/v1/query?query=temperature{room="lab"}[1m]&time=${T_ON_GRID}`],
  ['range float step', `/api/v1/query_range?query=temperature&start=${START}&end=${START + 300}&step=37.5`],
  ['range duration step', `/api/v1/query_range?query=sum(temperature)&start=${START}&end=${END}&step=5m`],
  ['series', `/api/v1/series?match[]=http_requests_total{job="api"}&start=${START}&end=${END}`],
  ['series two matchers', `/api/v1/series?match[]=temperature&match[]=http_requests_total{code="500"}`],
  ['labels', '/api/v1/labels'],
  ['labels match', `/api/v1/labels?match[]=temperature&start=${START}&end=${END}`],
  ['label values', '/api/v1/label/job/values'],
  ['label values match', '/api/v1/label/__name__/values?match[]={job="api"}'],
  ['metadata', '/api/v1/metadata'],
  ['targets', '/api/v1/targets'],
  // 2.42 has scrape_pools; targets/relabel_steps, scrape_pools/config, status/tsdb/blocks,
  // notifications and features came after it (404 there): api-endpoints.test.ts checks them.
  ['scrape_pools', '/api/v1/scrape_pools'],
  ['alerts', '/api/v1/alerts'],
  ['alertmanagers', '/api/v1/alertmanagers'],
  // Bad requests.
  ['no query', `/api/v1/query?time=${T}`],
  ['parse error', `/api/v1/query?query=sum(&time=${T}`],
  ['bad time', '/api/v1/query?query=up&time=yesterday'],
  ['bad timeout', '/api/v1/query?query=up&timeout=soon'],
  ['many-to-many', `/api/v1/query?query=http_requests_total %2B on(job) http_requests_total&time=${T}`],
  ['range: no start', `/api/v1/query_range?query=up&end=${END}&step=15`],
  ['range: end before start', `/api/v1/query_range?query=up&start=${END}&end=${START}&step=15`],
  ['range: zero step', `/api/v1/query_range?query=up&start=${START}&end=${END}&step=0`],
  ['range: bad step', `/api/v1/query_range?query=up&start=${START}&end=${END}&step=x`],
  ['range: too many points', `/api/v1/query_range?query=up&start=${START}&end=${END}&step=0.1`],
  ['range: range vector', `/api/v1/query_range?query=up[5m]&start=${START}&end=${END}&step=60`],
  ['series: no match', '/api/v1/series'],
  ['series: bad matcher', '/api/v1/series?match[]=up{'],
  ['series: empty matcher', '/api/v1/series?match[]={job=""}'],
  ['labels: bad start', '/api/v1/labels?start=never'],
  ['unknown path', '/api/v1/nope'],
];

/**
 * Requests where Prometheus 3's answer (tsprom's) differs from 2.42's, with why, and a check of
 * tsprom's answer.
 */
const DIFFERENCES: Record<string, { why: string; check: (status: number, body: unknown) => void }> = {
  'range selector on the grid': {
    why: 'Prometheus 3 range selectors are left-open: the sample at exactly time-1m is not in [1m]',
    check: (status, body) => {
      expect(status).toBe(200);
      const values = (body as { data: { result: { values: [number, string][] }[] } }).data.result[0]!.values;
      expect(values.map((v) => v[0])).toEqual([T_ON_GRID - 45, T_ON_GRID - 30, T_ON_GRID - 15, T_ON_GRID]);
    },
  },
  lookback_delta: {
    why: 'the lookback_delta parameter came after 2.42 (which ignores it and looks back 5m)',
    check: (status, body) => {
      expect(status).toBe(200);
      expect((body as { data: { result: unknown[] } }).data.result).toEqual([]);
    },
  },
  targets: {
    why: 'droppedTargetCounts came after 2.42',
    check: (status, body) => {
      expect([status, body]).toEqual([
        200,
        { status: 'success', data: { activeTargets: [], droppedTargets: [], droppedTargetCounts: {} } },
      ]);
    },
  },
  'no query': {
    why: 'Prometheus 3 reports an empty query at "unknown position" (2.42: 1:1)',
    check: (status, body) => {
      expect([status, body]).toEqual([
        400,
        {
          status: 'error',
          errorType: 'bad_data',
          error: 'invalid parameter "query": unknown position: parse error: no expression found in input',
        },
      ]);
    },
  },
  'many-to-many': {
    why: 'Prometheus 3 names the duplicate pair in label order (2.42: in the order met)',
    check: (status, body) => {
      expect(status).toBe(422);
      expect((body as { error: string }).error).toContain(
        '[{__name__="http_requests_total", code="200", instance="a:1", job="api"}, {__name__="http_requests_total", code="200", instance="b:1", job="api"}]',
      );
    },
  },
  'range: range vector': {
    why: 'Prometheus 3 reports an invalid range query expression as invalid parameter "query" (2.42: bare)',
    check: (status, body) => {
      expect([status, body]).toEqual([
        400,
        {
          status: 'error',
          errorType: 'bad_data',
          error:
            'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
        },
      ]);
    },
  },
};

async function run(cmd: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, _out, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
}

describe('the HTTP API against Prometheus 2.42', () => {
  runIt(`answers the same requests with the same JSON${reason}`, { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-api-interop-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'data.om'), openMetrics());
    await run(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'blocks')]);
    await cp(join(dir, 'blocks'), join(dir, 'prom'), { recursive: true });
    await cp(join(dir, 'blocks'), join(dir, 'tsprom'), { recursive: true });
    const cfg = join(dir, 'prometheus.yml');
    await writeFile(cfg, 'global:\n  scrape_interval: 1h\n');
    let prom: ServerProcess | undefined;
    let ts: ServerProcess | undefined;
    try {
      prom = await startHTTPProcess(
        prometheusBin,
        [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'prom')}`],
        dir,
      );
      ts = await startTsprom([`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'tsprom')}`], dir);
      const mismatches: string[] = [];
      for (const [name, path] of REQUESTS) {
        const url = path.replace(/ /g, '%20');
        const [p, t] = await Promise.all([getJSON(`${prom.url}${url}`), getJSON(`${ts.url}${url}`)]);
        const diff = DIFFERENCES[name];
        if (diff !== undefined) {
          diff.check(t.status, t.body);
          continue;
        }
        try {
          expect({ status: t.status, body: t.body }).toEqual({ status: p.status, body: p.body });
        } catch {
          mismatches.push(
            `${name} ${path}\n  prometheus: ${p.status} ${JSON.stringify(p.body).slice(0, 600)}\n  tsprom:     ${t.status} ${JSON.stringify(t.body).slice(0, 600)}`,
          );
        }
      }
      expect(mismatches.join('\n')).toBe('');
    } finally {
      await ts?.stop();
      await prom?.stop();
    }
  });
});

describe('Prometheus 2.42 on the data dir tsprom wrote while scraping', () => {
  runIt(`sees the same samples${reason}`, { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-dir-interop-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    // tsprom with the default configuration: it scrapes itself every 15 s.
    const data = join(dir, 'data');
    const ts = await startTsprom([`--storage.tsdb.path=${data}`], dir);
    let at = 0;
    let want: unknown;
    try {
      await waitForCount(ts.url, 'count_over_time(up{job="prometheus"}[1h])', 2);
      at = Date.now() / 1000;
      want = (await getJSON(`${ts.url}/api/v1/query?${new URLSearchParams({ query: 'up[1h]', time: String(at) })}`))
        .body;
    } finally {
      expect(await ts.stop()).toBe(0);
    }
    const empty = join(dir, 'prometheus.yml');
    await writeFile(empty, 'global:\n  scrape_interval: 1h\n');
    const prom = await startHTTPProcess(prometheusBin, [`--config.file=${empty}`, `--storage.tsdb.path=${data}`], dir);
    try {
      const got = (
        await getJSON(`${prom.url}/api/v1/query?${new URLSearchParams({ query: 'up[1h]', time: String(at) })}`)
      ).body;
      expect(got).toEqual(want);
      expect((want as { data: { result: unknown[] } }).data.result).toHaveLength(1);
    } finally {
      await prom.stop();
    }
  });
});

async function waitForCount(url: string, query: string, min: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const r = (await getJSON(`${url}/api/v1/query?${new URLSearchParams({ query })}`)).body as {
      data?: { result?: { value: [number, string] }[] };
    };
    if (Number(r.data?.result?.[0]?.value[1] ?? 0) >= min) return;
    if (Date.now() > deadline) throw new Error(`${query} < ${min} after 180 s`);
    await new Promise((res) => setTimeout(res, 250));
  }
}
