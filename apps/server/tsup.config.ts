// The shared settings, plus the build information src/build-info.ts reports (as Prometheus's
// Makefile passes it to `go build` through -ldflags): the git commit and branch, who built it and
// when. Outside a git checkout the revision is `unknown`.
import { execFileSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { defineConfig } from 'tsup';
import { sharedOptions } from '../../tooling/config/tsup.shared.js';

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return ''; // Not a checkout, or no git: the build says it does not know.
  }
}

/** Go's `date -u +%Y%m%d-%H:%M:%S`, as Prometheus's builds stamp BuildDate. */
function buildDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const build = {
  revision: git('rev-parse', 'HEAD') || 'unknown',
  branch: git('rev-parse', '--abbrev-ref', 'HEAD'),
  buildUser: `${userInfo().username}@${hostname()}`,
  buildDate: buildDate(new Date()),
};

export default defineConfig({ ...sharedOptions, define: { __TSPROM_BUILD__: JSON.stringify(build) } });
