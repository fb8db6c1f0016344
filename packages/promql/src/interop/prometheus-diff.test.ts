// Differential test: the same queries over the same data in Prometheus 2.42 (the Debian package, or
// TSPROM_PROMETHEUS and TSPROM_PROMTOOL; started here on 127.0.0.1 port 0 over blocks made by
// promtool) and in this engine. Samples sit 7ms off
// the 15s grid so no range boundary falls on a sample: there Prometheus 2 (closed windows) and 3
// (left-open windows) differ by design, and everything else must agree.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Labels } from '@tsprom/labels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { TestStorage } from '../storage/test-storage.js';

const PROMETHEUS = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool';
const present = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
const START = 1_700_000_000_000;
const END = START + 3600_000;
const STEP = 15_000;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Counters with resets, gauges and classic histograms; returns OpenMetrics text and fills `storage`. */
function generate(storage: TestStorage): string {
  const r = lcg(42);
  let om = '# TYPE req_total gauge\n# TYPE temp gauge\n# TYPE lat_bucket gauge\n';
  const add = (name: string, labels: Record<string, string>, t: number, v: number) => {
    storage.append(Labels.fromMap({ __name__: name, ...labels }), t, v);
    const ls = Object.entries(labels)
      .map(([k, x]) => `${k}="${x}"`)
      .join(',');
    om += `${name}{${ls}} ${v} ${(t / 1000).toFixed(3)}\n`;
  };
  for (let i = 0; i < 12; i++) {
    let c = 0;
    for (let t = START - 600_000 + 7; t <= END; t += STEP) {
      c = r() < 0.01 ? 0 : c + Math.floor(r() * 50);
      add('req_total', { job: `j${i % 3}`, inst: `i${i}`, code: i % 4 === 0 ? '500' : '200' }, t, c);
      add(
        'temp',
        { job: `j${i % 3}`, inst: `i${i}` },
        t,
        Math.round((20 + 10 * Math.sin(t / 600_000 + i) + r()) * 100) / 100,
      );
    }
  }
  const bounds = ['0.1', '0.5', '1', '5', '+Inf'];
  for (let h = 0; h < 4; h++) {
    const counts = bounds.map(() => 0);
    for (let t = START - 600_000 + 7; t <= END; t += STEP) {
      let cum = 0;
      bounds.forEach((le, b) => {
        cum += Math.floor(r() * 4);
        counts[b]! += cum;
        add('lat_bucket', { le, inst: `h${h}` }, t, counts[b]!);
      });
    }
  }
  return `${om}# EOF\n`;
}

const queries = [
  'req_total',
  'rate(req_total[5m])',
  'sum by (job) (rate(req_total[5m]))',
  'increase(req_total[10m])',
  'irate(req_total[1m])',
  'delta(temp[5m])',
  'deriv(temp[10m])',
  'predict_linear(temp[10m], 600)',
  'avg_over_time(temp[5m])',
  'max_over_time(temp[5m]) - min_over_time(temp[5m])',
  'stddev_over_time(temp[10m])',
  'quantile_over_time(0.9, temp[10m])',
  'changes(temp[10m])',
  'resets(req_total[30m])',
  'avg by (job) (temp)',
  'count(temp > 25)',
  'topk(3, temp)',
  'quantile by (job) (0.5, temp)',
  'stddev(temp)',
  'temp / on(inst) group_left(code) (req_total > bool 0)',
  'sum(rate(req_total[5m])) by (code) / ignoring(code) group_left sum(rate(req_total[5m]))',
  'temp offset 10m',
  'max_over_time(rate(req_total[5m])[20m:1m])',
  'histogram_quantile(0.9, sum by (le) (rate(lat_bucket[5m])))',
  'histogram_quantile(0.5, rate(lat_bucket[10m]))',
  'label_replace(temp, "n", "$1", "inst", "i(.*)")',
  'count_values("v", round(temp))',
  'absent(nope{job="x"})',
  'clamp(temp, 15, 25) * 2 + 1',
  'sum without (inst) (temp) and on(job) sum by (job) (req_total)',
];

describe('agreement with Prometheus 2.42', () => {
  if (!present && !process.env.CI) {
    it.skip(`skipped: ${PROMETHEUS} or ${PROMTOOL} is not installed`, () => {});
    return;
  }
  const storage = new TestStorage();
  let dir = '';
  let proc: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  let base = '';

  it('has Prometheus and promtool to compare with', () => {
    expect(present, `${PROMETHEUS} or ${PROMTOOL} is missing (required when CI is set)`).toBe(true);
  });

  beforeAll(async () => {
    if (!present) return; // Failed above, and every comparison fails without a server.
    dir = mkdtempSync(join(tmpdir(), 'promql-diff-'));
    writeFileSync(join(dir, 'data.om'), generate(storage));
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'db')], {
      stdio: 'ignore',
    });
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    // Port 0: Prometheus picks a free port and logs it, so no two test runs can race for one.
    const p = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'db')}`,
        '--storage.tsdb.retention.time=100y',
        '--web.listen-address=127.0.0.1:0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc = p;
    exited = new Promise((r) => p.once('exit', r));
    let log = '';
    p.stderr.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const deadline = Date.now() + 90_000; // A loaded CI machine starts Prometheus slowly.
    for (;;) {
      const port = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(log)?.[1];
      if (port !== undefined) {
        base = `http://127.0.0.1:${port}`;
        try {
          if ((await fetch(`${base}/-/ready`)).ok) return;
        } catch {
          // Not ready yet.
        }
      }
      if (p.exitCode !== null) throw new Error(`prometheus exited early:\n${log}`);
      if (Date.now() > deadline) throw new Error(`prometheus not ready after 90 s:\n${log}`);
      await sleep(200);
    }
  }, 180_000);

  afterAll(async () => {
    // Wait for the exit before removing its data dir: Prometheus writes there while shutting down.
    const p = proc;
    if (p?.pid !== undefined && p.exitCode === null && p.signalCode === null) {
      process.kill(p.pid);
      await exited;
    }
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it.each(queries)('%s', async (q) => {
    const url = new URL(`${base}/api/v1/query_range`);
    url.searchParams.set('query', q);
    url.searchParams.set('start', String(START / 1000));
    url.searchParams.set('end', String(END / 1000));
    url.searchParams.set('step', String(STEP / 1000));
    const body = (await (await fetch(url)).json()) as {
      status: string;
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    expect(body.status).toBe('success');
    const res = await new Engine().newRangeQuery(storage, q, START, END, STEP).exec();
    expect(res.err).toBeNull();
    if (res.value?.type !== 'matrix') throw new Error('expected a matrix');
    const mine = new Map(res.value.matrix.map((s) => [s.metric.toString(), s]));
    expect(res.value.matrix.length).toBe(body.data.result.length);
    for (const ps of body.data.result) {
      const key = Labels.fromMap(ps.metric).toString();
      const s = mine.get(key);
      expect(s, `series ${key}`).toBeDefined();
      expect(s!.length, `points of ${key}`).toBe(ps.values.length);
      for (let i = 0; i < ps.values.length; i++) {
        const [t, v] = ps.values[i]!;
        expect(s!.ts[i]).toBe(t * 1000);
        const want = v === '+Inf' ? Number.POSITIVE_INFINITY : v === '-Inf' ? Number.NEGATIVE_INFINITY : Number(v);
        const got = s!.vs[i]!;
        if (Number.isNaN(want)) expect(got).toBeNaN();
        else if (!Number.isFinite(want)) expect(got).toBe(want);
        else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      }
    }
  });
});
