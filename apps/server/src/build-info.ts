// Prometheus: prometheus/common version/info.go (Version, Revision, Branch, BuildUser, BuildDate,
// GoVersion, Print) and web/api/v1 PrometheusVersion: what tsprom says it is, in `--version`,
// `status/buildinfo` and `prometheus_build_info`.
import { readFileSync } from 'node:fs';
import type { BuildInfo as APIBuildInfo } from '@tsprom/api';

/**
 * The Prometheus version whose HTTP API and semantics tsprom follows. Clients such as Grafana
 * detect features from `version`, so it leads the version string and tsprom's own version is
 * semver build metadata (`3.14.0+tsprom.0.1.0` compares as 3.14.0).
 */
export const PROMETHEUS_VERSION = '3.14.0';

/** Set by the build (apps/server/tsup.config.ts) from git; absent when running from source. */
declare const __TSPROM_BUILD__: { revision: string; branch: string; buildUser: string; buildDate: string } | undefined;

/**
 * What the server reports about its build: `status/buildinfo`'s fields (the names are
 * Prometheus's; `goVersion` holds Node's `node v20.20.0`, `revision` is `unknown` when the build
 * did not know the git commit), and what `--version` prints besides.
 */
export interface BuildInfo extends APIBuildInfo {
  readonly program: string;
  /** `linux/x64` (Node's platform and architecture names). */
  readonly platform: string;
  readonly tags: string;
}

/** tsprom's own version (this package's). */
function packageVersion(): string {
  // src/ and the bundled dist/ are both one level below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The build information of this process. */
export function buildInfo(): BuildInfo {
  const b = typeof __TSPROM_BUILD__ === 'undefined' ? undefined : __TSPROM_BUILD__;
  return {
    program: 'tsprom',
    version: `${PROMETHEUS_VERSION}+tsprom.${packageVersion()}`,
    revision: b?.revision || 'unknown',
    branch: b?.branch ?? '',
    buildUser: b?.buildUser ?? '',
    buildDate: b?.buildDate ?? '',
    goVersion: `node ${process.version}`,
    platform: `${process.platform}/${process.arch}`,
    // Go build tags have no Node counterpart; prometheus/common says `unknown` when none are known.
    tags: 'unknown',
  };
}

/** Prometheus: prometheus/common version/info.go Print: the `--version` text (no final newline). */
export function versionText(b: BuildInfo): string {
  return [
    `${b.program}, version ${b.version} (branch: ${b.branch}, revision: ${b.revision})`,
    `  build user:       ${b.buildUser}`,
    `  build date:       ${b.buildDate}`,
    `  go version:       ${b.goVersion}`,
    `  platform:         ${b.platform}`,
    `  tags:             ${b.tags}`,
  ].join('\n');
}
