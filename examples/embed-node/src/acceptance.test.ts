// The example as a user gets it: packed with the @tsprom packages it needs, installed from the
// tarballs into a scratch project, run there; then the data dir it wrote is opened by a real
// Prometheus 2.42, which must give the same answers to the same queries.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  installPackedWorkspacePackages,
  PEERS,
  requirePeer,
  type ServerPeer,
  startPrometheus,
} from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Output {
  at?: string;
  requests?: [string, number][];
  hints?: string[];
  http?: unknown;
  express?: unknown;
  expressRoot?: string;
  answers?: Record<string, unknown>;
  compare?: { at: number; range: { query: string; start: number; end: number; step: number } };
  closed?: boolean;
}

describe('embed-node, packed and installed', () => {
  let dir = '';
  let project = '';
  let lines: Output[] = [];
  const line = <K extends keyof Output>(k: K): NonNullable<Output[K]> => {
    const found = lines.find((l) => l[k] !== undefined)?.[k];
    if (found === undefined) throw new Error(`no ${k} in the output: ${JSON.stringify(lines)}`);
    return found as NonNullable<Output[K]>;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-embed-node-'));
    ({ project } = installPackedWorkspacePackages(['tsprom-example-embed-node'], { dir }));
    const r = spawnSync(
      process.execPath,
      [join(project, 'node_modules', 'tsprom-example-embed-node', 'dist', 'main.js'), join(dir, 'data')],
      { cwd: project, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Output);
  }, 600_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('records its own requests and answers PromQL over them', () => {
    // 41 ticks: 1, 2 or 3 requests to /hello each (81 in all), /work every other tick (21).
    expect(line('requests')).toEqual([
      ['/hello', 81],
      ['/work', 21],
    ]);
    expect(line('hints')[0]).toMatch(/^the query reads 1970-.*: was a time in seconds given as \{ ms \}\?$/);
    expect(line('closed')).toBe(true);
  });

  it('serves the Prometheus API through node:http and Express', () => {
    const t = Date.parse(line('at')) / 1000;
    expect(line('http')).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [t, '2'] }] },
    });
    expect(line('express')).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { __name__: 'app_uptime_seconds' }, value: [t, '600'] }],
      },
    });
    expect(line('expressRoot')).toBe('an express app\n');
  });

  it('loads from CommonJS with require()', () => {
    const r = spawnSync(
      process.execPath,
      ['-e', "const e = require('@tsprom/embedded'); console.log(typeof e.openDB, typeof e.EmbeddedError)"],
      { cwd: project, encoding: 'utf8' },
    );
    expect(r.stdout).toBe('function function\n');
  });

  describe('its data dir in Prometheus 2.42', () => {
    const have = requirePeer(PEERS.prometheus);
    let prom: ServerPeer | undefined;

    beforeAll(async () => {
      if (!have) return;
      // A copy: Prometheus writes to the dir it opens.
      cpSync(join(dir, 'data'), join(dir, 'prom-data'), { recursive: true });
      writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
      prom = await startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'prom-data') });
    }, 120_000);

    afterAll(async () => {
      await prom?.stop();
    });

    it.runIf(have)('gives the same answers to the same queries', async () => {
      const answers = line('answers');
      const { at: t, range } = line('compare');
      const compared: string[] = [];
      for (const [query, ours] of Object.entries(answers)) {
        const params =
          query === range.query
            ? `query_range?query=${encodeURIComponent(query)}&start=${range.start}&end=${range.end}&step=${range.step}`
            : `query?query=${encodeURIComponent(query)}&time=${t}`;
        const theirs = await (await fetch(`${prom!.url}/api/v1/${params}`)).json();
        expect(theirs, query).toEqual(ours);
        expect((ours as { data: { result: unknown[] } }).data.result.length, query).toBeGreaterThan(0);
        compared.push(query);
      }
      expect(compared).toHaveLength(7);
    });
  });
});
