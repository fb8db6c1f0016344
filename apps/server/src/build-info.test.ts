// What tsprom says it is: `--version` in prometheus/common's layout (compared with the real
// Prometheus's), and a version that clients such as Grafana compare as the Prometheus API level.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { buildInfo, PROMETHEUS_VERSION, versionText } from './build-info.js';
import { runTsprom } from './testing/tsprom-process.js';

const prometheusBin = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';

describe('build information', () => {
  it('reports the Prometheus API level, tsprom as build metadata', () => {
    const b = buildInfo();
    expect(b.version).toMatch(/^3\.14\.0\+tsprom\.\d+\.\d+\.\d+$/);
    // As Grafana's data source compares it (the semver package, build metadata ignored).
    expect(semver.valid(b.version)).not.toBeNull();
    expect(semver.gte(b.version, '2.40.0')).toBe(true);
    expect(semver.eq(b.version, PROMETHEUS_VERSION)).toBe(true);
    // From source (no build): no git information was stamped.
    expect([b.revision, b.branch, b.buildUser, b.buildDate]).toEqual(['unknown', '', '', '']);
    expect(b.goVersion).toBe(`node ${process.version}`);
  });

  it('prints --version in the layout Prometheus prints', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-version-'));
    try {
      const r = await runTsprom(['--version'], dir);
      expect(r.code).toBe(0);
      const b = buildInfo();
      expect(r.output).toBe(`${versionText(b)}\n`);
      const lines = r.output.trimEnd().split('\n');
      expect(lines[0]).toBe(`tsprom, version ${b.version} (branch: , revision: unknown)`);
      expect(lines.at(-1)).toBe('  tags:             unknown');

      if (!existsSync(prometheusBin)) {
        if (process.env.CI) throw new Error(`${prometheusBin} is needed to compare --version`);
        return;
      }
      // Prometheus 2.42 predates the `tags` line that 3.x prints last; the rest lines up.
      const theirs = execFileSync(prometheusBin, ['--version'], { encoding: 'utf8' }).trimEnd().split('\n');
      // Each line reduced to its label and the padding before the value.
      const shape = (l: string): string =>
        l.replace(/^\w+, version \S+ \(branch: .*, revision: .*\)$/, 'first').replace(/^(\s+[\w ]+:\s+).*$/, '$1');
      expect(lines.slice(0, theirs.length).map(shape)).toEqual(theirs.map(shape));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
