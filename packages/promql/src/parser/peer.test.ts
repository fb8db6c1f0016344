// Compares parse error messages and format_query output with a real Prometheus (Debian's 2.42
// server, or TSPROM_PROMETHEUS; on 127.0.0.1 port 0 with a temp dir, stopped by PID after the
// tests). Only queries whose handling did not change between Prometheus 2.42 and 3 are listed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpr } from './parser.js';
import { prettify } from './printer.js';

const BIN = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const present = existsSync(BIN);

const queries = [
  '1 +',
  '*1',
  '1 !~ 1',
  'foo bar',
  '1 2',
  'sum(x) by (a) by (b)',
  '(1',
  '1)',
  'foo )',
  'foo]',
  'foo}',
  'foo[5m',
  'foo{',
  'foo{a="b"',
  'foo{1}',
  'foo{a}',
  'foo{a=}',
  'foo{a="b" c="d"}',
  'foo{,}',
  'foo{a!}',
  '"foo',
  'foo $',
  '"a\\q"',
  "'\\x4'",
  'rate(foo)',
  'abs(foo[5m])',
  'rate()',
  'round(x, 1, 2)',
  'label_join(x, "a")',
  'rate(x[5m],)',
  'foo(x)',
  'sum()',
  'topk(x)',
  'sum(1, x)',
  'count_values(1, x)',
  'topk("a", x)',
  'sum(x[5m])',
  '1 > 2',
  'a + bool b',
  'a and 1',
  'a + on(x) 1',
  'a and on(x) group_left b',
  'a * on(x) group_left(x) b',
  'a + "b"',
  '{}',
  '{a=~".*"}',
  'foo{__name__="bar"}',
  '(foo)[5m]',
  'foo offset 5m[5m]',
  '1 offset 5m',
  'sum(x) @ 5',
  'foo offset 1m offset 2m',
  'foo @ 1 @ 2',
  'foo @ Inf',
  '"a"[5m:]',
  '-"a"',
  'foo offset',
  'foo offset bar',
  'foo @',
  'foo @ start(1)',
  'foo[5m:1m:1m]',
  'sum by(a:b)(x)',
  'foo + on',
  'foo * on (a b) bar',
  'sum(a b)',
  'rate(a b)',
  'sum some_metric by (test)',
  '0x',
  '1e+',
  '.e3',
  '!foo',
];

const formatted = [
  'foo/bar',
  'sum(rate(foo{a="b"}[5m])) by (job) / on(job) group_left bar',
  'a * ignoring(b) group_right(c) d',
  'a and on() b',
  'a or ignoring(x) b',
  '1e30',
  '0.000001',
  '1e-7',
  '0x1f',
  'Inf',
  '-Inf',
  'NaN',
  '-1',
  '- 1',
  '+1',
  '-foo',
  '-(foo)',
  '-2^2',
  '(-2)^2',
  '2^-1',
  '"str"',
  "'str'",
  '`raw\\n`',
  '"a\\"b"',
  '"\\u00e9"',
  'foo{a=~"x|y", b!~"z", c!=""}',
  '{__name__="foo"}',
  '{__name__=~"foo|bar"}',
  'foo[90s]',
  'foo[1h30m]',
  'foo[14d]',
  'foo[366d]',
  'foo[1y]',
  'foo[1500ms]',
  'foo offset 5m',
  'foo offset -5m',
  'foo @ 100',
  'foo @ 100.5',
  'foo @ -10',
  'foo @ start()',
  'foo @ end() offset 1m',
  'foo[5m] offset 1m @ 10',
  'rate(foo[5m])[1h:]',
  'rate(foo[5m])[1h:5m] offset 1m @ 10',
  '(foo)[5m:1m]',
  'sum without() (foo)',
  'sum by() (foo)',
  'sum(foo) without (a,b)',
  'topk(5, foo)',
  'quantile(0.9, foo) by (le)',
  'count_values("v", foo)',
  'label_replace(foo, "a", "$1", "b", "(.*)")',
  'time()',
  'vector(1)',
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))',
  'sum by (job, instance, handler, code, method) (rate(http_requests_total{job="api-server", handler=~"/api/v1/.*"}[5m])) / ignoring(code) group_left sum by (job, instance, handler, method) (rate(http_requests_total{job="api-server"}[5m]))',
  '-(sum(rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaa[5m])) + sum(rate(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb[5m])))',
  'topk(10, sum by (aaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbb) (rate(ccccccccccccccccccccccccccccccccccccccccccccccc[5m])))',
  'round(rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa[5m]) * 1000000000000000, 0.0000000000000000000001)',
  '(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa + bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)',
  'rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa[5m])[1h:1m]',
  'avg_over_time((aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa + bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)[1h:1m])',
  'a # comment\n + b',
  '1 + 2 * 3 - 4 / 5 % 6 ^ 7 ^ 8',
  'a > bool 1',
  'a == bool on(x) group_left(y) b',
  'a atan2 b',
];

let proc: ChildProcess | undefined;
let exited: Promise<unknown> = Promise.resolve();
let dir = '';
let base = '';

describe.skipIf(!present && !process.env.CI)(
  present ? 'parser matches Prometheus' : `parser matches Prometheus (skipped: ${BIN} missing)`,
  () => {
    it('has Prometheus to compare with', () => {
      expect(present, `${BIN} is missing (required when CI is set)`).toBe(true);
    });

    beforeAll(async () => {
      if (!present) return; // Failed above, and every comparison fails without a server.
      dir = mkdtempSync(join(tmpdir(), 'tsprom-parser-peer-'));
      writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
      // Port 0: Prometheus picks a free port and logs it, so no two test runs can race for one.
      const p = spawn(
        BIN,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          '--web.listen-address=127.0.0.1:0',
          '--enable-feature=promql-at-modifier,promql-negative-offset',
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
        await sleep(100);
      }
    }, 120_000);

    afterAll(async () => {
      const p = proc;
      if (p?.pid !== undefined && p.exitCode === null && p.signalCode === null) {
        process.kill(p.pid);
        await exited;
      }
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it.each(queries)('%j', async (q) => {
      const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: q, time: '0' })}`);
      const body = (await res.json()) as { status: string; error?: string };
      expect(body.status).toBe('error');
      const theirs = (body.error ?? '').replace(/^invalid parameter "query": /, '');
      let mine = '';
      try {
        parseExpr(q);
      } catch (err) {
        mine = (err as Error).message;
      }
      expect(mine).toBe(theirs);
    });

    it.each(formatted)('format_query %j', async (q) => {
      const res = await fetch(`${base}/api/v1/format_query?${new URLSearchParams({ query: q })}`);
      const body = (await res.json()) as { status: string; data?: string };
      expect(body.status).toBe('success');
      expect(prettify(parseExpr(q))).toBe(body.data);
    });
  },
);
