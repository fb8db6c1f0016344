// Prometheus: discovery/file/file.go SDConfig, DefaultSDConfig, patFileSDName, SetDirectory and
// UnmarshalYAML. The config is pure; the discoverer (file-discovery.ts) is loaded only when run.
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
import { formatDurationMs, parseDurationMs } from './duration.js';
import type { TargetGroup } from './target-group.js';

/** Prometheus patFileSDName: a JSON or YAML file name, with at most one `*` in its last element. */
const FILE_SD_NAME = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

/** A `file_sd_configs` entry Prometheus would refuse; the message is Prometheus's. */
export class FileSDConfigError extends Error {
  override readonly name = 'FileSDConfigError';
}

/** `file_sd_configs` entry: files (globs) of target groups, re-read on change and periodically. */
export class FileSDConfig implements SDConfig {
  readonly name = 'file';
  constructor(
    /** The patterns, relative ones already joined to the config file's directory. */
    readonly files: readonly string[],
    /** How often every file is re-read even without a change notification (ms). Default 5m. */
    readonly refreshIntervalMs: number,
  ) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new LazyFileDiscoverer(this, options);
  }

  toYAML(): unknown {
    return { files: [...this.files], refresh_interval: formatDurationMs(this.refreshIntervalMs) };
  }
}

/** Defers loading the Node file-system discoverer until it runs, keeping this module pure. */
class LazyFileDiscoverer implements Discoverer {
  constructor(
    readonly config: FileSDConfig,
    readonly options: DiscovererOptions,
  ) {}

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    // The file system is reached only here, through `#file-discovery` (Node) so the rest stays universal.
    const { FileDiscoverer } = await import('#file-discovery');
    yield* new FileDiscoverer(this.config, this.options).run(signal);
  }
}

/** Go's filepath.Join-style joining of a relative name onto the config file's directory. */
function joinDir(dir: string | undefined, p: string): string {
  if (p === '' || dir === undefined || dir === '' || p.startsWith('/')) return p;
  const parts: string[] = [];
  for (const seg of `${dir}/${p}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  const joined = parts.join('/');
  return dir.startsWith('/') ? `/${joined}` : joined === '' ? '.' : joined;
}

const KEYS = new Set(['files', 'refresh_interval']);

/** `file_sd_configs`, Prometheus's file-based service discovery. */
export const fileSD: SDMechanism = {
  key: 'file_sd_configs',
  name: 'file',
  parse(raw, ctx) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new FileSDConfigError('file_sd_configs entry must be a mapping');
    }
    const o = raw as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!KEYS.has(k)) throw new FileSDConfigError(`field ${k} not found in type file.plain`);
    }
    const files = o.files ?? [];
    if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) {
      throw new FileSDConfigError('files must be a list of file name patterns');
    }
    if (files.length === 0)
      throw new FileSDConfigError('file service discovery config must contain at least one path name');
    for (const f of files as string[]) {
      if (!FILE_SD_NAME.test(f))
        throw new FileSDConfigError(`path name ${JSON.stringify(f)} is not valid for file discovery`);
    }
    let refreshIntervalMs = 5 * 60_000;
    if (o.refresh_interval !== undefined && o.refresh_interval !== null) {
      refreshIntervalMs = parseDurationMs(String(o.refresh_interval));
    }
    return new FileSDConfig(
      (files as string[]).map((f) => joinDir(ctx.baseDir, f)),
      refreshIntervalMs,
    );
  },
};
