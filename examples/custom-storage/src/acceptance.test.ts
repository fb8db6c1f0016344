// The example as a user gets it: this package and the @tsprom packages it needs are packed,
// installed from their tarballs into a scratch project, and its command queries a CSV file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackedWorkspacePackages } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CSV = `timestamp,metric,job,value
2026-01-01T00:00:00Z,http_requests_total,api,0
2026-01-01T00:00:00Z,http_requests_total,web,0
2026-01-01T00:01:00Z,http_requests_total,api,60
2026-01-01T00:01:00Z,http_requests_total,web,120
2026-01-01T00:02:00Z,http_requests_total,web,240
2026-01-01T00:02:00Z,http_requests_total,api,120
1767225780000,http_requests_total,api,180
`;

describe('custom-storage, packed and installed', () => {
  let dir = '';
  let project = '';

  const run = (...args: string[]) => {
    const r = spawnSync(
      process.execPath,
      [join(project, 'node_modules', 'tsprom-example-custom-storage', 'dist', 'main.js'), ...args],
      { cwd: project, encoding: 'utf8', timeout: 60_000 },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-custom-storage-'));
    ({ project } = installPackedWorkspacePackages(['tsprom-example-custom-storage'], { dir }));
    writeFileSync(join(project, 'requests.csv'), CSV);
  }, 600_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('answers an instant query over the CSV file', () => {
    const r = run('requests.csv', 'sum by (job) (rate(http_requests_total[2m]))', '2026-01-01T00:02:00Z');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      resultType: 'vector',
      result: [
        { metric: { job: 'api' }, value: [1767225720, '1'] },
        { metric: { job: 'web' }, value: [1767225720, '2'] },
      ],
    });
  });

  it('answers a range query, rows in any order and times in ms or RFC 3339', () => {
    const r = run('requests.csv', 'http_requests_total{job="api"}', '1767225600000', '1767225780000', '60000');
    expect(JSON.parse(r.stdout)).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'http_requests_total', job: 'api' },
          values: [
            [1767225600, '0'],
            [1767225660, '60'],
            [1767225720, '120'],
            [1767225780, '180'],
          ],
        },
      ],
    });
  });

  it('names the line of a CSV file that does not read, and a query that does not parse', () => {
    writeFileSync(join(project, 'bad.csv'), 'timestamp,metric,value\n2026-01-01T00:00:00Z,up,one\n');
    const bad = run('bad.csv', 'up');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('custom-storage: bad.csv:2: value one is not a number\n');
    const parse = run('requests.csv', 'sum(');
    expect(parse.code).toBe(1);
    expect(parse.stderr).toMatch(/^custom-storage: 1:5: parse error: /);
  });
});
